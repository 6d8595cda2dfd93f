//! The account page.

use super::*;

#[tokio::test]
async fn the_account_page_changes_name_and_password_and_ends_other_sessions() {
    let app = TestApp::start().await;
    app.user_with_password("ida@example.com", "first pass phrase").await;
    let (laptop, phone, tablet) = (browser(), browser(), browser());
    for device in [&laptop, &phone, &tablet] {
        password_sign_in(&app, device, "ida@example.com", "first pass phrase").await;
    }
    let html = laptop
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        html.matches("Sign out there").count(),
        2,
        "the two other sessions can be ended"
    );
    assert_eq!(html.matches("this browser").count(), 1);
    let csrf = hidden(&html, "csrf");

    let renamed = laptop
        .post(app.url("/account/name"))
        .form(&[("csrf", csrf.as_str()), ("name", "Ida B.")])
        .send()
        .await
        .unwrap();
    assert!(renamed.text().await.unwrap().contains("value=\"Ida B.\""));

    let start = html.find("/account/sessions/").unwrap();
    let revoke_path = html[start..].split('"').next().unwrap().to_owned();
    let revoked = laptop
        .post(app.url(&revoke_path))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(revoked.text().await.unwrap().contains("That device is signed out"));
    let still_in = [
        phone.get(app.url("/account")).send().await.unwrap(),
        tablet.get(app.url("/account")).send().await.unwrap(),
    ];
    assert_eq!(
        still_in.iter().filter(|r| r.status() == 200).count(),
        1,
        "exactly one of the other devices was signed out"
    );

    let wrong = laptop
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", "not it"),
            ("new_password", "second pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("current password is not right"));
    let changed = laptop
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", "first pass phrase"),
            ("new_password", "second pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    for device in [&phone, &tablet] {
        assert_eq!(
            device.get(app.url("/account")).send().await.unwrap().status(),
            303,
            "other devices are signed out"
        );
    }
    assert_eq!(
        laptop.get(app.url("/account")).send().await.unwrap().status(),
        200,
        "this one stays"
    );
    let stranger = browser();
    password_sign_in(&app, &stranger, "ida@example.com", "second pass phrase").await;
    let forged = laptop
        .post(app.url("/account/name"))
        .form(&[("csrf", "wrong"), ("name", "X")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn another_users_session_cannot_be_revoked_from_the_account_page() {
    let app = TestApp::start().await;
    app.user_with_password("kim@example.com", "kim pass phrase").await;
    let other = app.user("lee@example.com").await;
    let (other_token, other_session) = app.sign_in(&other).await;
    let kim = browser();
    password_sign_in(&app, &kim, "kim@example.com", "kim pass phrase").await;
    let html = kim.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&html, "csrf");

    let refused = kim
        .post(app.url(&format!("/account/sessions/{}/revoke", other_session.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        404,
        "another user's session is as if it did not exist"
    );
    let stored = app
        .state
        .ctx()
        .store
        .get_session(&other_session.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.ended_at, None, "the other user's session is not ended");
    let still_in = browser()
        .get(app.url("/account"))
        .header("cookie", app.cookie(&other_token))
        .send()
        .await
        .unwrap();
    assert_eq!(still_in.status(), 200, "the other user is still signed in");
}
