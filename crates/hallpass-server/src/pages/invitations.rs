//! `/invitations/accept`: the link from an invitation mail. The page asks
//! for one click (a mail scanner fetching the link must not use it up);
//! accepting joins the organization and sends the invitee to the app's
//! initiate-login URI, so the app starts its own sign-in. An account the
//! link created is signed in at once (the click proved the address), so that
//! sign-in goes straight through; an account that existed signs in as usual.

use super::device::ClientDevice;
use super::PageState;
use super::{csrf, signed_in, SignInForm};
use axum::extract::Query;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::services::invitations;
use hallpass_core::sessions;
use minijinja::context;
use std::collections::HashMap;

fn gone(state: &PageState) -> Response {
    state.pages().message(
        StatusCode::GONE,
        "This invitation no longer works",
        "Invitations work once and expire after 15 days; one may also have been revoked or sent again. Ask whoever invited you for a new one.",
    )
}

pub async fn page(state: PageState, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let token = query.get("token").cloned().unwrap_or_default();
    let (invitation, org) = match invitations::preview(state.ctx(), &token).await {
        Ok(Some(found)) => found,
        Ok(None) => return gone(&state),
        Err(err) => return super::server_error(&state, "invitation lookup failed", &err),
    };
    let csrf_token = csrf::token(&headers, state.mode(), state.ctx().rng.as_ref());
    let page = state.pages().render(
        StatusCode::OK,
        "invitation.html",
        context! { csrf => &csrf_token, token, organization => org.name, email => invitation.email },
    );
    csrf::attach(page, state.mode(), &csrf_token)
}

pub async fn accept(state: PageState, ClientDevice(device): ClientDevice, form: SignInForm) -> Response {
    if !form.trusted() {
        return state.pages().message(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Open the link from your email again.",
        );
    }
    let accepted = match invitations::accept(state.ctx(), &form.field("token"), &state.signin_policy().passwords).await
    {
        Ok(Some(accepted)) => accepted,
        Ok(None) => return gone(&state),
        Err(err) => return super::server_error(&state, "invitation acceptance failed", &err),
    };
    let target = accepted
        .client
        .as_ref()
        .and_then(|c| c.initiate_login_uri.as_deref())
        .and_then(|uri| url::Url::parse(uri).ok())
        .map(|mut uri| {
            // OpenID Connect Core §4: a third party (here, Hallpass) starts the app's login.
            uri.query_pairs_mut()
                .append_pair("iss", &state.policy().issuer)
                .append_pair("login_hint", accepted.user.email.as_str());
            uri.to_string()
        })
        .unwrap_or_else(|| "/account".to_owned());
    if !accepted.new_account {
        // An account that existed before the invitation signs in as it always
        // does (its password, or a code): a 15-day link is not a way in.
        return (StatusCode::SEE_OTHER, [(LOCATION, target)]).into_response();
    }
    let org = Some(accepted.organization.id.clone());
    let started = sessions::start(
        state.ctx(),
        state.policy(),
        &accepted.user,
        vec!["otp".into()],
        org,
        device,
    )
    .await;
    match started {
        Ok((token, _)) => signed_in(&state, &token, &target),
        Err(err) => super::server_error(&state, "session start failed", &err),
    }
}
