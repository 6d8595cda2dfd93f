//! MCP authorization: dynamic client registration (RFC 7591/7592), consent
//! for third-party clients, and client ID metadata documents, through the
//! real router on port 0.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod consent;
mod documents;
mod registration;
mod resource_server;
mod typescript;

pub use serde_json::{json, Value};
pub use std::time::Duration;
pub use support::app::TestApp;
pub use support::http;

pub const LOOPBACK_REDIRECT: &str = "http://127.0.0.1:33418/callback";

/// Registers `metadata` at `/oauth/register`; the status and the JSON body.
pub async fn register(app: &TestApp, metadata: &Value) -> (u16, Value) {
    let response = http()
        .post(app.url("/oauth/register"))
        .json(metadata)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn client_count(app: &TestApp) -> u64 {
    app.state.ctx().store.count_clients().await.unwrap()
}

/// The claims of a JWT, unverified (the tests' own view of a token).
pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// GETs `url`; the body as JSON.
pub async fn get_json(url: &str) -> Value {
    http().get(url).send().await.unwrap().json().await.unwrap()
}

/// An SDK client for the resource `resource`, on the app's clock.
pub async fn sdk_for(app: &TestApp, resource: &str) -> hallpass_sdk::Client {
    let clock = app.clock.clone();
    hallpass_sdk::Client::builder(&app.base, resource)
        .audience(resource)
        .clock(std::sync::Arc::new(move || {
            use hallpass_core::clock::Clock;
            clock.now().0
        }))
        .discover()
        .await
        .unwrap()
}
