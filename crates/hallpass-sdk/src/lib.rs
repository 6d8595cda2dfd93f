//! Client SDK for apps that sign their users in with Hallpass.
//!
//! [`Client::discover`] reads the issuer's metadata and keys; then
//! [`Client::authorization_url`] starts a sign-in (PKCE, `state`, `nonce`),
//! [`Client::authenticate_with_code`] finishes it and validates the ID token,
//! [`Client::validate_access_token`] checks access tokens against a cached
//! JWKS, and [`Client::refresh`], [`Client::revoke`] and
//! [`Client::logout_url`] do the rest; [`Client::management`] is a typed
//! client for the management API. With the `axum` feature, [`axum`]
//! gives a ready sign-in for axum apps: handlers, a layer and extractors.

mod authorize;
mod client;
mod error;
mod keys;
mod logout;
pub mod management;
mod pkce;
mod seal;
mod tokens;
mod validate;
mod verified_cache;

#[cfg(feature = "axum")]
pub mod axum;

pub use authorize::{AuthorizationOptions, AuthorizationUrl, Prompt};
pub use client::{Client, ClientBuilder};
pub use error::{Error, TokenError};
pub use hallpass_proto::claims::{AccessTokenClaims, IdTokenClaims, LogoutTokenClaims};
pub use pkce::Pkce;
pub use seal::{SealError, Sealer};
pub use tokens::{Authenticated, Refreshed, Tokens, User};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// 32 random bytes, base64url: for `state`, `nonce` and PKCE verifiers.
pub(crate) fn random_value() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
