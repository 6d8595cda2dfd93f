//! Seeding sessions for the refresh scenario: users and sessions written
//! straight into the server's database, then turned into refresh tokens
//! through the real authorize and token endpoints (with PKCE).

use crate::Args;
use anyhow::{bail, Context as _};
use hallpass_core::ids::ClientId;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::clients::get_client;
use hallpass_core::services::users::{create_user, NewUser};
use hallpass_core::sessions::{self, Device};
use hallpass_server::config::{Config, Overrides};
use std::collections::HashMap;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The server's configuration and store (opened beside the running server),
/// and the load client's first redirect URI.
async fn server_side(args: &Args) -> anyhow::Result<(Config, hallpass_core::Context, String)> {
    let mut values = vec![("issuer", serde_json::json!(args.target))];
    if let Some(dir) = &args.data_dir {
        values.push(("data_dir", serde_json::json!(dir)));
    }
    if let Some(url) = &args.database_url {
        values.push(("database_url", serde_json::json!(url)));
    }
    let config = Config::load(&Overrides {
        config_file: None,
        values,
    })?
    .config;
    let ctx = hallpass_server::startup::ready_store(&config, false).await?;
    let client = get_client(&ctx, &ClientId::parse(&args.client_id)?).await?;
    let redirect = client
        .redirect_uris
        .first()
        .map(|u| u.to_string())
        .context("the client has no redirect URI")?;
    Ok((config, ctx, redirect))
}

pub async fn refresh_tokens(args: &Args, http: &reqwest::Client, count: usize) -> anyhow::Result<Vec<String>> {
    let (config, ctx, redirect) = server_side(args).await?;
    let policy = config.oauth_policy();
    let run = std::process::id();
    let mut tokens = Vec::with_capacity(count);
    for i in 0..count {
        let new = NewUser {
            email: format!("load-{run}-{i}@example.com"),
            ..NewUser::default()
        };
        let user = create_user(&ctx, new, &config.passwords, &Actor::Cli).await?;
        let (cookie, _) = sessions::start(&ctx, &policy, &user, vec!["pwd".into()], None, Device::default()).await?;
        tokens.push(exchange(args, http, &cookie, &redirect).await?);
    }
    Ok(tokens)
}

async fn exchange(args: &Args, http: &reqwest::Client, cookie: &str, redirect: &str) -> anyhow::Result<String> {
    let authorize = url::Url::parse_with_params(
        &format!("{}/oauth/authorize", args.target),
        &[
            ("response_type", "code"),
            ("client_id", args.client_id.as_str()),
            ("redirect_uri", redirect),
            ("scope", "openid offline_access"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )?;
    let response = http
        .get(authorize)
        .header("cookie", format!("hallpass_session={cookie}"))
        .send()
        .await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let query: HashMap<String, String> = url::Url::parse(&location)
        .with_context(|| format!("authorize did not redirect with a code ({})", response.status()))?
        .query_pairs()
        .into_owned()
        .collect();
    let Some(code) = query.get("code") else {
        bail!("authorize answered {location}")
    };
    let tokens: serde_json::Value = http
        .post(format!("{}/oauth/token", args.target))
        .basic_auth(&args.client_id, Some(&args.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await?
        .json()
        .await?;
    tokens["refresh_token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no refresh token: {tokens}"))
}

pub async fn access_token_from_refresh(args: &Args, http: &reqwest::Client, refresh: &str) -> anyhow::Result<String> {
    let tokens: serde_json::Value = http
        .post(format!("{}/oauth/token", args.target))
        .basic_auth(&args.client_id, Some(&args.client_secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .send()
        .await?
        .json()
        .await?;
    tokens["access_token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no access token: {tokens}"))
}

/// Users, one per worker, with passwords or without (then the password is
/// empty), and the client's first redirect URI.
pub async fn signin_users(
    args: &Args,
    count: usize,
    with_password: bool,
) -> anyhow::Result<(Vec<(String, String)>, String)> {
    let (config, ctx, redirect) = server_side(args).await?;
    let run = std::process::id();
    let mut users = Vec::with_capacity(count);
    for i in 0..count {
        let email = format!("signin-{run}-{i}@example.com");
        let password = if with_password {
            format!("load test pass phrase {i}")
        } else {
            String::new()
        };
        let new = NewUser {
            email: email.clone(),
            password: with_password.then(|| password.clone()),
            email_verified: true,
            ..NewUser::default()
        };
        create_user(&ctx, new, &config.passwords, &Actor::Cli).await?;
        users.push((email, password));
    }
    Ok((users, redirect))
}

/// A client_credentials token for the management API (the client given
/// must hold `hallpass:admin` or `hallpass:users`).
pub async fn machine_token(args: &Args, http: &reqwest::Client) -> anyhow::Result<String> {
    let response: serde_json::Value = http
        .post(format!("{}/oauth/token", args.target))
        .basic_auth(&args.client_id, Some(&args.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await?
        .json()
        .await?;
    response["access_token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no access token: {response}"))
}
