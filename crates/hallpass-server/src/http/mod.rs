//! HTTP plumbing shared by every route: errors, forms, cookies, metrics, health, headers,
//! and the development `Host` check.

pub mod cookies;
pub mod error;
pub mod form;
pub mod health;
pub mod host;
pub mod jwks;
pub mod layers;
pub mod metrics;
pub mod page;
pub mod request_id;
