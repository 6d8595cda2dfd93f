use crate::rows::{exec, get, one};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::store::{SignInOverrides, SignInSettingsStore, StoreError, StoredSignInSettings};
use rusqlite::params;

#[async_trait]
impl SignInSettingsStore for SqliteStore {
    async fn get_signin_settings(&self) -> Result<StoredSignInSettings, StoreError> {
        self.db
            .read(|c| {
                let stored = one(
                    c,
                    "SELECT product_name, logo_url, primary_color, support_email, password, email_code,
                            magic_link, version, updated_at
                     FROM signin_settings WHERE id = 1",
                    [],
                    |r| {
                        Ok(StoredSignInSettings {
                            overrides: SignInOverrides {
                                product_name: get(r, "product_name")?,
                                logo_url: get(r, "logo_url")?,
                                primary_color: get(r, "primary_color")?,
                                support_email: get(r, "support_email")?,
                                password: get(r, "password")?,
                                email_code: get(r, "email_code")?,
                                magic_link: get(r, "magic_link")?,
                            },
                            version: get(r, "version")?,
                            updated_at: Some(Timestamp(get(r, "updated_at")?)),
                        })
                    },
                )?;
                Ok(stored.unwrap_or_default())
            })
            .await
    }

    async fn put_signin_settings(
        &self,
        expected_version: i64,
        overrides: &SignInOverrides,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let o = overrides.clone();
        self.db
            .write(move |tx| {
                // The first change inserts the row; later ones move it from the version they read.
                let sql = if expected_version == 0 {
                    "INSERT INTO signin_settings (product_name, logo_url, primary_color, support_email, password,
                         email_code, magic_link, version, updated_at, id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 + 1, ?9, 1)
                     ON CONFLICT (id) DO NOTHING"
                } else {
                    "UPDATE signin_settings SET product_name = ?1, logo_url = ?2, primary_color = ?3,
                         support_email = ?4, password = ?5, email_code = ?6, magic_link = ?7,
                         version = ?8 + 1, updated_at = ?9
                     WHERE id = 1 AND version = ?8"
                };
                let written = exec(
                    tx,
                    sql,
                    params![
                        o.product_name,
                        o.logo_url,
                        o.primary_color,
                        o.support_email,
                        o.password,
                        o.email_code,
                        o.magic_link,
                        expected_version,
                        now.0
                    ],
                )?;
                Ok(written == 1)
            })
            .await
    }
}
