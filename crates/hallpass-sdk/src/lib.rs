//! Client SDK for apps that sign their users in with Hallpass.
//!
//! This first part builds what a relying party sends: the authorization URL
//! (with a fresh PKCE pair, `state` and `nonce`) and the logout URL. Token
//! exchange, verification and the axum middleware build on it.

mod authorize;
mod logout;
mod pkce;

pub use authorize::{AuthorizationRequest, AuthorizationUrl, Prompt};
pub use logout::LogoutRequest;
pub use pkce::Pkce;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// 32 random bytes, base64url: for `state`, `nonce` and PKCE verifiers.
pub(crate) fn random_value() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid URL: {0}")]
    Url(#[from] url::ParseError),
    #[error("the operating system did not supply random bytes")]
    Random,
}
