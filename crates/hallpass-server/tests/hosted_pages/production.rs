//! Under an https issuer (production), behind the TLS terminator: every
//! answer asks for HSTS, and the cookies are `__Host-` (Secure, Path=/, no
//! Domain), so no other host or plain-http page can set or read them. The
//! cookies are carried by hand: a cookie store keeps Secure cookies from
//! plain http, which the test speaks to the server.

use super::*;

const ISSUER: &str = "https://auth.example.com";
const PASSWORD: &str = "a production pass phrase";

async fn production() -> TestApp {
    TestApp::start_with(|c| c.issuer = Some(ISSUER.into())).await
}

/// The `Set-Cookie` header that sets `name`.
fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} cookie in {:?}", response.headers()))
}

fn assert_host_only(cookie: &str) {
    for attribute in ["; Secure", "; Path=/;", "; HttpOnly"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Domain="), "{cookie}");
}

/// `name=value` of a `Set-Cookie` header, as the browser sends it back.
fn sent_back(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap()
}

#[tokio::test]
async fn every_answer_asks_browsers_for_https_from_now_on() {
    let app = production().await;
    for path in [
        "/healthz",
        "/.well-known/openid-configuration",
        "/login",
        "/no/such/page",
    ] {
        let response = http().get(app.url(path)).send().await.unwrap();
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_form_and_session_cookies_are_host_only_and_secure() {
    let app = production().await;
    let client = app
        .client(|c| {
            c.redirect_uris = vec!["https://app.example.com/callback".into()];
            c.post_logout_redirect_uris = vec![];
        })
        .await;
    app.user_with_password("pat@example.com", PASSWORD).await;
    let page = http().get(app.url("/login")).send().await.unwrap();
    let csrf_cookie = set_cookie(&page, "__Host-hallpass_csrf");
    assert_host_only(&csrf_cookie);
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    let signed_in = http()
        .post(app.url("/login"))
        .header("cookie", sent_back(&csrf_cookie))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "pat@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let session_cookie = set_cookie(&signed_in, "__Host-hallpass_session");
    assert_host_only(&session_cookie);

    let authorize = Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", "https://app.example.com/callback"),
            ("scope", "openid"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let with_session = http()
        .get(authorize.clone())
        .header("cookie", sent_back(&session_cookie))
        .send()
        .await
        .unwrap();
    assert!(
        location(&with_session).starts_with("https://app.example.com/callback?code="),
        "{}",
        location(&with_session)
    );
    let token = sent_back(&session_cookie).split_once('=').unwrap().1;
    let unprefixed = http()
        .get(authorize)
        .header("cookie", format!("hallpass_session={token}"))
        .send()
        .await
        .unwrap();
    assert!(
        location(&unprefixed).starts_with("/login?"),
        "a cookie without the prefix (set by another host) is not the session: {}",
        location(&unprefixed)
    );
}
