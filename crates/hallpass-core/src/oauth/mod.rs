//! The OAuth 2.1 / OpenID Connect provider: what `/oauth/*` and `/oidc/*` do,
//! as services the HTTP handlers call. One file per endpoint or grant.

pub mod access_tokens;
pub mod authorize;
pub mod backchannel;
pub mod client_auth;
pub mod client_credentials;
pub mod code_grant;
mod error;
pub mod introspect;
pub mod logout;
pub mod metadata_document;
mod policy;
pub mod refresh_grant;
pub mod registration;
pub mod resource;
pub mod rotation;
mod scope;
pub mod tokens;
pub mod userinfo;

pub use error::{ErrorCode, OAuthError};
pub use policy::OAuthPolicy;
pub use scope::{Scope, USER_SCOPES};
