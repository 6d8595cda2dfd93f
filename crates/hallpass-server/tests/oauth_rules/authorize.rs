//! The authorization endpoint: where errors go, what it refuses, and sending the user to sign in.

use super::*;

#[tokio::test]
async fn unknown_client_or_unregistered_redirect_never_redirects() {
    let f = fixture().await;
    let cases = [
        vec![("redirect_uri", "http://localhost:3000/evil")],
        vec![("redirect_uri", "http://localhost:3000/callback/")],
        vec![("client_id", "cli_01arz3ndektsv4rrffq69g5fav")],
        vec![("client_id", "not-an-id")],
        vec![("redirect_uri", "")],
        vec![("client_id", "")],
    ];
    for extra in cases {
        let response = authorize(&f, &authorize_params(&f, &extra), Some(&f.cookie)).await;
        assert_eq!(response.status(), 400, "{extra:?}");
        assert!(
            response.headers().get("location").is_none(),
            "no redirect for {extra:?}"
        );
        assert!(response.text().await.unwrap().contains("not valid"));
    }
}

#[tokio::test]
async fn authorize_errors_go_back_with_state_and_iss() {
    let f = fixture().await;
    let long_nonce = "n".repeat(513);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("response_type", "token")], "unsupported_response_type"),
        (vec![("response_type", "")], "invalid_request"),
        (vec![("scope", "openid admin")], "invalid_scope"),
        (vec![("scope", "")], "invalid_scope"),
        (
            vec![("code_challenge", ""), ("code_challenge_method", "")],
            "invalid_request",
        ),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("code_challenge_method", "")], "invalid_request"),
        (vec![("code_challenge", "short")], "invalid_request"),
        (vec![("prompt", "consent_please")], "invalid_request"),
        (vec![("prompt", "none login")], "invalid_request"),
        (vec![("max_age", "soon")], "invalid_request"),
        (vec![("organization_id", "acme")], "invalid_request"),
        (vec![("request", "eyJ...")], "invalid_request"),
        (vec![("request_uri", "urn:example:request")], "invalid_request"),
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("nonce", long_nonce.as_str())], "invalid_request"),
        (
            vec![("organization_id", "org_01arz3ndektsv4rrffq69g5fav")],
            "invalid_request",
        ),
        (vec![("response_mode", "fragment")], "invalid_request"),
    ];
    for (extra, error) in cases {
        let response = authorize(&f, &authorize_params(&f, &extra), Some(&f.cookie)).await;
        assert_eq!(response.status(), 302, "{extra:?}");
        let (location, query) = location(&response);
        assert!(location.starts_with(REDIRECT), "{location}");
        assert_eq!(query["error"], error, "{extra:?}: {query:?}");
        assert!(!query["error_description"].is_empty());
        assert_eq!(query["state"], "st-1");
        assert_eq!(query["iss"], f.app.base);
        assert!(!query.contains_key("code"));
    }
}

#[tokio::test]
async fn an_over_long_state_is_refused() {
    let f = fixture().await;
    let long = "s".repeat(2049);
    let response = authorize(&f, &authorize_params(&f, &[("state", &long)]), Some(&f.cookie)).await;
    let (_, query) = location(&response);
    assert_eq!(query["error"], "invalid_request", "{query:?}");
    assert!(!query.contains_key("code"));
    let longest = "s".repeat(2048);
    let response = authorize(&f, &authorize_params(&f, &[("state", &longest)]), Some(&f.cookie)).await;
    assert!(
        location(&response).1.contains_key("code"),
        "2048 characters are allowed"
    );
}

#[tokio::test]
async fn duplicated_parameters_are_refused() {
    let f = fixture().await;
    let mut params = authorize_params(&f, &[]);
    params.push(("scope", "openid"));
    let response = authorize(&f, &params, Some(&f.cookie)).await;
    let (_, query) = location(&response);
    assert_eq!(query["error"], "invalid_request");
    assert!(query["error_description"].contains("scope"));

    let mut params = authorize_params(&f, &[]);
    params.push(("redirect_uri", REDIRECT));
    let response = authorize(&f, &params, Some(&f.cookie)).await;
    assert_eq!(
        response.status(),
        400,
        "a repeated redirect_uri is not trusted enough to redirect to"
    );

    let code = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
}

#[tokio::test]
async fn no_session_sends_the_user_to_sign_in_and_prompt_none_says_login_required() {
    let f = fixture().await;
    let response = authorize(&f, &authorize_params(&f, &[]), None).await;
    assert_eq!(response.status(), 302);
    let (to, query) = location(&response);
    assert!(to.starts_with("/login?"), "{to}");
    assert!(query["return_to"].starts_with("/oauth/authorize?"));

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "create")]), Some(&f.cookie)).await;
    assert!(location_of(&response).starts_with("/signup?"));

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), None).await;
    let (_, query) = location(&response);
    assert_eq!(query["error"], "login_required");

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), Some(&f.cookie)).await;
    assert!(
        location(&response).1.contains_key("code"),
        "prompt=none with a session issues a code"
    );

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "login")]), Some(&f.cookie)).await;
    let (to, query) = location(&response);
    assert!(to.starts_with("/login?"), "prompt=login re-authenticates");
    assert!(!query["return_to"].contains("prompt=login"), "and does not loop");

    f.app.advance(Duration::from_secs(120));
    let response = authorize(
        &f,
        &authorize_params(&f, &[("max_age", "60"), ("prompt", "none")]),
        Some(&f.cookie),
    )
    .await;
    assert_eq!(
        location(&response).1["error"],
        "login_required",
        "a sign-in older than max_age"
    );
}
