//! Refresh tokens: rotation, the grace window, reuse, refusals that leave the token usable, timeouts.

use super::*;

#[tokio::test]
async fn refresh_reuse_inside_the_grace_window_gets_the_same_successor() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, a, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 200, "{a}");
    f.app.advance(Duration::from_secs(2));
    let (status, b, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 200, "a second tab refreshing at once is not a thief: {b}");
    assert_eq!(
        a["refresh_token"], b["refresh_token"],
        "a retry gets the successor already issued, never a second chain"
    );
    assert_ne!(a["access_token"], b["access_token"]);
    f.app.advance(Duration::from_secs(10));
    let (status, c, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", b["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "the one successor keeps working: {c}");
}

#[tokio::test]
async fn a_refused_refresh_leaves_the_token_usable() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let wider = format!("{} hallpass:admin", first["scope"].as_str().unwrap());
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", &wider),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{body}");
    // Past the grace window: had the refused request rotated the token, this
    // retry would count as reuse and end the session.
    f.app.advance(Duration::from_millis(6_500));
    let (status, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 200, "the token was not used up: {body}");
    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), Some(&f.cookie)).await;
    assert!(location(&response).1.contains_key("code"), "the session is live");
}

#[tokio::test]
async fn refresh_reuse_after_the_grace_window_ends_the_session() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (_, rotated, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    f.app.advance(Duration::from_secs(30));
    let (status, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rotated["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant", "the whole session is revoked");
    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), Some(&f.cookie)).await;
    assert_eq!(
        location(&response).1["error"],
        "login_required",
        "the browser session ended too"
    );
}

#[tokio::test]
async fn refresh_stops_when_the_session_times_out_and_may_narrow_scope() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, narrowed, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(narrowed["scope"], "openid");
    let next = narrowed["refresh_token"].as_str().unwrap().to_owned();
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &next),
            ("scope", "openid admin"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_scope");
    f.app.advance(Duration::from_secs(8 * 86_400));
    let (_, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &next)]).await;
    assert_eq!(body["error"], "invalid_grant", "idle timeout ended the session");
}
