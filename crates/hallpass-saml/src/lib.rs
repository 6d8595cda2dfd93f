//! SAML 2.0 for Hallpass as a service provider: pure, no HTTP and no SQL.
//!
//! - [`IdpConfig`]: the identity provider, from metadata XML or from entity id + SSO URL +
//!   certificate(s).
//! - [`SpConfig`]: Hallpass's side of one connection; [`SpConfig::metadata_xml`] and
//!   [`SpConfig::authn_request`] (HTTP-Redirect binding, optionally signed).
//! - [`verify_response`]: a `SAMLResponse` from the HTTP-POST binding, verified into a
//!   [`VerifiedAssertion`] or refused with a [`ResponseError`] naming the failed check.
//!
//! XML signatures are verified by libxmlsec1 through the `samael` crate; see `signature` for what
//! this crate adds around it.

mod encryption;
mod idp;
mod keys;
mod response;
mod signature;
mod sp;
mod xml;

pub use idp::{IdpConfig, MetadataError, HTTP_POST_BINDING, HTTP_REDIRECT_BINDING};
pub use keys::{Certificate, KeyError, SpKeyPair};
pub use response::{verify_response, Expected, ResponseError, VerifiedAssertion};
pub use sp::{
    AuthnRedirect, SpConfig, SpError, DEFAULT_CLOCK_SKEW, NAMEID_EMAIL, NAMEID_PERSISTENT, NAMEID_UNSPECIFIED,
    RSA_SHA256,
};
