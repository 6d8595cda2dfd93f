//! OpenID Provider metadata (Discovery 1.0) and RFC 8414 authorization server
//! metadata: the same document, listing exactly what is supported.

use crate::state::AppState;
use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hallpass_core::crypto::Algorithm;
use hallpass_core::services::resources;
use hallpass_proto::oauth::ProviderMetadata;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub fn metadata(issuer: &str, registration_open: bool) -> ProviderMetadata {
    let auth_methods = strings(&["client_secret_basic", "client_secret_post"]);
    ProviderMetadata {
        issuer: issuer.to_owned(),
        authorization_endpoint: format!("{issuer}/oauth/authorize"),
        token_endpoint: format!("{issuer}/oauth/token"),
        userinfo_endpoint: format!("{issuer}/oauth/userinfo"),
        jwks_uri: format!("{issuer}/.well-known/jwks.json"),
        revocation_endpoint: format!("{issuer}/oauth/revoke"),
        introspection_endpoint: format!("{issuer}/oauth/introspect"),
        end_session_endpoint: format!("{issuer}/oidc/logout"),
        registration_endpoint: registration_open.then(|| format!("{issuer}/oauth/register")),
        client_id_metadata_document_supported: true,
        scopes_supported: strings(&["openid", "profile", "email", "offline_access"]),
        response_types_supported: strings(&["code"]),
        response_modes_supported: strings(&["query"]),
        grant_types_supported: strings(&["authorization_code", "refresh_token", "client_credentials"]),
        subject_types_supported: strings(&["public"]),
        id_token_signing_alg_values_supported: Algorithm::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
        token_endpoint_auth_methods_supported: {
            let mut methods = auth_methods.clone();
            methods.push("none".into());
            methods
        },
        // Public clients may revoke their own refresh tokens with only their client_id.
        revocation_endpoint_auth_methods_supported: {
            let mut methods = auth_methods.clone();
            methods.push("none".into());
            methods
        },
        introspection_endpoint_auth_methods_supported: auth_methods,
        code_challenge_methods_supported: strings(&["S256"]),
        claims_supported: strings(&[
            "iss",
            "sub",
            "aud",
            "azp",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "sid",
            "amr",
            "at_hash",
            "email",
            "email_verified",
            "name",
            "oid",
        ]),
        prompt_values_supported: strings(&["none", "login", "create", "select_account", "consent"]),
        authorization_response_iss_parameter_supported: true,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        frontchannel_logout_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        claims_parameter_supported: false,
    }
}

/// The document, with the scopes of the registered resources added to
/// `scopes_supported` (MCP clients ask for what they find there).
pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    let mut document = metadata(&state.policy().issuer, state.provider().registration_open);
    match resources::list_resources(state.ctx(), None, 200).await {
        Ok(resources) => {
            for scope in resources.into_iter().flat_map(|r| r.scopes) {
                if !document.scopes_supported.contains(&scope) {
                    document.scopes_supported.push(scope);
                }
            }
        }
        Err(err) => tracing::error!(%err, "could not list resources for the metadata"),
    }
    ([(CACHE_CONTROL, "public, max-age=300")], Json(document)).into_response()
}
