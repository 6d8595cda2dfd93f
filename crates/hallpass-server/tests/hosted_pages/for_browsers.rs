//! What a browser meets outside the forms: the start page, and every error
//! page in the hosted layout with a way back, never JSON.

use super::*;

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

async fn open(browser: &reqwest::Client, url: &str) -> (u16, String, String) {
    let response = browser.get(url).header("accept", HTML).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, content_type, response.text().await.unwrap())
}

/// In the hosted layout (the brand's stylesheet), with a link back to the start page.
fn assert_hosted_page(what: &str, content_type: &str, html: &str) {
    assert!(content_type.starts_with("text/html"), "{what}: {content_type}");
    assert!(html.contains("href=\"/static/hallpass.css\""), "{what}: {html}");
    assert!(html.contains("<a href=\"/\">"), "{what} has a way back: {html}");
    assert!(!html.contains('`'), "{what} shows no Markdown quoting: {html}");
}

#[tokio::test]
async fn the_start_page_shows_who_is_signed_in_and_how_to_begin() {
    let app = TestApp::start().await;
    let browser = browser();
    let (status, _, html) = open(&browser, &app.url("/")).await;
    assert_eq!(status, 200);
    assert!(html.contains("You are not signed in"), "{html}");
    assert!(html.contains("href=\"/account\""));
    assert!(
        html.contains("hallpass clients create"),
        "development mode shows the first steps"
    );

    app.user_with_password("sam@example.com", "sam's long pass phrase")
        .await;
    password_sign_in(&app, &browser, "sam@example.com", "sam's long pass phrase").await;
    let (_, _, html) = open(&browser, &app.url("/")).await;
    assert!(html.contains("Signed in as <strong>sam@example.com</strong>"), "{html}");
    assert!(html.contains("action=\"/logout\""), "and a way to sign out");
}

#[tokio::test]
async fn error_pages_a_browser_reaches_are_hosted_pages_with_a_way_back() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let browser = browser();
    let unknown_client = Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("client_id", "cli_01arz3ndektsv4rrffq69g5fav"),
            ("redirect_uri", "http://localhost:3000/callback"),
        ],
    )
    .unwrap();
    let foreign_redirect = Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("client_id", client.id.as_str()),
            ("redirect_uri", "https://evil.example.com/"),
        ],
    )
    .unwrap();
    let bad_logout = Url::parse_with_params(&app.url("/oidc/logout"), &[("client_id", "nope")]).unwrap();
    let cases = [
        ("an unknown address", app.url("/no/such/page"), 404),
        ("an unknown application", unknown_client.to_string(), 400),
        ("an unregistered redirect", foreign_redirect.to_string(), 400),
        ("a bad sign-out link", bad_logout.to_string(), 400),
        ("a form's address opened by hand", app.url("/login/code"), 405),
        ("the signed-out page", app.url("/oidc/logout"), 200),
    ];
    for (what, url, expected) in cases {
        let (status, content_type, html) = open(&browser, &url).await;
        assert_eq!(status, expected, "{what}");
        assert_hosted_page(what, &content_type, &html);
    }
}

#[tokio::test]
async fn programs_still_get_json_errors() {
    let app = TestApp::start().await;
    let response = browser().get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}
