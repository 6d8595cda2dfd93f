-- Connections to upstream identity providers (enterprise SSO per organization,
-- social sign-in environment-wide) and the accounts users hold there.
CREATE TABLE connections (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('oidc', 'google', 'microsoft', 'github', 'saml')),
    organization_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL,
    sso_required    BOOLEAN NOT NULL,
    config          TEXT NOT NULL,
    sealed_secrets  BYTEA,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX connections_organization ON connections (organization_id);

CREATE TABLE connection_domains (
    domain        TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE
);
CREATE INDEX connection_domains_connection ON connection_domains (connection_id);

CREATE TABLE user_identities (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (connection_id, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);
