//! JWS compact serialization (RFC 7515) around keys that are parsed once.
//!
//! Built here rather than through a JWT library because those re-parse the
//! PKCS#8 key on every signature (an RSA key check costs more than the RSA
//! signature itself); the format is three base64url parts and a signature.
//! Verification checks the signature against one of *our* published keys,
//! chosen by `kid`, with the algorithm the key says, never the header alone.

use super::{Algorithm, KeyError, SigningKey};
use aws_lc_rs::signature::{
    ParsedPublicKey, RsaPublicKeyComponents, ECDSA_P256_SHA256_FIXED, ED25519, RSA_PKCS1_2048_8192_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_proto::Jwk;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("not a compact JWS")]
    Malformed,
    #[error("signed by a key this server does not publish")]
    UnknownKey,
    #[error("the header's algorithm does not match the key's")]
    AlgorithmMismatch,
    #[error("bad signature")]
    BadSignature,
    #[error("unexpected token type")]
    WrongType,
    #[error("the claims are not what was expected")]
    Claims,
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Signs `claims` with `key`: `typ` is `JWT`, `at+jwt` or `logout+jwt`.
pub fn sign<T: Serialize>(key: &SigningKey, typ: &str, claims: &T) -> Result<String, JwsError> {
    let header = Header {
        alg: key.algorithm().as_str().to_owned(),
        kid: Some(key.kid().to_owned()),
        typ: Some(typ.to_owned()),
    };
    let header = serde_json::to_vec(&header).map_err(|_| JwsError::Claims)?;
    let payload = serde_json::to_vec(claims).map_err(|_| JwsError::Claims)?;
    let mut token = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 100);
    URL_SAFE_NO_PAD.encode_string(&header, &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

/// The parts of a compact JWS, decoded but not yet verified.
pub struct Parsed<'a> {
    pub header: Header,
    signing_input: &'a str,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

pub fn parse(token: &str) -> Result<Parsed<'_>, JwsError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwsError::Malformed);
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| JwsError::Malformed);
    let header: Header = serde_json::from_slice(&decode(h)?).map_err(|_| JwsError::Malformed)?;
    Ok(Parsed {
        header,
        signing_input: &token[..h.len() + 1 + p.len()],
        payload: decode(p)?,
        signature: decode(s)?,
    })
}

/// The published keys, parsed once into ready verifiers: a verification then
/// costs the signature check alone, not a base64 decode and a key parse.
#[derive(Default)]
pub struct VerifyingKeys(Vec<(String, Algorithm, ParsedPublicKey)>);

impl VerifyingKeys {
    /// Keys that cannot be parsed are left out (and logged): nothing verifies against them.
    pub fn new(jwks: &[Jwk]) -> VerifyingKeys {
        let parsed = jwks
            .iter()
            .filter_map(|jwk| match parse_jwk(jwk) {
                Ok((algorithm, key)) => Some((jwk.kid.clone(), algorithm, key)),
                Err(err) => {
                    tracing::error!(kid = %jwk.kid, %err, "a published key cannot be parsed");
                    None
                }
            })
            .collect();
        VerifyingKeys(parsed)
    }
}

impl std::fmt::Debug for VerifyingKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(kid, alg, _)| (kid, alg)))
            .finish()
    }
}

fn parse_jwk(jwk: &Jwk) -> Result<(Algorithm, ParsedPublicKey), JwsError> {
    let algorithm: Algorithm = jwk.alg.parse().map_err(|_| JwsError::UnknownKey)?;
    let b64 = |field: &Option<String>| {
        field
            .as_deref()
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .ok_or(JwsError::UnknownKey)
    };
    let parsed = match algorithm {
        Algorithm::Es256 => {
            let mut point = Vec::with_capacity(65);
            point.push(4u8);
            point.extend(b64(&jwk.x)?);
            point.extend(b64(&jwk.y)?);
            ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
        }
        Algorithm::Rs256 => RsaPublicKeyComponents {
            n: b64(&jwk.n)?,
            e: b64(&jwk.e)?,
        }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256),
        Algorithm::EdDsa => ParsedPublicKey::new(&ED25519, b64(&jwk.x)?),
    };
    Ok((algorithm, parsed.map_err(|_| JwsError::UnknownKey)?))
}

impl Parsed<'_> {
    /// Verifies against the published key named by `kid`, with the algorithm
    /// the key says, then decodes the claims.
    pub fn verify<T: DeserializeOwned>(&self, keys: &VerifyingKeys, expected_typ: Option<&str>) -> Result<T, JwsError> {
        let kid = self.header.kid.as_deref().ok_or(JwsError::UnknownKey)?;
        let (_, algorithm, key) = keys.0.iter().find(|(k, _, _)| k == kid).ok_or(JwsError::UnknownKey)?;
        if self.header.alg != algorithm.as_str() {
            return Err(JwsError::AlgorithmMismatch);
        }
        if let Some(expected) = expected_typ {
            let typ = self.header.typ.as_deref().unwrap_or_default();
            if !typ.eq_ignore_ascii_case(expected) && !typ.eq_ignore_ascii_case(&format!("application/{expected}")) {
                return Err(JwsError::WrongType);
            }
        }
        key.verify_sig(self.signing_input.as_bytes(), &self.signature)
            .map_err(|_| JwsError::BadSignature)?;
        serde_json::from_slice(&self.payload).map_err(|_| JwsError::Claims)
    }
}

/// `at_hash` (OpenID Connect Core §3.1.3.6): the left half of the access
/// token's hash, with the hash of the ID token's signing algorithm (SHA-256
/// for ES256 and RS256; SHA-512 for EdDSA with Ed25519).
pub fn at_hash(algorithm: Algorithm, access_token: &str) -> String {
    let digest_alg = match algorithm {
        Algorithm::Es256 | Algorithm::Rs256 => &aws_lc_rs::digest::SHA256,
        Algorithm::EdDsa => &aws_lc_rs::digest::SHA512,
    };
    let digest = aws_lc_rs::digest::digest(digest_alg, access_token.as_bytes());
    let bytes = digest.as_ref();
    URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn at_hash_matches_the_openid_example() {
        // OpenID Connect Core, Appendix A.3: RS256, access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y".
        assert_eq!(
            at_hash(Algorithm::Rs256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
