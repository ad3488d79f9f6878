-- Intents as loaded from their source (Git, folder, Kubernetes), their revision history, and the
-- drift the last diff found for each of them.

CREATE TABLE intents (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind               text NOT NULL CHECK (kind <> ''),
    name               text NOT NULL CHECK (name <> ''),
    -- Where the intent came from, e.g. a Git URL and path, a folder, or a Kubernetes namespace.
    source             text NOT NULL,
    -- The source's revision the current spec was loaded at (a commit SHA, resourceVersion, ...).
    revision           text,
    spec               jsonb NOT NULL,
    status             text NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'removed', 'suspended', 'invalid')),
    -- Why the intent is invalid or suspended, for the dashboard.
    status_message     text,
    mode               text NOT NULL DEFAULT 'observe' CHECK (mode IN ('observe', 'enforce')),
    last_reconcile_at  timestamptz,
    last_process_id    uuid REFERENCES processes (id) ON DELETE SET NULL,
    removed_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT intents_kind_name_key UNIQUE (kind, name)
);

CREATE TABLE intent_revisions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    intent_id    uuid NOT NULL REFERENCES intents (id) ON DELETE CASCADE,
    revision     text NOT NULL,
    spec         jsonb NOT NULL,
    source       text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT intent_revisions_intent_revision_key UNIQUE (intent_id, revision)
);

CREATE TABLE drift (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    intent_id    uuid NOT NULL REFERENCES intents (id) ON DELETE CASCADE,
    object_kind  text NOT NULL CHECK (object_kind <> ''),
    identity     text NOT NULL CHECK (identity <> ''),
    action       text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'unmanaged', 'blocked')),
    -- field -> {"before": ..., "after": ...}
    diff         jsonb NOT NULL DEFAULT '{}'::jsonb,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    -- intent_id leads this index, so it also serves lookups of one intent's drift.
    CONSTRAINT drift_intent_object_key UNIQUE (intent_id, object_kind, identity)
);

CREATE INDEX idx_intents_status ON intents (status);
CREATE INDEX idx_intents_last_process_id ON intents (last_process_id);
CREATE INDEX idx_intent_revisions_recorded_at ON intent_revisions (intent_id, recorded_at DESC);
