-- Sign-in settings an operator changed from the configuration (branding and
-- methods): one row for the installation; NULL is "as configured".
CREATE TABLE signin_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    product_name  TEXT,
    logo_url      TEXT,
    primary_color TEXT,
    support_email TEXT,
    password      INTEGER,
    email_code    INTEGER,
    magic_link    INTEGER,
    version       INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
