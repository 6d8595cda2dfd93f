//! The OAuth 2.1 / OpenID Connect endpoints: one file per endpoint. Each
//! handler reads the request, calls one `hallpass_core::oauth` service and
//! writes the response the standard prescribes.

pub mod authorize;
pub mod backchannel;
mod client;
pub mod discovery;
pub mod documents;
mod error;
pub mod introspect;
pub mod logout;
pub mod register;
pub mod token;
pub mod upstream;
pub mod userinfo;
