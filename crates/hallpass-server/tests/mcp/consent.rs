//! Consent for third-party clients: asked once per user, client and
//! resource; asked again on `prompt=consent` or for more; never for
//! first-party clients; denial is `access_denied`; withdrawing on `/account`
//! ends the client's refresh tokens.

use super::*;
use crate::support::form_fields;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::resources::{create_resource, NewResource};
use std::sync::Arc;
use url::Url;

pub const MCP: &str = "https://mcp.example.com/mcp";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A signed-in browser (its own cookie jar) and a self-registered public client.
pub struct Agent {
    pub app: TestApp,
    pub browser: reqwest::Client,
    pub client_id: String,
}

pub async fn agent() -> Agent {
    let app = TestApp::start().await;
    let new = NewResource {
        identifier: MCP.into(),
        name: "Company tools".into(),
        scopes: vec!["mcp:tools".into(), "mcp:admin".into()],
        access_token_ttl_secs: None,
    };
    create_resource(app.state.ctx(), new, &Actor::Cli).await.unwrap();
    let (status, registered) = register(
        &app,
        &json!({
            "client_name": "Helpful Agent",
            "client_uri": "https://agent.example.com",
            "redirect_uris": [LOOPBACK_REDIRECT],
            "token_endpoint_auth_method": "none",
        }),
    )
    .await;
    assert_eq!(status, 201, "{registered}");
    let user = app.user("ada@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(&app.cookie(&token), &Url::parse(&app.base).unwrap());
    let browser = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Agent {
        app,
        browser,
        client_id: registered["client_id"].as_str().unwrap().to_owned(),
    }
}

impl Agent {
    pub fn authorize_url(&self, client_id: &str, scope: &str, prompt: Option<&str>) -> String {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", LOOPBACK_REDIRECT),
            ("scope", scope),
            ("state", "st"),
            ("resource", MCP),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ];
        if let Some(prompt) = prompt {
            params.push(("prompt", prompt));
        }
        Url::parse_with_params(&self.app.url("/oauth/authorize"), &params)
            .unwrap()
            .to_string()
    }

    /// Opens the authorization request: the consent page's HTML, or the redirect.
    pub async fn open(&self, scope: &str, prompt: Option<&str>) -> reqwest::Response {
        let url = self.authorize_url(&self.client_id, scope, prompt);
        self.browser.get(url).send().await.unwrap()
    }

    /// Posts a page form from this browser.
    pub async fn post(&self, path: &str, fields: &[(String, String)]) -> reqwest::Response {
        self.browser.post(self.app.url(path)).form(fields).send().await.unwrap()
    }

    /// Submits the consent page's form with `decision`; gives the response.
    pub async fn answer(&self, page: &str, decision: &str) -> reqwest::Response {
        let mut fields = form_fields(page);
        fields.retain(|(name, _)| name != "decision");
        fields.push(("decision".into(), decision.into()));
        self.post("/oauth/consent", &fields).await
    }

    pub async fn exchange(&self, code: &str) -> Value {
        let response = http()
            .post(self.app.url("/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", self.client_id.as_str()),
                ("code", code),
                ("redirect_uri", LOOPBACK_REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn refresh(&self, token: &str) -> (u16, Value) {
        let response = http()
            .post(self.app.url("/oauth/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", self.client_id.as_str()),
                ("refresh_token", token),
            ])
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }
}

pub fn redirect_query(response: &reqwest::Response) -> std::collections::HashMap<String, String> {
    assert_eq!(response.status(), 302, "expected a redirect");
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(LOOPBACK_REDIRECT), "{location}");
    Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

/// Asks, allows, and exchanges the code: the token response.
pub async fn allowed(agent: &Agent, scope: &str) -> Value {
    let page = agent.open(scope, None).await;
    assert_eq!(page.status(), 200, "the consent page");
    let page = page.text().await.unwrap();
    let query = redirect_query(&agent.answer(&page, "allow").await);
    agent.exchange(&query["code"]).await
}

#[tokio::test]
async fn a_third_party_client_is_asked_once_and_the_answer_is_remembered() {
    let agent = agent().await;
    let page = agent.open("openid offline_access mcp:tools", None).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    for shown in [
        "Helpful Agent",
        "agent.example.com",
        "Company tools",
        "mcp.example.com",
        "mcp:tools",
        "offline_access",
    ] {
        assert!(html.contains(shown), "the page names {shown}: {html}");
    }
    assert!(!html.contains("mcp:admin"), "only what is asked");
    let query = redirect_query(&agent.answer(&html, "allow").await);
    assert_eq!(query["state"], "st");
    let tokens = agent.exchange(&query["code"]).await;
    let claims = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], MCP);
    assert_eq!(claims["scope"], "mcp:tools");

    let again = agent.open("openid offline_access mcp:tools", None).await;
    assert!(
        redirect_query(&again).contains_key("code"),
        "remembered: not asked again"
    );
    let narrower = agent.open("mcp:tools", None).await;
    assert!(
        redirect_query(&narrower).contains_key("code"),
        "less than allowed is allowed"
    );

    let asked = agent.open("openid offline_access mcp:tools", Some("consent")).await;
    assert_eq!(asked.status(), 200, "prompt=consent asks again");
    let wider = agent.open("openid offline_access mcp:tools mcp:admin", None).await;
    assert_eq!(wider.status(), 200, "more than allowed is asked");
    let silent = agent.open("openid mcp:tools mcp:admin", Some("none")).await;
    assert_eq!(redirect_query(&silent)["error"], "consent_required");
}

#[tokio::test]
async fn a_denial_goes_back_as_access_denied_and_is_not_remembered() {
    let agent = agent().await;
    let page = agent.open("openid mcp:tools", None).await.text().await.unwrap();
    let query = redirect_query(&agent.answer(&page, "deny").await);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], "st");
    assert!(!query.contains_key("code"));
    assert_eq!(agent.open("openid mcp:tools", None).await.status(), 200, "asked again");
}

#[tokio::test]
async fn a_consent_form_without_its_csrf_token_changes_nothing() {
    let agent = agent().await;
    let page = agent.open("openid mcp:tools", None).await.text().await.unwrap();
    let mut fields = form_fields(&page);
    fields.retain(|(name, _)| name != "csrf" && name != "decision");
    fields.push(("csrf".into(), "x".repeat(43)));
    fields.push(("decision".into(), "allow".into()));
    let response = agent.post("/oauth/consent", &fields).await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        agent.open("openid mcp:tools", None).await.status(),
        200,
        "nothing remembered"
    );

    // A made-up request on a genuine form is validated like any other.
    let mut forged = form_fields(&page);
    forged.retain(|(name, _)| name != "redirect_uri" && name != "decision");
    forged.push(("redirect_uri".into(), "https://evil.example.com/cb".into()));
    forged.push(("decision".into(), "allow".into()));
    let response = agent.post("/oauth/consent", &forged).await;
    assert_eq!(response.status(), 400, "never redirected to an unregistered address");
}

#[tokio::test]
async fn first_party_clients_are_not_asked() {
    let agent = agent().await;
    let admin_made = agent
        .app
        .client(|c| {
            c.kind = hallpass_core::store::ClientKind::Public;
            c.redirect_uris = vec![LOOPBACK_REDIRECT.into()];
        })
        .await;
    for prompt in [None, Some("consent")] {
        let url = agent.authorize_url(&admin_made.id, "openid mcp:tools", prompt);
        let response = agent.browser.get(url).send().await.unwrap();
        assert!(redirect_query(&response).contains_key("code"), "{prompt:?}");
    }
}

#[tokio::test]
async fn withdrawing_access_on_the_account_page_ends_the_clients_refresh_tokens() {
    let agent = agent().await;
    let tokens = allowed(&agent, "openid offline_access mcp:tools").await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, renewed) = agent.refresh(&refresh).await;
    assert_eq!(status, 200, "{renewed}");
    let refresh = renewed["refresh_token"].as_str().unwrap().to_owned();

    let account = agent.browser.get(agent.app.url("/account")).send().await.unwrap();
    let account = account.text().await.unwrap();
    assert!(
        account.contains("Helpful Agent") && account.contains("Company tools"),
        "{account}"
    );
    let form = account.find("/account/consents/withdraw").unwrap();
    let fields: Vec<_> = form_fields(&account[form..]).into_iter().take(3).collect();
    assert_eq!(fields[1], ("client_id".to_owned(), agent.client_id.clone()));
    let withdrawn = agent.post("/account/consents/withdraw", &fields).await;
    assert_eq!(withdrawn.status(), 200);
    assert!(!withdrawn.text().await.unwrap().contains("Company tools"));

    let (status, body) = agent.refresh(&refresh).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(
        agent.open("openid offline_access mcp:tools", None).await.status(),
        200,
        "asked again"
    );

    let again = agent.post("/account/consents/withdraw", &fields).await;
    assert_eq!(again.status(), 404, "nothing left to withdraw");
    let mut no_csrf = fields.clone();
    no_csrf[0].1 = "y".repeat(43);
    let forged = agent.post("/account/consents/withdraw", &no_csrf).await;
    assert_eq!(forged.status(), 403);
}
