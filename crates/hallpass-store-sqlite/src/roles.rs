use crate::rows::{all, exec, get, json, one, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::ids::{OrgId, RoleId};
use hallpass_core::store::{Role, RoleStore, StoreError};
use rusqlite::{params, Row};

const SELECT: &str = "SELECT r.id, r.organization_id, r.name, r.description, r.created_at,
    (SELECT json_group_array(permission) FROM (SELECT permission FROM role_permissions WHERE role_id = r.id ORDER BY permission)) AS permissions
    FROM roles r";

fn role(row: &Row<'_>) -> Result<Role, StoreError> {
    Ok(Role {
        id: RoleId::from_trusted(get(row, "id")?),
        organization_id: get::<Option<String>>(row, "organization_id")?.map(OrgId::from_trusted),
        name: get(row, "name")?,
        description: get(row, "description")?,
        permissions: json(row, "permissions")?,
        created_at: ts(row, "created_at")?,
    })
}

#[async_trait]
impl RoleStore for SqliteStore {
    async fn insert_role(&self, r: &Role) -> Result<(), StoreError> {
        let r = r.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO roles (id, organization_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
                    params![
                        r.id.as_str(),
                        r.organization_id.as_ref().map(OrgId::as_str),
                        r.name,
                        r.description,
                        r.created_at.0
                    ],
                )?;
                for permission in &r.permissions {
                    exec(
                        tx,
                        "INSERT INTO permissions (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                        params![permission, r.created_at.0],
                    )?;
                    exec(
                        tx,
                        "INSERT INTO role_permissions (role_id, permission) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        params![r.id.as_str(), permission],
                    )?;
                }
                Ok(())
            })
            .await
    }

    async fn list_roles(&self, organization: Option<&OrgId>) -> Result<Vec<Role>, StoreError> {
        let org = organization.map(OrgId::to_string);
        self.db
            .read(move |c| {
                let sql = format!(
                    "{SELECT} WHERE r.organization_id IS NULL OR r.organization_id = ? ORDER BY r.organization_id IS NOT NULL, r.name"
                );
                all(c, &sql, [org], role)
            })
            .await
    }

    async fn find_role(&self, organization: Option<&OrgId>, name: &str) -> Result<Option<Role>, StoreError> {
        let (org, name) = (organization.map(OrgId::to_string), name.to_owned());
        self.db
            .read(move |c| {
                let sql = format!(
                    "{SELECT} WHERE r.name = ? AND (r.organization_id IS NULL OR r.organization_id = ?)
                     ORDER BY r.organization_id IS NULL LIMIT 1"
                );
                one(c, &sql, params![name, org], role)
            })
            .await
    }
}
