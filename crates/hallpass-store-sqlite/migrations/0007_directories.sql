-- SCIM directories (issue 15): per organization, a bearer token kept as its
-- SHA-256, the resources its identity provider wrote, and suspension of
-- memberships (SCIM `active: false`).
ALTER TABLE memberships ADD COLUMN suspended_at INTEGER;

CREATE TABLE directories (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    token_hash      BLOB NOT NULL UNIQUE,
    group_roles     TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX directories_by_organization ON directories (organization_id, id);

CREATE TABLE scim_resources (
    directory_id TEXT NOT NULL REFERENCES directories (id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('User', 'Group')),
    unique_key   TEXT,
    external_id  TEXT,
    user_id      TEXT REFERENCES users (id) ON DELETE SET NULL,
    document     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (directory_id, id)
) STRICT, WITHOUT ROWID;
-- userName is unique in a directory (NULL keys, as Groups have, never clash).
CREATE UNIQUE INDEX scim_resources_unique_key ON scim_resources (directory_id, kind, unique_key);
CREATE INDEX scim_resources_by_kind ON scim_resources (directory_id, kind, id);
CREATE INDEX scim_resources_by_user ON scim_resources (user_id) WHERE user_id IS NOT NULL;
