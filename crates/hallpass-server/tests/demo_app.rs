//! The demo app and the SDK's axum integration over HTTP: sign-in through
//! `/login` and `/callback`, the dashboard, transparent refresh, sign-out,
//! back-channel logout, and the error paths of each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::header::{ACCEPT, LOCATION, SET_COOKIE};
use std::sync::Arc;
use std::time::Duration;
use support::app::TestApp;
use support::demo::Demo;

struct Browser {
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { http, jar }
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        self.http.get(url).header(ACCEPT, "text/html").send().await.unwrap()
    }
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

fn sets_cookie(response: &reqwest::Response, prefix: &str) -> bool {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().unwrap().starts_with(prefix))
}

/// Signed in at Hallpass, then through the demo's `/login` and `/callback`.
async fn signed_into_demo(app: &TestApp, demo: &Demo) -> Browser {
    let browser = Browser::new();
    let user = app.user("ada@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    browser
        .jar
        .add_cookie_str(&app.cookie(&token), &app.base.parse().unwrap());

    let dashboard = browser.get(&demo.url("/dashboard")).await;
    assert_eq!(dashboard.status(), 303, "no session yet: off to sign in");
    assert_eq!(location(&dashboard), "/login?return_to=%2Fdashboard");
    let login = browser.get(&demo.url(&location(&dashboard))).await;
    assert_eq!(login.status(), 303);
    assert!(sets_cookie(&login, "hallpass_tx="));
    let authorize = browser.get(&location(&login)).await;
    assert_eq!(authorize.status(), 302, "Hallpass knows the browser: straight back");
    let callback = browser.get(&location(&authorize)).await;
    assert_eq!(callback.status(), 303, "{}", callback.text().await.unwrap());
    assert_eq!(location(&callback), "/dashboard");
    assert!(sets_cookie(&callback, "hallpass_app="));
    browser
}

#[tokio::test]
async fn sign_in_see_the_dashboard_refresh_transparently_and_sign_out() {
    let app = TestApp::start().await;
    let demo = Demo::start(&app).await;
    let browser = signed_into_demo(&app, &demo).await;

    let page = browser.get(&demo.url("/dashboard")).await;
    assert_eq!(page.status(), 200);
    assert!(!sets_cookie(&page, "hallpass_app="), "a live token needs no refresh");
    let html = page.text().await.unwrap();
    assert!(html.contains("ada@example.com"), "{html}");
    assert!(html.contains("Ada Lovelace"));
    assert!(
        html.contains("&quot;at_hash&quot;") || html.contains("\"at_hash\""),
        "decoded ID token shown"
    );

    app.advance(Duration::from_secs(301));
    let refreshed = browser.get(&demo.url("/dashboard")).await;
    assert_eq!(refreshed.status(), 200, "the expired access token was refreshed");
    assert!(sets_cookie(&refreshed, "hallpass_app="), "and the cookie rewritten");
    assert!(refreshed.text().await.unwrap().contains("ada@example.com"));

    let logout = browser.http.post(demo.url("/logout")).send().await.unwrap();
    assert_eq!(logout.status(), 303);
    assert!(sets_cookie(&logout, "hallpass_app=;"), "the app's cookie is dropped");
    let to_hallpass = location(&logout);
    assert!(
        to_hallpass.starts_with(&app.url("/oidc/logout?id_token_hint=")),
        "{to_hallpass}"
    );
    let back = browser.get(&to_hallpass).await;
    assert_eq!(location(&back), demo.url("/"));
    let again = browser.get(&demo.url("/dashboard")).await;
    assert_eq!(again.status(), 303, "signed out: the dashboard asks for sign-in again");
    assert_eq!(location(&again), "/login?return_to=%2Fdashboard");
    let account = browser.get(&app.url("/account")).await;
    assert!(
        location(&account).starts_with("/login"),
        "the Hallpass session ended too: {}",
        location(&account)
    );
}

#[tokio::test]
async fn a_back_channel_logout_ends_the_apps_session() {
    let app = TestApp::start().await;
    let demo = Demo::start(&app).await;
    let browser = signed_into_demo(&app, &demo).await;
    assert_eq!(browser.get(&demo.url("/dashboard")).await.status(), 200);

    // Signed out at Hallpass from elsewhere (e.g. the account page): Hallpass
    // tells the app on the back channel.
    let asked = browser
        .http
        .post(app.url("/oidc/logout"))
        .form(&[("client_id", demo.client.id.as_str())])
        .send()
        .await
        .unwrap();
    let html = asked.text().await.unwrap();
    let ended = browser
        .http
        .post(app.url("/oidc/logout"))
        .form(&support::form_fields(&html))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200, "signed out once the user confirmed");
    assert!(ended.text().await.unwrap().contains("signed out"));
    let notices = app.logout_tokens_sent(1).await;
    assert_eq!(notices[0].uri, demo.url("/backchannel-logout"));
    let forged = browser
        .http
        .post(&notices[0].uri)
        .form(&[("logout_token", "eyJhbGciOiJub25lIn0.e30.")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400, "an unsigned logout token ends nothing");
    assert_eq!(browser.get(&demo.url("/dashboard")).await.status(), 200);

    let received = browser
        .http
        .post(&notices[0].uri)
        .form(&[("logout_token", notices[0].logout_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(received.status(), 200);
    let after = browser.get(&demo.url("/dashboard")).await;
    assert_eq!(after.status(), 303, "the session's cookie is refused at once");
    assert_eq!(location(&after), "/login?return_to=%2Fdashboard");
    assert!(sets_cookie(&after, "hallpass_app=;"));
}

#[tokio::test]
async fn a_callback_that_does_not_match_the_sign_in_changes_nothing() {
    let app = TestApp::start().await;
    let demo = Demo::start(&app).await;
    let browser = Browser::new();

    let without_transaction = browser.get(&demo.url("/callback?code=x&state=y")).await;
    assert_eq!(without_transaction.status(), 400);
    assert!(without_transaction.text().await.unwrap().contains("expired"));

    let login = browser.get(&demo.url("/login?return_to=//evil.example")).await;
    let authorize = url::Url::parse(&location(&login)).unwrap();
    let state: String = authorize.query_pairs().find(|(k, _)| k == "state").unwrap().1.into();
    let wrong_state = browser.get(&demo.url("/callback?code=x&state=other")).await;
    assert_eq!(wrong_state.status(), 400);
    let wrong_issuer = browser
        .get(&demo.url(&format!("/callback?code=x&state={state}&iss=http%3A%2F%2Fevil.example")))
        .await;
    assert_eq!(wrong_issuer.status(), 400, "RFC 9207 mix-up defence");
    let denied = browser
        .get(&demo.url(&format!(
            "/callback?error=access_denied&state={state}&iss={}",
            url::form_urlencoded::byte_serialize(app.base.as_bytes()).collect::<String>()
        )))
        .await;
    assert_eq!(denied.status(), 400);
    assert!(denied.text().await.unwrap().contains("access_denied"));
    let bad_code = browser
        .get(&demo.url(&format!(
            "/callback?code=made-up&state={state}&iss={}",
            url::form_urlencoded::byte_serialize(app.base.as_bytes()).collect::<String>()
        )))
        .await;
    assert_eq!(bad_code.status(), 502);
    assert!(
        !sets_cookie(&bad_code, "hallpass_app="),
        "no session from a failed exchange"
    );

    let api = browser
        .http
        .get(demo.url("/dashboard"))
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401, "not a page load: 401, not a redirect");
    let tampered = browser
        .http
        .get(demo.url("/dashboard"))
        .header(ACCEPT, "text/html")
        .header("cookie", "hallpass_app=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .unwrap();
    assert_eq!(tampered.status(), 303, "a cookie the app did not seal is no session");
    assert!(sets_cookie(&tampered, "hallpass_app=;"));
}

#[tokio::test]
async fn sign_in_returns_only_to_a_path_on_the_app() {
    let app = TestApp::start().await;
    let demo = Demo::start(&app).await;
    let browser = signed_into_demo(&app, &demo).await;
    let login = browser.get(&demo.url("/login?return_to=https://evil.example/")).await;
    let authorize = browser.get(&location(&login)).await;
    let callback = browser.get(&location(&authorize)).await;
    assert_eq!(location(&callback), "/", "an outside return_to becomes the home page");
}
