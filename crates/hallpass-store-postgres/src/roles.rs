use crate::rows::{get, json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::ids::{OrgId, RoleId};
use hallpass_core::store::{Role, RoleStore, StoreError};
use sqlx::postgres::PgRow;

const SELECT: &str = "SELECT r.id, r.organization_id, r.name, r.description, r.created_at,
    (SELECT COALESCE(json_agg(permission ORDER BY permission), '[]'::json)::text FROM role_permissions WHERE role_id = r.id) AS permissions
    FROM roles r";

fn role(row: &PgRow) -> Result<Role, StoreError> {
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
impl RoleStore for PostgresStore {
    async fn insert_role(&self, r: &Role) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO roles (id, organization_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.id.as_str())
        .bind(r.organization_id.as_ref().map(OrgId::as_str))
        .bind(&r.name)
        .bind(&r.description)
        .bind(r.created_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for permission in &r.permissions {
            sqlx::query("INSERT INTO permissions (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(permission)
                .bind(r.created_at.0)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(r.id.as_str())
                .bind(permission)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn list_roles(&self, organization: Option<&OrgId>) -> Result<Vec<Role>, StoreError> {
        let sql = format!("{SELECT} WHERE r.organization_id IS NULL OR r.organization_id = $1 ORDER BY r.organization_id IS NOT NULL, r.name");
        let rows = sqlx::query(&sql)
            .bind(organization.map(OrgId::as_str))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(role).collect()
    }

    async fn find_role(&self, organization: Option<&OrgId>, name: &str) -> Result<Option<Role>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE r.name = $1 AND (r.organization_id IS NULL OR r.organization_id = $2)
             ORDER BY r.organization_id IS NULL LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(name)
            .bind(organization.map(OrgId::as_str))
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(role).transpose()
    }
}
