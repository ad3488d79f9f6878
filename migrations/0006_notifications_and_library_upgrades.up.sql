-- Library upgrades the controller noticed but did not apply (the intent or the installation pins
-- the library), with their preview; outgoing notification channels defined as Notification
-- resources; and the delivery log of every notification.

CREATE TABLE library_upgrades (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    intent_id      uuid NOT NULL REFERENCES intents (id) ON DELETE CASCADE,
    -- The revision the intent uses (its pin) and the newer revision upstream.
    from_revision  text NOT NULL,
    to_revision    text NOT NULL,
    -- available: not taken yet; superseded: a newer revision was previewed since.
    status         text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'superseded')),
    -- What taking the upgrade would do to this intent (counts, first operations) ...
    effect         jsonb NOT NULL,
    -- ... and the library's own changes between the two revisions (files, models).
    changes        jsonb NOT NULL,
    process_id     uuid REFERENCES processes (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT library_upgrades_intent_revision_key UNIQUE (intent_id, to_revision)
);

CREATE INDEX idx_library_upgrades_status ON library_upgrades (status, created_at DESC);

CREATE TABLE notification_channels (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (name <> ''),
    -- The intent source the Notification resource came from; a source's sync replaces its own.
    source      text NOT NULL,
    revision    text,
    spec        jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_channels_name_key UNIQUE (name)
);

CREATE TABLE notification_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    channel          text NOT NULL,
    event_type       text NOT NULL,
    intent_kind      text,
    intent_name      text,
    -- The JSON event (never secrets); the body sent is rendered from it per channel format.
    event            jsonb NOT NULL,
    -- pending: to be sent (again) at next_attempt_at; delivered; failed: gave up;
    -- suppressed: over the channel's rate limit, not sent.
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'suppressed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);

CREATE INDEX idx_notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
-- The rate limit counts a channel's recent deliveries per event and intent.
CREATE INDEX idx_notification_deliveries_window ON notification_deliveries (channel, event_type, intent_kind, intent_name, created_at DESC);
CREATE INDEX idx_notification_deliveries_created ON notification_deliveries (created_at DESC);
