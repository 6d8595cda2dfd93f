//! Services: the operations Hallpass offers, shared by the HTTP handlers and the CLI.

pub mod audit;
pub mod clients;
pub mod connections;
pub mod consents;
pub mod console;
pub mod directories;
pub mod invitations;
pub mod keys;
pub mod memberships;
pub mod organizations;
pub mod passwords;
pub mod provisioning;
pub mod resources;
pub mod roles;
pub mod saml_settings;
pub mod session_policy;
pub mod settings;
pub mod users;
