//! The demo app (examples/demo-app) in-process on port 0, signed in through
//! a Hallpass `TestApp`, its SDK reading the test clock.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::app::{RegisteredClient, TestApp};
use hallpass_core::clock::Clock;
use hallpass_sdk::axum::HallpassAuth;
use std::sync::Arc;

pub struct Demo {
    pub base: String,
    pub client: RegisteredClient,
}

impl Demo {
    /// Registers a client for the demo (callback, after-logout page and
    /// back-channel receiver) and starts it.
    pub async fn start(app: &TestApp) -> Demo {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let client = app
            .client(|c| {
                c.redirect_uris = vec![format!("{base}/callback")];
                c.post_logout_redirect_uris = vec![format!("{base}/")];
                c.backchannel_logout_uri = Some(format!("{base}/backchannel-logout"));
                c.initiate_login_uri = Some(format!("{base}/login"));
            })
            .await;
        let clock = app.clock.clone();
        let sdk = hallpass_sdk::Client::builder(&app.base, &client.id)
            .client_secret(client.secret.as_deref().unwrap())
            .clock(Arc::new(move || clock.now().0))
            .discover()
            .await
            .unwrap();
        let auth = HallpassAuth::new(sdk, &[42u8; 32], &base).unwrap();
        let router = demo_app::app(auth);
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Demo { base, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
