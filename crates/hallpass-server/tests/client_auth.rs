//! Client authentication at `/oauth/token` (RFC 6749 §2.3), one test per
//! branch: malformed Basic credentials, form-encoded ones, an id that
//! disagrees, public clients, wrong secrets, and secrets rotated out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hallpass_core::ids::{ClientId, SecretId};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::clients::{delete_client_secret, rotate_client_secret};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use serde_json::Value;
use std::time::Duration;
use support::app::{RegisteredClient, TestApp};
use support::http;

/// A client allowed the client_credentials grant: a request it authenticates gets 200.
async fn machine(app: &TestApp, scope: &str) -> RegisteredClient {
    app.client(|c| {
        c.redirect_uris.clear();
        c.post_logout_redirect_uris.clear();
        c.granted_scopes = vec![scope.into()];
    })
    .await
}

/// `Authorization: Basic` over `id:secret` exactly as given, not form-encoded.
fn basic_raw(id: &str, secret: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))).unwrap()
}

/// `Authorization: Basic` as RFC 6749 §2.3.1 says: id and secret form-encoded, then base64.
fn basic(id: &str, secret: &str) -> HeaderValue {
    let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    basic_raw(&encode(id), &encode(secret))
}

/// A client_credentials request with this Authorization header (if any) and
/// these extra form fields: the status and the JSON body.
async fn grant(app: &TestApp, authorization: Option<HeaderValue>, form: &[(&str, &str)]) -> (u16, Value) {
    let mut fields = vec![("grant_type", "client_credentials")];
    fields.extend_from_slice(form);
    let mut request = http().post(app.url("/oauth/token")).form(&fields);
    if let Some(value) = authorization {
        request = request.header(AUTHORIZATION, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn assert_refused(answer: &(u16, Value), status: u16, error: &str, case: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{case}: {body}");
    assert_eq!(body["error"], error, "{case}");
    assert!(body.get("access_token").is_none(), "{case}: no token");
}

fn assert_granted(answer: &(u16, Value), case: &str) {
    let (status, body) = answer;
    assert_eq!(*status, 200, "{case}: {body}");
    assert!(body["access_token"].is_string(), "{case}");
}

#[tokio::test]
async fn malformed_or_non_utf8_basic_credentials_are_invalid_client() {
    let app = TestApp::start().await;
    let client = machine(&app, "reports:read").await;
    let secret = client.secret.as_deref().unwrap();
    let cases = [
        ("no credentials", HeaderValue::from_static("Basic")),
        ("not base64", HeaderValue::from_static("Basic !!not-base64!!")),
        (
            "no colon",
            HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(&client.id))).unwrap(),
        ),
        (
            "base64 of bytes that are not UTF-8",
            HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(b"\xff\xfe:\xff"))).unwrap(),
        ),
        (
            "a header that is not UTF-8",
            HeaderValue::from_bytes(b"Basic \xff\xfe\xfd").unwrap(),
        ),
    ];
    for (case, header) in cases {
        assert_refused(&grant(&app, Some(header), &[]).await, 401, "invalid_client", case);
    }
    assert_granted(&grant(&app, Some(basic(&client.id, secret)), &[]).await, "well-formed");
}

#[tokio::test]
async fn basic_credentials_are_form_decoded_once_and_only_once() {
    let app = TestApp::start().await;
    let client = machine(&app, "reports:read").await;
    let generated = client.secret.clone().unwrap();
    // A second secret with every character form-encoding changes.
    let special = "p+q%r:s t&u=v";
    let ctx = app.state.ctx();
    let secret = hallpass_core::store::ClientSecret {
        id: SecretId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        client_id: ClientId::parse(&client.id).unwrap(),
        hash: hallpass_core::crypto::SecretHash::of(special),
        created_at: ctx.clock.now(),
    };
    ctx.store.add_client_secret(&secret).await.unwrap();

    assert_granted(&grant(&app, Some(basic(&client.id, special)), &[]).await, "encoded");
    assert_refused(
        &grant(&app, Some(basic_raw(&client.id, special)), &[]).await,
        401,
        "invalid_client",
        "the same secret sent without encoding is another secret",
    );
    let post = [("client_id", client.id.as_str()), ("client_secret", special)];
    assert_granted(&grant(&app, None, &post).await, "client_secret_post");
    // A raw `&` is part of the secret, not the end of it.
    let longer = format!("{generated}&x");
    assert_refused(
        &grant(&app, Some(basic_raw(&client.id, &longer)), &[]).await,
        401,
        "invalid_client",
        "the secret followed by `&x`",
    );
    assert_refused(
        &grant(&app, Some(basic_raw(&format!("{}&x", client.id), &generated)), &[]).await,
        401,
        "invalid_client",
        "the id followed by `&x`",
    );
    assert_granted(
        &grant(&app, Some(basic_raw(&client.id, &generated)), &[]).await,
        "a secret without special characters reads the same either way",
    );
}

#[tokio::test]
async fn a_body_client_id_other_than_the_basic_one_is_refused() {
    let app = TestApp::start().await;
    let client = machine(&app, "reports:read").await;
    let other = machine(&app, "reports:read").await;
    let header = || Some(basic(&client.id, client.secret.as_deref().unwrap()));
    assert_refused(
        &grant(&app, header(), &[("client_id", other.id.as_str())]).await,
        400,
        "invalid_request",
        "another client's id in the body",
    );
    assert_granted(
        &grant(&app, header(), &[("client_id", client.id.as_str())]).await,
        "the same id in the body",
    );
}

#[tokio::test]
async fn a_public_client_that_sends_a_secret_is_invalid_client() {
    let app = TestApp::start().await;
    let public = app.client(|c| c.kind = hallpass_core::store::ClientKind::Public).await;
    let cases = [
        ("Basic", Some(basic(&public.id, "made-up")), vec![]),
        ("Basic with an empty secret", Some(basic(&public.id, "")), vec![]),
        (
            "client_secret_post",
            None,
            vec![("client_id", public.id.as_str()), ("client_secret", "made-up")],
        ),
    ];
    for (case, header, form) in cases {
        assert_refused(&grant(&app, header, &form).await, 401, "invalid_client", case);
    }
}

#[tokio::test]
async fn a_wrong_secret_through_client_secret_post_is_invalid_client() {
    let app = TestApp::start().await;
    let client = machine(&app, "reports:read").await;
    let secret = client.secret.as_deref().unwrap();
    for wrong in ["wrong", "", &secret[..secret.len() - 1]] {
        let form = [("client_id", client.id.as_str()), ("client_secret", wrong)];
        assert_refused(&grant(&app, None, &form).await, 401, "invalid_client", wrong);
    }
    let form = [("client_id", client.id.as_str()), ("client_secret", secret)];
    assert_granted(&grant(&app, None, &form).await, "the right secret");
}

/// A management API call with a bearer token.
async fn api(app: &TestApp, token: &str, method: reqwest::Method, path: &str) -> reqwest::Response {
    let url = app.url(&format!("/api/v1{path}"));
    http().request(method, url).bearer_auth(token).send().await.unwrap()
}

/// The client's secret ids, from the management API.
async fn secret_ids(app: &TestApp, token: &str, client: &str) -> Vec<String> {
    let path = format!("/clients/{client}");
    let details: Value = api(app, token, reqwest::Method::GET, &path).await.json().await.unwrap();
    details["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["secret_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn through_the_api_a_rotated_out_secret_works_until_deleted_and_changes_count_at_once() {
    let app = TestApp::start().await;
    let admin = machine(&app, "hallpass:clients").await;
    let (_, body) = grant(&app, Some(basic(&admin.id, admin.secret.as_deref().unwrap())), &[]).await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let client = machine(&app, "reports:read").await;
    let old = client.secret.clone().unwrap();
    let with = |secret: &str| grant(&app, Some(basic(&client.id, secret)), &[]);
    assert_granted(&with(&old).await, "before rotation");
    let [old_id] = secret_ids(&app, &token, &client.id).await.try_into().unwrap();

    let rotate = format!("/clients/{}/secrets", client.id);
    let rotated: Value = api(&app, &token, reqwest::Method::POST, &rotate)
        .await
        .json()
        .await
        .unwrap();
    let new = rotated["client_secret"].as_str().unwrap();
    assert_granted(&with(&old).await, "the old secret until it is deleted");
    assert_granted(&with(new).await, "the new secret");

    let delete_old = format!("/clients/{}/secrets/{old_id}", client.id);
    let deleted = api(&app, &token, reqwest::Method::DELETE, &delete_old).await;
    assert_eq!(deleted.status(), 204);
    assert_refused(&with(&old).await, 401, "invalid_client", "deleted on this node");
    let lifetime = u64::from(app.config.oauth.client_cache_secs);
    app.advance(Duration::from_secs(lifetime + 1));
    assert_refused(&with(&old).await, 401, "invalid_client", "past the cache lifetime");
    assert_granted(&with(new).await, "the new secret stays");

    let delete_client = format!("/clients/{}", client.id);
    let gone = api(&app, &token, reqwest::Method::DELETE, &delete_client).await;
    assert_eq!(gone.status(), 204);
    assert_refused(&with(new).await, 401, "invalid_client", "the client is deleted");
}

#[tokio::test]
async fn a_secret_deleted_elsewhere_stops_working_once_the_cache_lapses() {
    let app = TestApp::start().await;
    let client = machine(&app, "reports:read").await;
    let old = client.secret.clone().unwrap();
    let with = |secret: &str| grant(&app, Some(basic(&client.id, secret)), &[]);
    assert_granted(&with(&old).await, "before rotation: now cached");

    // The CLI or another node changes the database; this node's cache is not told.
    let (ctx, id) = (app.state.ctx(), ClientId::parse(&client.id).unwrap());
    let (new_id, new) = rotate_client_secret(ctx, &id, &Actor::Cli).await.unwrap();
    let secrets = ctx.store.list_client_secrets(&id).await.unwrap();
    let old_id = secrets.iter().find(|s| s.id != new_id).unwrap().id.clone();
    delete_client_secret(ctx, &id, &old_id, &Actor::Cli).await.unwrap();

    let lifetime = u64::from(app.config.oauth.client_cache_secs);
    app.advance(Duration::from_secs(lifetime + 1));
    assert_refused(&with(&old).await, 401, "invalid_client", "past the cache lifetime");
    assert_granted(&with(&new).await, "the new secret");
}
