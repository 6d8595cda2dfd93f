//! The whole code flow, driven by the `openidconnect` crate as an independent
//! relying party: discovery, PKCE, code exchange, ID token verification,
//! refresh, userinfo, revocation and logout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreUserInfoClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, LogoutRequest, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    TokenResponse,
};
use std::collections::HashMap;
use support::app::TestApp;
use url::Url;

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn query(location: &str) -> HashMap<String, String> {
    Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

async fn full_flow(algorithm: &str) {
    let app = TestApp::start().await;
    let registered = app
        .client(|c| {
            c.id_token_algorithm = algorithm.parse().unwrap();
        })
        .await;
    let user = app.user("ada@example.com").await;
    let (cookie_token, session) = app.sign_in(&user).await;
    let http = http_client();

    let metadata = ProviderMetadataWithLogout::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &http)
        .await
        .unwrap();
    let end_session = metadata.additional_metadata().end_session_endpoint.clone().unwrap();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(registered.id.clone()),
        Some(ClientSecret::new(registered.secret.clone().unwrap())),
    )
    .set_redirect_uri(RedirectUrl::new("http://localhost:3000/callback".into()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();

    let response = http
        .get(auth_url.as_str())
        .header("cookie", app.cookie(&cookie_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://localhost:3000/callback?"), "{location}");
    let params = query(&location);
    assert_eq!(params["state"], *csrf.secret());
    assert_eq!(params["iss"], app.base, "RFC 9207 iss");

    let tokens = client
        .exchange_code(AuthorizationCode::new(params["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = tokens.id_token().expect("an ID token");
    let verifier = client.id_token_verifier();
    let claims: &CoreIdTokenClaims = id_token.claims(&verifier, &nonce).unwrap();
    assert_eq!(claims.subject().as_str(), user.id.as_str());
    assert_eq!(claims.email().unwrap().as_str(), "ada@example.com");
    assert_eq!(claims.email_verified(), Some(true));
    assert_eq!(
        serde_json::to_value(id_token.signing_alg().unwrap()).unwrap(),
        algorithm
    );
    let expected_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected_hash));
    let scopes: Vec<String> = tokens.scopes().unwrap().iter().map(|s| s.to_string()).collect();
    assert!(scopes.contains(&"offline_access".to_string()));

    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(info.subject().as_str(), user.id.as_str());
    assert_eq!(info.email().unwrap().as_str(), "ada@example.com");

    let refresh = tokens.refresh_token().expect("a refresh token with offline_access");
    let refreshed = client
        .exchange_refresh_token(refresh)
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    let rotated = refreshed.refresh_token().expect("a rotated refresh token");
    assert_ne!(rotated.secret(), refresh.secret(), "rotates on every use");
    assert!(refreshed.id_token().is_some());

    // (openidconnect refuses a plain-http revocation URL, so this one request is made by hand.)
    let revoked = http
        .post(app.url("/oauth/revoke"))
        .basic_auth(&registered.id, registered.secret.as_deref())
        .form(&[
            ("token", rotated.secret().as_str()),
            ("token_type_hint", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let after_revoke = client
        .exchange_refresh_token(rotated)
        .unwrap()
        .request_async(&http)
        .await;
    assert!(after_revoke.is_err(), "a revoked family refreshes no more");

    let logout = LogoutRequest::from(end_session)
        .set_id_token_hint(id_token)
        .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new("http://localhost:3000/".into()).unwrap())
        .set_state(CsrfToken::new("bye".into()))
        .http_get_url();
    let response = http
        .get(logout.as_str())
        .header("cookie", app.cookie(&cookie_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "http://localhost:3000/?state=bye");
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let ended = app.state.ctx().store.get_session(&session.id).await.unwrap().unwrap();
    assert_eq!(ended.end_reason.as_deref(), Some("logout"));

    // The access token no longer works once the session is over.
    let info: Result<CoreUserInfoClaims, _> = client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await;
    assert!(info.is_err());
    // The same logout URL again ends nothing and shows the signed-out page.
    let again = http.get(logout.as_str()).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("signed out"));
}

#[tokio::test]
async fn code_flow_with_es256() {
    full_flow("ES256").await;
}

#[tokio::test]
async fn code_flow_with_rs256() {
    full_flow("RS256").await;
}

#[tokio::test]
async fn code_flow_with_eddsa() {
    full_flow("EdDSA").await;
}
