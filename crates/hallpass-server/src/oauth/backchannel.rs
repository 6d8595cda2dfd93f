//! Delivering back-channel logout tokens: POSTed in the background, retried
//! with backoff; a failure is logged and never holds up the user's logout.

use async_trait::async_trait;
use hallpass_core::oauth::backchannel::{notices, BackchannelSender, Notice};
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::{KeyRing, KeySet};
use hallpass_core::sessions::SessionNotifier;
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
    backoff: Arc<[Duration]>,
    /// Deliver before `notify` returns (a CLI command, whose process ends
    /// with it) instead of in the background.
    wait: bool,
}

impl Backchannel {
    pub fn new(sender: Arc<dyn BackchannelSender>) -> Backchannel {
        Backchannel::with_backoff(sender, &BACKOFF)
    }

    /// The waits before each attempt; the number of waits is the number of attempts.
    pub fn with_backoff(sender: Arc<dyn BackchannelSender>, backoff: &[Duration]) -> Backchannel {
        Backchannel {
            sender,
            backoff: backoff.into(),
            wait: false,
        }
    }

    /// Delivers before `notify` returns, each notice tried `attempts` times a
    /// second apart: for a command that exits when it is done.
    pub fn waiting(sender: Arc<dyn BackchannelSender>, attempts: usize) -> Backchannel {
        let backoff: Vec<Duration> = (0..attempts.max(1))
            .map(|i| if i == 0 { Duration::ZERO } else { Duration::from_secs(1) })
            .collect();
        Backchannel {
            wait: true,
            ..Backchannel::with_backoff(sender, &backoff)
        }
    }

    pub async fn notify(&self, ctx: &Context, keys: &KeySet, policy: &OAuthPolicy, session: &Session) {
        let notices = match notices(ctx, keys, policy, session).await {
            Ok(notices) => notices,
            Err(err) => {
                tracing::error!(%err, session_id = %session.id, "could not prepare back-channel logout notices");
                return;
            }
        };
        let deliveries: Vec<_> = notices
            .into_iter()
            .map(|notice| {
                let (sender, backoff) = (self.sender.clone(), self.backoff.clone());
                tokio::spawn(async move { deliver(sender.as_ref(), &backoff, &notice).await })
            })
            .collect();
        if self.wait {
            for delivery in deliveries {
                let _delivered_or_logged = delivery.await;
            }
        }
    }
}

/// Tells the apps of every ended session on the back channel: the core's
/// [`SessionNotifier`], so every way a session ends reaches them.
#[derive(Debug, Clone)]
pub struct BackchannelNotifier {
    pub backchannel: Backchannel,
    pub keys: KeyRing,
    pub policy: OAuthPolicy,
}

#[async_trait]
impl SessionNotifier for BackchannelNotifier {
    async fn sessions_ended(&self, ctx: &Context, ended: &[Session]) {
        let keys = self.keys.current();
        for session in ended {
            self.backchannel.notify(ctx, &keys, &self.policy, session).await;
        }
    }
}

/// Tries each attempt after its wait; `true` once delivered.
pub async fn deliver(sender: &dyn BackchannelSender, backoff: &[Duration], notice: &Notice) -> bool {
    for (attempt, wait) in backoff.iter().enumerate() {
        tokio::time::sleep(*wait).await;
        match sender.send(notice).await {
            Ok(()) => {
                tracing::info!(client_id = %notice.client_id, "back-channel logout delivered");
                return true;
            }
            Err(err) => {
                tracing::warn!(client_id = %notice.client_id, uri = %notice.uri, attempt = attempt + 1, %err, "back-channel logout failed")
            }
        }
    }
    tracing::error!(client_id = %notice.client_id, uri = %notice.uri, "back-channel logout gave up after {} attempts", backoff.len());
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug)]
    struct Flaky {
        failures_left: AtomicU32,
        calls: AtomicU32,
    }

    #[async_trait]
    impl BackchannelSender for Flaky {
        async fn send(&self, _: &Notice) -> Result<(), String> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let left = self.failures_left.load(Ordering::SeqCst);
            if left == 0 {
                return Ok(());
            }
            self.failures_left.store(left - 1, Ordering::SeqCst);
            Err("unavailable".into())
        }
    }

    fn notice() -> Notice {
        Notice {
            client_id: "cli_x".into(),
            uri: "http://127.0.0.1:1/bc".into(),
            logout_token: "t".into(),
        }
    }

    #[tokio::test]
    async fn retries_until_delivered_then_stops() {
        let flaky = Flaky {
            failures_left: AtomicU32::new(2),
            calls: AtomicU32::new(0),
        };
        let backoff = [
            Duration::ZERO,
            Duration::from_millis(5),
            Duration::from_millis(5),
            Duration::from_millis(5),
        ];
        assert!(deliver(&flaky, &backoff, &notice()).await);
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt() {
        let flaky = Flaky {
            failures_left: AtomicU32::new(10),
            calls: AtomicU32::new(0),
        };
        let backoff = [Duration::ZERO, Duration::from_millis(5)];
        assert!(!deliver(&flaky, &backoff, &notice()).await);
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 2);
    }
}
