//! The SAML service provider's pages. Protocol work is `hallpass-saml`'s and the flow core's
//! (`hallpass_core::signin::saml`); these handlers only move values between HTTP and it.
//!
//! - `GET /saml/{connection}/metadata`: the SP metadata XML (public).
//! - `POST /saml/{connection}/acs`: the IdP's cross-site POST (no cookie arrives with it): the
//!   response is verified and kept server-side under a one-time handle, then a 303 to
//!   - `GET /login/sso/{connection}/saml?handle=…`: a same-site top-level GET that carries the
//!     Lax cookie `/login/sso/{connection}` set, so the browser can be checked before signing in.
//!
//! The AuthnRequest itself is sent by `GET /login/sso/{connection}` like every other SSO start.

mod acs;
mod metadata;
mod resume;

pub use acs::acs;
pub use metadata::metadata;
pub use resume::resume;
