//! `hallpass settings show|set`: the sign-in settings, through the same
//! service as the management API and the admin console.

use crate::cli::{SettingArg, SettingsArgs, SettingsCommand, SignInMethodArg};
use crate::config::Config;
use crate::output::emit;
use crate::startup::ready_store;
use crate::views;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::settings::{self, Change, SignInSettingsChange};
use hallpass_proto::management::SignInSettings;

pub async fn run(config: &Config, command: SettingsCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    let defaults = config.signin_defaults();
    let view = match command {
        SettingsCommand::Show => settings::get(&ctx, &defaults).await?,
        SettingsCommand::Set(args) => settings::update(&ctx, &defaults, change(args)?, &Actor::Cli).await?,
    };
    emit(json, &views::signin_settings(&view), human)
}

fn change(args: SettingsArgs) -> anyhow::Result<SignInSettingsChange> {
    let resets = |setting: SettingArg| args.reset.contains(&setting);
    let text = |value: Option<String>, setting: SettingArg, flag: &str| -> anyhow::Result<Change<String>> {
        match (value, resets(setting)) {
            (Some(_), true) => anyhow::bail!(
                "--{flag} and --reset {flag_}: choose one",
                flag_ = flag.replace('-', "_")
            ),
            (Some(value), false) => Ok(Change::Set(value)),
            (None, true) => Ok(Change::Reset),
            (None, false) => Ok(Change::Keep),
        }
    };
    let method = |method: SignInMethodArg, setting: SettingArg| -> anyhow::Result<Change<bool>> {
        let (on, off) = (args.enable.contains(&method), args.disable.contains(&method));
        let name = clap::ValueEnum::to_possible_value(&method).map_or_else(String::new, |v| v.get_name().to_owned());
        match (on, off, resets(setting)) {
            (true, false, false) => Ok(Change::Set(true)),
            (false, true, false) => Ok(Change::Set(false)),
            (false, false, true) => Ok(Change::Reset),
            (false, false, false) => Ok(Change::Keep),
            _ => anyhow::bail!("{name}: give only one of --enable, --disable and --reset for it"),
        }
    };
    Ok(SignInSettingsChange {
        product_name: text(args.product_name.clone(), SettingArg::ProductName, "product-name")?,
        logo_url: text(args.logo_url.clone(), SettingArg::LogoUrl, "logo-url")?,
        primary_color: text(args.primary_color.clone(), SettingArg::PrimaryColor, "primary-color")?,
        support_email: text(args.support_email.clone(), SettingArg::SupportEmail, "support-email")?,
        password: method(SignInMethodArg::Password, SettingArg::Password)?,
        email_code: method(SignInMethodArg::EmailCode, SettingArg::EmailCode)?,
        magic_link: method(SignInMethodArg::MagicLink, SettingArg::MagicLink)?,
    })
}

fn human(s: &SignInSettings) -> String {
    let source = |name: &str| {
        if s.overridden.iter().any(|o| o == name) {
            "stored"
        } else {
            "configured"
        }
    };
    let b = &s.branding;
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    let on = |v: bool| if v { "on" } else { "off" };
    [
        ("product name", b.product_name.clone(), "branding.product_name"),
        ("logo URL", or_none(&b.logo_url), "branding.logo_url"),
        ("primary colour", or_none(&b.primary_color), "branding.primary_color"),
        ("support email", or_none(&b.support_email), "branding.support_email"),
        ("password", on(s.methods.password).into(), "methods.password"),
        ("email code", on(s.methods.email_code).into(), "methods.email_code"),
        ("magic link", on(s.methods.magic_link).into(), "methods.magic_link"),
    ]
    .iter()
    .map(|(label, value, name)| format!("{label:<15} {value}  ({})", source(name)))
    .collect::<Vec<_>>()
    .join("\n")
}
