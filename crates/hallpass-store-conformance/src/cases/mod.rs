//! Each case states one rule of the store contract and checks it through the
//! `Store` traits only. One file per capability.

mod audit;
mod clients;
mod codes;
mod connections;
mod console;
mod directory;
mod invitations;
mod keys;
mod one_time;
mod refresh;
mod resources;
mod schema;
mod scim_directories;
mod sessions;
mod signin_settings;

pub use audit::*;
pub use clients::*;
pub use codes::*;
pub use connections::*;
pub use console::*;
pub use directory::*;
pub use invitations::*;
pub use keys::*;
pub use one_time::*;
pub use refresh::*;
pub use resources::*;
pub use schema::*;
pub use scim_directories::*;
pub use sessions::*;
pub use signin_settings::*;

pub(crate) use crate::fixtures::*;
pub(crate) use hallpass_core::crypto::Algorithm;
pub(crate) use hallpass_core::ids::{KeyId, OneTimeTokenId, RoleId};
pub(crate) use hallpass_core::rng::SystemRng;
pub(crate) use hallpass_core::store::*;
pub(crate) use hallpass_core::values::{Email, Slug};
pub(crate) use hallpass_proto::Jwk;
pub(crate) use serde_json::json;
pub(crate) use std::sync::Arc;
pub(crate) use std::time::Duration;

pub(crate) type S = Arc<dyn Store>;

pub(crate) const SECOND: Duration = Duration::from_secs(1);
pub(crate) const MINUTE: Duration = Duration::from_secs(60);
