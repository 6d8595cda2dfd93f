CREATE TABLE organization_session_policies (
    organization_id TEXT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    idle_secs       BIGINT NOT NULL,
    absolute_secs   BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
