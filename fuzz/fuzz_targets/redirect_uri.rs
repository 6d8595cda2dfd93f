//! Redirect-URI rules: parsing under both policies, and matching a presented
//! URI against the registered ones (exact, or any port on loopback for
//! native apps). A match must never be looser than the rules say.
#![no_main]

use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::Algorithm;
use hallpass_core::ids::ClientId;
use hallpass_core::oauth::authorize::is_registered;
use hallpass_core::store::{Client, ClientKind, Registration};
use hallpass_core::values::{RedirectUri, UriPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (registered, presented) = text.split_once('\n').unwrap_or((&text, &text));
    for allow_http_loopback in [false, true] {
        let policy = UriPolicy { allow_http_loopback };
        let Ok(uri) = RedirectUri::parse(registered, policy) else { continue };
        assert!(uri.as_str().len() <= RedirectUri::MAX_LEN);
        assert!(!uri.as_str().contains('#'), "no fragment is ever registered");
        for native in [false, true] {
            let client = Client {
                id: ClientId::from_trusted("cli_01j00000000000000000000000".into()),
                name: "fuzz".into(),
                kind: ClientKind::Public,
                redirect_uris: vec![uri.clone()],
                post_logout_redirect_uris: Vec::new(),
                initiate_login_uri: None,
                backchannel_logout_uri: None,
                native,
                granted_scopes: Vec::new(),
                access_token_ttl_secs: None,
                id_token_algorithm: Algorithm::Es256,
                registration: Registration::Admin,
                registration_token_hash: None,
                client_uri: None,
                created_at: Timestamp(0),
                updated_at: Timestamp(0),
            };
            if is_registered(&client, presented) && presented != uri.as_str() {
                // Only a native client's loopback URI may differ, and only in its port.
                assert!(native, "{presented:?} matched {:?} without being equal", uri.as_str());
                assert!(presented.starts_with("http://127.") || presented.starts_with("http://[::1]"), "{presented:?}");
            }
        }
    }
});
