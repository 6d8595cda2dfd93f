//! What every hosted-page handler starts from: the posted form, checked
//! against this browser's CSRF cookie, and the browser's live session.

use super::{csrf, PageParts};
use crate::http::cookies;
use crate::http::form::{self, Pairs};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::Response;
use hallpass_core::sessions;
use hallpass_core::store::Session;

/// A posted page form. `trusted` only when it is form-encoded and carries the
/// CSRF token of this browser's cookie; each handler decides how to refuse.
pub struct SignInForm {
    pairs: Pairs,
    trusted: bool,
}

impl SignInForm {
    pub fn trusted(&self) -> bool {
        self.trusted
    }

    /// One field, empty when missing or repeated.
    pub fn field(&self, name: &str) -> String {
        super::field(&self.pairs, name)
    }

    pub fn pairs(&self) -> &Pairs {
        &self.pairs
    }
}

impl<S> FromRequest<S> for SignInForm
where
    S: Send + Sync,
    PageParts: FromRef<S>,
{
    type Rejection = BytesRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, BytesRejection> {
        let state = PageParts::from_ref(state);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, &()).await?;
        let pairs = form::parse(&body);
        let submitted = form::single(&pairs, "csrf").ok().flatten();
        let trusted = form::is_form(&headers) && csrf::verify(&headers, state.mode(), submitted);
        Ok(SignInForm { pairs, trusted })
    }
}

/// The browser's live session, if its cookie names one. A store that cannot
/// answer is a 500, not a signed-out browser.
pub struct MaybeSession(pub Option<Session>);

impl<S> FromRequestParts<S> for MaybeSession
where
    S: Send + Sync,
    PageParts: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let state = PageParts::from_ref(state);
        let Some(token) = cookies::read(&parts.headers, cookies::session_cookie_name(state.mode())) else {
            return Ok(MaybeSession(None));
        };
        match sessions::live(state.ctx(), &token).await {
            Ok(session) => Ok(MaybeSession(session)),
            Err(err) => Err(super::server_error(
                &state.clone().with_defaults(),
                "reading the session failed",
                &err,
            )),
        }
    }
}
