use crate::rows::{exec, get, hash, one, opt_hash, opt_ts, ts};
use crate::sessions::{end_in, get_session};
use crate::users::user_by_id;
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, FamilyId, OrgId, SessionId, UserId};
use hallpass_core::oauth::rotation::{self, reuse_detected, Step};
use hallpass_core::store::{
    AuthorizationCode, CodeRedemption, GrantStore, PresentedRefresh, RefreshFamily, RefreshRotation, RefreshToCheck,
    RotateRefresh, StoreError, Successor,
};
use rusqlite::{params, Connection, Row};

const CODE_COLUMNS: &str = "code_hash, client_id, user_id, session_id, redirect_uri, scope, nonce, code_challenge,
    organization_id, auth_time, created_at, expires_at, resource";

const FAMILY_COLUMNS: &str =
    "f.id, f.session_id, f.client_id, f.user_id, f.scope, f.organization_id, f.authorization_code_hash, f.created_at, f.revoked_at, f.resource";

fn code(row: &Row<'_>) -> Result<AuthorizationCode, StoreError> {
    Ok(AuthorizationCode {
        hash: hash(row, "code_hash")?,
        client_id: ClientId::from_trusted(get(row, "client_id")?),
        user_id: UserId::from_trusted(get(row, "user_id")?),
        session_id: SessionId::from_trusted(get(row, "session_id")?),
        redirect_uri: get(row, "redirect_uri")?,
        scope: get(row, "scope")?,
        nonce: get(row, "nonce")?,
        code_challenge: get(row, "code_challenge")?,
        organization_id: get::<Option<String>>(row, "organization_id")?.map(OrgId::from_trusted),
        resource: get(row, "resource")?,
        auth_time: ts(row, "auth_time")?,
        created_at: ts(row, "created_at")?,
        expires_at: ts(row, "expires_at")?,
    })
}

fn family(row: &Row<'_>) -> Result<RefreshFamily, StoreError> {
    Ok(RefreshFamily {
        id: FamilyId::from_trusted(get(row, "id")?),
        session_id: SessionId::from_trusted(get(row, "session_id")?),
        client_id: ClientId::from_trusted(get(row, "client_id")?),
        user_id: UserId::from_trusted(get(row, "user_id")?),
        scope: get(row, "scope")?,
        organization_id: get::<Option<String>>(row, "organization_id")?.map(OrgId::from_trusted),
        resource: get(row, "resource")?,
        authorization_code_hash: opt_hash(row, "authorization_code_hash")?,
        created_at: ts(row, "created_at")?,
        revoked_at: opt_ts(row, "revoked_at")?,
    })
}

fn insert_token(
    c: &Connection,
    family: &str,
    token: &SecretHash,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    exec(
        c,
        "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        params![token.as_bytes().as_slice(), family, now.0, expires_at.0],
    )
    .map(|_| ())
}

/// The presented token with its family, session and successor.
fn presented(c: &Connection, token: &SecretHash) -> Result<Option<PresentedRefresh>, StoreError> {
    let sql = format!(
        "SELECT {FAMILY_COLUMNS}, t.expires_at AS token_expires_at, t.rotated_at, t.successor_sealed,
                n.rotated_at AS successor_rotated_at
         FROM refresh_tokens t
         JOIN refresh_families f ON f.id = t.family_id
         LEFT JOIN refresh_tokens n ON n.token_hash = t.successor_hash
         WHERE t.token_hash = ?"
    );
    let Some((fam, expires_at, rotated_at, sealed, successor_rotated_at)) =
        one(c, &sql, [token.as_bytes().as_slice()], |row| {
            Ok((
                family(row)?,
                ts(row, "token_expires_at")?,
                opt_ts(row, "rotated_at")?,
                get::<Option<Vec<u8>>>(row, "successor_sealed")?,
                opt_ts(row, "successor_rotated_at")?,
            ))
        })?
    else {
        return Ok(None);
    };
    let session = get_session(c, fam.session_id.as_str())?;
    Ok(Some(PresentedRefresh {
        family: fam,
        session,
        expires_at,
        rotated_at,
        successor: sealed.map(|sealed| Successor {
            sealed,
            rotated: successor_rotated_at.is_some(),
        }),
    }))
}

/// The rotation rules (`rotation::decide`) carried out inside one write transaction.
fn rotate(tx: &Connection, r: &RotateRefresh) -> Result<RefreshRotation, StoreError> {
    let (fam, mut sess) = match rotation::plan(presented(tx, &r.presented)?, r) {
        Step::Answer(answer) => return Ok(answer),
        Step::EndSession(family, session) => {
            end_in(tx, session.id.as_str(), "refresh_reuse", r.now)?;
            return Ok(reuse_detected(family, r.now));
        }
        Step::Rotate(family, session) => (family, session),
    };
    exec(
        tx,
        "UPDATE refresh_tokens SET rotated_at = ?, successor_hash = ?, successor_sealed = ? WHERE token_hash = ?",
        params![
            r.now.0,
            r.replacement.as_bytes().as_slice(),
            r.replacement_sealed,
            r.presented.as_bytes().as_slice()
        ],
    )?;
    insert_token(tx, fam.id.as_str(), &r.replacement, r.now, r.replacement_expires_at)?;
    if let Some(idle) = rotation::touched_idle_expiry(&sess, r.idle_expires_at) {
        exec(
            tx,
            "UPDATE sessions SET last_active_at = ?, idle_expires_at = ? WHERE id = ?",
            params![r.now.0, idle.0, sess.id.as_str()],
        )?;
        sess.last_active_at = r.now;
        sess.idle_expires_at = idle;
    }
    Ok(RefreshRotation::Rotated {
        family: fam,
        session: sess,
    })
}

#[async_trait]
impl GrantStore for SqliteStore {
    async fn insert_authorization_code(&self, c: &AuthorizationCode) -> Result<(), StoreError> {
        let c = c.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    &format!(
                        "INSERT INTO authorization_codes ({CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    ),
                    params![
                        c.hash.as_bytes().as_slice(),
                        c.client_id.as_str(),
                        c.user_id.as_str(),
                        c.session_id.as_str(),
                        c.redirect_uri,
                        c.scope,
                        c.nonce,
                        c.code_challenge,
                        c.organization_id.as_ref().map(OrgId::as_str),
                        c.auth_time.0,
                        c.created_at.0,
                        c.expires_at.0,
                        c.resource
                    ],
                )
                .map(|_| ())
            })
            .await
    }

    async fn consume_authorization_code(
        &self,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<CodeRedemption, StoreError> {
        let key = hash.as_bytes().to_vec();
        self.db
            .write(move |tx| {
                let sql = format!(
                    "UPDATE authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL RETURNING {CODE_COLUMNS}"
                );
                if let Some(redeemed) = one(tx, &sql, params![now.0, key], code)? {
                    return Ok(if redeemed.expires_at <= now {
                        CodeRedemption::Expired
                    } else {
                        CodeRedemption::Redeemed(redeemed)
                    });
                }
                let sql = format!("SELECT {CODE_COLUMNS} FROM authorization_codes WHERE code_hash = ?");
                let Some(replayed) = one(tx, &sql, [&key], code)? else { return Ok(CodeRedemption::Unknown) };
                exec(
                    tx,
                    "UPDATE refresh_families SET revoked_at = ? WHERE authorization_code_hash = ? AND revoked_at IS NULL",
                    params![now.0, key],
                )?;
                Ok(CodeRedemption::Replayed(replayed))
            })
            .await
    }

    async fn insert_refresh_family(
        &self,
        f: &RefreshFamily,
        first: &SecretHash,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let (f, first) = (f.clone(), *first);
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO refresh_families (id, session_id, client_id, user_id, scope, organization_id, authorization_code_hash, created_at, revoked_at, resource)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    params![
                        f.id.as_str(),
                        f.session_id.as_str(),
                        f.client_id.as_str(),
                        f.user_id.as_str(),
                        f.scope,
                        f.organization_id.as_ref().map(OrgId::as_str),
                        f.authorization_code_hash.as_ref().map(|h| h.as_bytes().to_vec()),
                        f.created_at.0,
                        f.revoked_at.map(|t| t.0),
                        f.resource
                    ],
                )?;
                insert_token(tx, f.id.as_str(), &first, f.created_at, expires_at)
            })
            .await
    }

    async fn find_presented_refresh(&self, token: &SecretHash) -> Result<Option<RefreshToCheck>, StoreError> {
        let token = *token;
        // One trip to a reader thread for token, session and user: on one
        // core each trip is a context switch, which costs more than the reads.
        self.db
            .read(move |c| {
                let Some(presented) = presented(c, &token)? else {
                    return Ok(None);
                };
                let user = user_by_id(c, presented.family.user_id.as_str())?;
                Ok(Some(RefreshToCheck { presented, user }))
            })
            .await
    }

    async fn rotate_refresh_token(&self, r: &RotateRefresh) -> Result<RefreshRotation, StoreError> {
        let r = r.clone();
        self.db.write(move |tx| rotate(tx, &r)).await
    }

    async fn find_refresh_family(
        &self,
        token: &SecretHash,
        now: Timestamp,
    ) -> Result<Option<RefreshFamily>, StoreError> {
        let key = token.as_bytes().to_vec();
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {FAMILY_COLUMNS} FROM refresh_tokens t
                     JOIN refresh_families f ON f.id = t.family_id
                     JOIN sessions s ON s.id = f.session_id
                     WHERE t.token_hash = ?1 AND t.rotated_at IS NULL AND t.expires_at > ?2 AND f.revoked_at IS NULL
                       AND s.ended_at IS NULL AND s.idle_expires_at > ?2 AND s.absolute_expires_at > ?2"
                );
                one(c, &sql, params![key, now.0], family)
            })
            .await
    }

    async fn revoke_refresh_family(&self, token: &SecretHash, now: Timestamp) -> Result<bool, StoreError> {
        let key = token.as_bytes().to_vec();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE refresh_families SET revoked_at = ?
                     WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?) AND revoked_at IS NULL",
                    params![now.0, key],
                )?;
                Ok(changed > 0)
            })
            .await
    }
}
