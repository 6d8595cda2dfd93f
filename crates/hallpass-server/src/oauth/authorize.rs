//! `GET|POST /oauth/authorize`: validates the request, then either redirects
//! back to the client (a code or an error), shows an error page (when the
//! client or redirect URI cannot be trusted), or sends the user to the hosted
//! sign-in page, which returns here once there is a session.

use crate::http::form::{self, Pairs};
use crate::pages::{MaybeSession, PageState};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::oauth::authorize::{authorize as decide, Outcome};

pub async fn authorize(
    State(state): State<PageState>,
    method: Method,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let pairs: Pairs = if method == Method::POST {
        if !form::is_form(&headers) {
            return state.pages().message(
                StatusCode::BAD_REQUEST,
                "Sign-in request not understood",
                "The application sent a malformed request.",
            );
        }
        form::parse(&body)
    } else {
        form::parse(query.unwrap_or_default().as_bytes())
    };
    match decide(state.ctx(), state.policy(), &pairs, session).await {
        Ok(Outcome::Redirect(location)) => redirect(&location),
        Ok(Outcome::Refuse(reason)) => {
            state
                .pages()
                .message(StatusCode::BAD_REQUEST, "This sign-in link is not valid", &reason)
        }
        Ok(Outcome::PickOrganization(organizations)) => {
            // The picker sends the same request back with the chosen
            // `organization_id` and without `prompt`, so it is not asked again.
            let kept: Vec<(&str, &str)> = pairs
                .iter()
                .filter(|(k, _)| k != "prompt" && k != "organization_id")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let organizations: Vec<_> = organizations
                .iter()
                .map(|o| minijinja::context! { id => o.id.as_str(), name => &o.name })
                .collect();
            state.pages().render(
                StatusCode::OK,
                "organizations.html",
                minijinja::context! { pairs => kept, organizations },
            )
        }
        Ok(Outcome::SignIn { signup, .. }) => {
            // The hosted page comes back to this same request once signed in
            // (without `prompt=login`, which is then satisfied).
            let again = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter().filter_map(|(k, v)| {
                    if k != "prompt" || signup {
                        return Some((k.clone(), v.clone()));
                    }
                    let kept: Vec<&str> = v.split(' ').filter(|p| *p == "select_account").collect();
                    (!kept.is_empty()).then(|| (k.clone(), kept.join(" ")))
                }))
                .finish();
            let return_to = format!("/oauth/authorize?{again}");
            let page = if signup { "/signup" } else { "/login" };
            let target = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("return_to", &return_to)
                .finish();
            redirect(&format!("{page}?{target}"))
        }
        Err(err @ hallpass_core::CoreError::Invalid { .. }) => state.pages().message(
            StatusCode::BAD_REQUEST,
            "This sign-in link is not valid",
            &err.to_string(),
        ),
        Err(err) => crate::pages::server_error(&state, "authorization failed", &err),
    }
}

pub fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(LOCATION, location), (CACHE_CONTROL, "no-store")]).into_response()
}
