use crate::http::form;
use crate::pages::device::ClientDevice;
use crate::pages::{sso, PageState};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallpass_core::signin::saml;
use hallpass_core::signin::sso::Failure;

/// `POST /saml/{connection}/acs`: the IdP's `SAMLResponse` (HTTP-POST binding). A verified
/// response leads on to the same-site GET that checks the browser; a refused one ends on the
/// error page, having created nothing.
pub async fn acs(
    state: PageState,
    Path(id): Path<String>,
    ClientDevice(device): ClientDevice,
    body: Bytes,
) -> Response {
    let pairs = form::parse(&body);
    let (response, relay_state) = match (form::single(&pairs, "SAMLResponse"), form::single(&pairs, "RelayState")) {
        (Ok(Some(response)), Ok(relay_state)) => (response, relay_state),
        _ => {
            let error = hallpass_core::signin::sso::SsoError::Saml(hallpass_saml::ResponseError::Encoding);
            return sso::failure(&state, error, None);
        }
    };
    match saml::accept(
        state.ctx(),
        state.provider().master(),
        &state.policy().issuer,
        &id,
        response,
        relay_state,
        &device,
    )
    .await
    {
        Ok(accepted) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("handle", &accepted.handle)
                .finish();
            let location = format!("/login/sso/{id}/saml?{query}");
            (
                StatusCode::SEE_OTHER,
                [(LOCATION, location.as_str()), (CACHE_CONTROL, "no-store")],
            )
                .into_response()
        }
        Err(Failure { error, return_to }) => sso::failure(&state, error, return_to.as_deref()),
    }
}
