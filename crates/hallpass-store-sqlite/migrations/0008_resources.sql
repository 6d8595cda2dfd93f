-- Resources (RFC 8707): the APIs and MCP servers tokens are issued for.
CREATE TABLE resources (
    id                    TEXT PRIMARY KEY,
    identifier            TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    scopes                TEXT NOT NULL,
    access_token_ttl_secs INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;

-- The resource a code and a refresh family are bound to, by identifier.
ALTER TABLE authorization_codes ADD COLUMN resource TEXT;
ALTER TABLE refresh_families ADD COLUMN resource TEXT;

-- How a client came to be: 'admin' (first-party), 'dynamic' (RFC 7591) or
-- 'metadata_document'; the RFC 7592 registration access token's hash.
ALTER TABLE clients ADD COLUMN registration TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE clients ADD COLUMN registration_token_hash BLOB;
ALTER TABLE clients ADD COLUMN client_uri TEXT;

-- A user's consent to a third-party client, per resource ('' for none): the
-- scopes granted. Withdrawing it revokes that client's refresh families.
CREATE TABLE consents (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    resource   TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, client_id, resource)
) STRICT;
