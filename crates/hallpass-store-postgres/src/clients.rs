use crate::rows::{damaged, get, hash, json, opt_hash, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::ids::{ClientId, SecretId};
use hallpass_core::store::{Client, ClientKind, ClientSecret, ClientStore, Registration, StoreError};
use hallpass_core::values::RedirectUri;
use sqlx::postgres::PgRow;

const COLUMNS: &str = "id, name, kind, redirect_uris, post_logout_redirect_uris, initiate_login_uri,
    backchannel_logout_uri, native, granted_scopes, access_token_ttl_secs, id_token_algorithm, created_at, updated_at,
    registration, registration_token_hash, client_uri";

fn uris(row: &PgRow, column: &str) -> Result<Vec<RedirectUri>, StoreError> {
    let list: Vec<String> = json(row, column)?;
    Ok(list.into_iter().map(RedirectUri::from_trusted).collect())
}

fn client(row: &PgRow) -> Result<Client, StoreError> {
    let kind: String = get(row, "kind")?;
    let algorithm: String = get(row, "id_token_algorithm")?;
    let registration: String = get(row, "registration")?;
    let ttl: Option<i64> = get(row, "access_token_ttl_secs")?;
    Ok(Client {
        id: ClientId::from_trusted(get(row, "id")?),
        name: get(row, "name")?,
        kind: ClientKind::parse(&kind).ok_or_else(|| damaged("kind"))?,
        redirect_uris: uris(row, "redirect_uris")?,
        post_logout_redirect_uris: uris(row, "post_logout_redirect_uris")?,
        initiate_login_uri: get(row, "initiate_login_uri")?,
        backchannel_logout_uri: get(row, "backchannel_logout_uri")?,
        native: get(row, "native")?,
        granted_scopes: json(row, "granted_scopes")?,
        access_token_ttl_secs: ttl
            .map(|t| u32::try_from(t).map_err(|_| damaged("access_token_ttl_secs")))
            .transpose()?,
        id_token_algorithm: algorithm.parse().map_err(|_| damaged("id_token_algorithm"))?,
        registration: Registration::parse(&registration).ok_or_else(|| damaged("registration"))?,
        registration_token_hash: opt_hash(row, "registration_token_hash")?,
        client_uri: get(row, "client_uri")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

fn secret(row: &PgRow) -> Result<ClientSecret, StoreError> {
    Ok(ClientSecret {
        id: SecretId::from_trusted(get(row, "id")?),
        client_id: ClientId::from_trusted(get(row, "client_id")?),
        hash: hash(row, "secret_hash")?,
        created_at: ts(row, "created_at")?,
    })
}

fn uri_list(list: &[RedirectUri]) -> String {
    to_json(&list.iter().map(RedirectUri::as_str).collect::<Vec<_>>())
}

#[async_trait]
impl ClientStore for PostgresStore {
    async fn insert_client(&self, c: &Client, first_secret: Option<&ClientSecret>) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO clients (id, name, kind, redirect_uris, post_logout_redirect_uris, initiate_login_uri,
                 backchannel_logout_uri, native, granted_scopes, access_token_ttl_secs, id_token_algorithm, created_at, updated_at,
                 registration, registration_token_hash, client_uri)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(c.id.as_str())
        .bind(&c.name)
        .bind(c.kind.as_str())
        .bind(uri_list(&c.redirect_uris))
        .bind(uri_list(&c.post_logout_redirect_uris))
        .bind(&c.initiate_login_uri)
        .bind(&c.backchannel_logout_uri)
        .bind(c.native)
        .bind(to_json(&c.granted_scopes))
        .bind(c.access_token_ttl_secs.map(i64::from))
        .bind(c.id_token_algorithm.as_str())
        .bind(c.created_at.0)
        .bind(c.updated_at.0)
        .bind(c.registration.as_str())
        .bind(c.registration_token_hash.as_ref().map(|h| h.as_bytes().to_vec()))
        .bind(&c.client_uri)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if let Some(s) = first_secret {
            insert_secret(&mut tx, s).await?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn get_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(client).transpose()
    }

    async fn list_clients(&self, after: Option<&ClientId>, limit: u32) -> Result<Vec<Client>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM clients WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(client).collect()
    }

    async fn update_client(&self, c: &Client) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE clients SET name = $1, kind = $2, redirect_uris = $3, post_logout_redirect_uris = $4, initiate_login_uri = $5,
                 backchannel_logout_uri = $6, native = $7, granted_scopes = $8, access_token_ttl_secs = $9, id_token_algorithm = $10,
                 updated_at = $11, registration_token_hash = $12, client_uri = $13
             WHERE id = $14",
        )
        .bind(&c.name)
        .bind(c.kind.as_str())
        .bind(uri_list(&c.redirect_uris))
        .bind(uri_list(&c.post_logout_redirect_uris))
        .bind(&c.initiate_login_uri)
        .bind(&c.backchannel_logout_uri)
        .bind(c.native)
        .bind(to_json(&c.granted_scopes))
        .bind(c.access_token_ttl_secs.map(i64::from))
        .bind(c.id_token_algorithm.as_str())
        .bind(c.updated_at.0)
        .bind(c.registration_token_hash.as_ref().map(|h| h.as_bytes().to_vec()))
        .bind(&c.client_uri)
        .bind(c.id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_client(&self, id: &ClientId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM clients WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn count_clients(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn add_client_secret(&self, s: &ClientSecret) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        // Locking the client row serializes concurrent additions, so the limit holds.
        let locked = sqlx::query("SELECT id FROM clients WHERE id = $1 FOR UPDATE")
            .bind(s.client_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        if locked.is_none() {
            return Err(StoreError::NotFound);
        }
        let secrets: i64 = sqlx::query_scalar("SELECT count(*) FROM client_secrets WHERE client_id = $1")
            .bind(s.client_id.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        if secrets >= 2 {
            return Err(StoreError::Limit(
                "the client already has two active secrets; delete one first",
            ));
        }
        insert_secret(&mut tx, s).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn list_client_secrets(&self, client_id: &ClientId) -> Result<Vec<ClientSecret>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, client_id, secret_hash, created_at FROM client_secrets WHERE client_id = $1 ORDER BY id",
        )
        .bind(client_id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(secret).collect()
    }

    async fn delete_client_secret(&self, client_id: &ClientId, secret_id: &SecretId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM client_secrets WHERE client_id = $1 AND id = $2")
            .bind(client_id.as_str())
            .bind(secret_id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }
}

async fn insert_secret(tx: &mut sqlx::PgConnection, s: &ClientSecret) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO client_secrets (id, client_id, secret_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(s.id.as_str())
        .bind(s.client_id.as_str())
        .bind(s.hash.as_bytes().as_slice())
        .bind(s.created_at.0)
        .execute(tx)
        .await
        .map_err(map_err)?;
    Ok(())
}
