//! The Rust SDK against a real Hallpass on port 0: sign-in, ID and access
//! token validation, refresh, expiry, key rotation, revocation and
//! back-channel logout. The SDK reads the same test clock as the server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_core::clock::Clock;
use hallpass_core::crypto::{jws, Algorithm};
use hallpass_proto::claims::AccessTokenClaims;
use hallpass_sdk::{AuthorizationOptions, Client, ClientBuilder, Error, Pkce, TokenError};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use support::app::{RegisteredClient, TestApp};

const REDIRECT: &str = "http://localhost:3000/callback";

struct Signed {
    app: TestApp,
    registered: RegisteredClient,
    sdk: Client,
    cookie: String,
}

fn builder(app: &TestApp, registered: &RegisteredClient) -> ClientBuilder {
    let clock = app.clock.clone();
    Client::builder(&app.base, &registered.id)
        .client_secret(registered.secret.as_deref().unwrap())
        .clock(Arc::new(move || clock.now().0))
}

async fn signed_in() -> Signed {
    let app = TestApp::start().await;
    let registered = app.client(|_| {}).await;
    let sdk = builder(&app, &registered).discover().await.unwrap();
    let user = app.user("ada@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    Signed {
        app,
        registered,
        sdk,
        cookie,
    }
}

/// Runs authorize with the browser's session cookie; gives the callback's query and the request's secrets.
async fn authorize(s: &Signed) -> (HashMap<String, String>, hallpass_sdk::AuthorizationUrl) {
    let started = s.sdk.authorization_url(&AuthorizationOptions::new(REDIRECT)).unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(&started.url).header("cookie", &s.cookie).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    let query = url::Url::parse(location).unwrap().query_pairs().into_owned().collect();
    (query, started)
}

async fn authenticated(s: &Signed) -> hallpass_sdk::Authenticated {
    let (query, started) = authorize(s).await;
    assert_eq!(query["state"], started.state);
    s.sdk
        .authenticate_with_code(&query["code"], REDIRECT, &started.pkce.verifier, &started.nonce)
        .await
        .unwrap()
}

/// An access token signed with the server's own key, with claims of our choosing.
fn forged_with_our_key(s: &Signed, adjust: impl FnOnce(&mut AccessTokenClaims)) -> String {
    let now = s.app.clock.now().0;
    let mut claims = AccessTokenClaims {
        iss: s.app.base.clone(),
        sub: "usr_x".into(),
        aud: s.registered.id.clone(),
        client_id: s.registered.id.clone(),
        exp: now + 300,
        iat: now,
        nbf: now,
        jti: "jti".into(),
        scope: "openid".into(),
        sid: None,
        auth_time: None,
        oid: None,
        roles: vec![],
        permissions: vec![],
    };
    adjust(&mut claims);
    let key = s.app.state.keys().signer(Algorithm::Es256).unwrap();
    jws::sign(&key, "at+jwt", &claims).unwrap()
}

#[tokio::test]
async fn discovery_refuses_a_document_for_another_issuer() {
    let app = TestApp::start().await;
    let registered = app.client(|_| {}).await;
    let err = Client::discover(&format!("{}/tenant", app.base), &registered.id, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Discovery(_)), "{err}");
    let unreachable = Client::discover("http://127.0.0.1:1", "cli_x", None).await.unwrap_err();
    assert!(matches!(unreachable, Error::Http(_)), "{unreachable}");
}

#[tokio::test]
async fn a_sign_in_gives_the_user_and_validated_tokens() {
    let s = signed_in().await;
    let done = authenticated(&s).await;
    assert_eq!(done.user.email.as_deref(), Some("ada@example.com"));
    assert_eq!(done.user.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(done.access_token.sub, done.user.id);
    assert!(
        done.tokens.refresh_token.is_some(),
        "offline_access gives a refresh token"
    );
    assert_eq!(done.tokens.expires_at, s.app.clock.now().0 + 300);
    let claims = s.sdk.validate_access_token(&done.tokens.access_token).await.unwrap();
    assert_eq!(claims.sid.as_deref(), Some(done.id_token.sid.as_str()));
    assert_eq!(claims.scope, "openid profile email offline_access");
}

#[tokio::test]
async fn an_id_token_for_another_nonce_is_refused() {
    let s = signed_in().await;
    let (query, started) = authorize(&s).await;
    let err = s
        .sdk
        .authenticate_with_code(&query["code"], REDIRECT, &started.pkce.verifier, "another nonce")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Token(TokenError::WrongNonce)), "{err}");
}

#[tokio::test]
async fn a_wrong_verifier_or_a_spent_code_is_an_oauth_error() {
    let s = signed_in().await;
    let (query, started) = authorize(&s).await;
    let wrong = Pkce::generate().unwrap().verifier;
    let err = s
        .sdk
        .authenticate_with_code(&query["code"], REDIRECT, &wrong, &started.nonce)
        .await
        .unwrap_err();
    assert!(err.is_invalid_grant(), "{err}");
    let spent = s
        .sdk
        .authenticate_with_code(&query["code"], REDIRECT, &started.pkce.verifier, &started.nonce)
        .await
        .unwrap_err();
    assert!(
        spent.is_invalid_grant(),
        "a code is spent by its first exchange: {spent}"
    );
}

#[tokio::test]
async fn access_tokens_are_checked_for_time_issuer_audience_type_and_signature() {
    let s = signed_in().await;
    let done = authenticated(&s).await;
    let token = &done.tokens.access_token;

    let cases = [
        (
            forged_with_our_key(&s, |c| c.iss = "http://evil.example".into()),
            TokenError::WrongIssuer,
        ),
        (
            forged_with_our_key(&s, |c| c.aud = "cli_other".into()),
            TokenError::WrongAudience,
        ),
        (forged_with_our_key(&s, |c| c.nbf += 3600), TokenError::NotYetValid),
        (forged_with_our_key(&s, |c| c.exp -= 3600), TokenError::Expired),
    ];
    for (forged, expected) in cases {
        assert_eq!(s.sdk.validate_access_token(&forged).await.unwrap_err(), expected);
    }

    // The ID token is signed by the same key but is not an access token.
    let id_token = done.tokens.id_token.clone().unwrap();
    assert_eq!(
        s.sdk.validate_access_token(&id_token).await.unwrap_err(),
        TokenError::WrongType
    );

    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["roles"] = serde_json::json!(["admin"]);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    assert_eq!(
        s.sdk.validate_access_token(&tampered).await.unwrap_err(),
        TokenError::BadSignature
    );

    // Algorithm confusion: the header cannot choose `none` or an HMAC.
    let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    for alg in ["none", "HS256", "RS256"] {
        let mut swapped = header.clone();
        swapped["alg"] = alg.into();
        let forged = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(swapped.to_string()),
            parts[1],
            parts[2]
        );
        assert_eq!(
            s.sdk.validate_access_token(&forged).await.unwrap_err(),
            TokenError::AlgorithmMismatch,
            "{alg}"
        );
    }
    for malformed in ["", "a.b", "x.y.z", "a.b.c.d"] {
        assert_eq!(
            s.sdk.validate_access_token(malformed).await.unwrap_err(),
            TokenError::Malformed
        );
    }
    assert!(
        s.sdk.validate_access_token(token).await.is_ok(),
        "the real one still passes"
    );
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_a_refresh_rotates_the_tokens() {
    let s = signed_in().await;
    let done = authenticated(&s).await;
    s.app.advance(Duration::from_secs(300 + 31)); // the lifetime and the SDK's 30 s leeway
    assert_eq!(
        s.sdk
            .validate_access_token(&done.tokens.access_token)
            .await
            .unwrap_err(),
        TokenError::Expired
    );
    let old_refresh = done.tokens.refresh_token.unwrap();
    let refreshed = s.sdk.refresh(&old_refresh).await.unwrap();
    let new_refresh = refreshed.tokens.refresh_token.clone().unwrap();
    assert_ne!(new_refresh, old_refresh, "the refresh token rotates");
    assert_eq!(refreshed.access_token.sub, done.user.id);
    assert_eq!(refreshed.id_token.unwrap().sub, done.user.id);
    assert!(s
        .sdk
        .validate_access_token(&refreshed.tokens.access_token)
        .await
        .is_ok());

    s.app.advance(Duration::from_secs(10)); // past the reuse grace window
    let reuse = s.sdk.refresh(&old_refresh).await.unwrap_err();
    assert!(reuse.is_invalid_grant(), "{reuse}");
    let family_gone = s.sdk.refresh(&new_refresh).await.unwrap_err();
    assert!(
        family_gone.is_invalid_grant(),
        "reusing a rotated token ends the session: {family_gone}"
    );
}

#[tokio::test]
async fn a_revoked_session_cannot_refresh() {
    let s = signed_in().await;
    let done = authenticated(&s).await;
    let refresh = done.tokens.refresh_token.unwrap();
    s.sdk.revoke(&refresh).await.unwrap();
    assert!(s.sdk.refresh(&refresh).await.unwrap_err().is_invalid_grant());
    s.sdk.revoke("not a token we issued").await.unwrap();
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_and_made_up_kids_do_not_hammer_the_issuer() {
    let s = signed_in().await;
    let interval = Duration::from_secs(10);
    let sdk = builder(&s.app, &s.registered)
        .min_jwks_refresh(interval)
        .discover()
        .await
        .unwrap();
    let s = Signed { sdk, ..s };
    let before = authenticated(&s).await;
    assert_eq!(s.sdk.jwks_fetches(), 1, "discovery fetched the keys");

    s.app.advance(interval);
    s.app.state.rotate_signing_key(Algorithm::Es256).await.unwrap();
    let after = authenticated(&s).await; // the ID token already verified with the new key
    assert_eq!(s.sdk.jwks_fetches(), 2, "the unknown kid fetched the JWKS once");
    assert!(s.sdk.validate_access_token(&after.tokens.access_token).await.is_ok());
    assert!(
        s.sdk.validate_access_token(&before.tokens.access_token).await.is_ok(),
        "tokens of the retired key stay valid"
    );

    let token = &after.tokens.access_token;
    let parts: Vec<&str> = token.split('.').collect();
    let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let made_up = |i: usize| {
        let mut made_up = header.clone();
        made_up["kid"] = format!("key_made_up_{i}").into();
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(made_up.to_string()),
            parts[1],
            parts[2]
        )
    };
    for i in 0..200 {
        assert_eq!(
            s.sdk.validate_access_token(&made_up(i)).await.unwrap_err(),
            TokenError::UnknownKey
        );
    }
    // At most one fetch per interval, however many made-up kids arrive.
    assert_eq!(
        s.sdk.jwks_fetches(),
        2,
        "200 made-up kids within the interval fetch nothing"
    );
    s.app.advance(interval);
    for i in 200..300 {
        assert!(s.sdk.validate_access_token(&made_up(i)).await.is_err());
    }
    assert_eq!(s.sdk.jwks_fetches(), 3, "the next interval allows one more fetch");
}

#[tokio::test]
async fn the_verified_token_cache_answers_until_the_token_expires() {
    let s = signed_in().await;
    let cached = builder(&s.app, &s.registered)
        .verified_token_cache(1000)
        .leeway(Duration::ZERO)
        .discover()
        .await
        .unwrap();
    let done = authenticated(&s).await;
    let token = &done.tokens.access_token;
    assert!(cached.validate_access_token(token).await.is_ok());
    assert!(cached.validate_access_token(token).await.is_ok(), "from the cache");
    s.app.advance(Duration::from_secs(300));
    assert_eq!(
        cached.validate_access_token(token).await.unwrap_err(),
        TokenError::Expired,
        "a cached token still expires"
    );
}

#[tokio::test]
async fn logout_urls_name_the_session_and_where_to_return() {
    let s = signed_in().await;
    let done = authenticated(&s).await;
    let id_token = done.tokens.id_token.unwrap();
    let url = s
        .sdk
        .logout_url(Some(&id_token), Some("http://localhost:3000/"), Some("bye"))
        .unwrap();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&url)
        .header("cookie", &s.cookie) // the browser's own session: it ends at once
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "http://localhost:3000/?state=bye");
    assert!(
        s.sdk
            .refresh(&done.tokens.refresh_token.unwrap())
            .await
            .unwrap_err()
            .is_invalid_grant(),
        "the session is over"
    );
}

#[tokio::test]
async fn logout_tokens_are_verified_before_they_end_anything() {
    let app = TestApp::start().await;
    let registered = app
        .client(|c| c.backchannel_logout_uri = Some("http://localhost:3000/backchannel-logout".into()))
        .await;
    let sdk = builder(&app, &registered).discover().await.unwrap();
    let user = app.user("ada@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    let s = Signed {
        app,
        registered,
        sdk,
        cookie,
    };
    let done = authenticated(&s).await;
    let logout = s.sdk.logout_url(done.tokens.id_token.as_deref(), None, None).unwrap();
    reqwest::Client::new()
        .get(&logout)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    let sent = s.app.logout_tokens_sent(1).await;
    let claims = s.sdk.verify_logout_token(&sent[0].logout_token).await.unwrap();
    assert_eq!(claims.sid, done.id_token.sid);
    assert_eq!(claims.sub, done.user.id);
    assert_eq!(
        s.sdk.verify_logout_token(&done.tokens.access_token).await.unwrap_err(),
        TokenError::WrongType,
        "an access token is not a logout token"
    );
}

#[tokio::test]
async fn the_management_client_runs_the_directory() {
    use hallpass_proto::management::{CreateDirectory, CreateInvitation, CreateOrganization, CreateUser, UpdateUser};
    use hallpass_sdk::management::PageRequest;
    let app = TestApp::start().await;
    let admin = app.client(|c| c.granted_scopes = vec!["hallpass:admin".into()]).await;
    let api = builder(&app, &admin).discover().await.unwrap().management();

    let user = api
        .create_user(&CreateUser {
            email: "grace@example.com".into(),
            name: Some("Grace".into()),
            password: None,
            email_verified: true,
        })
        .await
        .unwrap();
    let duplicate = api
        .create_user(&CreateUser {
            email: "GRACE@example.com".into(),
            name: None,
            password: None,
            email_verified: false,
        })
        .await
        .unwrap_err();
    assert!(matches!(duplicate, Error::Api { status: 409, .. }), "{duplicate}");
    assert_eq!(
        api.find_user_by_email("grace@example.com").await.unwrap().unwrap().id,
        user.id
    );
    assert_eq!(api.find_user_by_email("nobody@example.com").await.unwrap(), None);
    let renamed = api
        .update_user(
            &user.id,
            &UpdateUser {
                name: Some("Grace Hopper".into()),
                ..UpdateUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Grace Hopper"));
    let missing = api.get_user("usr_01jbadbadbadbadbadbadbadba").await.unwrap_err();
    assert!(matches!(missing, Error::Api { status: 404, .. }), "{missing}");
    assert_eq!(api.list_users(&PageRequest::default()).await.unwrap().data.len(), 1);

    let org = api
        .create_organization(&CreateOrganization {
            name: "Navy".into(),
            slug: None,
            external_id: None,
            metadata: None,
        })
        .await
        .unwrap();
    let member = api.put_member(&org.id, &user.id, None).await.unwrap();
    assert_eq!(member.roles, vec!["admin"]);
    assert_eq!(
        api.list_members(&org.id, &PageRequest::default())
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    let invitation = api
        .invite(
            &org.id,
            &CreateInvitation {
                email: "ada@example.com".into(),
                roles: vec![],
                client_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(invitation.status, "pending");
    assert_eq!(
        api.resend_invitation(&org.id, &invitation.id).await.unwrap().status,
        "pending"
    );
    assert_eq!(
        api.revoke_invitation(&org.id, &invitation.id).await.unwrap().status,
        "revoked"
    );
    assert_eq!(
        api.list_invitations(&org.id, &PageRequest::default())
            .await
            .unwrap()
            .data
            .len(),
        1
    );

    let directory = api
        .create_directory(
            &org.id,
            &CreateDirectory {
                name: "Okta".into(),
                group_roles: [("Admins".to_string(), "admin".to_string())].into(),
            },
        )
        .await
        .unwrap();
    let first_token = directory.bearer_token.clone().unwrap();
    assert!(directory.scim_base_url.ends_with(&format!("/scim/v2/{}", directory.id)));
    assert_eq!(api.get_directory(&directory.id).await.unwrap().bearer_token, None);
    let rotated = api.rotate_directory_token(&directory.id).await.unwrap();
    assert_ne!(rotated.bearer_token.unwrap(), first_token);
    assert_eq!(
        api.list_directories(&org.id, &PageRequest::default())
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    api.delete_directory(&directory.id).await.unwrap();
    assert!(api.get_directory(&directory.id).await.is_err());

    let signed_in = app.user("lin@example.com").await;
    let (_, first) = app.sign_in(&signed_in).await;
    app.sign_in(&signed_in).await;
    let lin = signed_in.id.to_string();
    assert_eq!(api.list_sessions(&lin).await.unwrap().data.len(), 2);
    api.revoke_session(first.id.as_str()).await.unwrap();
    assert_eq!(api.list_sessions(&lin).await.unwrap().data.len(), 1);
    api.revoke_all_sessions(&lin).await.unwrap();
    assert!(api.list_sessions(&lin).await.unwrap().data.is_empty());
    api.remove_member(&org.id, &user.id).await.unwrap();
    api.delete_user(&user.id).await.unwrap();

    // A client without an admin scope is refused, in the SDK's terms.
    let plain = app.client(|c| c.granted_scopes = vec!["reports:read".into()]).await;
    let refused = builder(&app, &plain)
        .discover()
        .await
        .unwrap()
        .management()
        .list_users(&PageRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::Api { status: 403, ref error, .. } if error == "insufficient_scope"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_sign_in_without_openid_is_refused_by_the_sdk_not_trusted() {
    let s = signed_in().await;
    let mut options = AuthorizationOptions::new(REDIRECT);
    options.scopes = vec!["email".into()];
    let started = s.sdk.authorization_url(&options).unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let back = http.get(&started.url).header("cookie", &s.cookie).send().await.unwrap();
    let location = back.headers()["location"].to_str().unwrap().to_owned();
    let query: HashMap<String, String> = url::Url::parse(&location).unwrap().query_pairs().into_owned().collect();
    let err = s
        .sdk
        .authenticate_with_code(&query["code"], REDIRECT, &started.pkce.verifier, &started.nonce)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "no ID token, no sign-in: {err}");
}

#[tokio::test]
async fn the_management_client_runs_connections() {
    use hallpass_proto::management::{ConnectionBody, CreateOrganization};
    let app = TestApp::start().await;
    let admin = app
        .client(|c| c.granted_scopes = vec!["hallpass:connections".into(), "hallpass:organizations".into()])
        .await;
    let api = builder(&app, &admin).discover().await.unwrap().management();
    let org = api
        .create_organization(&CreateOrganization {
            name: "Acme".into(),
            slug: None,
            external_id: None,
            metadata: None,
        })
        .await
        .unwrap();
    let body = ConnectionBody {
        kind: Some("oidc".into()),
        name: Some("Acme IdP".into()),
        issuer: Some("https://idp.acme.example".into()),
        client_id: Some("hp".into()),
        client_secret: Some("s3cret".into()),
        domains: Some(vec!["acme.test".into()]),
        ..ConnectionBody::default()
    };
    let created = api.create_organization_connection(&org.id, &body).await.unwrap();
    assert_eq!(created.organization_id.as_deref(), Some(org.id.as_str()));
    assert!(created.redirect_uri.ends_with("/callback"));
    let clash = api.create_organization_connection(&org.id, &body).await.unwrap_err();
    assert!(matches!(clash, Error::Api { status: 409, .. }), "{clash}");
    assert_eq!(
        api.list_organization_connections(&org.id).await.unwrap().data,
        vec![created.clone()]
    );
    let social = api
        .create_connection(&ConnectionBody {
            kind: Some("github".into()),
            name: Some("GitHub".into()),
            client_id: Some("gh".into()),
            client_secret: Some("s".into()),
            ..ConnectionBody::default()
        })
        .await
        .unwrap();
    assert_eq!(api.list_connections().await.unwrap().data.len(), 1);
    let off = api
        .update_connection(
            &social.id,
            &ConnectionBody {
                enabled: Some(false),
                ..ConnectionBody::default()
            },
        )
        .await
        .unwrap();
    assert!(!off.enabled);
    assert_eq!(api.get_connection(&social.id).await.unwrap(), off);
    api.delete_connection(&social.id).await.unwrap();
    let gone = api.get_connection(&social.id).await.unwrap_err();
    assert!(matches!(gone, Error::Api { status: 404, .. }), "{gone}");

    // SAML: from the IdP's metadata, answered with what the IdP's admin needs.
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../hallpass-saml/tests/fixtures");
    let saml = ConnectionBody {
        kind: Some("saml".into()),
        name: Some("Acme SAML".into()),
        domains: Some(vec!["acme.example".into()]),
        idp_metadata_xml: Some(std::fs::read_to_string(format!("{fixtures}/idp_metadata.xml")).unwrap()),
        ..ConnectionBody::default()
    };
    let made = api.create_organization_connection(&org.id, &saml).await.unwrap();
    assert_eq!(made.kind, "saml");
    assert_eq!(
        made.acs_url.as_deref(),
        Some(format!("{}/saml/{}/acs", app.base, made.id).as_str())
    );
    assert!(made.sp_metadata_url.is_some() && made.sp_entity_id.is_some());
    assert_eq!(made.idp_certificates.len(), 2);
    let refused = api
        .create_organization_connection(
            &org.id,
            &ConnectionBody {
                idp_metadata_xml: Some("<not xml".into()),
                ..saml
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Api { status: 422, .. }), "{refused}");
    assert!(refused.to_string().contains("idp_metadata_xml"), "{refused}");

    // Its own key pair: the certificate comes back, the key never does.
    let read = |name: &str| std::fs::read_to_string(format!("{fixtures}/{name}")).unwrap();
    let keyed = api
        .update_connection(
            &made.id,
            &ConnectionBody {
                sp_private_key: Some(read("sp.key")),
                sp_certificate: Some(read("sp.crt")),
                sign_authn_requests: Some(true),
                ..ConnectionBody::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(keyed.sign_authn_requests, Some(true));
    let certificate: String = read("sp.crt").lines().filter(|l| !l.starts_with("-----")).collect();
    assert_eq!(keyed.sp_certificate, Some(certificate));
    let mismatch = api
        .update_connection(
            &made.id,
            &ConnectionBody {
                sp_private_key: Some(read("other.key")),
                sp_certificate: Some(read("sp.crt")),
                ..ConnectionBody::default()
            },
        )
        .await
        .unwrap_err();
    assert!(mismatch.to_string().contains("sp_private_key"), "{mismatch}");
}

#[tokio::test]
async fn the_management_client_registers_resources() {
    use hallpass_proto::management::{CreateResource, UpdateResource};
    use hallpass_sdk::management::PageRequest;
    let app = TestApp::start().await;
    let admin = app
        .client(|c| c.granted_scopes = vec!["hallpass:resources".into()])
        .await;
    let api = builder(&app, &admin).discover().await.unwrap().management();
    let new = CreateResource {
        identifier: "https://mcp.example.com/mcp".into(),
        name: "Tools".into(),
        scopes: vec!["mcp:tools".into()],
        access_token_ttl_secs: None,
    };
    let created = api.create_resource(&new).await.unwrap();
    assert_eq!(created.identifier, "https://mcp.example.com/mcp");
    let clash = api.create_resource(&new).await.unwrap_err();
    assert!(matches!(clash, Error::Api { status: 409, .. }), "{clash}");
    let changed = api
        .update_resource(
            &created.id,
            &UpdateResource {
                scopes: Some(vec!["mcp:tools".into(), "mcp:read".into()]),
                ..UpdateResource::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.scopes, vec!["mcp:tools", "mcp:read"]);
    assert_eq!(api.get_resource(&created.id).await.unwrap(), changed);
    assert_eq!(api.list_resources(&PageRequest::default()).await.unwrap().data.len(), 1);
    api.delete_resource(&created.id).await.unwrap();
    let gone = api.get_resource(&created.id).await.unwrap_err();
    assert!(matches!(gone, Error::Api { status: 404, .. }), "{gone}");
}

#[tokio::test]
async fn the_management_client_changes_sign_in_settings() {
    use hallpass_proto::management::{UpdateBranding, UpdateSignInMethods, UpdateSignInSettings};
    let app = TestApp::start().await;
    let admin = app
        .client(|c| c.granted_scopes = vec!["hallpass:settings".into()])
        .await;
    let api = builder(&app, &admin).discover().await.unwrap().management();
    assert_eq!(
        api.get_signin_settings().await.unwrap().branding.product_name,
        "Hallpass"
    );
    let changes = UpdateSignInSettings {
        branding: Some(UpdateBranding {
            product_name: Some(Some("Acme".into())),
            ..UpdateBranding::default()
        }),
        methods: Some(UpdateSignInMethods {
            email_code: Some(Some(false)),
            ..UpdateSignInMethods::default()
        }),
    };
    let changed = api.update_signin_settings(&changes).await.unwrap();
    assert_eq!(changed.branding.product_name, "Acme");
    assert!(!changed.methods.email_code);
    assert_eq!(api.get_signin_settings().await.unwrap(), changed);
    let back = UpdateSignInSettings {
        branding: Some(UpdateBranding {
            product_name: Some(None),
            primary_color: Some(Some("red".into())),
            ..UpdateBranding::default()
        }),
        methods: None,
    };
    let refused = api.update_signin_settings(&back).await.unwrap_err();
    assert!(matches!(refused, Error::Api { status: 422, .. }), "{refused}");
    assert_eq!(api.get_signin_settings().await.unwrap(), changed, "nothing changed");
}
