//! The installation's sign-in settings (`hallpass:settings`): branding and
//! sign-in methods, stored over the configuration's and applied at once to
//! the hosted pages and mail (`services::settings`).

use super::auth::{Caller, Resource};
use super::body::ApiJson;
use super::{fail, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use hallpass_core::services::settings::{self, Change, SignInSettingsChange, SignInSettingsView};
use hallpass_core::store::SignInOverrides;
use hallpass_proto::management::{
    Branding, SignInDefaults, SignInMethods, SignInSettings, UpdateBranding, UpdateSignInMethods, UpdateSignInSettings,
};
use hallpass_proto::ErrorBody;

/// The settings in force, which of them are stored, and the configuration's.
#[utoipa::path(get, path = "/api/v1/settings/sign-in", tag = "settings",
    responses((status = 200, body = SignInSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SignInSettings>> {
    caller.may(Resource::Settings)?;
    let view = settings::get(state.ctx(), state.signin_defaults())
        .await
        .map_err(fail)?;
    Ok(Json(wire(&view)))
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
    Ok(Json(wire(&view)))
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
    let b = body.branding.unwrap_or_else(UpdateBranding::default);
    let m = body.methods.unwrap_or_else(UpdateSignInMethods::default);
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

pub fn wire(view: &SignInSettingsView) -> SignInSettings {
    let branding = |b: &settings::Branding| Branding {
        product_name: b.product_name.clone(),
        logo_url: b.logo_url.clone(),
        primary_color: b.primary_color.clone(),
        support_email: b.support_email.clone(),
    };
    let methods = |m: hallpass_core::signin::Methods| SignInMethods {
        password: m.password,
        email_code: m.email_code,
        magic_link: m.magic_link,
    };
    SignInSettings {
        branding: branding(&view.effective.branding),
        methods: methods(view.effective.methods),
        overridden: overridden(&view.overrides),
        defaults: SignInDefaults {
            branding: branding(&view.defaults.branding),
            methods: methods(view.defaults.methods),
        },
    }
}

fn overridden(o: &SignInOverrides) -> Vec<String> {
    [
        ("branding.product_name", o.product_name.is_some()),
        ("branding.logo_url", o.logo_url.is_some()),
        ("branding.primary_color", o.primary_color.is_some()),
        ("branding.support_email", o.support_email.is_some()),
        ("methods.password", o.password.is_some()),
        ("methods.email_code", o.email_code.is_some()),
        ("methods.magic_link", o.magic_link.is_some()),
    ]
    .into_iter()
    .filter(|(_, stored)| *stored)
    .map(|(name, _)| name.to_owned())
    .collect()
}
