//! The Hallpass domain. Architecture invariant: this crate knows neither HTTP
//! nor SQL. Handlers in `hallpass-server` and the CLI call the services here;
//! the services reach the database only through the `store` traits.

pub mod clock;
pub mod context;
pub mod crypto;
pub mod error;
pub mod ids;
pub mod oauth;
pub mod rng;
pub mod services;
pub mod sessions;
pub mod signin;
pub mod store;
pub mod upstream;
pub mod values;

pub use context::Context;
pub use error::CoreError;
