//! A real back-channel logout receiver: an HTTP server on port 0 that keeps
//! every `logout_token` POSTed to it, for tests to wait on.

#![allow(dead_code)]

use axum::extract::State;
use axum::routing::post;
use axum::{Form, Router};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};

pub struct Receiver {
    pub uri: String,
    tokens: Mutex<mpsc::UnboundedReceiver<String>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel::<String>();
        let app = Router::new()
            .route(
                "/backchannel",
                post(
                    |State(tx): State<mpsc::UnboundedSender<String>>, Form(form): Form<HashMap<String, String>>| async move {
                        if let Some(token) = form.get("logout_token") {
                            let _ = tx.send(token.clone());
                        }
                    },
                ),
            )
            .with_state(tx);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://127.0.0.1:{}/backchannel", listener.local_addr().unwrap().port());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver {
            uri,
            tokens: Mutex::new(rx),
        }
    }

    /// The claims of the next logout token received, within a generous bound.
    pub async fn next_claims(&self) -> serde_json::Value {
        let token = tokio::time::timeout(Duration::from_secs(20), self.tokens.lock().await.recv())
            .await
            .expect("no back-channel logout arrived within 20 s")
            .expect("the receiver stopped");
        let payload = token.split('.').nth(1).expect("a compact JWS");
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// No token is waiting now (every expected one was taken).
    pub async fn is_drained(&self) -> bool {
        self.tokens.lock().await.try_recv().is_err()
    }
}
