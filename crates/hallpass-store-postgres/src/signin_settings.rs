use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::store::{SignInOverrides, SignInSettingsStore, StoreError, StoredSignInSettings};

type Row = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<bool>,
    Option<bool>,
    i64,
    i64,
);

#[async_trait]
impl SignInSettingsStore for PostgresStore {
    async fn get_signin_settings(&self) -> Result<StoredSignInSettings, StoreError> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT product_name, logo_url, primary_color, support_email, password, email_code, magic_link,
                    version, updated_at
             FROM signin_settings WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(
            row.map_or_else(StoredSignInSettings::default, |r| StoredSignInSettings {
                overrides: SignInOverrides {
                    product_name: r.0,
                    logo_url: r.1,
                    primary_color: r.2,
                    support_email: r.3,
                    password: r.4,
                    email_code: r.5,
                    magic_link: r.6,
                },
                version: r.7,
                updated_at: Some(Timestamp(r.8)),
            }),
        )
    }

    async fn put_signin_settings(
        &self,
        expected_version: i64,
        overrides: &SignInOverrides,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        // The first change inserts the row; later ones move it from the version they read.
        let sql = if expected_version == 0 {
            "INSERT INTO signin_settings (product_name, logo_url, primary_color, support_email, password,
                 email_code, magic_link, version, updated_at, id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8 + 1, $9, 1)
             ON CONFLICT (id) DO NOTHING"
        } else {
            "UPDATE signin_settings SET product_name = $1, logo_url = $2, primary_color = $3,
                 support_email = $4, password = $5, email_code = $6, magic_link = $7,
                 version = $8 + 1, updated_at = $9
             WHERE id = 1 AND version = $8"
        };
        let o = overrides;
        let done = sqlx::query(sql)
            .bind(&o.product_name)
            .bind(&o.logo_url)
            .bind(&o.primary_color)
            .bind(&o.support_email)
            .bind(o.password)
            .bind(o.email_code)
            .bind(o.magic_link)
            .bind(expected_version)
            .bind(now.0)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }
}
