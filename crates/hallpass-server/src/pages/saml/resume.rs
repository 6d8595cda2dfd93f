use crate::http::cookies;
use crate::pages::device::ClientDevice;
use crate::pages::{safe_return_to, signed_in, sso, PageState};
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use hallpass_core::signin::saml::{self, Next};
use hallpass_core::signin::sso::Failure;
use std::collections::HashMap;

/// `GET /login/sso/{connection}/saml?handle=…`: after the ACS, in the browser that started (its
/// flow cookie checked by core), the sign-in itself.
pub async fn resume(
    state: PageState,
    Path(id): Path<String>,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let handle = query.get("handle").map(String::as_str).unwrap_or_default();
    let secret = cookies::read(&headers, sso::FLOW_COOKIE);
    let outcome = saml::finish(state.ctx(), state.policy(), &id, handle, secret.as_deref(), device).await;
    let response = match outcome {
        Ok(done) => {
            let next = match &done.next {
                Next::ReturnTo(path) => safe_return_to(Some(path)),
                // The client's registered initiate_login_uri: an admin's setting, not the user's.
                Next::InitiateLogin(url) => url.clone(),
            };
            signed_in(&state, &done.signed_in.token, &next)
        }
        Err(Failure { error, return_to }) => sso::failure(&state, error, return_to.as_deref()),
    };
    sso::end_flow(&state, response)
}
