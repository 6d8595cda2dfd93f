//! `/admin/keys`: the signing keys, and rotating one (after a confirm page),
//! as `/api/v1/keys` does.

use super::session::Params;
use super::{checked, done, failure, notice, Admin, Console};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::crypto::Algorithm;
use hallpass_core::services::{audit, keys};
use hallpass_core::CoreError;
use minijinja::context;
use serde_json::json;
use std::sync::Arc;

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    match keys::list_keys(state.ctx()).await {
        Ok(all) => {
            let list: Vec<_> = all.iter().map(views::signing_key).collect();
            pages.page(
                StatusCode::OK,
                "admin/keys.html",
                &admin,
                "keys",
                context! { keys => list, notice => notice(params.get("done")) },
            )
        }
        Err(err) => failure(&pages, err),
    }
}

fn algorithm(text: &str) -> Result<Algorithm, CoreError> {
    text.parse()
        .map_err(|e: hallpass_core::crypto::UnknownAlgorithm| CoreError::invalid("algorithm", e.to_string()))
}

pub async fn confirm_rotate(
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let alg = params.get("alg").cloned().unwrap_or_else(|| "ES256".to_owned());
    let alg = match algorithm(&alg) {
        Ok(alg) => alg,
        Err(err) => return failure(&pages, err),
    };
    pages.page(
        StatusCode::OK,
        "admin/confirm.html",
        &admin,
        "keys",
        context! {
            title => format!("Rotate the {} signing key?", alg.as_str()),
            message => "A new key starts signing tokens at once. The old one stays published until every token it signed has expired, so apps keep verifying them.",
            button => "Rotate the key",
            action => "/admin/keys/rotate",
            cancel => "/admin/keys",
            hidden => context! { alg => alg.as_str() },
            danger => false,
        },
    )
}

pub async fn rotate(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let alg = match algorithm(&form.field("alg")) {
        Ok(alg) => alg,
        Err(err) => return failure(&pages, err),
    };
    match state.provider().rotate_signing_key(alg).await {
        Ok(kid) => {
            let details = json!({ "kid": kid, "alg": alg.as_str() });
            audit::record(state.ctx(), &admin.actor(), "key.rotated", None, details).await;
            done("/admin/keys", "rotated")
        }
        Err(err) => failure(&pages, err),
    }
}
