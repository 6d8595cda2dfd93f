//! One browser sign-in, request by request, with cookies kept by hand.

use anyhow::{bail, Context as _};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use std::collections::HashMap;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn cookies_of(response: &reqwest::Response, jar: &mut HashMap<String, String>) {
    for value in response.headers().get_all(SET_COOKIE) {
        if let Some((pair, _)) = value.to_str().unwrap_or_default().split_once(';') {
            if let Some((name, value)) = pair.split_once('=') {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }
}

fn cookie_header(jar: &HashMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn location(response: &reqwest::Response) -> anyhow::Result<String> {
    let location = response
        .headers()
        .get(LOCATION)
        .context("no redirect")?
        .to_str()?
        .to_owned();
    Ok(location)
}

pub async fn password_signin(
    http: &reqwest::Client,
    target: &str,
    client_id: &str,
    client_secret: &str,
    email: &str,
    password: &str,
    redirect: &str,
) -> anyhow::Result<()> {
    let mut jar = HashMap::new();
    let authorize = url::Url::parse_with_params(
        &format!("{target}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect),
            ("scope", "openid email"),
            ("state", "load"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )?;
    let first = http.get(authorize.clone()).send().await?;
    let login = location(&first)?;
    let page = http.get(format!("{target}{login}")).send().await?;
    cookies_of(&page, &mut jar);
    let html = page.text().await?;
    let hidden = |name: &str| -> anyhow::Result<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).context("no hidden field")? + marker.len();
        let end = html[start..].find('"').context("unterminated field")? + start;
        Ok(html[start..end]
            .replace("&amp;", "&")
            .replace("&#x2f;", "/")
            .replace("&#x3d;", "=")
            .replace("&#x3f;", "?"))
    };
    let (csrf, return_to) = (hidden("csrf")?, hidden("return_to")?);
    let signed_in = http
        .post(format!("{target}/login"))
        .header(COOKIE, cookie_header(&jar))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &return_to),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await?;
    if signed_in.status() != 303 {
        bail!("sign-in answered {}", signed_in.status());
    }
    cookies_of(&signed_in, &mut jar);
    let back = http.get(authorize).header(COOKIE, cookie_header(&jar)).send().await?;
    let callback = location(&back)?;
    let query: HashMap<String, String> = url::Url::parse(&callback)?.query_pairs().into_owned().collect();
    let code = query.get("code").context("no code at the callback")?;
    let tokens = http
        .post(format!("{target}/oauth/token"))
        .basic_auth(client_id, Some(client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await?;
    if !tokens.status().is_success() {
        bail!("token exchange answered {}", tokens.status());
    }
    Ok(())
}
