//! Wire types of Hallpass, shared by the server and the SDK: what goes over
//! HTTP, and nothing else. Only serde; no behaviour.

pub mod claims;
pub mod error;
pub mod jwk;
pub mod management;
pub mod oauth;

pub use error::ErrorBody;
pub use jwk::{Jwk, JwkSet};
