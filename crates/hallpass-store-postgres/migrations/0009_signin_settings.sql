-- Sign-in settings an operator changed from the configuration (branding and
-- methods): one row for the installation; NULL is "as configured".
CREATE TABLE signin_settings (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    product_name  TEXT,
    logo_url      TEXT,
    primary_color TEXT,
    support_email TEXT,
    password      BOOLEAN,
    email_code    BOOLEAN,
    magic_link    BOOLEAN,
    version       BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
