//! The token endpoint (code exchange, refresh) and revocation.

use crate::validate::IdTokenExpectations;
use crate::{Client, Error};
use hallpass_proto::claims::{AccessTokenClaims, IdTokenClaims};
use hallpass_proto::oauth::TokenResponse;
use hallpass_proto::ErrorBody;
use serde::{Deserialize, Serialize};

/// The tokens a sign-in or a refresh gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    /// When the access token expires, in seconds since the epoch.
    pub expires_at: i64,
    pub scope: String,
}

/// The signed-in user, from the validated ID token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub organization_id: Option<String>,
}

impl From<&IdTokenClaims> for User {
    fn from(claims: &IdTokenClaims) -> Self {
        User {
            id: claims.sub.clone(),
            email: claims.email.clone(),
            email_verified: claims.email_verified,
            name: claims.name.clone(),
            organization_id: claims.oid.clone(),
        }
    }
}

/// A finished sign-in: every token validated.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub tokens: Tokens,
    pub id_token: IdTokenClaims,
    pub access_token: AccessTokenClaims,
}

/// A refresh: new tokens (the refresh token has rotated), validated.
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub tokens: Tokens,
    pub access_token: AccessTokenClaims,
    /// Present when the scope includes `openid`.
    pub id_token: Option<IdTokenClaims>,
}

impl Client {
    /// Exchanges the callback's `code` (with the PKCE verifier and the
    /// redirect URI of the request), then validates the ID token (signature,
    /// iss, aud, azp, exp, nonce, at_hash) and the access token.
    pub async fn authenticate_with_code(
        &self,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
        nonce: &str,
    ) -> Result<Authenticated, Error> {
        let response = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", code_verifier),
            ])
            .await?;
        let id_token = response
            .id_token
            .as_deref()
            .ok_or_else(|| Error::Protocol("no id_token: was the openid scope asked for?".into()))?;
        let id_claims = self
            .validate_id_token(
                id_token,
                IdTokenExpectations {
                    nonce: Some(nonce),
                    access_token: &response.access_token,
                    subject: None,
                },
            )
            .await?;
        let access_claims = self.validate_access_token(&response.access_token).await?;
        if access_claims.sub != id_claims.sub {
            return Err(Error::Protocol(
                "the access token's subject is not the ID token's".into(),
            ));
        }
        Ok(Authenticated {
            user: User::from(&id_claims),
            tokens: self.tokens_from(response),
            id_token: id_claims,
            access_token: access_claims,
        })
    }

    /// Trades a refresh token for new tokens. The old refresh token is spent:
    /// keep the new one. `Error::is_invalid_grant` means the session is over.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Refreshed, Error> {
        let response = self
            .token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
            .await?;
        let access_claims = self.validate_access_token(&response.access_token).await?;
        let id_claims = match response.id_token.as_deref() {
            Some(id_token) => Some(
                self.validate_id_token(
                    id_token,
                    IdTokenExpectations {
                        nonce: None,
                        access_token: &response.access_token,
                        subject: Some(&access_claims.sub),
                    },
                )
                .await?,
            ),
            None => None,
        };
        Ok(Refreshed {
            tokens: self.tokens_from(response),
            access_token: access_claims,
            id_token: id_claims,
        })
    }

    /// A machine token for this client itself (client_credentials), with
    /// the scopes the client holds. Not validated here: it is for calling
    /// APIs, which validate it.
    pub async fn client_credentials(&self) -> Result<Tokens, Error> {
        let response = self.token_request(&[("grant_type", "client_credentials")]).await?;
        Ok(self.tokens_from(response))
    }

    /// Revokes a refresh token (ending its session's token family) or an
    /// access token (RFC 7009). Unknown tokens succeed, as the RFC says.
    pub async fn revoke(&self, token: &str) -> Result<(), Error> {
        let response = self
            .authenticated_post(&self.inner.metadata.revocation_endpoint, &[("token", token)])
            .send()
            .await?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(oauth_error(response).await)
    }

    fn tokens_from(&self, response: TokenResponse) -> Tokens {
        Tokens {
            expires_at: self.now() + i64::try_from(response.expires_in).unwrap_or(i64::MAX / 2),
            access_token: response.access_token,
            refresh_token: response.refresh_token,
            id_token: response.id_token,
            scope: response.scope,
        }
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenResponse, Error> {
        let response = self
            .authenticated_post(&self.inner.metadata.token_endpoint, form)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(oauth_error(response).await);
        }
        response
            .json()
            .await
            .map_err(|e| Error::Protocol(format!("token response: {e}")))
    }

    /// A POST with client authentication: `client_secret_basic` for a
    /// confidential client (id and secret form-encoded first, RFC 6749
    /// §2.3.1), `client_id` in the body for a public one.
    fn authenticated_post(&self, url: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let request = self.inner.http.post(url);
        match &self.inner.client_secret {
            Some(secret) => {
                let encode = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
                request
                    .basic_auth(encode(&self.inner.client_id), Some(encode(secret)))
                    .form(form)
            }
            None => {
                let mut body = form.to_vec();
                body.push(("client_id", &self.inner.client_id));
                request.form(&body)
            }
        }
    }
}

async fn oauth_error(response: reqwest::Response) -> Error {
    let status = response.status().as_u16();
    match response.json::<ErrorBody>().await {
        Ok(body) => Error::OAuth {
            status,
            error: body.error,
            description: body.error_description,
        },
        Err(_) => Error::Protocol(format!("the issuer answered {status} without an OAuth error body")),
    }
}
