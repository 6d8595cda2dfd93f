//! What the token endpoint hands out: the documented claims, no caching, refresh tokens only with offline_access.

use super::*;

#[tokio::test]
async fn tokens_carry_the_documented_claims() {
    let f = fixture().await;
    let signed_in_at = hallpass_core::clock::Clock::now(f.app.clock.as_ref()).0;
    f.app.advance(Duration::from_secs(60)); // so auth_time differs from iat
    let now = signed_in_at + 60;
    let code = code(&f).await;
    let (status, body) = exchange(&f, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(header(access)["typ"], "at+jwt");
    assert_eq!(header(access)["alg"], "ES256");
    let at = claims(access);
    let client = f.client.id.as_str();
    for (field, expected) in [
        ("iss", json!(f.app.base)),
        ("aud", json!(client)),
        ("client_id", json!(client)),
        ("iat", json!(now)),
        ("nbf", json!(now)),
        ("exp", json!(now + 300)),
        ("auth_time", json!(signed_in_at)),
        ("scope", json!("openid email offline_access")),
        ("roles", json!([])),
        ("permissions", json!([])),
    ] {
        assert_eq!(at[field], expected, "access token's {field}: {at}");
    }
    assert!(at["sub"].as_str().unwrap().starts_with("usr_"));
    assert!(at["sid"].as_str().unwrap().starts_with("ses_"));
    assert!(!at["jti"].as_str().unwrap().is_empty());
    let id = claims(body["id_token"].as_str().unwrap());
    let at_hash = hallpass_core::crypto::jws::at_hash(hallpass_core::crypto::Algorithm::Es256, access);
    for (field, expected) in [
        ("iss", json!(f.app.base)),
        ("sub", at["sub"].clone()),
        ("aud", json!(client)),
        ("azp", json!(client)),
        ("iat", json!(now)),
        ("auth_time", json!(signed_in_at)),
        ("nonce", json!("n-1")),
        ("sid", at["sid"].clone()),
        ("amr", json!(["pwd"])),
        ("email", json!("grace@example.com")),
        ("email_verified", json!(true)),
        ("at_hash", json!(at_hash)),
    ] {
        assert_eq!(id[field], expected, "ID token's {field}: {id}");
    }
    assert!(id["exp"].as_i64().unwrap() > now);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("hpr_"));
}

#[tokio::test]
async fn token_responses_are_never_cached() {
    let f = fixture().await;
    let code = code(&f).await;
    let (_, _, headers) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(headers["cache-control"], "no-store");
    let (_, _, headers) = token(&f, &[("grant_type", "authorization_code"), ("code", "nope")]).await;
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn without_offline_access_there_is_no_refresh_token() {
    let f = fixture().await;
    let response = authorize(&f, &authorize_params(&f, &[("scope", "openid")]), Some(&f.cookie)).await;
    let code = location(&response).1["code"].clone();
    let (_, body) = exchange(&f, &code).await;
    assert!(body["refresh_token"].is_null(), "{body}");
    assert!(
        claims(body["id_token"].as_str().unwrap())["email"].is_null(),
        "no email claim without the email scope"
    );
}
