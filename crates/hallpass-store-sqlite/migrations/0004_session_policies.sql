CREATE TABLE organization_session_policies (
    organization_id TEXT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    idle_secs       INTEGER NOT NULL,
    absolute_secs   INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
