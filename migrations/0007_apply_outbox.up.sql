-- The apply outbox: one row per bulk write, recorded before the write is sent and removed in the
-- same statement that writes its audit rows (or once its answer says nothing landed). A row still
-- here belongs to a write whose outcome nobody saw — the process was killed, or a fault stopped
-- the apply — and is resolved by reading NetBox back; what landed is audited as confirmed after a
-- restart. So audit rows equal the objects written, whatever point a worker was killed at.
CREATE TABLE apply_outbox (
    chunk_id    uuid PRIMARY KEY,
    process_id  uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    object_kind text NOT NULL,
    action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    attempt     integer NOT NULL,
    -- The chunk as sent: operations (kind, identity, intents) and request bodies.
    chunk       jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_apply_outbox_process ON apply_outbox (process_id);
