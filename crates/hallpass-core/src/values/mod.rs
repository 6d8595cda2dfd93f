//! Validated values: parse once at the edge, and every function that takes one
//! of these types can rely on what it promises.

mod email;
mod redirect_uri;
mod slug;

pub use email::{Email, InvalidEmail};
pub use redirect_uri::{InvalidRedirectUri, RedirectUri, UriPolicy};
pub use slug::{InvalidSlug, Slug};
