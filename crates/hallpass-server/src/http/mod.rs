//! HTTP plumbing shared by every route: errors, metrics, health, headers.

pub mod error;
pub mod health;
pub mod jwks;
pub mod layers;
pub mod metrics;
