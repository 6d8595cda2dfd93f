//! SAML sign-in in a real browser against a real IdP: pysaml2 (`tests/saml_idp/idp.py`, in the
//! virtualenv of `scripts/install-pysaml2.sh`) on `127.0.0.1`, Hallpass on `localhost`, so the
//! IdP's auto-submitted POST to the ACS is cross-site and carries none of Hallpass's cookies.

use super::*;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::connections::{create_connection, update_connection, ConnectionFields};
use hallpass_core::services::saml_settings::sp_metadata_url;

/// The pysaml2 IdP on 127.0.0.1:`port`, loading Hallpass's SP metadata from `sp_metadata`;
/// `None` (loudly) when pysaml2 cannot be installed outside CI.
async fn pysaml2_idp(port: u16, sp_metadata: &str) -> Option<Child> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let unavailable = |why: String| {
        let message = format!("pysaml2 cannot run ({why}); the SAML browser test did NOT run");
        if hallpass_store_postgres::testing::in_ci() {
            panic!("{message} (under CI this is a failure)");
        }
        let _ = writeln!(std::io::stderr(), "\n!!!!!!!! {message} !!!!!!!!\n");
    };
    let installed = Command::new(root.join("scripts/install-pysaml2.sh")).output().await;
    let python = match installed {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap().trim().to_owned(),
        other => {
            unavailable(format!("scripts/install-pysaml2.sh: {other:?}"));
            return None;
        }
    };
    let child = Command::new(python)
        .arg(root.join("crates/hallpass-server/tests/saml_idp/idp.py"))
        .env("IDP_PORT", port.to_string())
        .env("SP_METADATA_URL", sp_metadata)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the venv's python runs");
    Some(until_listening(child, "the pysaml2 IdP").await)
}

/// app → Hallpass (email first) → pysaml2 (another site; the user signs in there) → the ACS
/// (cross-site POST) → the same-site GET → app, with `amr: ["sso"]` and the organization; then
/// IdP-initiated: pysaml2 posts an unsolicited response, the user lands at the app's
/// `initiate_login_uri` with `iss`, and the app's ordinary sign-in completes without asking.
#[tokio::test]
async fn saml_sign_in_through_pysaml2_sp_and_idp_initiated() {
    let Some(browser) = browser().await else { return };
    let c = &browser.client;
    let (app, here) = app_on_localhost().await;
    let ctx = app.state.ctx();
    let master = app.state.provider().master();
    let landing = "http://localhost:3000/login";
    let client = app.client(|c| c.initiate_login_uri = Some(landing.into())).await;
    let org = acme(&app).await;
    let port = free_loopback_port();
    let idp = format!("http://127.0.0.1:{port}");
    let mut fields = ConnectionFields {
        kind: Some("saml".into()),
        name: Some("Acme Okta".into()),
        domains: Some(vec!["acme.test".into()]),
        ..Default::default()
    };
    fields.saml.idp_entity_id = Some(format!("{idp}/metadata"));
    fields.saml.idp_sso_url = Some(format!("{idp}/sso/redirect"));
    fields.saml.idp_certificate = Some(
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../hallpass-saml/tests/fixtures/idp.crt"
        ))
        .unwrap(),
    );
    fields.saml.idp_initiated_client_id = Some(client.id.clone());
    let connection = create_connection(ctx, master, Some(&org.id), fields, &Actor::Cli)
        .await
        .unwrap();
    let Some(_idp) = pysaml2_idp(port, &sp_metadata_url(&app.state.policy().issuer, &connection.id)).await else {
        return;
    };
    // The admin imports the IdP's own metadata, as they would from its console.
    let metadata = reqwest::get(format!("{idp}/metadata"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut change = ConnectionFields::default();
    change.saml.idp_metadata_xml = Some(metadata);
    update_connection(ctx, master, &connection.id, change, &Actor::Cli)
        .await
        .unwrap();

    // SP-initiated, from the email-first step.
    c.goto(&authorize_url(&app, &client.id).replace(&app.base, &here))
        .await
        .unwrap();
    wait_text(c, "action=\"/login/sso\"").await;
    fill(c, "#email", "ada@acme.test").await;
    click(c, "button[type=submit]").await;
    wait_url(c, &format!("{idp}/sso/redirect")).await;
    screenshot(c, "saml-01-idp-sign-in").await;
    fill(c, "#email", "ada@acme.test").await;
    click(c, "#sign-in").await;
    let back = wait_for_callback(c).await;
    let query: std::collections::HashMap<String, String> = back.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "browser-state");
    let (id_token, access_token) = redeem_code(&here, &client, &query["code"]).await;
    assert_eq!(access_token["oid"], org.id.as_str());
    assert_eq!(id_token["amr"], json!(["sso"]));
    assert_eq!(id_token["oid"], org.id.as_str());
    assert_eq!(id_token["email"], "ada@acme.test");
    let linked = ctx.store.find_identity(&connection.id, "ada@acme.test").await.unwrap();
    assert!(linked.is_some(), "linked by pysaml2's NameID");

    // IdP-initiated, in a browser that has not signed in yet.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{idp}/start?email=grace@acme.test")).await.unwrap();
    let landed = wait_url(c, landing).await;
    let iss: Vec<_> = landed
        .query_pairs()
        .filter(|(k, _)| k == "iss")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(iss, vec![app.state.policy().issuer.clone()]);
    // The app's sign-in ends at its callback, which nothing serves here: the navigation reports
    // that refused connection, and the URL it reached is what counts.
    let _ = c.goto(&authorize_url(&app, &client.id).replace(&app.base, &here)).await;
    let back = wait_for_callback(c).await;
    assert!(
        back.query_pairs().any(|(k, _)| k == "code"),
        "completed without asking: {back}"
    );
    let grace = hallpass_core::values::Email::parse("grace@acme.test").unwrap();
    assert!(ctx.store.find_user_by_email(&grace).await.unwrap().is_some());
}
