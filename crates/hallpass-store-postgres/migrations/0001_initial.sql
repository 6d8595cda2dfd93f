-- Hallpass schema on PostgreSQL. Times are Unix seconds; secrets are stored only as SHA-256 hashes.

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    email_verified   BOOLEAN NOT NULL DEFAULT FALSE,
    name             TEXT,
    password_hash    TEXT,
    external_id      TEXT UNIQUE,
    metadata         TEXT NOT NULL DEFAULT '{}',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    external_id TEXT UNIQUE,
    metadata    TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE permissions (
    name       TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE roles (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_environment_name ON roles (name) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX roles_organization_name ON roles (organization_id, name) WHERE organization_id IS NOT NULL;

CREATE TABLE role_permissions (
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE memberships (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status          TEXT NOT NULL CHECK (status IN ('active', 'pending', 'expired')),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE membership_roles (
    organization_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    role_id         TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (organization_id, user_id, role_id),
    FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);

CREATE TABLE clients (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL,
    kind                      TEXT NOT NULL CHECK (kind IN ('confidential', 'public')),
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    initiate_login_uri        TEXT,
    backchannel_logout_uri    TEXT,
    native                    BOOLEAN NOT NULL,
    granted_scopes            TEXT NOT NULL,
    access_token_ttl_secs     BIGINT,
    id_token_algorithm        TEXT NOT NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL
);

CREATE TABLE client_secrets (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    secret_hash BYTEA NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);

CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY,
    token_hash          BYTEA NOT NULL UNIQUE,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id     TEXT REFERENCES organizations (id) ON DELETE SET NULL,
    amr                 TEXT NOT NULL,
    auth_time           BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    last_active_at      BIGINT NOT NULL,
    idle_expires_at     BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    ended_at            BIGINT,
    end_reason          TEXT,
    user_agent          TEXT,
    ip                  TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);

CREATE TABLE authorization_codes (
    code_hash       BYTEA PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    redirect_uri    TEXT NOT NULL,
    scope           TEXT NOT NULL,
    nonce           TEXT,
    code_challenge  TEXT,
    organization_id TEXT,
    auth_time       BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    consumed_at     BIGINT
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

CREATE TABLE refresh_families (
    id                      TEXT PRIMARY KEY,
    session_id              TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id               TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id                 TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope                   TEXT NOT NULL,
    organization_id         TEXT,
    authorization_code_hash BYTEA,
    created_at              BIGINT NOT NULL,
    revoked_at              BIGINT
);
CREATE INDEX refresh_families_session ON refresh_families (session_id);
CREATE INDEX refresh_families_code ON refresh_families (authorization_code_hash);

CREATE TABLE refresh_tokens (
    token_hash BYTEA PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE signing_keys (
    id                    TEXT PRIMARY KEY,
    algorithm             TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    encrypted_private_key BYTEA NOT NULL,
    public_jwk            TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    retired_at            BIGINT,
    unpublish_at          BIGINT
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (algorithm) WHERE status = 'active';

CREATE TABLE one_time_tokens (
    id           TEXT PRIMARY KEY,
    purpose      TEXT NOT NULL,
    email        TEXT NOT NULL,
    token_hash   BYTEA NOT NULL,
    payload      TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    consumed_at  BIGINT
);
CREATE INDEX one_time_tokens_hash ON one_time_tokens (token_hash);
CREATE INDEX one_time_tokens_live ON one_time_tokens (purpose, email) WHERE consumed_at IS NULL;

CREATE TABLE audit_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT,
    user_id    TEXT,
    ip         TEXT,
    user_agent TEXT,
    details    TEXT NOT NULL
);
CREATE INDEX audit_events_user ON audit_events (user_id, id);
CREATE INDEX audit_events_kind ON audit_events (kind, id);
CREATE INDEX audit_events_at ON audit_events (at);
