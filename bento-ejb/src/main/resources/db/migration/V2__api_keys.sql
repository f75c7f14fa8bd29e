-- API keys of the Bonsai API. Only a SHA-256 of each key is stored: a leaked table does not
-- leak keys. A key belongs to one user; every read of the API is scoped to that user.
CREATE TABLE api_keys (
    key_hash   CHAR(64)    PRIMARY KEY,              -- lowercase hex SHA-256 of the key
    user_id    TEXT        NOT NULL,
    label      TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_keys_user ON api_keys (user_id);
