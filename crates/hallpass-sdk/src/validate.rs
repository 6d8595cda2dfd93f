//! Checking tokens: access tokens (RFC 9068), ID tokens (OpenID Connect Core
//! §3.1.3.7) and logout tokens (Back-Channel Logout §2.6).

use crate::{Client, TokenError};
use hallpass_jose::{at_hash, Algorithm};
use hallpass_proto::claims::{AccessTokenClaims, IdTokenClaims, LogoutTokenClaims, BACKCHANNEL_LOGOUT_EVENT};

/// What the ID token must match beyond issuer, audience and time.
pub(crate) struct IdTokenExpectations<'a> {
    /// The nonce the authorization request sent; `None` on refresh.
    pub nonce: Option<&'a str>,
    pub access_token: &'a str,
    /// On refresh: the user the session already has.
    pub subject: Option<&'a str>,
}

impl Client {
    /// Verifies an access token's signature (with the key its `kid` names
    /// and that key's algorithm), type `at+jwt`, issuer, audience and time.
    pub async fn validate_access_token(&self, token: &str) -> Result<AccessTokenClaims, TokenError> {
        let now = self.now();
        if let Some(cache) = &self.inner.verified {
            if let Some(claims) = cache.get(token) {
                if now < claims.exp + self.inner.leeway {
                    return Ok(claims);
                }
                cache.remove(token);
                return Err(TokenError::Expired);
            }
        }
        let parsed = hallpass_jose::parse(token)?;
        let claims: AccessTokenClaims = self
            .inner
            .keys
            .verify(&self.inner.http, &parsed, Some("at+jwt"))
            .await?;
        self.check_issuer_and_time(&claims.iss, claims.exp, Some(claims.nbf), now)?;
        if claims.aud != self.inner.audience {
            return Err(TokenError::WrongAudience);
        }
        if let Some(cache) = &self.inner.verified {
            cache.insert(token, &claims, now);
        }
        Ok(claims)
    }

    pub(crate) async fn validate_id_token(
        &self,
        token: &str,
        expect: IdTokenExpectations<'_>,
    ) -> Result<IdTokenClaims, TokenError> {
        let parsed = hallpass_jose::parse(token)?;
        let claims: IdTokenClaims = self.inner.keys.verify(&self.inner.http, &parsed, None).await?;
        self.check_issuer_and_time(&claims.iss, claims.exp, None, self.now())?;
        if claims.aud != self.inner.client_id || claims.azp != self.inner.client_id {
            return Err(TokenError::WrongAudience);
        }
        if let Some(nonce) = expect.nonce {
            if claims.nonce.as_deref() != Some(nonce) {
                return Err(TokenError::WrongNonce);
            }
        }
        if let Some(subject) = expect.subject {
            if claims.sub != subject {
                return Err(TokenError::WrongSubject);
            }
        }
        // The header's algorithm equals the verifying key's (checked above).
        let algorithm: Algorithm = parsed.header.alg.parse().map_err(|_| TokenError::Malformed)?;
        if claims.at_hash.as_deref() != Some(at_hash(algorithm, expect.access_token).as_str()) {
            return Err(TokenError::WrongAtHash);
        }
        Ok(claims)
    }

    /// Checks a back-channel logout token: signature, `typ: logout+jwt`,
    /// issuer, audience, time, the logout event, a `sid`, and no `nonce`.
    pub async fn verify_logout_token(&self, token: &str) -> Result<LogoutTokenClaims, TokenError> {
        let parsed = hallpass_jose::parse(token)?;
        let raw: serde_json::Value = self
            .inner
            .keys
            .verify(&self.inner.http, &parsed, Some("logout+jwt"))
            .await?;
        if raw.get("nonce").is_some() {
            return Err(TokenError::Malformed);
        }
        let claims: LogoutTokenClaims = serde_json::from_value(raw).map_err(|_| TokenError::Malformed)?;
        self.check_issuer_and_time(&claims.iss, claims.exp, None, self.now())?;
        if claims.aud != self.inner.client_id {
            return Err(TokenError::WrongAudience);
        }
        if claims.events.get(BACKCHANNEL_LOGOUT_EVENT).is_none() || claims.sid.is_empty() {
            return Err(TokenError::Malformed);
        }
        Ok(claims)
    }

    fn check_issuer_and_time(&self, iss: &str, exp: i64, nbf: Option<i64>, now: i64) -> Result<(), TokenError> {
        if iss != self.inner.metadata.issuer {
            return Err(TokenError::WrongIssuer);
        }
        if now >= exp.saturating_add(self.inner.leeway) {
            return Err(TokenError::Expired);
        }
        if nbf.is_some_and(|nbf| nbf > now.saturating_add(self.inner.leeway)) {
            return Err(TokenError::NotYetValid);
        }
        Ok(())
    }
}
