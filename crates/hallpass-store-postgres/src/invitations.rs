use crate::rows::{damaged, get, hash, json, opt_ts, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, InvitationId, OrgId, UserId};
use hallpass_core::store::{Invitation, InvitationStatus, InvitationStore, StoreError};
use sqlx::postgres::PgRow;

const COLUMNS: &str = "id, organization_id, email, roles, client_id, invited_by, token_hash, status, created_at, expires_at, settled_at, accepted_by";

fn invitation(row: &PgRow) -> Result<Invitation, StoreError> {
    let status: String = get(row, "status")?;
    Ok(Invitation {
        id: InvitationId::from_trusted(get(row, "id")?),
        organization_id: OrgId::from_trusted(get(row, "organization_id")?),
        email: get(row, "email")?,
        roles: json(row, "roles")?,
        client_id: get::<Option<String>>(row, "client_id")?.map(ClientId::from_trusted),
        invited_by: get(row, "invited_by")?,
        token_hash: hash(row, "token_hash")?,
        status: InvitationStatus::parse(&status).ok_or_else(|| damaged("status"))?,
        created_at: ts(row, "created_at")?,
        expires_at: ts(row, "expires_at")?,
        settled_at: opt_ts(row, "settled_at")?,
        accepted_by: get::<Option<String>>(row, "accepted_by")?.map(UserId::from_trusted),
    })
}

#[async_trait]
impl InvitationStore for PostgresStore {
    async fn insert_invitation(&self, i: &Invitation) -> Result<(), StoreError> {
        let sql =
            format!("INSERT INTO invitations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
        sqlx::query(&sql)
            .bind(i.id.as_str())
            .bind(i.organization_id.as_str())
            .bind(&i.email)
            .bind(to_json(&i.roles))
            .bind(i.client_id.as_ref().map(ClientId::as_str))
            .bind(&i.invited_by)
            .bind(i.token_hash.as_bytes().as_slice())
            .bind(i.status.as_str())
            .bind(i.created_at.0)
            .bind(i.expires_at.0)
            .bind(i.settled_at.map(|t| t.0))
            .bind(i.accepted_by.as_ref().map(UserId::as_str))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn get_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM invitations WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(invitation).transpose()
    }

    async fn find_invitation_by_token(&self, token: &SecretHash) -> Result<Option<Invitation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM invitations WHERE token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(token.as_bytes().as_slice())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(invitation).transpose()
    }

    async fn list_invitations(
        &self,
        org: &OrgId,
        after: Option<&InvitationId>,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM invitations WHERE organization_id = $1 AND id > $2 ORDER BY id LIMIT $3");
        let rows = sqlx::query(&sql)
            .bind(org.as_str())
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(invitation).collect()
    }

    async fn settle_invitation(
        &self,
        id: &InvitationId,
        status: InvitationStatus,
        user: Option<&UserId>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE invitations SET status = $1, settled_at = $2, accepted_by = $3
             WHERE id = $4 AND status = 'pending' AND expires_at > $2",
        )
        .bind(status.as_str())
        .bind(now.0)
        .bind(user.map(UserId::as_str))
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn expire_invitations(&self, org: &OrgId, email: &str, now: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE invitations SET status = 'expired', settled_at = $1
             WHERE organization_id = $2 AND email = $3 AND status = 'pending' AND expires_at <= $1",
        )
        .bind(now.0)
        .bind(org.as_str())
        .bind(email)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected())
    }

    async fn renew_invitation(
        &self,
        id: &InvitationId,
        token: &SecretHash,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE invitations SET token_hash = $1, expires_at = $2 WHERE id = $3 AND status = 'pending'")
                .bind(token.as_bytes().as_slice())
                .bind(expires_at.0)
                .bind(id.as_str())
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }
}
