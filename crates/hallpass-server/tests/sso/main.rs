//! Signing in through upstream identity providers, against a stand-in IdP on
//! loopback (`idp.rs`) that answers as OpenID providers and GitHub document:
//! the whole flow app → Hallpass → IdP → Hallpass → app with raw HTTP (a
//! browser without JavaScript, cookies kept), account linking, the presets,
//! choosing the IdP, `sso_required`, and every way the return can fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod chain;
mod choosing;
mod errors;
mod flows;
mod idp;
mod presets;
mod saml;
mod throughput;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
pub use hallpass_core::services::audit::Actor;
pub use hallpass_core::services::connections::{create_connection, ConnectionFields};
use hallpass_core::store::Connection;
pub use idp::FakeIdp;
pub use serde_json::{json, Value};
pub use support::app::{RegisteredClient, TestApp};
pub use url::Url;

pub const REDIRECT: &str = "http://localhost:3000/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent("hallpass-test-browser")
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The page's text as a reader sees it (the templates escape `/` and `&`).
pub fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no redirect: {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The code Hallpass sent the browser back to the app with (`out`), or a panic showing the page
/// it stopped on (`response`).
pub async fn app_code(response: reqwest::Response, out: &str) -> String {
    if !out.starts_with(REDIRECT) {
        let status = response.status();
        panic!(
            "not back at the app: {status} {}",
            unescape(&response.text().await.unwrap())
        );
    }
    let url = Url::parse(out).unwrap();
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q.get("state").map(String::as_str), Some("app-state"));
    q.get("code").cloned().unwrap_or_else(|| panic!("no code: {out}"))
}

/// Hallpass, an app registered with it, and an IdP.
pub struct World {
    pub app: TestApp,
    pub client: RegisteredClient,
    pub idp: FakeIdp,
}

impl World {
    pub async fn start() -> World {
        let app = TestApp::start().await;
        let client = app.client(|_| {}).await;
        World {
            app,
            client,
            idp: FakeIdp::start().await,
        }
    }

    pub fn now(&self) -> i64 {
        use hallpass_core::clock::Clock;
        self.app.clock.now().0
    }

    pub async fn org(&self, name: &str) -> hallpass_core::ids::OrgId {
        let new = hallpass_core::services::organizations::NewOrganization {
            name: name.into(),
            ..Default::default()
        };
        hallpass_core::services::organizations::create_organization(self.app.state.ctx(), new, &Actor::Cli)
            .await
            .unwrap()
            .id
    }

    /// A connection to this world's IdP: enterprise (for `org`, claiming
    /// `domains`) or social (`org: None`), of `kind`.
    pub async fn connection(
        &self,
        org: Option<&hallpass_core::ids::OrgId>,
        kind: &str,
        domains: &[&str],
    ) -> Connection {
        self.connection_with(org, kind, domains, |_| {}).await
    }

    pub async fn connection_with(
        &self,
        org: Option<&hallpass_core::ids::OrgId>,
        kind: &str,
        domains: &[&str],
        adjust: impl FnOnce(&mut ConnectionFields),
    ) -> Connection {
        let mut fields = ConnectionFields {
            kind: Some(kind.into()),
            name: Some(format!("{kind} IdP")),
            domains: Some(domains.iter().map(|d| d.to_string()).collect()),
            issuer: (kind != "github").then(|| self.idp.base.clone()),
            client_id: Some(idp::CLIENT_ID.into()),
            client_secret: Some(idp::CLIENT_SECRET.into()),
            ..Default::default()
        };
        adjust(&mut fields);
        create_connection(
            self.app.state.ctx(),
            self.app.state.provider().master(),
            org,
            fields,
            &Actor::Cli,
        )
        .await
        .unwrap()
    }

    /// The app's authorization request, with extra parameters.
    pub fn authorize_url(&self, extra: &[(&str, &str)]) -> String {
        let mut url = Url::parse_with_params(
            &self.app.url("/oauth/authorize"),
            &[
                ("response_type", "code"),
                ("client_id", self.client.id.as_str()),
                ("redirect_uri", REDIRECT),
                ("scope", "openid email profile"),
                ("state", "app-state"),
                ("nonce", "app-nonce"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        )
        .unwrap();
        url.query_pairs_mut().extend_pairs(extra);
        url.to_string()
    }

    /// Follows redirects inside Hallpass from `url`; gives the last answer
    /// and where it leaves Hallpass for (empty if it does not).
    pub async fn follow(&self, browser: &reqwest::Client, url: &str) -> (reqwest::Response, String) {
        let mut response = browser.get(url).send().await.unwrap();
        for _ in 0..10 {
            if !response.status().is_redirection() {
                return (response, String::new());
            }
            let to = location(&response);
            if !to.starts_with('/') && !to.starts_with(&self.app.base) {
                return (response, to);
            }
            let next = if to.starts_with('/') { self.app.url(&to) } else { to };
            response = browser.get(next).send().await.unwrap();
        }
        panic!("a redirect loop inside Hallpass");
    }

    /// The app sends the browser to Hallpass, which sends it on to the IdP:
    /// the IdP's authorization URL.
    pub async fn to_idp(&self, browser: &reqwest::Client, extra: &[(&str, &str)]) -> String {
        let (response, out) = self.follow(browser, &self.authorize_url(extra)).await;
        assert!(
            out.starts_with(&self.idp.base),
            "expected a redirect to the IdP, got {} to {out:?}",
            response.status()
        );
        out
    }

    /// The IdP sends the browser back to Hallpass: the final answer, and
    /// where Hallpass sent the browser (the app's callback, on success).
    pub async fn back_from_idp(&self, browser: &reqwest::Client, callback: &str) -> (reqwest::Response, String) {
        self.follow(browser, callback).await
    }

    /// A whole sign-in with `claims` at the IdP, ending in the app's code.
    pub async fn sign_in(&self, browser: &reqwest::Client, extra: &[(&str, &str)], claims: Value) -> String {
        let at_idp = self.to_idp(browser, extra).await;
        let callback = self.idp.grant(&at_idp, self.now(), claims);
        let (response, out) = self.back_from_idp(browser, &callback).await;
        app_code(response, &out).await
    }

    /// The app redeems the code: the ID token's claims and the access token's.
    pub async fn tokens(&self, code: &str) -> (Value, Value) {
        let response: Value = reqwest::Client::new()
            .post(self.app.url("/oauth/token"))
            .basic_auth(&self.client.id, self.client.secret.as_deref())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let claims = |field: &str| {
            let token = response[field].as_str().unwrap_or_else(|| panic!("{response}"));
            let payload = token.split('.').nth(1).unwrap();
            serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
        };
        (claims("id_token"), claims("access_token"))
    }

    pub async fn user_count(&self) -> u64 {
        self.app.state.ctx().store.count_users().await.unwrap()
    }
}
