//! SAML connections through the real router: the AuthnRequest from the usual SSO entry points,
//! responses signed by xmlsec1 (`idp.rs`) posted to the ACS as an IdP's cross-site POST (a
//! client without the browser's cookies), and the browser following the ACS's 303.

mod flows;
mod idp;
mod refusals;
mod sp_key;

use super::*;
use flate2::read::DeflateDecoder;
use hallpass_core::services::saml_settings::{acs_url, sp_entity_id};
use idp::{Envelope, Shape, IDP_ENTITY_ID, IDP_SSO_URL};
use std::io::Read as _;

/// What the AuthnRequest a browser was sent to the IdP with carries.
pub struct AtIdp {
    pub request_id: String,
    pub relay_state: String,
    /// The whole redirect, as the IdP receives it.
    pub url: Url,
}

impl World {
    /// A SAML connection for a new organization "Acme" claiming acme.test.
    pub async fn saml(&self, adjust: impl FnOnce(&mut ConnectionFields)) -> Connection {
        let acme = self.org("Acme").await;
        let mut fields = ConnectionFields {
            kind: Some("saml".into()),
            name: Some("Acme SAML".into()),
            domains: Some(vec!["acme.test".into()]),
            ..Default::default()
        };
        fields.saml.idp_entity_id = Some(IDP_ENTITY_ID.into());
        fields.saml.idp_sso_url = Some(IDP_SSO_URL.into());
        fields.saml.idp_certificate = Some(idp::fixture("idp.crt"));
        adjust(&mut fields);
        create_connection(
            self.app.state.ctx(),
            self.app.state.provider().master(),
            Some(&acme),
            fields,
            &Actor::Cli,
        )
        .await
        .unwrap()
    }

    pub fn acs(&self, c: &Connection) -> String {
        acs_url(&self.app.base, &c.id)
    }

    /// A response envelope that passes every check for `c`, answering `in_response_to`.
    pub fn envelope(&self, c: &Connection, in_response_to: Option<&str>) -> Envelope {
        use hallpass_core::clock::Clock;
        let now = time::OffsetDateTime::from_unix_timestamp(self.app.clock.now().0).unwrap();
        let random: u64 = rand_id();
        Envelope {
            destination: self.acs(c),
            recipient: self.acs(c),
            audience: sp_entity_id(&self.app.base, &c.id),
            issuer: IDP_ENTITY_ID.into(),
            in_response_to: in_response_to.map(str::to_owned),
            issued: now,
            lifetime: time::Duration::minutes(5),
            assertion_id: format!("_a{random:016x}"),
            status: "urn:oasis:names:tc:SAML:2.0:status:Success",
        }
    }

    /// The app's authorization request with `extra`, followed to the IdP: the AuthnRequest.
    pub async fn to_saml_idp(&self, browser: &reqwest::Client, extra: &[(&str, &str)]) -> AtIdp {
        let (response, out) = self.follow(browser, &self.authorize_url(extra)).await;
        assert!(
            out.starts_with(IDP_SSO_URL),
            "expected the IdP, got {} to {out:?}",
            response.status()
        );
        let url = Url::parse(&out).unwrap();
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        let deflated = base64::engine::general_purpose::STANDARD
            .decode(&q["SAMLRequest"])
            .unwrap();
        let mut xml = String::new();
        DeflateDecoder::new(deflated.as_slice())
            .read_to_string(&mut xml)
            .unwrap();
        let id_at = xml.find(" ID=\"").unwrap() + 5;
        let request_id = xml[id_at..id_at + xml[id_at..].find('"').unwrap()].to_owned();
        AtIdp {
            request_id,
            relay_state: q["RelayState"].clone(),
            url,
        }
    }

    /// The IdP's auto-submitted form: a cross-site POST, which carries none of the browser's
    /// SameSite cookies, so it is sent without them.
    pub async fn post_acs(&self, c: &Connection, xml: &str, relay_state: Option<&str>) -> reqwest::Response {
        let encoded = base64::engine::general_purpose::STANDARD.encode(xml);
        let mut form = vec![("SAMLResponse", encoded.as_str())];
        if let Some(relay) = relay_state {
            form.push(("RelayState", relay));
        }
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(self.acs(c))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// The browser follows the ACS's 303: the last answer and where it left Hallpass for.
    pub async fn after_acs(&self, browser: &reqwest::Client, acs: reqwest::Response) -> (reqwest::Response, String) {
        assert_eq!(acs.status(), 303, "{}", unescape(&acs.text().await.unwrap()));
        let to = location(&acs);
        assert!(to.starts_with("/login/sso/"), "{to}");
        self.follow(browser, &self.app.url(&to)).await
    }

    /// A whole SP-initiated sign-in through `c` with `shape`, ending in the app's code.
    pub async fn saml_sign_in(&self, browser: &reqwest::Client, c: &Connection, shape: &Shape) -> String {
        let at_idp = self.to_saml_idp(browser, &[("connection_id", c.id.as_str())]).await;
        let xml = idp::signed_response(shape, &self.envelope(c, Some(&at_idp.request_id)), "idp");
        let acs = self.post_acs(c, &xml, Some(&at_idp.relay_state)).await;
        let (response, out) = self.after_acs(browser, acs).await;
        app_code(response, &out).await
    }
}

fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    // Unique within the test binary, which is all an assertion ID needs here.
    static NEXT: AtomicU64 = AtomicU64::new(1);
    (u64::from(std::process::id()) << 32) | NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Asserts the branded error page: status and words, and that nobody was created.
pub async fn refused(w: &World, response: reqwest::Response, status: u16, words: &str) -> String {
    assert_eq!(response.status(), status);
    let page = unescape(&response.text().await.unwrap());
    assert!(page.contains(words), "expected “{words}” in {page}");
    assert!(page.contains("<a href=\"/"), "a way back: {page}");
    assert_eq!(w.user_count().await, 0, "nothing was created");
    page
}
