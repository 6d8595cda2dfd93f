//! Hallpass in-process on a real socket (port 0), with a clock the test moves
//! and a back-channel sender that records instead of posting.

#![allow(dead_code)]

use super::EVENT_BOUND;
use async_trait::async_trait;
use hallpass_core::clock::{Clock, ManualClock};
use hallpass_core::oauth::backchannel::{BackchannelSender, Notice};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::clients::{create_client, NewClient};
use hallpass_core::services::users::{create_user, NewUser};
use hallpass_core::sessions::{self, Device};
use hallpass_core::store::{Session, User};
use hallpass_server::config::Config;
use hallpass_server::mail::Outbox;
use hallpass_server::oauth::backchannel::Backchannel;
use hallpass_server::router::router;
use hallpass_server::startup::app_state;
use hallpass_server::state::{AppState, Services};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use hallpass_server::mail::Rendered as Mail;

#[derive(Debug)]
pub struct RecordingSender {
    pub sent: Mutex<Vec<Notice>>,
    /// How many have been sent, for tests to wait on.
    count: tokio::sync::watch::Sender<usize>,
}

impl Default for RecordingSender {
    fn default() -> Self {
        RecordingSender {
            sent: Mutex::default(),
            count: tokio::sync::watch::Sender::new(0),
        }
    }
}

#[async_trait]
impl BackchannelSender for RecordingSender {
    async fn send(&self, notice: &Notice) -> Result<(), String> {
        let count = {
            let mut sent = self.sent.lock().unwrap();
            sent.push(notice.clone());
            sent.len()
        };
        self.count.send_replace(count);
        Ok(())
    }
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    /// The configuration it started with.
    pub config: Config,
    pub clock: Arc<ManualClock>,
    pub backchannel: Arc<RecordingSender>,
    _dir: tempfile::TempDir,
    _bound: super::Watchdog,
}

pub struct RegisteredClient {
    pub id: String,
    pub secret: Option<String>,
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::start_mailing(adjust, None).await
    }

    /// With `mailer` (e.g. real SMTP) instead of the development outbox.
    pub async fn start_mailing(
        adjust: impl FnOnce(&mut Config),
        mailer: Option<Arc<dyn hallpass_core::signin::mailer::Mailer>>,
    ) -> TestApp {
        Self::start_full(adjust, mailer, None).await
    }

    /// Back-channel logout tokens go out over HTTP for real (to a receiver
    /// the test runs), not to the recorder.
    pub async fn start_posting_logouts() -> TestApp {
        let sender = Arc::new(hallpass_server::oauth::backchannel::HttpSender::new());
        Self::start_full(|_| {}, None, Some(sender)).await
    }

    async fn start_full(
        adjust: impl FnOnce(&mut Config),
        mailer: Option<Arc<dyn hallpass_core::signin::mailer::Mailer>>,
        sender: Option<Arc<dyn BackchannelSender>>,
    ) -> TestApp {
        let bound = super::Watchdog::arm();
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let mut config = Config {
            issuer: Some(base.clone()),
            data_dir: dir.path().join("data"),
            ..Config::default()
        };
        adjust(&mut config);
        let clock = Arc::new(ManualClock::starting_now());
        let recorder = Arc::new(RecordingSender::default());
        let outbox = Arc::new(Outbox::new(config.branding.clone()));
        let backchannel = Backchannel::new(sender.unwrap_or_else(|| recorder.clone()));
        let services = match mailer {
            Some(mailer) => Services {
                backchannel,
                documents: None,
                mailer,
                outbox: None,
            },
            None => Services {
                backchannel,
                documents: None,
                mailer: outbox.clone(),
                outbox: Some(outbox),
            },
        };
        let state = app_state(config.clone(), clock.clone() as Arc<dyn Clock>, services)
            .await
            .unwrap();
        let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestApp {
            base,
            state,
            config,
            clock,
            backchannel: recorder,
            _dir: dir,
            _bound: bound,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Where this server keeps its database and master key, for running the
    /// CLI against the same data.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("data")
    }

    pub async fn client(&self, configure: impl FnOnce(&mut NewClient)) -> RegisteredClient {
        let mut new = NewClient::confidential("Test app");
        new.redirect_uris = vec!["http://localhost:3000/callback".into()];
        new.post_logout_redirect_uris = vec!["http://localhost:3000/".into()];
        configure(&mut new);
        let policy = self.state.mode().uri_policy();
        let created = create_client(self.state.ctx(), new, policy, &Actor::Cli).await.unwrap();
        RegisteredClient {
            id: created.client.id.to_string(),
            secret: created.secret,
        }
    }

    pub async fn user(&self, email: &str) -> User {
        let new = NewUser {
            email: email.into(),
            name: Some("Ada Lovelace".into()),
            password: None,
            email_verified: true,
        };
        create_user(self.state.ctx(), new, &self.config.passwords, &Actor::Cli)
            .await
            .unwrap()
    }

    /// A verified user with a password, as `hallpass users create --password-stdin` makes one.
    pub async fn user_with_password(&self, email: &str, password: &str) -> User {
        let new = NewUser {
            email: email.into(),
            password: Some(password.into()),
            email_verified: true,
            name: None,
        };
        create_user(self.state.ctx(), new, &self.config.passwords, &Actor::Cli)
            .await
            .unwrap()
    }

    /// An unverified user without a password (signs in by mail).
    pub async fn user_without_password(&self, email: &str) -> User {
        let new = NewUser {
            email: email.into(),
            ..NewUser::default()
        };
        create_user(self.state.ctx(), new, &self.config.passwords, &Actor::Cli)
            .await
            .unwrap()
    }

    /// Signs `user` in the way the hosted pages will: a session and its cookie.
    pub async fn sign_in(&self, user: &User) -> (String, Session) {
        let device = Device {
            user_agent: Some("test".into()),
            ip: Some("127.0.0.1".into()),
        };
        sessions::start(
            self.state.ctx(),
            self.state.policy(),
            user,
            vec!["pwd".into()],
            None,
            device,
        )
        .await
        .unwrap()
    }

    /// A session as stored, ended or not.
    pub async fn session(&self, id: &hallpass_core::ids::SessionId) -> Session {
        self.state.ctx().store.get_session(id).await.unwrap().unwrap()
    }

    pub fn cookie(&self, token: &str) -> String {
        format!("hallpass_session={token}")
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// The mail the server has sent, newest first, once the queue is drained.
    pub async fn mails(&self) -> Vec<Mail> {
        self.state.hosted_pages().mail.flushed().await;
        self.state
            .hosted_pages()
            .outbox
            .as_ref()
            .map(|o| o.mails())
            .unwrap_or_default()
    }

    pub fn sent_logout_tokens(&self) -> Vec<Notice> {
        self.backchannel.sent.lock().unwrap().clone()
    }

    /// Waits until at least `count` logout tokens have been sent (they go out
    /// in the background), at most [`EVENT_BOUND`]; then all that were sent.
    pub async fn logout_tokens_sent(&self, count: usize) -> Vec<Notice> {
        let mut sent = self.backchannel.count.subscribe();
        let arrived = tokio::time::timeout(EVENT_BOUND, sent.wait_for(|n| *n >= count)).await;
        assert!(
            matches!(arrived, Ok(Ok(_))),
            "{count} logout tokens were not sent within {EVENT_BOUND:?}: {:?}",
            self.sent_logout_tokens()
        );
        self.sent_logout_tokens()
    }
}
