use crate::rows::{all, damaged, exec, get, json, one, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::{OrgId, RoleId, UserId};
use hallpass_core::store::{Access, Membership, MembershipStatus, MembershipStore, StoreError};
use rusqlite::{params, Row};
use std::collections::BTreeSet;

const SELECT: &str = "SELECT m.organization_id, m.user_id,
    CASE WHEN m.suspended_at IS NULL THEN m.status ELSE 'suspended' END AS status, m.created_at, m.updated_at,
    (SELECT json_group_array(role_id) FROM (SELECT role_id FROM membership_roles mr
        WHERE mr.organization_id = m.organization_id AND mr.user_id = m.user_id ORDER BY role_id)) AS role_ids
    FROM memberships m";

fn membership(row: &Row<'_>) -> Result<Membership, StoreError> {
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
impl MembershipStore for SqliteStore {
    async fn put_membership(&self, m: &Membership) -> Result<(), StoreError> {
        let m = m.clone();
        self.db
            .write(move |tx| {
                let (org, user) = (m.organization_id.as_str(), m.user_id.as_str());
                let (status, suspended_at) = match m.status {
                    MembershipStatus::Suspended => (MembershipStatus::Active, Some(m.updated_at.0)),
                    other => (other, None),
                };
                exec(
                    tx,
                    "INSERT INTO memberships (organization_id, user_id, status, created_at, updated_at, suspended_at) VALUES (?, ?, ?, ?, ?, ?)
                     ON CONFLICT (organization_id, user_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                    params![org, user, status.as_str(), m.created_at.0, m.updated_at.0, suspended_at],
                )?;
                exec(tx, "DELETE FROM membership_roles WHERE organization_id = ? AND user_id = ?", [org, user])?;
                for role in &m.role_ids {
                    exec(
                        tx,
                        "INSERT INTO membership_roles (organization_id, user_id, role_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [org, user, role.as_str()],
                    )?;
                }
                Ok(())
            })
            .await
    }

    async fn get_membership(&self, org: &OrgId, user: &UserId) -> Result<Option<Membership>, StoreError> {
        let (org, user) = (org.to_string(), user.to_string());
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("{SELECT} WHERE m.organization_id = ? AND m.user_id = ?"),
                    [org, user],
                    membership,
                )
            })
            .await
    }

    async fn list_user_memberships(&self, user: &UserId) -> Result<Vec<Membership>, StoreError> {
        let user = user.to_string();
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE m.user_id = ? ORDER BY m.organization_id"),
                    [user],
                    membership,
                )
            })
            .await
    }

    async fn list_organization_memberships(
        &self,
        org: &OrgId,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<Vec<Membership>, StoreError> {
        let (org, after) = (org.to_string(), after.map_or(String::new(), |a| a.to_string()));
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE m.organization_id = ? AND m.user_id > ? ORDER BY m.user_id LIMIT ?"),
                    params![org, after, limit],
                    membership,
                )
            })
            .await
    }

    async fn delete_membership(&self, org: &OrgId, user: &UserId) -> Result<bool, StoreError> {
        let (org, user) = (org.to_string(), user.to_string());
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "DELETE FROM memberships WHERE organization_id = ? AND user_id = ?",
                    [org, user],
                )? > 0)
            })
            .await
    }

    async fn suspend_membership(&self, org: &OrgId, user: &UserId, at: Option<Timestamp>) -> Result<bool, StoreError> {
        let (org, user) = (org.to_string(), user.to_string());
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "UPDATE memberships SET suspended_at = ? WHERE organization_id = ? AND user_id = ?",
                    params![at.map(|t| t.0), org, user],
                )? > 0)
            })
            .await
    }

    async fn member_access(&self, org: &OrgId, user: &UserId) -> Result<Option<Access>, StoreError> {
        let (org, user) = (org.to_string(), user.to_string());
        let rows: Vec<(Option<String>, Option<String>)> = self
            .db
            .read(move |c| {
                all(
                    c,
                    "SELECT r.name AS role, rp.permission AS permission FROM memberships m
                     LEFT JOIN membership_roles mr ON mr.organization_id = m.organization_id AND mr.user_id = m.user_id
                     LEFT JOIN roles r ON r.id = mr.role_id
                     LEFT JOIN role_permissions rp ON rp.role_id = r.id
                     WHERE m.organization_id = ? AND m.user_id = ? AND m.status = 'active' AND m.suspended_at IS NULL",
                    [org, user],
                    |r| Ok((get(r, "role")?, get(r, "permission")?)),
                )
            })
            .await?;
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
