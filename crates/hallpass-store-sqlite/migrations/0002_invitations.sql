CREATE TABLE invitations (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    roles           TEXT NOT NULL,
    client_id       TEXT REFERENCES clients (id) ON DELETE SET NULL,
    invited_by      TEXT,
    token_hash      BLOB NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    settled_at      INTEGER,
    accepted_by     TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invitations_by_organization ON invitations (organization_id, id);
-- One pending invitation per address and organization.
CREATE UNIQUE INDEX invitations_pending_per_address ON invitations (organization_id, email) WHERE status = 'pending';
