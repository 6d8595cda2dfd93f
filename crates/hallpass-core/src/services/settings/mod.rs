//! The installation's sign-in settings: branding (name, logo, colour,
//! support address) and which sign-in methods the hosted pages offer.
//!
//! The configuration gives the defaults; an operator's changes are stored in
//! the database (one row, `store::SignInSettingsStore`) and win over them
//! field by field. Every node reads the row when it renders a page or a mail,
//! so a change applies at once everywhere, with nothing to invalidate.
//!
//! The whole API, for the management API, the CLI and the admin console:
//! [`get`] (what applies, what was changed, the defaults) and [`update`]
//! (validated, audited with before and after; all or nothing).
//! [`effective`] and [`effective_branding`] are the cheap reads the hosted
//! pages and mail use.

mod rules;

use super::audit::{self, Actor};
use crate::context::Context;
use crate::error::CoreError;
use crate::signin::Methods;
use crate::store::{SignInOverrides, Store, StoredSignInSettings};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use rules::{MAX_LOGO_URL_LEN, MAX_PRODUCT_NAME_CHARS};

/// How the hosted pages and mail present themselves (`[branding]` in the configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Branding {
    pub product_name: String,
    pub logo_url: Option<String>,
    /// `#rrggbb` (the configuration also allows `#rgb`).
    pub primary_color: Option<String>,
    pub support_email: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            product_name: "Hallpass".into(),
            logo_url: None,
            primary_color: None,
            support_email: None,
        }
    }
}

/// The sign-in settings in force: the configuration's, under the stored changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInSettings {
    pub branding: Branding,
    pub methods: Methods,
}

/// What to do with one setting in an [`update`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Store this value. For the logo, colour and support address, `""`
    /// means "none", even where the configuration names one.
    Set(T),
    /// Forget the stored value: the configuration's applies again.
    Reset,
}

/// An [`update`]: every field `Keep` unless said otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInSettingsChange {
    pub product_name: Change<String>,
    pub logo_url: Change<String>,
    pub primary_color: Change<String>,
    pub support_email: Change<String>,
    pub password: Change<bool>,
    pub email_code: Change<bool>,
    pub magic_link: Change<bool>,
}

/// What [`get`] and [`update`] answer: the settings in force, the stored
/// changes behind them (`None`: as configured), and the configuration's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInSettingsView {
    pub effective: SignInSettings,
    pub overrides: SignInOverrides,
    pub defaults: SignInSettings,
}

/// The settings in force, and what was changed from `defaults` (the configuration's).
pub async fn get(ctx: &Context, defaults: &SignInSettings) -> Result<SignInSettingsView, CoreError> {
    let stored = ctx.store.get_signin_settings().await?;
    Ok(view(defaults, stored.overrides))
}

/// The settings in force: one single-row read, for every page and form.
pub async fn effective(store: &dyn Store, defaults: &SignInSettings) -> Result<SignInSettings, CoreError> {
    let stored = store.get_signin_settings().await?;
    Ok(merge(defaults, &stored.overrides))
}

/// The branding in force, for mail.
pub async fn effective_branding(store: &dyn Store, defaults: &Branding) -> Result<Branding, CoreError> {
    let stored = store.get_signin_settings().await?;
    Ok(merge_branding(defaults, &stored.overrides))
}

/// Applies `change` and records it in the audit log (`settings.sign_in_updated`,
/// with the stored changes and the settings in force before and after).
/// Refuses, naming the field and changing nothing: a name empty or longer than
/// [`MAX_PRODUCT_NAME_CHARS`], a logo URL not `https` (`http` only on a
/// loopback host), a colour not `#rrggbb`, a support address that is not one,
/// or a change that would leave no sign-in method on.
pub async fn update(
    ctx: &Context,
    defaults: &SignInSettings,
    change: SignInSettingsChange,
    actor: &Actor,
) -> Result<SignInSettingsView, CoreError> {
    let change = rules::check(change)?;
    // Written only over the version read, so two admins changing different
    // fields at once both land: the loser reads again and reapplies its change.
    for _ in 0..8 {
        let StoredSignInSettings {
            overrides: before,
            version,
            ..
        } = ctx.store.get_signin_settings().await?;
        let after = apply(&before, &change);
        if !stored_methods(&defaults.methods, &after).any() {
            return Err(CoreError::invalid(
                "methods",
                "at least one sign-in method (password, email_code, magic_link) must stay on",
            ));
        }
        if after == before {
            return Ok(view(defaults, after));
        }
        if ctx.store.put_signin_settings(version, &after, ctx.clock.now()).await? {
            let (before, after) = (view(defaults, before), view(defaults, after));
            audit::record(
                ctx,
                actor,
                "settings.sign_in_updated",
                None,
                json!({ "before": audit_view(&before), "after": audit_view(&after) }),
            )
            .await;
            return Ok(after);
        }
    }
    Err(CoreError::Conflict(
        "sign-in settings (changed by someone else meanwhile)",
    ))
}

fn view(defaults: &SignInSettings, overrides: SignInOverrides) -> SignInSettingsView {
    SignInSettingsView {
        effective: merge(defaults, &overrides),
        overrides,
        defaults: defaults.clone(),
    }
}

fn audit_view(view: &SignInSettingsView) -> serde_json::Value {
    json!({ "effective": view.effective, "overrides": overrides_json(&view.overrides) })
}

/// The stored changes as JSON, `null` where the configuration applies.
pub fn overrides_json(o: &SignInOverrides) -> serde_json::Value {
    json!({
        "product_name": o.product_name,
        "logo_url": o.logo_url,
        "primary_color": o.primary_color,
        "support_email": o.support_email,
        "methods": { "password": o.password, "email_code": o.email_code, "magic_link": o.magic_link },
    })
}

fn apply(before: &SignInOverrides, change: &SignInSettingsChange) -> SignInOverrides {
    fn one<T: Clone>(current: &Option<T>, change: &Change<T>) -> Option<T> {
        match change {
            Change::Keep => current.clone(),
            Change::Set(value) => Some(value.clone()),
            Change::Reset => None,
        }
    }
    SignInOverrides {
        product_name: one(&before.product_name, &change.product_name),
        logo_url: one(&before.logo_url, &change.logo_url),
        primary_color: one(&before.primary_color, &change.primary_color),
        support_email: one(&before.support_email, &change.support_email),
        password: one(&before.password, &change.password),
        email_code: one(&before.email_code, &change.email_code),
        magic_link: one(&before.magic_link, &change.magic_link),
    }
}

/// The methods the stored changes ask for over `defaults`.
fn stored_methods(defaults: &Methods, o: &SignInOverrides) -> Methods {
    Methods {
        password: o.password.unwrap_or(defaults.password),
        email_code: o.email_code.unwrap_or(defaults.email_code),
        magic_link: o.magic_link.unwrap_or(defaults.magic_link),
    }
}

fn merge(defaults: &SignInSettings, o: &SignInOverrides) -> SignInSettings {
    let methods = stored_methods(&defaults.methods, o);
    SignInSettings {
        branding: merge_branding(&defaults.branding, o),
        // A stored change that the configuration has since made leave no way
        // in (say, methods narrowed in the file) is ignored rather than lock everyone out.
        methods: if methods.any() { methods } else { defaults.methods },
    }
}

fn merge_branding(defaults: &Branding, o: &SignInOverrides) -> Branding {
    // `Some("")` stored: "none", whatever the configuration says.
    let optional = |stored: &Option<String>, default: &Option<String>| match stored {
        Some(value) if value.is_empty() => None,
        Some(value) => Some(value.clone()),
        None => default.clone(),
    };
    Branding {
        product_name: o.product_name.clone().unwrap_or_else(|| defaults.product_name.clone()),
        logo_url: optional(&o.logo_url, &defaults.logo_url),
        primary_color: optional(&o.primary_color, &defaults.primary_color),
        support_email: optional(&o.support_email, &defaults.support_email),
    }
}

/// Whether `color` is `#rgb` or `#rrggbb`: only such a value is ever written into CSS.
pub fn is_hex_color(color: &str) -> bool {
    rules::is_hex_color(color)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configured(methods: Methods) -> SignInSettings {
        SignInSettings {
            branding: Branding {
                logo_url: Some("https://cdn.example.com/logo.png".into()),
                ..Branding::default()
            },
            methods,
        }
    }

    const ALL: Methods = Methods {
        password: true,
        email_code: true,
        magic_link: true,
    };

    #[test]
    fn stored_values_win_field_by_field_and_empty_means_none() {
        let stored = SignInOverrides {
            product_name: Some("Acme".into()),
            logo_url: Some(String::new()),
            magic_link: Some(false),
            ..SignInOverrides::default()
        };
        let merged = merge(&configured(ALL), &stored);
        assert_eq!(merged.branding.product_name, "Acme");
        assert_eq!(merged.branding.logo_url, None, "\"\" turns the configured logo off");
        assert_eq!(merged.branding.primary_color, None);
        assert!(merged.methods.password && merged.methods.email_code && !merged.methods.magic_link);
        let unset = merge(&configured(ALL), &SignInOverrides::default());
        assert_eq!(unset, configured(ALL), "nothing stored: the configuration's");
    }

    #[test]
    fn stored_methods_that_the_configuration_later_left_empty_fall_back_to_it() {
        // Stored while the configuration offered all three: password off, links off.
        let stored = SignInOverrides {
            password: Some(false),
            magic_link: Some(false),
            ..SignInOverrides::default()
        };
        // Then the file narrowed to password and links only: nothing would be on.
        let narrowed = Methods {
            password: true,
            email_code: false,
            magic_link: true,
        };
        assert_eq!(
            merge(&configured(narrowed), &stored).methods,
            narrowed,
            "nobody is locked out"
        );
    }

    #[test]
    fn a_change_keeps_sets_or_resets_each_field() {
        let before = SignInOverrides {
            product_name: Some("Old".into()),
            support_email: Some("help@example.com".into()),
            password: Some(false),
            ..SignInOverrides::default()
        };
        let change = SignInSettingsChange {
            product_name: Change::Set("New".into()),
            support_email: Change::Reset,
            ..SignInSettingsChange::default()
        };
        let after = apply(&before, &change);
        assert_eq!(after.product_name.as_deref(), Some("New"));
        assert_eq!(after.support_email, None);
        assert_eq!(after.password, Some(false), "kept");
    }
}
