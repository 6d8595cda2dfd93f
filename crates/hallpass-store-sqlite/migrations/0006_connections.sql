-- Connections to upstream identity providers (enterprise SSO per organization,
-- social sign-in environment-wide) and the accounts users hold there.
CREATE TABLE connections (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('oidc', 'google', 'microsoft', 'github', 'saml')),
    organization_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    sso_required    INTEGER NOT NULL,
    config          TEXT NOT NULL,
    sealed_secrets  BLOB,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX connections_organization ON connections (organization_id);

CREATE TABLE connection_domains (
    domain        TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX connection_domains_connection ON connection_domains (connection_id);

CREATE TABLE user_identities (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (connection_id, subject)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_identities_user ON user_identities (user_id);
