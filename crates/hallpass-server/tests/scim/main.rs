//! The SCIM 2.0 server of a directory over HTTP, on a real router: the
//! requests Okta and Microsoft Entra ID send, isolation between directories,
//! what deprovisioning does to sessions and refresh, every error, and the
//! scim2-tester suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod directories_api;
mod entra;
mod errors;
mod isolation;
mod lifecycle;
mod okta;
mod scim2_tester;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::app::TestApp;

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A server, an admin API token, and the HTTP client.
pub struct Env {
    pub app: TestApp,
    pub admin: String,
    pub http: reqwest::Client,
}

/// A SCIM answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// A directory as its identity provider sees it: a base URL and a token.
#[derive(Debug, Clone)]
pub struct Directory {
    pub id: String,
    pub organization_id: String,
    pub base: String,
    pub token: String,
}

impl Env {
    pub async fn start() -> Env {
        Self::on(TestApp::start().await).await
    }

    pub async fn on(app: TestApp) -> Env {
        let http = reqwest::Client::new();
        let admin = client_token(&app, &http, "hallpass:admin").await;
        Env { app, admin, http }
    }

    /// A management API call with the admin token.
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), self.app.url(&format!("/api/v1{path}")))
            .bearer_auth(&self.admin);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }

    pub async fn organization(&self, name: &str) -> String {
        let (status, org) = self.api("POST", "/organizations", Some(json!({ "name": name }))).await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        org["id"].as_str().unwrap().to_owned()
    }

    /// An organization with a directory.
    pub async fn directory(&self, org_name: &str, group_roles: Value) -> Directory {
        let org = self.organization(org_name).await;
        self.directory_of(&org, group_roles).await
    }

    pub async fn directory_of(&self, org: &str, group_roles: Value) -> Directory {
        let (status, d) = self
            .api(
                "POST",
                &format!("/organizations/{org}/directories"),
                Some(json!({ "name": "IdP", "group_roles": group_roles })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        Directory {
            id: d["id"].as_str().unwrap().to_owned(),
            organization_id: org.to_owned(),
            base: d["scim_base_url"].as_str().unwrap().to_owned(),
            token: d["bearer_token"].as_str().unwrap().to_owned(),
        }
    }

    /// A SCIM request to `dir` with its token.
    pub async fn scim(&self, dir: &Directory, method: &str, path: &str, body: Option<Value>) -> Answer {
        self.scim_as(dir, &dir.token, method, path, body, &[]).await
    }

    pub async fn scim_as(
        &self,
        dir: &Directory,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", dir.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        answer(response).await
    }

    /// A SCIM request that must succeed; its body.
    pub async fn ok(&self, dir: &Directory, method: &str, path: &str, body: Option<Value>) -> Value {
        let a = self.scim(dir, method, path, body).await;
        assert!(a.status.is_success(), "{method} {path}: {} {}", a.status, a.body);
        a.body
    }

    /// The organization's members as the management API lists them.
    pub async fn members(&self, org: &str) -> Vec<Value> {
        let (status, page) = self.api("GET", &format!("/organizations/{org}/members"), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["data"].as_array().unwrap().clone()
    }
}

/// An access token of a new machine client holding `scope`.
pub async fn client_token(app: &TestApp, http: &reqwest::Client, scope: &str) -> String {
    let client = app
        .client(|c| {
            c.redirect_uris = vec![];
            c.post_logout_redirect_uris = vec![];
            c.granted_scopes = vec![scope.into()];
        })
        .await;
    let response: Value = http
        .post(app.url("/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"))
        .to_owned()
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer { status, headers, body }
}

/// A SCIM error answer: its status, `scimType` and the error schema.
pub fn assert_scim_error(a: &Answer, status: u16, scim_type: Option<&str>) {
    assert_eq!(a.status.as_u16(), status, "{}", a.body);
    assert_eq!(a.body["schemas"], json!([ERROR]), "{}", a.body);
    assert_eq!(a.body["status"], json!(status.to_string()), "{}", a.body);
    match scim_type {
        Some(t) => assert_eq!(a.body["scimType"], t, "{}", a.body),
        None => assert!(a.body.get("scimType").is_none(), "{}", a.body),
    }
    assert_eq!(
        a.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/scim+json"),
        "{}",
        a.body
    );
}
