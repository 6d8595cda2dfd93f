//! `hallpass_sdk::Client::validate_access_token` on one core: a real Hallpass
//! in-process publishes its JWKS, the SDK discovers it, then validates an
//! ES256 access token over and over (signature, type, issuer, audience,
//! time), without and with the cache of verified tokens, and through the
//! resource-server layer (`ResourceServer::check`: the header, the token for
//! that resource, its scopes); beside them, the bare signature check, for
//! the SDK's overhead as a ratio in the same run.
//!
//! `cargo bench -p hallpass-server --bench validate_access_token`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hallpass_core::clock::{Clock, SystemClock};
use hallpass_core::crypto::{jws, Algorithm};
use hallpass_proto::claims::AccessTokenClaims;
use hallpass_server::config::Config;
use hallpass_server::mail::Outbox;
use hallpass_server::oauth::backchannel::{Backchannel, HttpSender};
use hallpass_server::state::Services;
use std::sync::Arc;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (token, plain, cached, keys, resource_token, resource_server) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let config = Config {
            issuer: Some(base.clone()),
            data_dir: dir.path().join("data"),
            ..Config::default()
        };
        let outbox = Arc::new(Outbox::new(config.branding.clone()));
        let services = Services {
            backchannel: Backchannel::new(Arc::new(HttpSender::new())),
            documents: None,
            mailer: outbox.clone(),
            outbox: Some(outbox),
        };
        let clock = Arc::new(SystemClock);
        let state = hallpass_server::startup::app_state(config, clock.clone(), services)
            .await
            .unwrap();
        let router = hallpass_server::router::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

        let now = clock.now().0;
        let claims = AccessTokenClaims {
            iss: base.clone(),
            sub: "usr_01jbench".into(),
            aud: "cli_bench".into(),
            client_id: "cli_bench".into(),
            exp: now + 3600,
            iat: now,
            nbf: now,
            jti: "01jbenchjti".into(),
            scope: "openid profile email".into(),
            sid: Some("ses_01jbench".into()),
            auth_time: Some(now),
            oid: Some("org_01jbench".into()),
            roles: vec!["admin".into()],
            permissions: vec!["documents:read".into(), "documents:write".into()],
        };
        let key = state.keys().signer(Algorithm::Es256).unwrap();
        let token = jws::sign(&key, "at+jwt", &claims).unwrap();
        let plain = hallpass_sdk::Client::discover(&base, "cli_bench", None).await.unwrap();
        let cached = hallpass_sdk::Client::builder(&base, "cli_bench")
            .verified_token_cache(10_000)
            .discover()
            .await
            .unwrap();
        let keys = hallpass_jose::VerifyingKeys::new(&state.keys().jwks().keys);
        // The same token as an MCP server sees it: its audience is the resource.
        let resource = "https://mcp.bench.example/mcp";
        let for_resource = AccessTokenClaims {
            aud: resource.into(),
            scope: "mcp:tools".into(),
            ..claims
        };
        let resource_token = format!("Bearer {}", jws::sign(&key, "at+jwt", &for_resource).unwrap());
        let resource_server = hallpass_sdk::axum::ResourceServer::discover(&base, resource)
            .await
            .unwrap()
            .scopes(&["mcp:tools"]);
        (token, plain, cached, keys, resource_token, resource_server)
    });

    let mut group = c.benchmark_group("validate_access_token");
    group.throughput(Throughput::Elements(1));
    // The floor: the signature check and claim decoding alone, no SDK around them.
    group.bench_function("es256_signature_only", |b| {
        b.iter(|| {
            let parsed = hallpass_jose::parse(&token).unwrap();
            parsed.verify::<AccessTokenClaims>(&keys, Some("at+jwt")).unwrap()
        })
    });
    group.bench_function("es256", |b| {
        b.iter(|| runtime.block_on(plain.validate_access_token(&token)).unwrap())
    });
    group.bench_function("es256_resource_server_check", |b| {
        b.iter(|| assert!(runtime.block_on(resource_server.check(Some(&resource_token))).is_ok()))
    });
    group.bench_function("es256_verified_cache", |b| {
        b.iter(|| runtime.block_on(cached.validate_access_token(&token)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
