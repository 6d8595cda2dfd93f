//! Every route Hallpass serves, in one place.

use crate::http::{health, host, jwks, layers, metrics};
use crate::oauth::{authorize, discovery, introspect, logout, register, token, userinfo};
use crate::pages::{self, account, code, errors, home, invitations, login, outbox, password, saml, signup, sso};
use crate::state::AppState;
use axum::routing::{get, post};
use axum::{middleware, Router};

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/.well-known/jwks.json", get(jwks::jwks))
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(discovery::openid_configuration),
        )
        .route("/oauth/authorize", get(authorize::authorize).post(authorize::authorize))
        .route("/oauth/token", post(token::token))
        .route("/oauth/userinfo", get(userinfo::userinfo).post(userinfo::userinfo))
        .route("/oauth/introspect", post(introspect::introspect))
        .route("/oauth/revoke", post(introspect::revoke))
        .route("/oauth/register", post(register::register))
        .route(
            "/oauth/register/{client_id}",
            get(register::read).put(register::update).delete(register::delete),
        )
        .route("/oidc/logout", get(logout::logout).post(logout::logout))
        .nest("/api/v1", crate::api::routes(state.clone()))
        .merge(crate::scim::routes())
        .route("/static/hallpass.css", get(pages::stylesheet))
        .route("/static/theme.css", get(pages::theme))
        .merge(hosted_pages(&state))
        .fallback(errors::not_found)
        .method_not_allowed_fallback(errors::method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track));
    layers::apply(routes, state.mode()).with_state(state)
}

/// The pages a browser shows and the development outbox: in development they
/// answer only under the issuer's name (`http::host`).
fn hosted_pages(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/login", get(login::page).post(login::submit))
        .route("/login/code", post(code::request))
        .route("/login/code/verify", post(code::verify))
        .route("/login/link", get(code::link_page).post(code::redeem))
        .route("/login/sso", post(sso::discover))
        .route("/login/sso/{id}", get(sso::start))
        .route("/login/sso/{id}/callback", get(sso::callback))
        .route("/login/sso/{id}/saml", get(saml::resume))
        .route("/saml/{id}/metadata", get(saml::metadata))
        .route("/saml/{id}/acs", post(saml::acs))
        .route("/invitations/accept", get(invitations::page).post(invitations::accept))
        .route("/password/forgot", get(password::forgot_page).post(password::forgot))
        .route("/password/reset", get(password::reset_page).post(password::reset))
        .route("/signup", get(signup::page).post(signup::submit))
        .route("/signup/verify", post(signup::verify))
        .route("/account", get(account::page))
        .route("/account/name", post(account::change_name))
        .route("/account/password", post(account::change_password))
        .route("/account/sessions/{id}/revoke", post(account::revoke_session))
        .route("/account/consents/withdraw", post(account::withdraw_consent))
        .route("/oauth/consent", post(authorize::consent))
        .route("/logout", post(account::sign_out))
        .route("/dev/outbox", get(outbox::page))
        .route("/dev/outbox.json", get(outbox::json))
        .merge(crate::admin::routes(state))
        .route_layer(middleware::from_fn_with_state(state.clone(), host::require_issuer_host))
}
