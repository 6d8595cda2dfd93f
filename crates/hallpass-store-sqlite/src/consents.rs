use crate::rows::{all, exec, get, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::{ClientId, UserId};
use hallpass_core::store::{Consent, ConsentStore, StoreError};
use rusqlite::{params, Row};

const SELECT: &str = "SELECT user_id, client_id, resource, scopes, granted_at FROM consents";

fn consent(row: &Row<'_>) -> Result<Consent, StoreError> {
    let resource: String = get(row, "resource")?;
    Ok(Consent {
        user_id: UserId::from_trusted(get(row, "user_id")?),
        client_id: ClientId::from_trusted(get(row, "client_id")?),
        resource: (!resource.is_empty()).then_some(resource),
        scopes: json(row, "scopes")?,
        granted_at: ts(row, "granted_at")?,
    })
}

#[async_trait]
impl ConsentStore for SqliteStore {
    async fn find_consent(
        &self,
        user: &UserId,
        client: &ClientId,
        resource: Option<&str>,
    ) -> Result<Option<Consent>, StoreError> {
        let keys = [
            user.to_string(),
            client.to_string(),
            resource.unwrap_or_default().to_owned(),
        ];
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("{SELECT} WHERE user_id = ? AND client_id = ? AND resource = ?"),
                    keys,
                    consent,
                )
            })
            .await
    }

    async fn put_consent(&self, k: &Consent) -> Result<(), StoreError> {
        let k = k.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO consents (user_id, client_id, resource, scopes, granted_at) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (user_id, client_id, resource) DO UPDATE SET scopes = excluded.scopes,
                         granted_at = excluded.granted_at",
                    params![
                        k.user_id.as_str(),
                        k.client_id.as_str(),
                        k.resource.unwrap_or_default(),
                        to_json(&k.scopes),
                        k.granted_at.0
                    ],
                )
                .map(|_| ())
            })
            .await
    }

    async fn list_user_consents(&self, user: &UserId) -> Result<Vec<Consent>, StoreError> {
        let user = user.to_string();
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE user_id = ? ORDER BY client_id, resource"),
                    [user],
                    consent,
                )
            })
            .await
    }

    async fn withdraw_consent(
        &self,
        user: &UserId,
        client: &ClientId,
        resource: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (user, client, resource) = (
            user.to_string(),
            client.to_string(),
            resource.unwrap_or_default().to_owned(),
        );
        self.db
            .write(move |tx| {
                let removed = exec(
                    tx,
                    "DELETE FROM consents WHERE user_id = ? AND client_id = ? AND resource = ?",
                    [&user, &client, &resource],
                )?;
                if removed == 0 {
                    return Ok(false);
                }
                exec(
                    tx,
                    "UPDATE refresh_families SET revoked_at = ? WHERE user_id = ? AND client_id = ? AND revoked_at IS NULL",
                    params![now.0, user, client],
                )?;
                Ok(true)
            })
            .await
    }
}
