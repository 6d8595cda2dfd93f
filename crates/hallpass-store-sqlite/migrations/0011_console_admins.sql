-- Who may open the admin console. A deleted user leaves it.
CREATE TABLE console_admins (
    user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    added_at INTEGER NOT NULL
) STRICT;

-- The overview counts sign-ins of the last day without reading older events.
CREATE INDEX audit_events_kind_at ON audit_events (kind, at);
