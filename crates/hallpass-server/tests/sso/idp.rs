//! A stand-in identity provider on loopback that answers as OpenID providers
//! (and GitHub) document: discovery, JWKS, token endpoint (checking the
//! client, the redirect URI and the PKCE verifier), userinfo, GitHub's
//! `/user` and `/user/emails`. The test decides what each sign-in at the IdP
//! yields (`grant`), and may break the IdP on purpose (`set`).

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hallpass_core::crypto::{Algorithm, SigningKey};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use url::Url;

pub const CLIENT_ID: &str = "hallpass-client";
pub const CLIENT_SECRET: &str = "idp-secret-42";

/// How the IdP behaves; tests change it between steps.
#[derive(Clone)]
pub struct Behaviour {
    /// The `issuer` its discovery document names.
    pub issuer: String,
    /// `token_endpoint_auth_methods_supported`.
    pub auth_methods: Vec<String>,
    /// Every endpoint answers 503.
    pub down: bool,
    /// Sign ID tokens with a key it does not publish, under the published kid.
    pub forge: bool,
    /// Publish (and sign with) the rotated key instead.
    pub rotated: bool,
    /// What userinfo (or GitHub's /user) answers.
    pub userinfo: Value,
    /// GitHub's /user/emails.
    pub emails: Value,
}

struct Grant {
    claims: Value,
    challenge: String,
    redirect_uri: String,
}

struct Inner {
    base: String,
    key: SigningKey,
    rotated_key: SigningKey,
    forger: SigningKey,
    behaviour: Mutex<Behaviour>,
    grants: Mutex<HashMap<String, Grant>>,
    /// Paths requested, in order.
    pub log: Mutex<Vec<String>>,
    /// Time spent answering, in nanoseconds (for the throughput figure).
    busy_nanos: std::sync::atomic::AtomicU64,
    codes_issued: std::sync::atomic::AtomicU64,
}

#[derive(Clone)]
pub struct FakeIdp {
    pub base: String,
    inner: Arc<Inner>,
    shutdown: Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>,
}

fn key(kid: &str) -> SigningKey {
    let generated = SigningKey::generate(Algorithm::Rs256, kid).unwrap();
    SigningKey::from_pkcs8(Algorithm::Rs256, kid, &generated.pkcs8).unwrap()
}

impl FakeIdp {
    /// Serves on 127.0.0.1 and calls itself `localhost`: another host name
    /// than the Hallpass under test, as a real IdP is another site.
    pub async fn start() -> FakeIdp {
        Self::start_at("").await
    }

    /// With every path under `prefix` (e.g. `/tenant/v2.0`), as multi-tenant IdPs lay them out.
    pub async fn start_at(prefix: &str) -> FakeIdp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://localhost:{}{prefix}", listener.local_addr().unwrap().port());
        let inner = Arc::new(Inner {
            base: base.clone(),
            key: key("idp-key-1"),
            rotated_key: key("idp-key-2"),
            forger: key("idp-key-1"),
            behaviour: Mutex::new(Behaviour {
                issuer: base.clone(),
                auth_methods: vec!["client_secret_basic".into(), "client_secret_post".into()],
                down: false,
                forge: false,
                rotated: false,
                userinfo: Value::Null,
                emails: json!([]),
            }),
            grants: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
            busy_nanos: std::sync::atomic::AtomicU64::new(0),
            codes_issued: std::sync::atomic::AtomicU64::new(1),
        });
        let routes = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .route("/login/oauth/access_token", post(token))
            .route("/userinfo", get(userinfo))
            .route("/user", get(userinfo))
            .route("/user/emails", get(emails));
        let app = if prefix.is_empty() {
            routes
        } else {
            Router::new().nest(prefix, routes)
        }
        .layer(axum::middleware::from_fn_with_state(inner.clone(), record))
        .with_state(inner.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap()
        });
        FakeIdp {
            base,
            inner,
            shutdown: Arc::new(Mutex::new(Some(stop))),
        }
    }

    pub fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.inner.behaviour.lock().unwrap());
    }

    /// Stops answering at all: connections are refused.
    pub fn stop(&self) {
        if let Some(stop) = self.shutdown.lock().unwrap().take() {
            let _ = stop.send(());
        }
    }

    /// How long the IdP has spent answering requests, in all.
    pub fn busy(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.inner.busy_nanos.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Forgets the request log (a long run would grow it without bound).
    pub fn forget_requests(&self) {
        self.inner.log.lock().unwrap().clear();
    }

    pub fn requests(&self, path: &str) -> usize {
        self.inner
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.ends_with(path))
            .count()
    }

    /// The user signs in at the IdP, which answers `authorize_url` (where
    /// Hallpass sent the browser) with a code for an ID token of these
    /// claims: the defaults (iss, aud, sub, nonce from the request, fresh
    /// times) with `claims` laid over them (a null removes one). Gives the
    /// URL the IdP redirects the browser to.
    pub fn grant(&self, authorize_url: &str, now: i64, claims: Value) -> String {
        let url = Url::parse(authorize_url).unwrap();
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], CLIENT_ID);
        assert_eq!(q["code_challenge_method"], "S256");
        let issuer = self.inner.behaviour.lock().unwrap().issuer.clone();
        let mut full = json!({
            "iss": issuer,
            "aud": CLIENT_ID,
            "sub": "idp-user-1",
            "iat": now,
            "exp": now + 300,
            "nonce": q.get("nonce"),
        });
        for (k, v) in claims.as_object().unwrap() {
            if v.is_null() {
                full.as_object_mut().unwrap().remove(k);
            } else {
                full[k] = v.clone();
            }
        }
        let n = self
            .inner
            .codes_issued
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let code = format!("code-{n}");
        self.inner.grants.lock().unwrap().insert(
            code.clone(),
            Grant {
                claims: full,
                challenge: q["code_challenge"].clone(),
                redirect_uri: q["redirect_uri"].clone(),
            },
        );
        let mut back = Url::parse(&q["redirect_uri"]).unwrap();
        back.query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &q["state"]);
        back.to_string()
    }

    /// The IdP refuses: the user said no.
    pub fn deny(&self, authorize_url: &str) -> String {
        let url = Url::parse(authorize_url).unwrap();
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        let mut back = Url::parse(&q["redirect_uri"]).unwrap();
        back.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user declined.")
            .append_pair("state", &q["state"]);
        back.to_string()
    }
}

async fn record(
    State(inner): State<Arc<Inner>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    inner.log.lock().unwrap().push(request.uri().path().to_owned());
    if inner.behaviour.lock().unwrap().down {
        return (StatusCode::SERVICE_UNAVAILABLE, "down for maintenance").into_response();
    }
    let response = next.run(request).await;
    let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    inner.busy_nanos.fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
    response
}

async fn discovery(State(inner): State<Arc<Inner>>) -> Json<Value> {
    let b = inner.behaviour.lock().unwrap().clone();
    let base = &inner.base;
    Json(json!({
        "issuer": b.issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": b.auth_methods,
    }))
}

async fn jwks(State(inner): State<Arc<Inner>>) -> Json<Value> {
    let rotated = inner.behaviour.lock().unwrap().rotated;
    let key = if rotated { &inner.rotated_key } else { &inner.key };
    let mut jwk = serde_json::to_value(key.public_jwk()).unwrap();
    // As Entra ID does: no `alg`; the key type says RS256.
    jwk.as_object_mut().unwrap().remove("alg");
    Json(json!({ "keys": [jwk] }))
}

fn refuse(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

async fn token(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v).ok())
        .map(|v| String::from_utf8(v).unwrap());
    let b = inner.behaviour.lock().unwrap().clone();
    let authenticated = match basic {
        Some(pair) => {
            b.auth_methods.iter().any(|m| m == "client_secret_basic") && pair == format!("{CLIENT_ID}:{CLIENT_SECRET}")
        }
        None => {
            b.auth_methods.iter().any(|m| m == "client_secret_post")
                && form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
                && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
        }
    };
    if !authenticated {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_client" }))).into_response();
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return refuse("unsupported_grant_type");
    }
    let Some(grant) = form.get("code").and_then(|c| inner.grants.lock().unwrap().remove(c)) else {
        return refuse("invalid_grant");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let challenge = URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ));
    if challenge != grant.challenge || form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return refuse("invalid_grant");
    }
    let key = match (b.forge, b.rotated) {
        (true, _) => &inner.forger,
        (false, true) => &inner.rotated_key,
        (false, false) => &inner.key,
    };
    let id_token = hallpass_core::crypto::jws::sign(key, "JWT", &grant.claims).unwrap();
    Json(json!({
        "access_token": "upstream-access-token",
        "token_type": "Bearer",
        "expires_in": 3600,
        "id_token": id_token,
    }))
    .into_response()
}

fn bearer_ok(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some("Bearer upstream-access-token")
}

async fn userinfo(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if !bearer_ok(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(inner.behaviour.lock().unwrap().userinfo.clone()).into_response()
}

async fn emails(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if !bearer_ok(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(inner.behaviour.lock().unwrap().emails.clone()).into_response()
}
