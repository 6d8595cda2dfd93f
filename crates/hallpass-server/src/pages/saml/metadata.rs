use crate::pages::PageState;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallpass_core::ids::ConnectionId;
use hallpass_core::services::saml_settings::sp_config;
use hallpass_core::signin::saml;

/// `GET /saml/{connection}/metadata`: Hallpass's SP metadata for one SAML connection (entity
/// id, ACS with the HTTP-POST binding, NameID formats, and the SP certificate for encryption, and
/// for signing when AuthnRequests are signed), for the IdP's admin to import.
pub async fn metadata(state: PageState, Path(id): Path<String>) -> Response {
    let Ok(id) = ConnectionId::parse(&id) else {
        return not_found();
    };
    let connection = match saml::usable(state.ctx(), &id).await {
        Ok(Some(connection)) => connection,
        Ok(None) | Err(hallpass_core::signin::sso::SsoError::NoConnection) => return not_found(),
        Err(err) => return crate::pages::server_error(&state, "SAML metadata look-up failed", &err),
    };
    match sp_config(&state.policy().issuer, &connection, state.provider().master()) {
        Ok(sp) => (
            StatusCode::OK,
            [
                (CONTENT_TYPE, "application/samlmetadata+xml"),
                (CACHE_CONTROL, "public, max-age=300"),
            ],
            sp.metadata_xml(),
        )
            .into_response(),
        Err(err) => crate::pages::server_error(&state, "SAML metadata failed", &err),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(CONTENT_TYPE, "text/plain")],
        "no such SAML connection\n",
    )
        .into_response()
}
