//! JWS compact serialization (RFC 7515) around keys that are parsed once.
//!
//! Built here rather than through a JWT library because those re-parse the
//! PKCS#8 key on every signature (an RSA key check costs more than the RSA
//! signature itself); the format is three base64url parts and a signature.
//! Verifying lives in `hallpass-jose`, shared with the SDK.

use super::{KeyError, SigningKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
pub use hallpass_jose::{at_hash, parse, Header, JwsError, Parsed, VerifyingKeys};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the claims cannot be serialized")]
    Claims,
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Signs `claims` with `key`: `typ` is `JWT`, `at+jwt` or `logout+jwt`.
pub fn sign<T: Serialize>(key: &SigningKey, typ: &str, claims: &T) -> Result<String, SignError> {
    let header = Header {
        alg: key.algorithm().as_str().to_owned(),
        kid: Some(key.kid().to_owned()),
        typ: Some(typ.to_owned()),
    };
    let header = serde_json::to_vec(&header).map_err(|_| SignError::Claims)?;
    let payload = serde_json::to_vec(claims).map_err(|_| SignError::Claims)?;
    let mut token = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 100);
    URL_SAFE_NO_PAD.encode_string(&header, &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Algorithm;
    use serde_json::{json, Value};

    #[test]
    fn signs_what_it_verifies_for_every_algorithm() {
        for algorithm in Algorithm::ALL {
            let generated = SigningKey::generate(algorithm, "key_a").unwrap();
            let key = SigningKey::from_pkcs8(algorithm, "key_a", &generated.pkcs8).unwrap();
            let token = sign(&key, "at+jwt", &json!({"sub": "usr_1"})).unwrap();
            let parsed = parse(&token).unwrap();
            assert_eq!(parsed.header.typ.as_deref(), Some("at+jwt"));
            let claims: Value = parsed
                .verify(
                    &VerifyingKeys::new(std::slice::from_ref(&generated.public_jwk)),
                    Some("at+jwt"),
                )
                .unwrap();
            assert_eq!(claims["sub"], "usr_1");
        }
    }

    #[test]
    fn refuses_tampering_unknown_keys_and_algorithm_swaps() {
        let generated = SigningKey::generate(Algorithm::Es256, "key_a").unwrap();
        let key = SigningKey::from_pkcs8(Algorithm::Es256, "key_a", &generated.pkcs8).unwrap();
        let keys = vec![generated.public_jwk.clone()];
        let token = sign(&key, "JWT", &json!({"sub": "usr_1"})).unwrap();
        let parts: Vec<&str> = token.split('.').collect();

        let forged_payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"usr_2"}"#);
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(
            parse(&forged)
                .unwrap()
                .verify::<Value>(&VerifyingKeys::new(&keys), None),
            Err(JwsError::BadSignature)
        );

        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"key_a"}"#);
        let none = format!("{}.{}.", none_header, parts[1]);
        assert_eq!(
            parse(&none).unwrap().verify::<Value>(&VerifyingKeys::new(&keys), None),
            Err(JwsError::AlgorithmMismatch)
        );

        let hs_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","kid":"key_a"}"#);
        let hs = format!("{}.{}.{}", hs_header, parts[1], parts[2]);
        assert_eq!(
            parse(&hs).unwrap().verify::<Value>(&VerifyingKeys::new(&keys), None),
            Err(JwsError::AlgorithmMismatch)
        );

        let other = SigningKey::generate(Algorithm::Es256, "key_b").unwrap();
        assert_eq!(
            parse(&token)
                .unwrap()
                .verify::<Value>(&VerifyingKeys::new(&[other.public_jwk]), None),
            Err(JwsError::UnknownKey)
        );
        assert_eq!(
            parse(&token)
                .unwrap()
                .verify::<Value>(&VerifyingKeys::new(&keys), Some("at+jwt")),
            Err(JwsError::WrongType)
        );
        assert!(parse("a.b").is_err());
        assert!(parse("a.b.c.d").is_err());
        assert!(parse("!!.b.c").is_err());
    }
}
