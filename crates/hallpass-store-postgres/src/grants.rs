use crate::rows::{get, hash, opt_hash, opt_ts, ts};
use crate::sessions::{end_in, prefixed_columns, session_prefixed};
use crate::users;
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, FamilyId, OrgId, SessionId, UserId};
use hallpass_core::oauth::rotation::{self, reuse_detected, Step};
use hallpass_core::store::{
    AuthorizationCode, CodeRedemption, GrantStore, PresentedRefresh, RefreshFamily, RefreshRotation, RefreshToCheck,
    RotateRefresh, StoreError, Successor, User,
};
use sqlx::postgres::PgRow;
use sqlx::PgConnection;

const CODE_COLUMNS: &str = "code_hash, client_id, user_id, session_id, redirect_uri, scope, nonce, code_challenge,
    organization_id, auth_time, created_at, expires_at, resource";

const FAMILY_COLUMNS: &str =
    "f.id, f.session_id, f.client_id, f.user_id, f.scope, f.organization_id, f.authorization_code_hash, f.created_at, f.revoked_at, f.resource";

fn code(row: &PgRow) -> Result<AuthorizationCode, StoreError> {
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

fn family(row: &PgRow) -> Result<RefreshFamily, StoreError> {
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

async fn insert_token(
    conn: &mut PgConnection,
    family: &str,
    token: &SecretHash,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token.as_bytes().as_slice())
        .bind(family)
        .bind(now.0)
        .bind(expires_at.0)
        .execute(conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// What `presented` reads besides the token: the row lock of a rotation,
/// or the user for the grant's checks (one query either way).
#[derive(Clone, Copy, PartialEq)]
enum Read {
    LockedForRotation,
    WithUser,
}

/// The presented token with its family, session and successor, and its
/// user when `read` asks for it.
async fn presented(
    conn: &mut PgConnection,
    token: &SecretHash,
    read: Read,
) -> Result<Option<(PresentedRefresh, Option<User>)>, StoreError> {
    let (user_columns, user_join, lock) = match read {
        Read::WithUser => (
            format!(", u.id IS NOT NULL AS user_found, {}", users::prefixed_columns()),
            "LEFT JOIN users u ON u.id = f.user_id",
            "",
        ),
        Read::LockedForRotation => (String::new(), "", "FOR UPDATE OF t, f"),
    };
    let sql = format!(
        "SELECT {FAMILY_COLUMNS}, t.expires_at AS token_expires_at, t.rotated_at, t.successor_sealed,
                n.rotated_at AS successor_rotated_at, {}{user_columns}
         FROM refresh_tokens t
         JOIN refresh_families f ON f.id = t.family_id
         JOIN sessions s ON s.id = f.session_id
         LEFT JOIN refresh_tokens n ON n.token_hash = t.successor_hash
         {user_join}
         WHERE t.token_hash = $1
         {lock}",
        prefixed_columns()
    );
    let Some(row) = sqlx::query(&sql)
        .bind(token.as_bytes().as_slice())
        .fetch_optional(conn)
        .await
        .map_err(map_err)?
    else {
        return Ok(None);
    };
    let sealed: Option<Vec<u8>> = get(&row, "successor_sealed")?;
    let successor_rotated_at = opt_ts(&row, "successor_rotated_at")?;
    let user = match read {
        Read::WithUser if get::<bool>(&row, "user_found")? => Some(users::user_prefixed(&row, "u_")?),
        _ => None,
    };
    let presented = PresentedRefresh {
        family: family(&row)?,
        session: Some(session_prefixed(&row, "s_")?),
        expires_at: ts(&row, "token_expires_at")?,
        rotated_at: opt_ts(&row, "rotated_at")?,
        successor: sealed.map(|sealed| Successor {
            sealed,
            rotated: successor_rotated_at.is_some(),
        }),
    };
    Ok(Some((presented, user)))
}

#[async_trait]
impl GrantStore for PostgresStore {
    async fn insert_authorization_code(&self, c: &AuthorizationCode) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO authorization_codes (code_hash, client_id, user_id, session_id, redirect_uri, scope, nonce,
                 code_challenge, organization_id, auth_time, created_at, expires_at, resource)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(c.hash.as_bytes().as_slice())
        .bind(c.client_id.as_str())
        .bind(c.user_id.as_str())
        .bind(c.session_id.as_str())
        .bind(&c.redirect_uri)
        .bind(&c.scope)
        .bind(&c.nonce)
        .bind(&c.code_challenge)
        .bind(c.organization_id.as_ref().map(OrgId::as_str))
        .bind(c.auth_time.0)
        .bind(c.created_at.0)
        .bind(c.expires_at.0)
        .bind(&c.resource)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn consume_authorization_code(
        &self,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<CodeRedemption, StoreError> {
        let key = hash.as_bytes().as_slice();
        let mut tx = self.write().await?;
        let sql = format!("UPDATE authorization_codes SET consumed_at = $1 WHERE code_hash = $2 AND consumed_at IS NULL RETURNING {CODE_COLUMNS}");
        if let Some(row) = sqlx::query(&sql)
            .bind(now.0)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
        {
            let redeemed = code(&row)?;
            tx.commit().await.map_err(map_err)?;
            return Ok(if redeemed.expires_at <= now {
                CodeRedemption::Expired
            } else {
                CodeRedemption::Redeemed(redeemed)
            });
        }
        let sql = format!("SELECT {CODE_COLUMNS} FROM authorization_codes WHERE code_hash = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
        else {
            return Ok(CodeRedemption::Unknown);
        };
        let replayed = code(&row)?;
        sqlx::query(
            "UPDATE refresh_families SET revoked_at = $1 WHERE authorization_code_hash = $2 AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(key)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(CodeRedemption::Replayed(replayed))
    }

    async fn insert_refresh_family(
        &self,
        f: &RefreshFamily,
        first: &SecretHash,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO refresh_families (id, session_id, client_id, user_id, scope, organization_id, authorization_code_hash, created_at, revoked_at, resource)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(f.id.as_str())
        .bind(f.session_id.as_str())
        .bind(f.client_id.as_str())
        .bind(f.user_id.as_str())
        .bind(&f.scope)
        .bind(f.organization_id.as_ref().map(OrgId::as_str))
        .bind(f.authorization_code_hash.as_ref().map(|h| h.as_bytes().to_vec()))
        .bind(f.created_at.0)
        .bind(f.revoked_at.map(|t| t.0))
        .bind(&f.resource)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        insert_token(&mut tx, f.id.as_str(), first, f.created_at, expires_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn find_presented_refresh(&self, token: &SecretHash) -> Result<Option<RefreshToCheck>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let found = presented(&mut conn, token, Read::WithUser).await?;
        Ok(found.map(|(presented, user)| RefreshToCheck { presented, user }))
    }

    async fn rotate_refresh_token(&self, r: &RotateRefresh) -> Result<RefreshRotation, StoreError> {
        let mut tx = self.write().await?;
        // Every rotation in a family locks the family row, so the successor
        // read here cannot change before this transaction ends.
        let found = presented(&mut tx, &r.presented, Read::LockedForRotation)
            .await?
            .map(|(presented, _)| presented);
        let (fam, mut sess) = match rotation::plan(found, r) {
            Step::Answer(answer) => return Ok(answer),
            Step::EndSession(family, session) => {
                end_in(&mut tx, session.id.as_str(), "refresh_reuse", r.now).await?;
                tx.commit().await.map_err(map_err)?;
                return Ok(reuse_detected(family, r.now));
            }
            Step::Rotate(family, session) => (family, session),
        };
        sqlx::query(
            "UPDATE refresh_tokens SET rotated_at = $1, successor_hash = $2, successor_sealed = $3 WHERE token_hash = $4",
        )
        .bind(r.now.0)
        .bind(r.replacement.as_bytes().as_slice())
        .bind(&r.replacement_sealed)
        .bind(r.presented.as_bytes().as_slice())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        insert_token(
            &mut tx,
            fam.id.as_str(),
            &r.replacement,
            r.now,
            r.replacement_expires_at,
        )
        .await?;
        if let Some(idle) = rotation::touched_idle_expiry(&sess, r.idle_expires_at) {
            sqlx::query("UPDATE sessions SET last_active_at = $1, idle_expires_at = $2 WHERE id = $3")
                .bind(r.now.0)
                .bind(idle.0)
                .bind(sess.id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            sess.last_active_at = r.now;
            sess.idle_expires_at = idle;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(RefreshRotation::Rotated {
            family: fam,
            session: sess,
        })
    }

    async fn find_refresh_family(
        &self,
        token: &SecretHash,
        now: Timestamp,
    ) -> Result<Option<RefreshFamily>, StoreError> {
        let sql = format!(
            "SELECT {FAMILY_COLUMNS} FROM refresh_tokens t
             JOIN refresh_families f ON f.id = t.family_id
             JOIN sessions s ON s.id = f.session_id
             WHERE t.token_hash = $1 AND t.rotated_at IS NULL AND t.expires_at > $2 AND f.revoked_at IS NULL
               AND s.ended_at IS NULL AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2"
        );
        let row = sqlx::query(&sql)
            .bind(token.as_bytes().as_slice())
            .bind(now.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(family).transpose()
    }

    async fn revoke_refresh_family(&self, token: &SecretHash, now: Timestamp) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE refresh_families SET revoked_at = $1
             WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $2) AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(token.as_bytes().as_slice())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }
}
