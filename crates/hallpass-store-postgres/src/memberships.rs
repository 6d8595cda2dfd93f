use crate::rows::{damaged, get, json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::{OrgId, RoleId, UserId};
use hallpass_core::store::{Access, Membership, MembershipStatus, MembershipStore, StoreError};
use sqlx::postgres::PgRow;
use std::collections::BTreeSet;

const SELECT: &str = "SELECT m.organization_id, m.user_id,
    CASE WHEN m.suspended_at IS NULL THEN m.status ELSE 'suspended' END AS status, m.created_at, m.updated_at,
    (SELECT COALESCE(json_agg(role_id ORDER BY role_id), '[]'::json)::text FROM membership_roles mr
        WHERE mr.organization_id = m.organization_id AND mr.user_id = m.user_id) AS role_ids
    FROM memberships m";

fn membership(row: &PgRow) -> Result<Membership, StoreError> {
    let status: String = get(row, "status")?;
    let role_ids: Vec<String> = json(row, "role_ids")?;
    Ok(Membership {
        organization_id: OrgId::from_trusted(get(row, "organization_id")?),
        user_id: UserId::from_trusted(get(row, "user_id")?),
        status: MembershipStatus::parse(&status).ok_or_else(|| damaged("status"))?,
        role_ids: role_ids.into_iter().map(RoleId::from_trusted).collect(),
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

#[async_trait]
impl MembershipStore for PostgresStore {
    async fn put_membership(&self, m: &Membership) -> Result<(), StoreError> {
        let (status, suspended_at) = match m.status {
            MembershipStatus::Suspended => (MembershipStatus::Active, Some(m.updated_at.0)),
            other => (other, None),
        };
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO memberships (organization_id, user_id, status, created_at, updated_at, suspended_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (organization_id, user_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        )
        .bind(m.organization_id.as_str())
        .bind(m.user_id.as_str())
        .bind(status.as_str())
        .bind(m.created_at.0)
        .bind(m.updated_at.0)
        .bind(suspended_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query("DELETE FROM membership_roles WHERE organization_id = $1 AND user_id = $2")
            .bind(m.organization_id.as_str())
            .bind(m.user_id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        for role in &m.role_ids {
            sqlx::query("INSERT INTO membership_roles (organization_id, user_id, role_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(m.organization_id.as_str())
                .bind(m.user_id.as_str())
                .bind(role.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn get_membership(&self, org: &OrgId, user: &UserId) -> Result<Option<Membership>, StoreError> {
        let sql = format!("{SELECT} WHERE m.organization_id = $1 AND m.user_id = $2");
        let row = sqlx::query(&sql)
            .bind(org.as_str())
            .bind(user.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(membership).transpose()
    }

    async fn list_user_memberships(&self, user: &UserId) -> Result<Vec<Membership>, StoreError> {
        let sql = format!("{SELECT} WHERE m.user_id = $1 ORDER BY m.organization_id");
        let rows = sqlx::query(&sql)
            .bind(user.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(membership).collect()
    }

    async fn list_organization_memberships(
        &self,
        org: &OrgId,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<Vec<Membership>, StoreError> {
        let sql = format!("{SELECT} WHERE m.organization_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3");
        let rows = sqlx::query(&sql)
            .bind(org.as_str())
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(membership).collect()
    }

    async fn delete_membership(&self, org: &OrgId, user: &UserId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2")
            .bind(org.as_str())
            .bind(user.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn suspend_membership(&self, org: &OrgId, user: &UserId, at: Option<Timestamp>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE memberships SET suspended_at = $1 WHERE organization_id = $2 AND user_id = $3")
            .bind(at.map(|t| t.0))
            .bind(org.as_str())
            .bind(user.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn member_access(&self, org: &OrgId, user: &UserId) -> Result<Option<Access>, StoreError> {
        let rows: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT r.name, rp.permission FROM memberships m
             LEFT JOIN membership_roles mr ON mr.organization_id = m.organization_id AND mr.user_id = m.user_id
             LEFT JOIN roles r ON r.id = mr.role_id
             LEFT JOIN role_permissions rp ON rp.role_id = r.id
             WHERE m.organization_id = $1 AND m.user_id = $2 AND m.status = 'active' AND m.suspended_at IS NULL",
        )
        .bind(org.as_str())
        .bind(user.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut roles = BTreeSet::new();
        let mut permissions = BTreeSet::new();
        for (role, permission) in rows {
            roles.extend(role);
            permissions.extend(permission);
        }
        Ok(Some(Access {
            roles: roles.into_iter().collect(),
            permissions: permissions.into_iter().collect(),
        }))
    }
}
