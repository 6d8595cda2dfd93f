//! Delivering back-channel logout tokens: POSTed in the background, retried
//! with backoff; a failure is logged and never holds up the user's logout.

use async_trait::async_trait;
use hallpass_core::oauth::backchannel::{notices, BackchannelSender, Notice};
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::KeySet;
use hallpass_core::store::Session;
use hallpass_core::Context;
use std::sync::Arc;
use std::time::Duration;

/// Waits before each attempt: now, then 1 s, 5 s and 25 s later.
const BACKOFF: [Duration; 4] = [
    Duration::ZERO,
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(25),
];

#[derive(Debug)]
pub struct HttpSender {
    client: reqwest::Client,
}

impl HttpSender {
    pub fn new() -> HttpSender {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        HttpSender { client }
    }
}

impl Default for HttpSender {
    fn default() -> Self {
        HttpSender::new()
    }
}

#[async_trait]
impl BackchannelSender for HttpSender {
    async fn send(&self, notice: &Notice) -> Result<(), String> {
        let response = self
            .client
            .post(&notice.uri)
            .form(&[("logout_token", notice.logout_token.as_str())])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("answered {}", response.status()))
        }
    }
}

/// Tells every client of an ended session, in the background.
#[derive(Debug, Clone)]
pub struct Backchannel {
    sender: Arc<dyn BackchannelSender>,
}

impl Backchannel {
    pub fn new(sender: Arc<dyn BackchannelSender>) -> Backchannel {
        Backchannel { sender }
    }

    pub async fn notify(&self, ctx: &Context, keys: &KeySet, policy: &OAuthPolicy, session: &Session) {
        let notices = match notices(ctx, keys, policy, session).await {
            Ok(notices) => notices,
            Err(err) => {
                tracing::error!(%err, session_id = %session.id, "could not prepare back-channel logout notices");
                return;
            }
        };
        for notice in notices {
            let sender = self.sender.clone();
            tokio::spawn(async move { deliver(sender.as_ref(), &notice).await });
        }
    }
}

async fn deliver(sender: &dyn BackchannelSender, notice: &Notice) {
    for (attempt, wait) in BACKOFF.iter().enumerate() {
        tokio::time::sleep(*wait).await;
        match sender.send(notice).await {
            Ok(()) => {
                tracing::info!(client_id = %notice.client_id, "back-channel logout delivered");
                return;
            }
            Err(err) => {
                tracing::warn!(client_id = %notice.client_id, uri = %notice.uri, attempt = attempt + 1, %err, "back-channel logout failed")
            }
        }
    }
    tracing::error!(client_id = %notice.client_id, uri = %notice.uri, "back-channel logout gave up after {} attempts", BACKOFF.len());
}
