-- The seed's workflow tables (section 4.1) and indexes (section 10.1), with time zones on every
-- timestamp and the columns the engine and the API need for filtering, retries and audit.

CREATE TABLE workflows (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL UNIQUE CHECK (name <> ''),
    target       text NOT NULL CHECK (target <> '' AND length(target) <= 50),
    description  text,
    -- JSON Schema of the workflow's form, generated from its zod schema for the dashboard.
    form_schema  jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processes (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workflow_id       uuid NOT NULL REFERENCES workflows (id),
    -- Copied from workflows.name so that listing and filtering processes needs no join.
    workflow_name     text NOT NULL,
    status            text NOT NULL DEFAULT 'created'
                      CHECK (status IN ('created', 'running', 'waiting', 'completed', 'failed', 'cancelled')),
    intent_kind       text,
    intent_name       text,
    correlation_id    text,
    -- The audit user: the API token's name, or the component that started the process.
    created_by        text,
    form_data         jsonb NOT NULL DEFAULT '{}'::jsonb,
    state             jsonb NOT NULL DEFAULT '{}'::jsonb,
    current_step      text,
    library_revision  text,
    intent_revision   text,
    error             jsonb,
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    completed_at      timestamptz,
    CONSTRAINT processes_intent_complete CHECK ((intent_kind IS NULL) = (intent_name IS NULL))
);

CREATE TABLE process_steps (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    process_id     uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    step_name      text NOT NULL CHECK (step_name <> ''),
    -- Order of the step in its workflow, from 0.
    position       integer NOT NULL CHECK (position >= 0),
    status         text NOT NULL DEFAULT 'created'
                   CHECK (status IN ('created', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped')),
    -- A retried step gets a new row with the next attempt number; earlier attempts stay as history.
    attempt        integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    input_data     jsonb NOT NULL DEFAULT '{}'::jsonb,
    output_data    jsonb NOT NULL DEFAULT '{}'::jsonb,
    error_message  text,
    error          jsonb,
    started_at     timestamptz,
    completed_at   timestamptz,
    -- Also serves the seed's idx_process_steps_process_id: process_id leads this index.
    CONSTRAINT process_steps_process_position_attempt_key UNIQUE (process_id, position, attempt)
);

CREATE TABLE audit_log (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Audit outlives the process it came from.
    process_id       uuid REFERENCES processes (id) ON DELETE SET NULL,
    action           text NOT NULL CHECK (action <> ''),
    object_kind      text,
    object_identity  text,
    netbox_id        bigint,
    before           jsonb,
    after            jsonb,
    details          jsonb,
    intent_kind      text,
    intent_name      text,
    correlation_id   text,
    user_id          text,
    timestamp        timestamptz NOT NULL DEFAULT now()
);

-- The seed's indexes keep their names; where the API pages newest first (keyset on
-- created_at, id) the seed's single-column index is widened rather than duplicated.
CREATE INDEX idx_processes_created_at ON processes (created_at DESC, id DESC);
CREATE INDEX idx_processes_status ON processes (status, created_at DESC, id DESC);
CREATE INDEX idx_processes_workflow_id ON processes (workflow_id);
CREATE INDEX idx_processes_workflow_name ON processes (workflow_name, created_at DESC, id DESC);
CREATE INDEX idx_processes_intent ON processes (intent_kind, intent_name, created_at DESC, id DESC)
    WHERE intent_kind IS NOT NULL;
CREATE INDEX idx_audit_log_process_id ON audit_log (process_id);
CREATE INDEX idx_audit_log_timestamp ON audit_log (timestamp DESC, id DESC);
CREATE INDEX idx_audit_log_object ON audit_log (object_kind, object_identity, timestamp DESC);
CREATE INDEX idx_audit_log_intent ON audit_log (intent_kind, intent_name, timestamp DESC)
    WHERE intent_kind IS NOT NULL;
