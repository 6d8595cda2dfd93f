use crate::rows::{damaged, get, hash, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{DirectoryId, OrgId, ScimId, UserId};
use hallpass_core::store::{Directory, DirectoryStore, ScimKind, ScimResource, StoreError};
use sqlx::postgres::PgRow;

const DIRECTORY: &str = "id, organization_id, name, token_hash, group_roles, created_at, updated_at";
const RESOURCE: &str =
    "directory_id, id, kind, unique_key, external_id, user_id, document, version, created_at, updated_at";

fn directory(row: &PgRow) -> Result<Directory, StoreError> {
    Ok(Directory {
        id: DirectoryId::from_trusted(get(row, "id")?),
        organization_id: OrgId::from_trusted(get(row, "organization_id")?),
        name: get(row, "name")?,
        token_hash: hash(row, "token_hash")?,
        group_roles: json(row, "group_roles")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

fn resource(row: &PgRow) -> Result<ScimResource, StoreError> {
    let kind: String = get(row, "kind")?;
    Ok(ScimResource {
        directory_id: DirectoryId::from_trusted(get(row, "directory_id")?),
        id: ScimId::from_trusted(get(row, "id")?),
        kind: ScimKind::parse(&kind).ok_or_else(|| damaged("kind"))?,
        unique_key: get(row, "unique_key")?,
        external_id: get(row, "external_id")?,
        user_id: get::<Option<String>>(row, "user_id")?.map(UserId::from_trusted),
        document: json(row, "document")?,
        version: get(row, "version")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

#[async_trait]
impl DirectoryStore for PostgresStore {
    async fn insert_directory(&self, d: &Directory) -> Result<(), StoreError> {
        let sql = format!("INSERT INTO directories ({DIRECTORY}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        sqlx::query(&sql)
            .bind(d.id.as_str())
            .bind(d.organization_id.as_str())
            .bind(&d.name)
            .bind(d.token_hash.as_bytes().as_slice())
            .bind(to_json(&d.group_roles))
            .bind(d.created_at.0)
            .bind(d.updated_at.0)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn get_directory(&self, id: &DirectoryId) -> Result<Option<Directory>, StoreError> {
        let sql = format!("SELECT {DIRECTORY} FROM directories WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(directory).transpose()
    }

    async fn find_directory_by_token(&self, hash: &SecretHash) -> Result<Option<Directory>, StoreError> {
        let sql = format!("SELECT {DIRECTORY} FROM directories WHERE token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(hash.as_bytes().as_slice())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(directory).transpose()
    }

    async fn list_directories(
        &self,
        org: &OrgId,
        after: Option<&DirectoryId>,
        limit: u32,
    ) -> Result<Vec<Directory>, StoreError> {
        let sql =
            format!("SELECT {DIRECTORY} FROM directories WHERE organization_id = $1 AND id > $2 ORDER BY id LIMIT $3");
        let rows = sqlx::query(&sql)
            .bind(org.as_str())
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(directory).collect()
    }

    async fn replace_directory_token(
        &self,
        id: &DirectoryId,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE directories SET token_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash.as_bytes().as_slice())
            .bind(now.0)
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_directory(&self, id: &DirectoryId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM directories WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn insert_scim_resource(&self, r: &ScimResource) -> Result<(), StoreError> {
        let sql = format!("INSERT INTO scim_resources ({RESOURCE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        sqlx::query(&sql)
            .bind(r.directory_id.as_str())
            .bind(r.id.as_str())
            .bind(r.kind.as_str())
            .bind(&r.unique_key)
            .bind(&r.external_id)
            .bind(r.user_id.as_ref().map(UserId::as_str))
            .bind(to_json(&r.document))
            .bind(r.version)
            .bind(r.created_at.0)
            .bind(r.updated_at.0)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn get_scim_resource(&self, dir: &DirectoryId, id: &ScimId) -> Result<Option<ScimResource>, StoreError> {
        let sql = format!("SELECT {RESOURCE} FROM scim_resources WHERE directory_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(dir.as_str())
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(resource).transpose()
    }

    async fn find_scim_resource_by_key(
        &self,
        dir: &DirectoryId,
        kind: ScimKind,
        unique_key: &str,
    ) -> Result<Option<ScimResource>, StoreError> {
        let sql =
            format!("SELECT {RESOURCE} FROM scim_resources WHERE directory_id = $1 AND kind = $2 AND unique_key = $3");
        let row = sqlx::query(&sql)
            .bind(dir.as_str())
            .bind(kind.as_str())
            .bind(unique_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(resource).transpose()
    }

    async fn list_scim_resources(
        &self,
        dir: &DirectoryId,
        kind: ScimKind,
        after: Option<&ScimId>,
        limit: u32,
    ) -> Result<Vec<ScimResource>, StoreError> {
        let sql = format!(
            "SELECT {RESOURCE} FROM scim_resources WHERE directory_id = $1 AND kind = $2 AND id > $3 ORDER BY id LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(dir.as_str())
            .bind(kind.as_str())
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(resource).collect()
    }

    async fn count_scim_resources(&self, dir: &DirectoryId, kind: ScimKind) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM scim_resources WHERE directory_id = $1 AND kind = $2")
            .bind(dir.as_str())
            .bind(kind.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn scim_users_of(&self, user: &UserId) -> Result<Vec<ScimResource>, StoreError> {
        let sql = format!("SELECT {RESOURCE} FROM scim_resources WHERE user_id = $1 ORDER BY directory_id, id");
        let rows = sqlx::query(&sql)
            .bind(user.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(resource).collect()
    }

    async fn update_scim_resource(&self, r: &ScimResource, expected_version: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE scim_resources SET unique_key = $1, external_id = $2, user_id = $3, document = $4, version = $5,
             updated_at = $6 WHERE directory_id = $7 AND id = $8 AND version = $9",
        )
        .bind(&r.unique_key)
        .bind(&r.external_id)
        .bind(r.user_id.as_ref().map(UserId::as_str))
        .bind(to_json(&r.document))
        .bind(r.version)
        .bind(r.updated_at.0)
        .bind(r.directory_id.as_str())
        .bind(r.id.as_str())
        .bind(expected_version)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_scim_resource(&self, dir: &DirectoryId, id: &ScimId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM scim_resources WHERE directory_id = $1 AND id = $2")
            .bind(dir.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }
}
