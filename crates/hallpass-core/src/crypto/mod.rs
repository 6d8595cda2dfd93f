//! The few cryptographic operations Hallpass needs, all through aws-lc-rs.

mod code_hash;
pub mod jws;
mod master_key;
mod secret_hash;
mod signing;

pub use code_hash::CodeHasher;
pub use master_key::{DecryptError, InvalidMasterKey, MasterKey};
pub use secret_hash::SecretHash;
pub use signing::{Algorithm, GeneratedKey, KeyError, SigningKey, UnknownAlgorithm};
