use crate::rows::{damaged, get, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::ids::ResourceId;
use hallpass_core::store::{Resource, ResourceStore, StoreError};
use sqlx::postgres::PgRow;

const COLUMNS: &str = "id, identifier, name, scopes, access_token_ttl_secs, created_at, updated_at";

fn resource(row: &PgRow) -> Result<Resource, StoreError> {
    let ttl: Option<i64> = get(row, "access_token_ttl_secs")?;
    Ok(Resource {
        id: ResourceId::from_trusted(get(row, "id")?),
        identifier: get(row, "identifier")?,
        name: get(row, "name")?,
        scopes: json(row, "scopes")?,
        access_token_ttl_secs: ttl
            .map(|t| u32::try_from(t).map_err(|_| damaged("access_token_ttl_secs")))
            .transpose()?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

#[async_trait]
impl ResourceStore for PostgresStore {
    async fn insert_resource(&self, r: &Resource) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO resources (id, identifier, name, scopes, access_token_ttl_secs, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(r.id.as_str())
        .bind(&r.identifier)
        .bind(&r.name)
        .bind(to_json(&r.scopes))
        .bind(r.access_token_ttl_secs.map(i64::from))
        .bind(r.created_at.0)
        .bind(r.updated_at.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_resource(&self, id: &ResourceId) -> Result<Option<Resource>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM resources WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(resource).transpose()
    }

    async fn find_resource_by_identifier(&self, identifier: &str) -> Result<Option<Resource>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM resources WHERE identifier = $1");
        let row = sqlx::query(&sql)
            .bind(identifier)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(resource).transpose()
    }

    async fn list_resources(&self, after: Option<&ResourceId>, limit: u32) -> Result<Vec<Resource>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM resources WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(resource).collect()
    }

    async fn update_resource(&self, r: &Resource) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE resources SET identifier = $1, name = $2, scopes = $3, access_token_ttl_secs = $4, updated_at = $5
             WHERE id = $6",
        )
        .bind(&r.identifier)
        .bind(&r.name)
        .bind(to_json(&r.scopes))
        .bind(r.access_token_ttl_secs.map(i64::from))
        .bind(r.updated_at.0)
        .bind(r.id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_resource(&self, id: &ResourceId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM resources WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }
}
