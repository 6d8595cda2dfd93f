//! Finding how a request presented its client (RFC 6749 §2.3): HTTP Basic,
//! or `client_id`/`client_secret` in the body, never both.

use crate::http::form::{single, Pairs};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hallpass_core::oauth::client_auth::Presented;
use hallpass_core::oauth::OAuthError;

pub fn presented(headers: &HeaderMap, pairs: &Pairs) -> Result<Presented, OAuthError> {
    let body_id = single(pairs, "client_id").map_err(OAuthError::invalid_request)?;
    let body_secret = single(pairs, "client_secret").map_err(OAuthError::invalid_request)?;
    if let Some(header) = headers.get(AUTHORIZATION) {
        let value = header
            .to_str()
            .map_err(|_| OAuthError::invalid_client("malformed Authorization header"))?;
        let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(OAuthError::invalid_client("client authentication uses HTTP Basic"));
        }
        let decoded = STANDARD
            .decode(credentials.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| OAuthError::invalid_client("malformed Basic credentials"))?;
        let (id, secret) = decoded
            .split_once(':')
            .ok_or_else(|| OAuthError::invalid_client("malformed Basic credentials"))?;
        // Both parts are form-urlencoded before base64 (RFC 6749 §2.3.1).
        let (id, secret) = (form_decode(id), form_decode(secret));
        if body_secret.is_some() {
            return Err(OAuthError::invalid_request(
                "use one client authentication method, not Basic and client_secret together",
            ));
        }
        if body_id.is_some_and(|b| b != id) {
            return Err(OAuthError::invalid_request(
                "client_id in the body differs from the one in the Authorization header",
            ));
        }
        return Ok(Presented::Basic { client_id: id, secret });
    }
    match (body_id, body_secret) {
        (Some(id), Some(secret)) => Ok(Presented::Post {
            client_id: id.to_owned(),
            secret: secret.to_owned(),
        }),
        (Some(id), None) => Ok(Presented::IdOnly {
            client_id: id.to_owned(),
        }),
        (None, _) => Err(OAuthError::invalid_client("client authentication is required")),
    }
}

/// Undoes the form-encoding of one value: `+` is a space, `%XX` a byte, and
/// a raw `&` is part of the value, not the end of it.
fn form_decode(text: &str) -> String {
    let text = text.replace('&', "%26");
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
