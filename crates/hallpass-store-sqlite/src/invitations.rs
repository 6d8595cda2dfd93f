use crate::rows::{all, damaged, exec, get, hash, json, one, opt_ts, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, InvitationId, OrgId, UserId};
use hallpass_core::store::{Invitation, InvitationStatus, InvitationStore, StoreError};
use rusqlite::{params, Row};

const COLUMNS: &str = "id, organization_id, email, roles, client_id, invited_by, token_hash, status, created_at, expires_at, settled_at, accepted_by";

fn invitation(row: &Row<'_>) -> Result<Invitation, StoreError> {
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
impl InvitationStore for SqliteStore {
    async fn insert_invitation(&self, i: &Invitation) -> Result<(), StoreError> {
        let i = i.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    &format!("INSERT INTO invitations ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    params![
                        i.id.as_str(),
                        i.organization_id.as_str(),
                        i.email,
                        to_json(&i.roles),
                        i.client_id.as_ref().map(ClientId::as_str),
                        i.invited_by,
                        i.token_hash.as_bytes().as_slice(),
                        i.status.as_str(),
                        i.created_at.0,
                        i.expires_at.0,
                        i.settled_at.map(|t| t.0),
                        i.accepted_by.as_ref().map(UserId::as_str),
                    ],
                )?;
                Ok(())
            })
            .await
    }

    async fn get_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        let id = id.to_string();
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("SELECT {COLUMNS} FROM invitations WHERE id = ?"),
                    [id],
                    invitation,
                )
            })
            .await
    }

    async fn find_invitation_by_token(&self, token: &SecretHash) -> Result<Option<Invitation>, StoreError> {
        let token = token.as_bytes().to_vec();
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("SELECT {COLUMNS} FROM invitations WHERE token_hash = ?"),
                    [token],
                    invitation,
                )
            })
            .await
    }

    async fn list_invitations(
        &self,
        org: &OrgId,
        after: Option<&InvitationId>,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let (org, after) = (org.to_string(), after.map_or(String::new(), |a| a.to_string()));
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!(
                        "SELECT {COLUMNS} FROM invitations WHERE organization_id = ? AND id > ? ORDER BY id LIMIT ?"
                    ),
                    params![org, after, limit],
                    invitation,
                )
            })
            .await
    }

    async fn settle_invitation(
        &self,
        id: &InvitationId,
        status: InvitationStatus,
        user: Option<&UserId>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (id, user) = (id.to_string(), user.map(ToString::to_string));
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "UPDATE invitations SET status = ?, settled_at = ?, accepted_by = ?
                     WHERE id = ? AND status = 'pending' AND expires_at > ?",
                    params![status.as_str(), now.0, user, id, now.0],
                )? == 1)
            })
            .await
    }

    async fn expire_invitations(&self, org: &OrgId, email: &str, now: Timestamp) -> Result<u64, StoreError> {
        let (org, email) = (org.to_string(), email.to_owned());
        self.db
            .write(move |tx| {
                let closed = exec(
                    tx,
                    "UPDATE invitations SET status = 'expired', settled_at = ?
                     WHERE organization_id = ? AND email = ? AND status = 'pending' AND expires_at <= ?",
                    params![now.0, org, email, now.0],
                )?;
                Ok(closed as u64)
            })
            .await
    }

    async fn renew_invitation(
        &self,
        id: &InvitationId,
        token: &SecretHash,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let (id, token) = (id.to_string(), token.as_bytes().to_vec());
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "UPDATE invitations SET token_hash = ?, expires_at = ? WHERE id = ? AND status = 'pending'",
                    params![token, expires_at.0, id],
                )? == 1)
            })
            .await
    }
}
