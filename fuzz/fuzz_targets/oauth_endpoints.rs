//! The authorize and token endpoints (and introspection, revocation,
//! logout) through the real router, with a registered client: any query or
//! form body must get a clear 4xx (or a redirect), never a 5xx or a panic.
#![no_main]

use axum::body::Body;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use axum::http::{header, Method, Request};
use hallpass_core::oauth::metadata_document::{DocumentFetcher, Fetched};
use hallpass_server::config::Config;
use hallpass_server::mail::Outbox;
use hallpass_server::oauth::backchannel::{Backchannel, HttpSender};
use hallpass_server::state::Services;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// A URL `client_id` the fuzzer makes up is never fetched: it names no document.
#[derive(Debug)]
struct NoDocuments;

#[async_trait::async_trait]
impl DocumentFetcher for NoDocuments {
    async fn fetch(&self, _: &url::Url) -> Result<Fetched, String> {
        Err("no documents while fuzzing".into())
    }
}

struct Target {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    client_id: String,
    secret: String,
    _dir: tempfile::TempDir,
}

fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().join("data"),
            ..Config::default()
        };
        let (router, client_id, secret) = runtime.block_on(async {
            let outbox = Arc::new(Outbox::new(config.branding.clone()));
            let services = Services {
                backchannel: Backchannel::new(Arc::new(HttpSender::new())),
                mailer: outbox.clone(),
                outbox: Some(outbox),
                documents: Some(Arc::new(NoDocuments)),
            };
            let clock = Arc::new(hallpass_core::clock::SystemClock);
            let state = hallpass_server::startup::app_state(config, clock, services).await.unwrap();
            let mut new = hallpass_core::services::clients::NewClient::confidential("fuzz");
            new.redirect_uris = vec!["http://localhost:3000/callback".into()];
            let created = hallpass_core::services::clients::create_client(
                state.ctx(),
                new,
                state.mode().uri_policy(),
                &hallpass_core::services::audit::Actor::Cli,
            )
            .await
            .unwrap();
            let router = hallpass_server::router::router(state);
            (router, created.client.id.to_string(), created.secret.unwrap())
        });
        Target {
            runtime,
            router,
            client_id,
            secret,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let t = target();
    let input = String::from_utf8_lossy(rest);
    // Half the inputs name the real client, so validation gets past the client lookup.
    let input = if selector & 1 == 1 {
        format!("client_id={}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&{input}", t.client_id)
    } else {
        input.into_owned()
    };
    let (method, path) = match (selector >> 1) % 5 {
        0 => (Method::GET, "/oauth/authorize"),
        1 => (Method::POST, "/oauth/token"),
        2 => (Method::POST, "/oauth/introspect"),
        3 => (Method::POST, "/oauth/revoke"),
        _ => (Method::GET, "/oidc/logout"),
    };
    let mut request = if method == Method::GET {
        let uri = format!("{path}?{}", input.replace(['#', ' '], ""));
        let Ok(request) = Request::builder().method(method).uri(uri).body(Body::empty()) else { return };
        request
    } else {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(input))
            .unwrap()
    };
    if selector & 0x80 != 0 {
        let credentials = format!("{}:{}", t.client_id, t.secret);
        let basic = format!("Basic {}", STANDARD.encode(credentials));
        request.headers_mut().insert(header::AUTHORIZATION, basic.parse().unwrap());
    }
    let response = t.runtime.block_on(t.router.clone().oneshot(request)).unwrap();
    let status = response.status();
    assert!(!status.is_server_error(), "{path} answered {status}");
});
