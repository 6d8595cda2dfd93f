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

/// The parts of a sign-in every method shares.
pub struct SignIn<'a> {
    pub http: &'a reqwest::Client,
    pub target: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub redirect: &'a str,
}

/// A browser between the first authorize and the sign-in form: its cookies,
/// the authorize URL to come back to, and the form's hidden fields.
struct AtTheForm {
    jar: HashMap<String, String>,
    authorize: url::Url,
    csrf: String,
    return_to: String,
}

impl SignIn<'_> {
    /// Password: one form.
    pub async fn with_password(&self, email: &str, password: &str) -> anyhow::Result<()> {
        let mut form = self.open_form().await?;
        let signed_in = self
            .post(&mut form, "/login", &[("email", email), ("password", password)])
            .await?;
        self.finish(form, signed_in).await
    }

    /// Emailed code: ask for it, read it from the development outbox (delivery
    /// is not what is measured), type it.
    pub async fn with_email_code(&self, email: &str) -> anyhow::Result<()> {
        let mut form = self.open_form().await?;
        let asked = self.post(&mut form, "/login/code", &[("email", email)]).await?;
        if asked.status() != 200 {
            bail!("code request answered {}", asked.status());
        }
        let code = self.newest_code(email).await?;
        let signed_in = self
            .post(&mut form, "/login/code/verify", &[("email", email), ("code", &code)])
            .await?;
        self.finish(form, signed_in).await
    }

    async fn open_form(&self) -> anyhow::Result<AtTheForm> {
        let mut jar = HashMap::new();
        let authorize = url::Url::parse_with_params(
            &format!("{}/oauth/authorize", self.target),
            &[
                ("response_type", "code"),
                ("client_id", self.client_id),
                ("redirect_uri", self.redirect),
                ("scope", "openid email"),
                ("state", "load"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        )?;
        let first = self.http.get(authorize.clone()).send().await?;
        let login = location(&first)?;
        let page = self.http.get(format!("{}{login}", self.target)).send().await?;
        cookies_of(&page, &mut jar);
        let html = page.text().await?;
        Ok(AtTheForm {
            jar,
            authorize,
            csrf: hidden(&html, "csrf")?,
            return_to: hidden(&html, "return_to")?,
        })
    }

    async fn post(
        &self,
        form: &mut AtTheForm,
        path: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        let mut body = vec![("csrf", form.csrf.as_str()), ("return_to", form.return_to.as_str())];
        body.extend_from_slice(fields);
        let response = self
            .http
            .post(format!("{}{path}", self.target))
            .header(COOKIE, cookie_header(&form.jar))
            .form(&body)
            .send()
            .await?;
        cookies_of(&response, &mut form.jar);
        Ok(response)
    }

    async fn newest_code(&self, email: &str) -> anyhow::Result<String> {
        let url = url::Url::parse_with_params(&format!("{}/dev/outbox.json", self.target), &[("to", email)])?;
        let mails: serde_json::Value = self.http.get(url).send().await?.error_for_status()?.json().await?;
        let subject = mails[0]["subject"].as_str().context("no mail in the outbox")?;
        six_digits(subject).context("no code in the mail's subject")
    }

    /// After the sign-in form: back to authorize, then the code exchange.
    async fn finish(&self, form: AtTheForm, signed_in: reqwest::Response) -> anyhow::Result<()> {
        if signed_in.status() != 303 {
            bail!("sign-in answered {}", signed_in.status());
        }
        let back = self
            .http
            .get(form.authorize)
            .header(COOKIE, cookie_header(&form.jar))
            .send()
            .await?;
        let callback = location(&back)?;
        let query: HashMap<String, String> = url::Url::parse(&callback)?.query_pairs().into_owned().collect();
        let code = query.get("code").context("no code at the callback")?;
        let tokens = self
            .http
            .post(format!("{}/oauth/token", self.target))
            .basic_auth(self.client_id, Some(self.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", self.redirect),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await?;
        if !tokens.status().is_success() {
            bail!("token exchange answered {}", tokens.status());
        }
        Ok(())
    }
}

fn hidden(html: &str, name: &str) -> anyhow::Result<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).context("no hidden field")? + marker.len();
    let end = html[start..].find('"').context("unterminated field")? + start;
    Ok(html[start..end]
        .replace("&amp;", "&")
        .replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&#x3f;", "?"))
}

/// The first run of exactly six digits.
fn six_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_code_and_only_a_six_digit_one() {
        assert_eq!(super::six_digits("123456 is your code").as_deref(), Some("123456"));
        assert_eq!(super::six_digits("2026: code 654321.").as_deref(), Some("654321"));
        assert_eq!(super::six_digits("1234567 is not one"), None);
    }
}
