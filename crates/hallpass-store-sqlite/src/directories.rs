use crate::rows::{all, damaged, exec, get, hash, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{DirectoryId, OrgId, ScimId, UserId};
use hallpass_core::store::{Directory, DirectoryStore, ScimKind, ScimResource, StoreError};
use rusqlite::{params, Row};

const DIRECTORY: &str = "id, organization_id, name, token_hash, group_roles, created_at, updated_at";
const RESOURCE: &str =
    "directory_id, id, kind, unique_key, external_id, user_id, document, version, created_at, updated_at";

fn directory(row: &Row<'_>) -> Result<Directory, StoreError> {
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

fn resource(row: &Row<'_>) -> Result<ScimResource, StoreError> {
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
impl DirectoryStore for SqliteStore {
    async fn insert_directory(&self, d: &Directory) -> Result<(), StoreError> {
        let d = d.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    &format!("INSERT INTO directories ({DIRECTORY}) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                    params![
                        d.id.as_str(),
                        d.organization_id.as_str(),
                        d.name,
                        d.token_hash.as_bytes().as_slice(),
                        to_json(&d.group_roles),
                        d.created_at.0,
                        d.updated_at.0,
                    ],
                )?;
                Ok(())
            })
            .await
    }

    async fn get_directory(&self, id: &DirectoryId) -> Result<Option<Directory>, StoreError> {
        let id = id.to_string();
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("SELECT {DIRECTORY} FROM directories WHERE id = ?"),
                    [id],
                    directory,
                )
            })
            .await
    }

    async fn find_directory_by_token(&self, hash: &SecretHash) -> Result<Option<Directory>, StoreError> {
        let hash = hash.as_bytes().to_vec();
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("SELECT {DIRECTORY} FROM directories WHERE token_hash = ?"),
                    [hash],
                    directory,
                )
            })
            .await
    }

    async fn list_directories(
        &self,
        org: &OrgId,
        after: Option<&DirectoryId>,
        limit: u32,
    ) -> Result<Vec<Directory>, StoreError> {
        let (org, after) = (org.to_string(), after.map_or(String::new(), |a| a.to_string()));
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!(
                        "SELECT {DIRECTORY} FROM directories WHERE organization_id = ? AND id > ? ORDER BY id LIMIT ?"
                    ),
                    params![org, after, limit],
                    directory,
                )
            })
            .await
    }

    async fn replace_directory_token(
        &self,
        id: &DirectoryId,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (id, hash) = (id.to_string(), hash.as_bytes().to_vec());
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "UPDATE directories SET token_hash = ?, updated_at = ? WHERE id = ?",
                    params![hash, now.0, id],
                )? > 0)
            })
            .await
    }

    async fn delete_directory(&self, id: &DirectoryId) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.db
            .write(move |tx| Ok(exec(tx, "DELETE FROM directories WHERE id = ?", [id])? > 0))
            .await
    }

    async fn insert_scim_resource(&self, r: &ScimResource) -> Result<(), StoreError> {
        let r = r.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    &format!("INSERT INTO scim_resources ({RESOURCE}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    params![
                        r.directory_id.as_str(),
                        r.id.as_str(),
                        r.kind.as_str(),
                        r.unique_key,
                        r.external_id,
                        r.user_id.as_ref().map(UserId::as_str),
                        to_json(&r.document),
                        r.version,
                        r.created_at.0,
                        r.updated_at.0,
                    ],
                )?;
                Ok(())
            })
            .await
    }

    async fn get_scim_resource(&self, dir: &DirectoryId, id: &ScimId) -> Result<Option<ScimResource>, StoreError> {
        let (dir, id) = (dir.to_string(), id.to_string());
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("SELECT {RESOURCE} FROM scim_resources WHERE directory_id = ? AND id = ?"),
                    [dir, id],
                    resource,
                )
            })
            .await
    }

    async fn find_scim_resource_by_key(
        &self,
        dir: &DirectoryId,
        kind: ScimKind,
        unique_key: &str,
    ) -> Result<Option<ScimResource>, StoreError> {
        let (dir, key) = (dir.to_string(), unique_key.to_owned());
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!(
                        "SELECT {RESOURCE} FROM scim_resources WHERE directory_id = ? AND kind = ? AND unique_key = ?"
                    ),
                    params![dir, kind.as_str(), key],
                    resource,
                )
            })
            .await
    }

    async fn list_scim_resources(
        &self,
        dir: &DirectoryId,
        kind: ScimKind,
        after: Option<&ScimId>,
        limit: u32,
    ) -> Result<Vec<ScimResource>, StoreError> {
        let (dir, after) = (dir.to_string(), after.map_or(String::new(), |a| a.to_string()));
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!(
                        "SELECT {RESOURCE} FROM scim_resources WHERE directory_id = ? AND kind = ? AND id > ?
                         ORDER BY id LIMIT ?"
                    ),
                    params![dir, kind.as_str(), after, limit],
                    resource,
                )
            })
            .await
    }

    async fn count_scim_resources(&self, dir: &DirectoryId, kind: ScimKind) -> Result<u64, StoreError> {
        let dir = dir.to_string();
        let n: Option<i64> = self
            .db
            .read(move |c| {
                one(
                    c,
                    "SELECT count(*) AS n FROM scim_resources WHERE directory_id = ? AND kind = ?",
                    params![dir, kind.as_str()],
                    |r| get(r, "n"),
                )
            })
            .await?;
        Ok(u64::try_from(n.unwrap_or(0)).unwrap_or(0))
    }

    async fn scim_users_of(&self, user: &UserId) -> Result<Vec<ScimResource>, StoreError> {
        let user = user.to_string();
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("SELECT {RESOURCE} FROM scim_resources WHERE user_id = ? ORDER BY directory_id, id"),
                    [user],
                    resource,
                )
            })
            .await
    }

    async fn update_scim_resource(&self, r: &ScimResource, expected_version: i64) -> Result<bool, StoreError> {
        let r = r.clone();
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "UPDATE scim_resources SET unique_key = ?, external_id = ?, user_id = ?, document = ?, version = ?,
                     updated_at = ? WHERE directory_id = ? AND id = ? AND version = ?",
                    params![
                        r.unique_key,
                        r.external_id,
                        r.user_id.as_ref().map(UserId::as_str),
                        to_json(&r.document),
                        r.version,
                        r.updated_at.0,
                        r.directory_id.as_str(),
                        r.id.as_str(),
                        expected_version,
                    ],
                )? == 1)
            })
            .await
    }

    async fn delete_scim_resource(&self, dir: &DirectoryId, id: &ScimId) -> Result<bool, StoreError> {
        let (dir, id) = (dir.to_string(), id.to_string());
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "DELETE FROM scim_resources WHERE directory_id = ? AND id = ?",
                    [dir, id],
                )? > 0)
            })
            .await
    }
}
