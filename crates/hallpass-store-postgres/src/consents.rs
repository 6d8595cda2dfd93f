use crate::rows::{get, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::{ClientId, UserId};
use hallpass_core::store::{Consent, ConsentStore, StoreError};
use sqlx::postgres::PgRow;

const COLUMNS: &str = "user_id, client_id, resource, scopes, granted_at";

fn consent(row: &PgRow) -> Result<Consent, StoreError> {
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
impl ConsentStore for PostgresStore {
    async fn find_consent(
        &self,
        user: &UserId,
        client: &ClientId,
        resource: Option<&str>,
    ) -> Result<Option<Consent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM consents WHERE user_id = $1 AND client_id = $2 AND resource = $3");
        let row = sqlx::query(&sql)
            .bind(user.as_str())
            .bind(client.as_str())
            .bind(resource.unwrap_or_default())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(consent).transpose()
    }

    async fn put_consent(&self, k: &Consent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO consents (user_id, client_id, resource, scopes, granted_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, client_id, resource) DO UPDATE SET scopes = excluded.scopes,
                 granted_at = excluded.granted_at",
        )
        .bind(k.user_id.as_str())
        .bind(k.client_id.as_str())
        .bind(k.resource.as_deref().unwrap_or_default())
        .bind(to_json(&k.scopes))
        .bind(k.granted_at.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_user_consents(&self, user: &UserId) -> Result<Vec<Consent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM consents WHERE user_id = $1 ORDER BY client_id, resource");
        let rows = sqlx::query(&sql)
            .bind(user.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(consent).collect()
    }

    async fn withdraw_consent(
        &self,
        user: &UserId,
        client: &ClientId,
        resource: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let removed = sqlx::query("DELETE FROM consents WHERE user_id = $1 AND client_id = $2 AND resource = $3")
            .bind(user.as_str())
            .bind(client.as_str())
            .bind(resource.unwrap_or_default())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if removed.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE refresh_families SET revoked_at = $1 WHERE user_id = $2 AND client_id = $3 AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(user.as_str())
        .bind(client.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }
}
