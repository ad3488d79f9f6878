-- Engine events in commit order (issue 18). Every process event is written in the same
-- statement as the change it describes, numbered by processes.event_seq: that statement holds
-- the process row's lock until it commits, so a process's sequence numbers follow commit order
-- whichever worker, API replica or controller wrote them. Subscribers deliver events of a
-- process in that order and fill a gap (an event late or lost on Redis) from this table.

ALTER TABLE processes ADD COLUMN event_seq integer NOT NULL DEFAULT 0 CHECK (event_seq >= 0);

CREATE TABLE process_events (
    process_id  uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    -- 1, 2, 3... per process, without gaps.
    seq         integer NOT NULL CHECK (seq >= 1),
    type        text NOT NULL
                CHECK (type IN ('process.created', 'process.updated', 'process.finished', 'step.updated', 'drift.changed')),
    -- The process's status (process.*) or the step's (step.updated) right after the change.
    status      text,
    -- step.updated: {name, position, attempt, status}.
    step        jsonb,
    -- drift.changed: the intent whose drift rows changed.
    intent      jsonb,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (process_id, seq)
);

-- Catch-up after a lost Redis subscription reads the events written since a point in time.
CREATE INDEX idx_process_events_at ON process_events (at);
