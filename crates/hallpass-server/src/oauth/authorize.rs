//! `GET|POST /oauth/authorize`: validates the request, then either redirects
//! back to the client (a code or an error), shows an error page (when the
//! client or redirect URI cannot be trusted), or sends the user to the hosted
//! sign-in page, which returns here once there is a session.

use crate::http::form::{self, Pairs};
use crate::pages::{csrf, MaybeSession, PageState, SignInForm};
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::oauth::authorize::{answer_consent, authorize as decide, ConsentRequest, Outcome};
use hallpass_core::oauth::metadata_document::{self, Refused};

pub async fn authorize(
    state: PageState,
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
    if let Err(refused) = fetch_document(&state, &pairs).await {
        return *refused;
    }
    let outcome = decide(state.ctx(), state.policy(), &pairs, session).await;
    respond(&state, &headers, &pairs, outcome)
}

/// A `client_id` that is a URL names its client's metadata document: it is
/// fetched (or taken as fetched before, while fresh) before the request is
/// judged. A document that cannot be had or breaks a rule is shown to the
/// user, never redirected.
async fn fetch_document(state: &PageState, pairs: &Pairs) -> Result<(), Box<Response>> {
    let Ok(Some(client_id)) = form::single(pairs, "client_id") else {
        return Ok(());
    };
    if !metadata_document::is_url_client_id(client_id) {
        return Ok(());
    }
    match state.provider().documents.resolve(state.ctx(), client_id).await {
        Ok(client) => {
            state.provider().clients.forget(&client.id);
            Ok(())
        }
        Err(Refused::Document(reason)) => Err(Box::new(state.pages().message(
            StatusCode::BAD_REQUEST,
            "This sign-in link is not valid",
            &format!("The application could not be identified: {reason}."),
        ))),
        Err(Refused::Core(err)) => Err(Box::new(crate::pages::server_error(
            state,
            "fetching a client metadata document failed",
            &err,
        ))),
    }
}

/// The user's answer on the consent page: a CSRF-checked form carrying the
/// authorization request again, which core validates from scratch.
pub async fn consent(
    state: PageState,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    form: SignInForm,
) -> Response {
    if !form.trusted() {
        return state.pages().message(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Go back to the application and start again.",
        );
    }
    let pairs: Pairs = form
        .pairs()
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "decision")
        .cloned()
        .collect();
    let allow = match form.field("decision").as_str() {
        "allow" => true,
        "deny" => false,
        _ => {
            return state.pages().message(
                StatusCode::BAD_REQUEST,
                "Sign-in request not understood",
                "Choose Allow or Deny.",
            )
        }
    };
    if let Err(refused) = fetch_document(&state, &pairs).await {
        return *refused;
    }
    let outcome = answer_consent(state.ctx(), state.policy(), &pairs, session, allow).await;
    respond(&state, &headers, &pairs, outcome)
}

fn respond(
    state: &PageState,
    headers: &HeaderMap,
    pairs: &Pairs,
    outcome: Result<Outcome, hallpass_core::CoreError>,
) -> Response {
    match outcome {
        Ok(Outcome::Redirect(location)) => redirect(&location),
        Ok(Outcome::Consent(request)) => consent_page(state, headers, pairs, &request),
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
        Ok(Outcome::SignIn {
            signup,
            connection,
            login_hint,
        }) => {
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
            if let Some(connection) = connection {
                return redirect(&crate::pages::sso::start_href(
                    &connection,
                    &return_to,
                    login_hint.as_deref(),
                ));
            }
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
        Err(err) => crate::pages::server_error(state, "authorization failed", &err),
    }
}

/// What a scope lets the client do, in words, where Hallpass knows.
fn meaning(scope: &str) -> Option<&'static str> {
    match scope {
        "openid" => Some("know who you are"),
        "profile" => Some("see your name"),
        "email" => Some("see your email address"),
        "offline_access" => Some("keep access while you are away"),
        _ => None,
    }
}

fn consent_page(state: &PageState, headers: &HeaderMap, pairs: &Pairs, request: &ConsentRequest) -> Response {
    // The answer comes back with the request as it was, less `prompt`
    // (consent is being given now).
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| k != "prompt")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let scopes: Vec<_> = request
        .scopes
        .iter()
        .map(|s| minijinja::context! { name => s, meaning => meaning(s) })
        .collect();
    let resource = request
        .resource
        .as_ref()
        .map(|r| minijinja::context! { name => &r.name, identifier => &r.identifier });
    let token = csrf::token(headers, state.mode(), state.ctx().rng.as_ref());
    let page = state.pages().render(
        StatusCode::OK,
        "consent.html",
        minijinja::context! {
            client => &request.client.name,
            domain => &request.domain,
            resource,
            scopes,
            pairs => kept,
            csrf => &token,
        },
    );
    let page = csrf::attach(page, state.mode(), &token);
    let mut page = page;
    page.headers_mut()
        .insert(CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    page
}

pub fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(LOCATION, location), (CACHE_CONTROL, "no-store")]).into_response()
}
