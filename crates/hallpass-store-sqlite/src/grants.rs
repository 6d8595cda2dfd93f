use crate::rows::{exec, get, hash, one, opt_hash, opt_ts, ts};
use crate::sessions::{end_in, get_session};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, FamilyId, OrgId, SessionId, UserId};
use hallpass_core::store::{
    AuthorizationCode, CodeRedemption, GrantStore, RefreshFamily, RefreshRotation, RotateRefresh, StoreError,
};
use rusqlite::{params, Connection, Row};

/// Seconds the idle expiry must move before a refresh rewrites the session:
/// frequent refreshes do not each rewrite it.
const SESSION_TOUCH_STEP_SECS: i64 = 60;

const CODE_COLUMNS: &str = "code_hash, client_id, user_id, session_id, redirect_uri, scope, nonce, code_challenge,
    organization_id, auth_time, created_at, expires_at";

const FAMILY_COLUMNS: &str =
    "f.id, f.session_id, f.client_id, f.user_id, f.scope, f.organization_id, f.authorization_code_hash, f.created_at, f.revoked_at";

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

/// The rotation rules, inside one write transaction.
fn rotate(tx: &Connection, r: &RotateRefresh) -> Result<RefreshRotation, StoreError> {
    let now = r.now;
    let sql = format!(
        "SELECT {FAMILY_COLUMNS}, t.expires_at AS token_expires_at, t.rotated_at
         FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id WHERE t.token_hash = ?"
    );
    let found = one(tx, &sql, [r.presented.as_bytes().as_slice()], |row| {
        Ok((family(row)?, ts(row, "token_expires_at")?, opt_ts(row, "rotated_at")?))
    })?;
    let Some((fam, token_expires_at, rotated_at)) = found else {
        return Ok(RefreshRotation::Unknown);
    };
    if fam.client_id != r.client_id {
        return Ok(RefreshRotation::Unknown);
    }
    let Some(mut sess) = get_session(tx, fam.session_id.as_str())? else {
        return Ok(RefreshRotation::Revoked);
    };
    if fam.revoked_at.is_some() || !sess.is_live(now) {
        return Ok(RefreshRotation::Revoked);
    }
    if token_expires_at <= now {
        return Ok(RefreshRotation::Expired);
    }
    let in_grace = match rotated_at {
        None => false,
        Some(at) if now < at.plus(r.grace) => true,
        Some(_) => {
            end_in(tx, sess.id.as_str(), "refresh_reuse", now)?;
            return Ok(RefreshRotation::ReuseDetected {
                family: RefreshFamily {
                    revoked_at: Some(now),
                    ..fam
                },
            });
        }
    };
    if !in_grace {
        exec(
            tx,
            "UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ?",
            params![now.0, r.presented.as_bytes().as_slice()],
        )?;
    }
    insert_token(tx, fam.id.as_str(), &r.replacement, now, r.replacement_expires_at)?;
    let idle = r.idle_expires_at.min(sess.absolute_expires_at);
    if idle.0 - sess.idle_expires_at.0 >= SESSION_TOUCH_STEP_SECS {
        exec(
            tx,
            "UPDATE sessions SET last_active_at = ?, idle_expires_at = ? WHERE id = ?",
            params![now.0, idle.0, sess.id.as_str()],
        )?;
        sess.last_active_at = now;
        sess.idle_expires_at = idle;
    }
    Ok(if in_grace {
        RefreshRotation::RotatedInGrace {
            family: fam,
            session: sess,
        }
    } else {
        RefreshRotation::Rotated {
            family: fam,
            session: sess,
        }
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
                        "INSERT INTO authorization_codes ({CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
                        c.expires_at.0
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
                    "INSERT INTO refresh_families (id, session_id, client_id, user_id, scope, organization_id, authorization_code_hash, created_at, revoked_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    params![
                        f.id.as_str(),
                        f.session_id.as_str(),
                        f.client_id.as_str(),
                        f.user_id.as_str(),
                        f.scope,
                        f.organization_id.as_ref().map(OrgId::as_str),
                        f.authorization_code_hash.as_ref().map(|h| h.as_bytes().to_vec()),
                        f.created_at.0,
                        f.revoked_at.map(|t| t.0)
                    ],
                )?;
                insert_token(tx, f.id.as_str(), &first, f.created_at, expires_at)
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
