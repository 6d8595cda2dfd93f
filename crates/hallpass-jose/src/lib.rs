//! JWS verification for Hallpass tokens, shared by the server (which checks
//! its own tokens) and the SDK (which checks them in apps).
//!
//! Built on aws-lc-rs rather than a JWT library: the keys are parsed once,
//! so a verification costs the signature check alone, and the algorithm
//! always comes from the published key, never from the token's header.

mod algorithm;
mod jws;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use jws::{at_hash, parse, Header, JwsError, Parsed, VerifyingKeys};
