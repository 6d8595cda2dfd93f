//! JWT and JWKS parsing as the SDK and the server do it: any bytes as a
//! compact JWS and as a JWKS; verification must refuse, never panic, and
//! never accept a token no published key signed.
#![no_main]

use hallpass_jose::{parse, VerifyingKeys};
use hallpass_proto::JwkSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (token, jwks) = text.split_once('\n').unwrap_or((&text, "{\"keys\":[]}"));
    let keys = serde_json::from_str::<JwkSet>(jwks)
        .map(|set| VerifyingKeys::new(&set.keys))
        .unwrap_or_default();
    if let Ok(parsed) = parse(token) {
        let verified = parsed.verify::<serde_json::Value>(&keys, Some("at+jwt"));
        // Without a usable key nothing can verify.
        assert!(!(keys.is_empty() && verified.is_ok()), "verified against no key");
    }
    for algorithm in hallpass_jose::Algorithm::ALL {
        let _ = hallpass_jose::at_hash(algorithm, token);
    }
});
