//! SCIM 2.0, the protocol alone: what a resource looks like (RFC 7643), how a
//! filter reads and matches (RFC 7644 §3.4.2.2), how a PATCH changes a
//! resource (§3.5.2), which attributes a response carries (§3.4.2.5) and what
//! an error body says (§3.12). No HTTP, no storage: the server's handlers call
//! this crate and store what it answers.
//!
//! Resources are JSON documents (`serde_json::Value`) in their wire shape:
//! core attributes at the top level, each extension under its schema URN.
//! [`schema`] describes the attributes; every operation here looks names up
//! there, case-insensitively, and writes them back in their canonical case.

pub mod discovery;
pub mod error;
pub mod filter;
pub mod patch;
pub mod path;
pub mod projection;
pub mod resource;
pub mod schema;

pub use error::{ScimError, ScimType};
pub use filter::Filter;
pub use patch::PatchRequest;
pub use path::AttrPath;
pub use resource::{GroupFields, ResourceKind, UserFields};
