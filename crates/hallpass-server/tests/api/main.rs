//! The management API (`/api/v1`) over HTTP: authentication and scopes,
//! every resource, and every error status (401, 403, 404, 409, 415, 422).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod access;
mod connections;
mod directory;
mod invitations;
mod operations;
mod organizations_flow;
mod production;
mod resources;
mod saml_connections;
mod saml_sp_keys;
mod settings;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::app::TestApp;

/// A server and an admin machine client's access token.
pub struct Api {
    pub app: TestApp,
    pub token: String,
    pub http: reqwest::Client,
}

/// A machine client holding `scopes`, and an access token for them.
pub async fn token_for(app: &TestApp, scopes: &[&str]) -> (String, String) {
    let client = app
        .client(|c| {
            c.redirect_uris = vec![];
            c.post_logout_redirect_uris = vec![];
            c.granted_scopes = scopes.iter().map(|s| s.to_string()).collect();
        })
        .await;
    let response: Value = reqwest::Client::new()
        .post(app.url("/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[("grant_type", "client_credentials"), ("scope", &scopes.join(" "))])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = response["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"))
        .to_owned();
    (client.id, token)
}

impl Api {
    pub async fn start() -> Api {
        Self::on(TestApp::start().await).await
    }

    /// With the configuration adjusted (e.g. an https issuer: production).
    pub async fn start_with(adjust: impl FnOnce(&mut hallpass_server::config::Config)) -> Api {
        Self::on(TestApp::start_with(adjust).await).await
    }

    /// With `mailer` instead of the development outbox.
    pub async fn start_mailing(mailer: std::sync::Arc<dyn hallpass_core::signin::mailer::Mailer>) -> Api {
        Self::on(TestApp::start_mailing(|_| {}, Some(mailer)).await).await
    }

    async fn on(app: TestApp) -> Api {
        let (_, token) = token_for(&app, &["hallpass:admin"]).await;
        Api {
            app,
            token,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.app.url(&format!("/api/v1{path}"))
    }

    /// Sends `body` (if any) as JSON with the admin token; gives status and body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call_as(&self.token, method, path, body).await
    }

    pub async fn call_as(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value)
    }

    /// A GET without the token (public documents); the body as JSON.
    pub async fn public_json(&self, url: &str) -> Value {
        self.http.get(url).send().await.unwrap().json().await.unwrap()
    }

    pub async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method, path, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value
    }

    pub async fn create_user(&self, email: &str) -> String {
        let user = self.ok("POST", "/users", Some(json!({ "email": email }))).await;
        user["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_org(&self, name: &str) -> String {
        let org = self.ok("POST", "/organizations", Some(json!({ "name": name }))).await;
        org["id"].as_str().unwrap().to_owned()
    }
}

/// An error response: the status and the `error` code, with a description.
pub fn assert_error(result: &(StatusCode, Value), status: u16, error: &str) {
    assert_eq!(result.0.as_u16(), status, "{}", result.1);
    assert_eq!(result.1["error"], error, "{}", result.1);
    assert!(result.1["error_description"].as_str().is_some_and(|d| !d.is_empty()));
}
