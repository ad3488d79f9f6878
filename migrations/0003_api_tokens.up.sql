-- API tokens (issue 6). Only the SHA-256 of a token is stored; the token itself is shown once.

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL UNIQUE CHECK (name <> ''),
    role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    token_hash    text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- The token's first characters, so people can tell tokens apart in listings.
    prefix        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
