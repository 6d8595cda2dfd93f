//! `/admin/settings`: the sign-in settings (branding and methods), stored
//! over the configuration's and applied at once to the hosted pages and
//! mail. Through `services::settings`, as `/api/v1/settings/sign-in`.

use super::session::Params;
use super::{checked, done, failure, notice, Admin, Console};
use crate::pages::{PageState, SignInForm};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::services::settings::{self, Change, SignInSettingsChange};
use minijinja::context;
use std::sync::Arc;

pub async fn page(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let defaults = &state.hosted_pages().settings_defaults;
    match settings::get(state.ctx(), defaults).await {
        Ok(view) => {
            let (now, stored, config) = (&view.effective, &view.overrides, &view.defaults);
            pages.page(
                StatusCode::OK,
                "admin/settings.html",
                &admin,
                "settings",
                context! {
                    product_name => &now.branding.product_name,
                    logo_url => now.branding.logo_url.as_deref().unwrap_or_default(),
                    primary_color => now.branding.primary_color.as_deref().unwrap_or_default(),
                    support_email => now.branding.support_email.as_deref().unwrap_or_default(),
                    password => now.methods.password,
                    email_code => now.methods.email_code,
                    magic_link => now.methods.magic_link,
                    stored => context! {
                        product_name => stored.product_name.is_some(),
                        logo_url => stored.logo_url.is_some(),
                        primary_color => stored.primary_color.is_some(),
                        support_email => stored.support_email.is_some(),
                        methods => stored.password.is_some() || stored.email_code.is_some() || stored.magic_link.is_some(),
                    },
                    config => context! {
                        product_name => &config.branding.product_name,
                        logo_url => &config.branding.logo_url,
                        primary_color => &config.branding.primary_color,
                        support_email => &config.branding.support_email,
                    },
                    notice => notice(params.get("done")),
                },
            )
        }
        Err(err) => failure(&pages, err),
    }
}

/// A text setting: back to the configuration's when its reset box is
/// ticked, left alone when unchanged, else the typed value (`""`: none).
fn text(form: &SignInForm, name: &str, now: &str) -> Change<String> {
    let typed = form.field(name).trim().to_owned();
    if form.field(&format!("reset_{name}")) == "on" {
        Change::Reset
    } else if typed == now {
        Change::Keep
    } else {
        Change::Set(typed)
    }
}

/// A method: reset with the methods' box, else stored only when it changes.
fn method(form: &SignInForm, name: &str, now: bool) -> Change<bool> {
    let on = form.field(name) == "on";
    if form.field("reset_methods") == "on" {
        Change::Reset
    } else if on == now {
        Change::Keep
    } else {
        Change::Set(on)
    }
}

pub async fn update(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let now = state.settings();
    let branding = &now.branding;
    let change = SignInSettingsChange {
        product_name: text(&form, "product_name", &branding.product_name),
        logo_url: text(&form, "logo_url", branding.logo_url.as_deref().unwrap_or_default()),
        primary_color: text(
            &form,
            "primary_color",
            branding.primary_color.as_deref().unwrap_or_default(),
        ),
        support_email: text(
            &form,
            "support_email",
            branding.support_email.as_deref().unwrap_or_default(),
        ),
        password: method(&form, "password", now.methods.password),
        email_code: method(&form, "email_code", now.methods.email_code),
        magic_link: method(&form, "magic_link", now.methods.magic_link),
    };
    let defaults = &state.hosted_pages().settings_defaults;
    match settings::update(state.ctx(), defaults, change, &admin.actor()).await {
        Ok(_) => done("/admin/settings", "updated"),
        Err(err) => failure(&pages, err),
    }
}
