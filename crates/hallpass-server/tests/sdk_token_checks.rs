//! The SDK's checks of ID tokens and logout tokens, one branch per test
//! case: a stand-in issuer serves tokens signed with the real server's key
//! but with the claims the case needs, since a correct server never issues
//! the wrong ones. Each table starts with an untouched token the SDK accepts,
//! so a refusal is due to the one claim changed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::routing::{get, post};
use axum::{Json, Router};
use hallpass_core::clock::Clock;
use hallpass_core::crypto::{jws, Algorithm};
use hallpass_proto::claims::{AccessTokenClaims, IdTokenClaims, LogoutTokenClaims, BACKCHANNEL_LOGOUT_EVENT};
use hallpass_sdk::{Client, Error, TokenError};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use support::app::{RegisteredClient, TestApp};

const REDIRECT: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const NONCE: &str = "n-1";
const USER: &str = "usr_01arz3ndektsv4rrffq69g5fav";

/// An issuer that publishes the real server's keys and answers every token
/// request with `answer`.
struct StandIn {
    app: TestApp,
    registered: RegisteredClient,
    issuer: String,
    answer: Arc<Mutex<Value>>,
    sdk: Client,
}

async fn stand_in() -> StandIn {
    let app = TestApp::start().await;
    let registered = app.client(|_| {}).await;
    let mut metadata: Value = reqwest::get(app.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    metadata["issuer"] = json!(issuer);
    metadata["token_endpoint"] = json!(format!("{issuer}/token"));
    let answer = Arc::new(Mutex::new(Value::Null));
    let answered = answer.clone();
    let routes = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { Json(metadata) }),
        )
        .route(
            "/token",
            post(move || async move { Json(answered.lock().unwrap().clone()) }),
        );
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    let clock = app.clock.clone();
    let sdk = Client::builder(&issuer, &registered.id)
        .client_secret(registered.secret.as_deref().unwrap())
        .clock(Arc::new(move || clock.now().0))
        .discover()
        .await
        .unwrap();
    StandIn {
        app,
        registered,
        issuer,
        answer,
        sdk,
    }
}

impl StandIn {
    fn sign(&self, typ: &str, claims: &impl Serialize) -> String {
        let key = self.app.state.keys().signer(Algorithm::Es256).unwrap();
        jws::sign(&key, typ, claims).unwrap()
    }

    fn now(&self) -> i64 {
        self.app.clock.now().0
    }

    fn access_token(&self) -> String {
        let now = self.now();
        self.sign(
            "at+jwt",
            &AccessTokenClaims {
                iss: self.issuer.clone(),
                sub: USER.into(),
                aud: self.registered.id.clone(),
                client_id: self.registered.id.clone(),
                exp: now + 300,
                iat: now,
                nbf: now,
                jti: "jti-1".into(),
                scope: "openid".into(),
                sid: Some("ses_x".into()),
                auth_time: Some(now),
                oid: None,
                roles: vec![],
                permissions: vec![],
            },
        )
    }

    /// The ID token a correct issuer would send with `access_token`.
    fn id_claims(&self, access_token: &str) -> IdTokenClaims {
        let now = self.now();
        IdTokenClaims {
            iss: self.issuer.clone(),
            sub: USER.into(),
            aud: self.registered.id.clone(),
            azp: self.registered.id.clone(),
            exp: now + 300,
            iat: now,
            auth_time: now,
            nonce: Some(NONCE.into()),
            sid: "ses_x".into(),
            amr: vec!["pwd".into()],
            at_hash: Some(jws::at_hash(Algorithm::Es256, access_token)),
            email: None,
            email_verified: None,
            name: None,
            oid: None,
        }
    }

    fn answer_with(&self, access_token: &str, id_token: &IdTokenClaims) {
        *self.answer.lock().unwrap() = json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "refresh_token": "rt-2",
            "id_token": self.sign("JWT", id_token),
            "scope": "openid offline_access",
        });
    }

    fn logout_claims(&self) -> Value {
        let now = self.now();
        serde_json::to_value(LogoutTokenClaims {
            iss: self.issuer.clone(),
            aud: self.registered.id.clone(),
            iat: now,
            exp: now + 120,
            jti: "jti-2".into(),
            sub: USER.into(),
            sid: "ses_x".into(),
            events: json!({ BACKCHANNEL_LOGOUT_EVENT: {} }),
        })
        .unwrap()
    }
}

/// A case: its name, the change to the untouched claims, what the SDK says.
type Case<T> = (&'static str, Box<dyn Fn(&mut T)>, Option<TokenError>);

fn token_error(result: Result<impl std::fmt::Debug, Error>) -> Option<TokenError> {
    match result {
        Ok(_) => None,
        Err(Error::Token(e)) => Some(e),
        Err(other) => panic!("not a token error: {other}"),
    }
}

#[tokio::test]
async fn an_id_token_must_name_this_client_and_bind_the_access_token() {
    let s = stand_in().await;
    let access = s.access_token();
    let cases: Vec<Case<IdTokenClaims>> = vec![
        ("untouched", Box::new(|_| {}), None),
        (
            "aud",
            Box::new(|c| c.aud = "cli_someone_else".into()),
            Some(TokenError::WrongAudience),
        ),
        (
            "azp",
            Box::new(|c| c.azp = "cli_someone_else".into()),
            Some(TokenError::WrongAudience),
        ),
        (
            "at_hash",
            Box::new(|c| c.at_hash = Some(jws::at_hash(Algorithm::Es256, "another token"))),
            Some(TokenError::WrongAtHash),
        ),
        (
            "no at_hash",
            Box::new(|c| c.at_hash = None),
            Some(TokenError::WrongAtHash),
        ),
        (
            "nonce",
            Box::new(|c| c.nonce = Some("another".into())),
            Some(TokenError::WrongNonce),
        ),
    ];
    for (case, adjust, expected) in cases {
        let mut claims = s.id_claims(&access);
        adjust(&mut claims);
        s.answer_with(&access, &claims);
        let result = s.sdk.authenticate_with_code("code", REDIRECT, VERIFIER, NONCE).await;
        assert_eq!(token_error(result), expected, "{case}");
    }
}

#[tokio::test]
async fn an_id_token_about_another_user_than_the_access_token_is_refused() {
    let s = stand_in().await;
    let access = s.access_token();
    let mut claims = s.id_claims(&access);
    claims.sub = "usr_someone_else".into();
    s.answer_with(&access, &claims);
    let err = s
        .sdk
        .authenticate_with_code("code", REDIRECT, VERIFIER, NONCE)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err}");

    let refreshed = s.sdk.refresh("rt-1").await;
    assert_eq!(token_error(refreshed), Some(TokenError::WrongSubject));
    s.answer_with(&access, &s.id_claims(&access));
    assert!(s.sdk.refresh("rt-1").await.is_ok(), "the same user refreshes");
}

#[tokio::test]
async fn a_logout_token_needs_the_event_a_sid_this_audience_and_no_nonce() {
    let s = stand_in().await;
    let cases: Vec<Case<Value>> = vec![
        ("untouched", Box::new(|_| {}), None),
        (
            "nonce",
            Box::new(|c| c["nonce"] = json!("n-1")),
            Some(TokenError::Malformed),
        ),
        (
            "no event",
            Box::new(|c| c["events"] = json!({ "http://example.com/other": {} })),
            Some(TokenError::Malformed),
        ),
        (
            "empty sid",
            Box::new(|c| c["sid"] = json!("")),
            Some(TokenError::Malformed),
        ),
        (
            "aud",
            Box::new(|c| c["aud"] = json!("cli_someone_else")),
            Some(TokenError::WrongAudience),
        ),
    ];
    for (case, adjust, expected) in cases {
        let mut claims = s.logout_claims();
        adjust(&mut claims);
        let token = s.sign("logout+jwt", &claims);
        assert_eq!(s.sdk.verify_logout_token(&token).await.err(), expected, "{case}");
    }
}
