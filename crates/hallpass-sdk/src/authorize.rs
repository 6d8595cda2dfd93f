use crate::{random_value, Error, Pkce};
use url::Url;

/// `prompt` values Hallpass understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Re-authenticate even with a live session.
    Login,
    /// Open the sign-up page.
    Create,
    /// Show the organization picker.
    SelectAccount,
    /// Fail instead of showing any page.
    None,
}

impl Prompt {
    fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::Create => "create",
            Prompt::SelectAccount => "select_account",
            Prompt::None => "none",
        }
    }
}

/// What to ask for. `redirect_uri` must be registered exactly.
#[derive(Debug, Clone)]
pub struct AuthorizationOptions {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub organization_id: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<Prompt>,
}

impl AuthorizationOptions {
    /// `openid profile email offline_access`: the user's identity and a refresh token.
    pub fn new(redirect_uri: &str) -> Self {
        AuthorizationOptions {
            redirect_uri: redirect_uri.to_owned(),
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(String::from)
                .to_vec(),
            organization_id: None,
            login_hint: None,
            prompt: None,
        }
    }
}

/// The URL to send the browser to, and the secrets to keep until the
/// callback (e.g. in a sealed cookie): `state` to match, the PKCE verifier
/// for the exchange, `nonce` to find in the ID token.
#[derive(Debug, Clone)]
pub struct AuthorizationUrl {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce: Pkce,
}

/// Builds the URL with a fresh `state`, `nonce` and PKCE pair.
pub(crate) fn build(
    endpoint: &str,
    client_id: &str,
    options: &AuthorizationOptions,
) -> Result<AuthorizationUrl, Error> {
    let state = random_value()?;
    let nonce = random_value()?;
    let pkce = Pkce::generate()?;
    let mut url = Url::parse(endpoint)?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", &options.redirect_uri)
            .append_pair("scope", &options.scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(org) = &options.organization_id {
            query.append_pair("organization_id", org);
        }
        if let Some(hint) = &options.login_hint {
            query.append_pair("login_hint", hint);
        }
        if let Some(prompt) = options.prompt {
            query.append_pair("prompt", prompt.as_str());
        }
    }
    Ok(AuthorizationUrl {
        url: url.into(),
        state,
        nonce,
        pkce,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn carries_every_parameter_and_fresh_secrets() {
        let mut options = AuthorizationOptions::new("http://localhost:3000/callback");
        options.organization_id = Some("org_1".into());
        options.login_hint = Some("ada@example.com".into());
        options.prompt = Some(Prompt::SelectAccount);
        let built = build("http://localhost:8080/oauth/authorize", "cli_x", &options).unwrap();
        let url = Url::parse(&built.url).unwrap();
        assert_eq!(url.path(), "/oauth/authorize");
        let q: HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cli_x");
        assert_eq!(q["redirect_uri"], "http://localhost:3000/callback");
        assert_eq!(q["scope"], "openid profile email offline_access");
        assert_eq!(q["state"], built.state);
        assert_eq!(q["nonce"], built.nonce);
        assert_eq!(q["code_challenge"], built.pkce.challenge);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["organization_id"], "org_1");
        assert_eq!(q["login_hint"], "ada@example.com");
        assert_eq!(q["prompt"], "select_account");
        let again = build("http://localhost:8080/oauth/authorize", "cli_x", &options).unwrap();
        assert_ne!(again.state, built.state);
        assert_ne!(again.nonce, built.nonce);
        assert_ne!(again.pkce, built.pkce);
    }
}
