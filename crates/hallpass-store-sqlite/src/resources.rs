use crate::rows::{all, damaged, exec, get, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::ids::ResourceId;
use hallpass_core::store::{Resource, ResourceStore, StoreError};
use rusqlite::{params, Row};

const SELECT: &str =
    "SELECT id, identifier, name, scopes, access_token_ttl_secs, created_at, updated_at FROM resources";

fn resource(row: &Row<'_>) -> Result<Resource, StoreError> {
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
impl ResourceStore for SqliteStore {
    async fn insert_resource(&self, r: &Resource) -> Result<(), StoreError> {
        let r = r.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO resources (id, identifier, name, scopes, access_token_ttl_secs, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                    params![
                        r.id.as_str(),
                        r.identifier,
                        r.name,
                        to_json(&r.scopes),
                        r.access_token_ttl_secs,
                        r.created_at.0,
                        r.updated_at.0
                    ],
                )
                .map(|_| ())
            })
            .await
    }

    async fn get_resource(&self, id: &ResourceId) -> Result<Option<Resource>, StoreError> {
        let id = id.to_string();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE id = ?"), [id], resource))
            .await
    }

    async fn find_resource_by_identifier(&self, identifier: &str) -> Result<Option<Resource>, StoreError> {
        let identifier = identifier.to_owned();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE identifier = ?"), [identifier], resource))
            .await
    }

    async fn list_resources(&self, after: Option<&ResourceId>, limit: u32) -> Result<Vec<Resource>, StoreError> {
        let after = after.map_or(String::new(), |a| a.to_string());
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE id > ? ORDER BY id LIMIT ?"),
                    params![after, limit],
                    resource,
                )
            })
            .await
    }

    async fn update_resource(&self, r: &Resource) -> Result<(), StoreError> {
        let r = r.clone();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE resources SET identifier = ?, name = ?, scopes = ?, access_token_ttl_secs = ?, updated_at = ?
                     WHERE id = ?",
                    params![
                        r.identifier,
                        r.name,
                        to_json(&r.scopes),
                        r.access_token_ttl_secs,
                        r.updated_at.0,
                        r.id.as_str()
                    ],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }

    async fn delete_resource(&self, id: &ResourceId) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.db
            .write(move |tx| Ok(exec(tx, "DELETE FROM resources WHERE id = ?", [id])? > 0))
            .await
    }
}
