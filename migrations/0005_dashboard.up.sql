-- What the dashboard needs beyond the current drift: drift totals over time, why an object is
-- unmanaged or blocked, and an operator's suspension of an intent that its source cannot express.

-- One row each time a reconcile found an intent's drift counts different from the last row, so
-- the drift-over-time chart reads a handful of rows per intent instead of every process.
CREATE TABLE drift_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    intent_id    uuid NOT NULL REFERENCES intents (id) ON DELETE CASCADE,
    process_id   uuid REFERENCES processes (id) ON DELETE SET NULL,
    -- action -> number of drift rows, e.g. {"update": 3, "unmanaged": 1}; {} when in sync.
    counts       jsonb NOT NULL DEFAULT '{}'::jsonb,
    total        integer NOT NULL CHECK (total >= 0),
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_drift_history_intent ON drift_history (intent_id, recorded_at DESC);

-- The engine's reason for unmanaged and blocked objects (e.g. "device type has 3 devices").
ALTER TABLE drift ADD COLUMN reason text;

-- Suspended by an operator (API/dashboard), on top of the source's spec.suspend. Intent syncs
-- keep the status 'suspended' while suspended_at is set; resume clears these columns.
ALTER TABLE intents
    ADD COLUMN suspended_by text,
    ADD COLUMN suspended_at timestamptz,
    ADD COLUMN suspend_message text;

-- The engine reports templates added by hand to owned types as 'extra' drift.
ALTER TABLE drift DROP CONSTRAINT IF EXISTS drift_action_check;
ALTER TABLE drift ADD CONSTRAINT drift_action_check CHECK (action IN ('create', 'update', 'delete', 'extra', 'unmanaged', 'blocked'));
