//! The installation's sign-in settings (`hallpass:settings`): branding and
//! sign-in methods, stored over the configuration's and applied at once to
//! the hosted pages and mail (`services::settings`).

use super::auth::{Caller, Resource};
use super::body::ApiJson;
use super::{fail, ApiResult};
use crate::state::AppState;
use crate::views;
use axum::extract::State;
use axum::Json;
use hallpass_core::services::settings::{self, Change, SignInSettingsChange};
use hallpass_proto::management::{SignInSettings, UpdateSignInSettings};
use hallpass_proto::ErrorBody;

/// The settings in force, which of them are stored, and the configuration's.
#[utoipa::path(get, path = "/api/v1/settings/sign-in", tag = "settings",
    responses((status = 200, body = SignInSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SignInSettings>> {
    caller.may(Resource::Settings)?;
    let view = settings::get(state.ctx(), state.signin_defaults())
        .await
        .map_err(fail)?;
    Ok(Json(views::signin_settings(&view)))
}

/// Changes the settings; the next page and mail, on every node, show them.
/// A bad value is a 422 naming its field, and nothing changes.
#[utoipa::path(patch, path = "/api/v1/settings/sign-in", tag = "settings", request_body = UpdateSignInSettings,
    responses((status = 200, body = SignInSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<UpdateSignInSettings>,
) -> ApiResult<Json<SignInSettings>> {
    let actor = caller.may(Resource::Settings)?;
    let view = settings::update(state.ctx(), state.signin_defaults(), change(body), &actor)
        .await
        .map_err(fail)?;
    Ok(Json(views::signin_settings(&view)))
}

/// The wire's absent / `null` / value as a [`Change`].
fn one<T>(field: Option<Option<T>>) -> Change<T> {
    match field {
        None => Change::Keep,
        Some(None) => Change::Reset,
        Some(Some(value)) => Change::Set(value),
    }
}

pub fn change(body: UpdateSignInSettings) -> SignInSettingsChange {
    let b = body.branding.unwrap_or_default();
    let m = body.methods.unwrap_or_default();
    SignInSettingsChange {
        product_name: one(b.product_name),
        logo_url: one(b.logo_url),
        primary_color: one(b.primary_color),
        support_email: one(b.support_email),
        password: one(m.password),
        email_code: one(m.email_code),
        magic_link: one(m.magic_link),
    }
}
