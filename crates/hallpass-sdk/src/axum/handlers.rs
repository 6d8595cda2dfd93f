//! `/login`, `/callback`, `/logout` and `/backchannel-logout`.

use super::cookies::{self, StoredSession, Transaction, TRANSACTION_MAX_AGE};
use super::HallpassAuth;
use crate::{AuthorizationOptions, Prompt};
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    return_to: Option<String>,
    organization_id: Option<String>,
    prompt: Option<String>,
    login_hint: Option<String>,
}

/// Only a path on this app: never another origin (`//host`, `/\host`, or
/// `/<tab>/host`, which browsers read as `//host` once they drop the tab).
fn local_path(return_to: Option<&str>) -> String {
    match return_to {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
}

fn failure(status: StatusCode, message: &str) -> Response {
    (status, [(CACHE_CONTROL, "no-store")], message.to_owned()).into_response()
}

pub(crate) async fn login(State(auth): State<HallpassAuth>, Query(query): Query<LoginQuery>) -> Response {
    let settings = &auth.inner.settings;
    let mut options = AuthorizationOptions::new(&settings.redirect_uri());
    options.scopes = settings.scopes.clone();
    options.organization_id = query.organization_id;
    options.login_hint = query.login_hint;
    options.prompt = match query.prompt.as_deref() {
        Some("login") => Some(Prompt::Login),
        Some("create") => Some(Prompt::Create),
        Some("select_account") => Some(Prompt::SelectAccount),
        _ => None,
    };
    let started = match auth.inner.client.authorization_url(&options) {
        Ok(started) => started,
        Err(err) => {
            return failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot start sign-in: {err}"),
            )
        }
    };
    let transaction = Transaction {
        state: started.state,
        nonce: started.nonce,
        verifier: started.pkce.verifier,
        return_to: local_path(query.return_to.as_deref()),
    };
    let name = cookies::transaction_name(settings);
    let Ok(sealed) = auth.inner.sealer.seal(name, &transaction) else {
        return failure(StatusCode::INTERNAL_SERVER_ERROR, "cannot start sign-in");
    };
    let mut response = redirect(&started.url);
    cookies::append(
        response.headers_mut(),
        cookies::set(settings, name, &sealed, TRANSACTION_MAX_AGE),
    );
    response
}

#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub(crate) async fn callback(
    State(auth): State<HallpassAuth>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let settings = &auth.inner.settings;
    let client = &auth.inner.client;
    let tx_name = cookies::transaction_name(settings);
    let transaction =
        cookies::read(&headers, tx_name).and_then(|v| auth.inner.sealer.open::<Transaction>(tx_name, v).ok());
    let Some(transaction) = transaction else {
        return failure(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired or was started in another browser. Start again.",
        );
    };
    if query.state.as_deref() != Some(transaction.state.as_str()) {
        return failure(
            StatusCode::BAD_REQUEST,
            "The sign-in's state does not match. Start again.",
        );
    }
    // RFC 9207: the response names its issuer; a mix-up attack would show another.
    let iss_required = client.metadata().authorization_response_iss_parameter_supported;
    if query.iss.as_deref() != Some(client.issuer()) && (iss_required || query.iss.is_some()) {
        return failure(StatusCode::BAD_REQUEST, "The sign-in came back from another issuer.");
    }
    if let Some(error) = query.error {
        let description = query.error_description.unwrap_or_default();
        return failure(
            StatusCode::BAD_REQUEST,
            &format!("Sign-in did not finish: {error} {description}"),
        );
    }
    let Some(code) = query.code else {
        return failure(StatusCode::BAD_REQUEST, "The sign-in came back without a code.");
    };
    let authenticated = match client
        .authenticate_with_code(
            &code,
            &settings.redirect_uri(),
            &transaction.verifier,
            &transaction.nonce,
        )
        .await
    {
        Ok(authenticated) => authenticated,
        Err(err) => return failure(StatusCode::BAD_GATEWAY, &format!("Sign-in failed: {err}")),
    };
    let stored = StoredSession {
        user: authenticated.user,
        sid: Some(authenticated.id_token.sid),
        tokens: authenticated.tokens,
    };
    let name = cookies::session_name(settings);
    let Ok(sealed) = auth.inner.sealer.seal(name, &stored) else {
        return failure(StatusCode::INTERNAL_SERVER_ERROR, "cannot keep the session");
    };
    let mut response = redirect(&transaction.return_to);
    let headers = response.headers_mut();
    cookies::append(
        headers,
        cookies::set(settings, name, &sealed, settings.cookie_max_age_secs),
    );
    cookies::append(headers, cookies::set(settings, tx_name, "", 0));
    response
}

/// Ends the app's session, revokes its refresh token, and sends the browser
/// to Hallpass to end the session there too.
pub(crate) async fn logout(State(auth): State<HallpassAuth>, headers: HeaderMap) -> Response {
    let settings = &auth.inner.settings;
    let client = &auth.inner.client;
    let name = cookies::session_name(settings);
    let stored = cookies::read(&headers, name).and_then(|v| auth.inner.sealer.open::<StoredSession>(name, v).ok());
    let id_token = stored.as_ref().and_then(|s| s.tokens.id_token.clone());
    if let Some(refresh) = stored.as_ref().and_then(|s| s.tokens.refresh_token.as_deref()) {
        // Best effort: the logout at Hallpass ends the session anyway.
        let _ = client.revoke(refresh).await;
    }
    let after = format!("{}{}", settings.base_url, settings.after_logout_path);
    let to = client
        .logout_url(id_token.as_deref(), Some(&after), None)
        .unwrap_or(after);
    let mut response = redirect(&to);
    cookies::append(response.headers_mut(), cookies::set(settings, name, "", 0));
    response
}

#[derive(Debug, Deserialize)]
pub(crate) struct LogoutTokenForm {
    logout_token: String,
}

/// OpenID Back-Channel Logout 1.0 §2.8: 200 when the session is ended, 400
/// when the logout token does not validate.
pub(crate) async fn backchannel_logout(
    State(auth): State<HallpassAuth>,
    Form(form): Form<LogoutTokenForm>,
) -> Response {
    match auth.inner.client.verify_logout_token(&form.logout_token).await {
        Ok(claims) => {
            auth.inner.revoked.insert(&claims.sid, auth.inner.client.now());
            (StatusCode::OK, [(CACHE_CONTROL, "no-store")]).into_response()
        }
        Err(err) => (
            StatusCode::BAD_REQUEST,
            [(CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({"error": "invalid_request", "error_description": err.to_string()})),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn return_to_stays_on_this_app() {
        assert_eq!(local_path(Some("/dashboard?tab=1")), "/dashboard?tab=1");
        for outside in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "dashboard",
        ] {
            assert_eq!(local_path(Some(outside)), "/", "{outside}");
        }
        assert_eq!(local_path(None), "/");
    }
}
