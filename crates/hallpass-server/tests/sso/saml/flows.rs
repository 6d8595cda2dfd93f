//! Sign-ins through SAML connections: the IdP shapes, the entry points, IdP-initiated sign-in,
//! replays and the browser binding.

use super::idp::{adfs, entra, okta, signed_response};
use super::*;

async fn signed_in_as(w: &World, code: &str, email: &str) -> (Value, Value) {
    let (id, access) = w.tokens(code).await;
    assert_eq!(id["email"], email);
    assert_eq!(id["amr"], json!(["sso"]));
    (id, access)
}

#[tokio::test]
async fn okta_entra_and_adfs_shaped_responses_sign_in_and_join_the_organization() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let org = c.organization_id.clone().unwrap();
    for (shape, email, name) in [
        (okta("ada@acme.test"), "ada@acme.test", "Ada Lovelace"),
        (entra("grace@acme.test"), "grace@acme.test", "Grace Hopper"),
        (adfs("katherine@acme.test"), "katherine@acme.test", "Katherine Johnson"),
    ] {
        let code = w.saml_sign_in(&browser(), &c, &shape).await;
        let (_, access) = signed_in_as(&w, &code, email).await;
        assert_eq!(access["oid"], org.as_str(), "{email}");
        let user = w
            .app
            .state
            .ctx()
            .store
            .find_user_by_email(&hallpass_core::values::Email::parse(email).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.name.as_deref(), Some(name));
        assert!(user.email_verified, "the connection's domain vouches for it");
        let link = w
            .app
            .state
            .ctx()
            .store
            .find_identity(&c.id, &shape.name_id)
            .await
            .unwrap();
        assert_eq!(link.map(|l| l.user_id), Some(user.id), "{email}: linked by NameID");
    }
    assert_eq!(w.user_count().await, 3);
    // The same person again: the link finds them; nobody new.
    let code = w.saml_sign_in(&browser(), &c, &entra("grace@acme.test")).await;
    signed_in_as(&w, &code, "grace@acme.test").await;
    assert_eq!(w.user_count().await, 3);
}

#[tokio::test]
async fn an_existing_account_with_the_domains_address_is_linked_not_duplicated() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let existing = w.app.user("ada@acme.test").await;
    let code = w.saml_sign_in(&browser(), &c, &okta("ada@acme.test")).await;
    let (id, _) = signed_in_as(&w, &code, "ada@acme.test").await;
    assert_eq!(id["sub"], existing.id.as_str());
    assert_eq!(w.user_count().await, 1);
}

#[tokio::test]
async fn the_organization_and_the_email_first_step_lead_to_the_saml_idp() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let org = c.organization_id.clone().unwrap();
    let at_idp = w.to_saml_idp(&browser(), &[("organization_id", org.as_str())]).await;
    assert!(at_idp.request_id.starts_with('_'));

    // Email first: the hosted page's form posts the address; acme.test belongs to the connection.
    let browser = browser();
    let (page, _) = w.follow(&browser, &w.authorize_url(&[])).await;
    let raw = page.text().await.unwrap();
    let (csrf, return_to) = (support::hidden(&raw, "csrf"), support::hidden(&raw, "return_to"));
    let step = browser
        .post(w.app.url("/login/sso"))
        .form(&[("email", "ada@acme.test"), ("csrf", &csrf), ("return_to", &return_to)])
        .send()
        .await
        .unwrap();
    let (_, out) = w.follow(&browser, &w.app.url(&location(&step))).await;
    assert!(out.starts_with(super::idp::IDP_SSO_URL), "{out}");
}

#[tokio::test]
async fn a_response_posted_for_another_browsers_request_signs_nobody_in() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    // The attacker starts a sign-in and gets a valid response for their own account...
    let attacker = browser();
    let at_idp = w.to_saml_idp(&attacker, &[("connection_id", c.id.as_str())]).await;
    let xml = signed_response(
        &okta("mallory@acme.test"),
        &w.envelope(&c, Some(&at_idp.request_id)),
        "idp",
    );
    // ... and makes the victim's browser post it (login CSRF): the ACS verifies it, but the
    // victim's browser does not hold the secret the request was bound to.
    let acs = w.post_acs(&c, &xml, Some(&at_idp.relay_state)).await;
    let victim = browser();
    let (response, out) = w.after_acs(&victim, acs).await;
    assert_eq!(out, "");
    refused(&w, response, 400, "started in another browser").await;
}

#[tokio::test]
async fn a_response_works_once() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let browser = browser();
    let at_idp = w.to_saml_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let xml = signed_response(&okta("ada@acme.test"), &w.envelope(&c, Some(&at_idp.request_id)), "idp");
    let first = w.post_acs(&c, &xml, Some(&at_idp.relay_state)).await;
    let (_, out) = w.after_acs(&browser, first).await;
    assert!(out.starts_with(REDIRECT), "{out}");
    // Posted again (the back button, a captured form): its request is spent, so it answers a
    // request this browser no longer has in flight.
    let again = w.post_acs(&c, &xml, Some(&at_idp.relay_state)).await;
    refused_after_first(&w, again, "is not the request this browser made").await;
}

/// A client that takes users who start at the IdP, and a connection naming it.
async fn idp_initiated(w: &World) -> (Connection, RegisteredClient) {
    let app = w
        .app
        .client(|c| c.initiate_login_uri = Some("http://localhost:3000/login".into()))
        .await;
    let c = w.saml(|f| f.saml.idp_initiated_client_id = Some(app.id.clone())).await;
    (c, app)
}

#[tokio::test]
async fn an_idp_initiated_sign_in_lands_at_the_apps_initiate_login_uri_and_completes_without_asking() {
    let w = World::start().await;
    let (c, app) = idp_initiated(&w).await;
    let browser = browser();
    // Okta sends its own RelayState (the app's default relay state) with unsolicited responses.
    let xml = signed_response(&okta("ada@acme.test"), &w.envelope(&c, None), "idp");
    let acs = w.post_acs(&c, &xml, Some("okta-default-relay")).await;
    let (_, out) = w.after_acs(&browser, acs).await;
    let landed = Url::parse(&out).unwrap();
    assert_eq!(&out[..out.find('?').unwrap()], "http://localhost:3000/login");
    let iss: Vec<_> = landed.query_pairs().filter(|(k, _)| k == "iss").collect();
    assert_eq!(iss.len(), 1);
    assert_eq!(iss[0].1, w.app.base.as_str());
    assert_eq!(w.user_count().await, 1);

    // The app starts its ordinary sign-in: the session answers it at once.
    let mut authorize = Url::parse(&w.authorize_url(&[])).unwrap();
    let pairs: Vec<(String, String)> = authorize
        .query_pairs()
        .into_owned()
        .map(|(k, v)| if k == "client_id" { (k, app.id.clone()) } else { (k, v) })
        .collect();
    authorize.query_pairs_mut().clear().extend_pairs(pairs);
    let (_, out) = w.follow(&browser, authorize.as_str()).await;
    assert!(out.starts_with(REDIRECT) && out.contains("code="), "{out}");

    // An unsolicited response is still accepted once only.
    let again = w.post_acs(&c, &xml, None).await;
    refused_after_first(&w, again, "already used").await;
}

async fn refused_after_first(_w: &World, response: reqwest::Response, words: &str) {
    assert_eq!(response.status(), 400);
    let page = unescape(&response.text().await.unwrap());
    assert!(page.contains(words), "expected “{words}” in {page}");
}

#[tokio::test]
async fn an_unsolicited_response_is_refused_without_an_idp_initiated_client() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let xml = signed_response(&okta("ada@acme.test"), &w.envelope(&c, None), "idp");
    let response = w.post_acs(&c, &xml, None).await;
    refused(&w, response, 400, "Start the sign-in here").await;
}

#[tokio::test]
async fn during_a_rollover_the_secondary_certificate_signs_too() {
    let w = World::start().await;
    let c = w
        .saml(|f| f.saml.idp_secondary_certificate = Some(super::idp::fixture("idp2.crt")))
        .await;
    let browser = browser();
    let at_idp = w.to_saml_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let xml = signed_response(
        &okta("ada@acme.test"),
        &w.envelope(&c, Some(&at_idp.request_id)),
        "idp2",
    );
    let (_, out) = w
        .after_acs(&browser, w.post_acs(&c, &xml, Some(&at_idp.relay_state)).await)
        .await;
    assert!(out.starts_with(REDIRECT), "{out}");
}

#[tokio::test]
async fn the_sp_metadata_names_the_entity_id_the_acs_and_the_name_id_formats() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let response = reqwest::get(w.app.url(&format!("/saml/{}/metadata", c.id)))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/samlmetadata+xml");
    let xml = response.text().await.unwrap();
    assert!(
        xml.contains(&format!("entityID=\"{}\"", sp_entity_id(&w.app.base, &c.id))),
        "{xml}"
    );
    assert!(xml.contains(&format!("Location=\"{}\"", w.acs(&c))), "{xml}");
    assert!(
        xml.contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
        "{xml}"
    );
    assert!(
        xml.contains("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
        "{xml}"
    );
    let other = reqwest::get(w.app.url("/saml/con_01ARZ3NDEKTSV4RRFFQ69G5FAV/metadata"))
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}
