-- Who may open the admin console. A deleted user leaves it.
CREATE TABLE console_admins (
    user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    added_at BIGINT NOT NULL
);

-- The console finds users by the start of their address: LIKE 'prefix%'
-- uses a btree index only under pattern (byte-wise) ordering.
CREATE INDEX users_email_prefix ON users (email_normalized text_pattern_ops);

-- The overview counts sign-ins of the last day without reading older events.
CREATE INDEX audit_events_kind_at ON audit_events (kind, at);
