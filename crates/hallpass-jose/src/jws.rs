//! JWS compact serialization (RFC 7515): parsing and verifying.

use crate::Algorithm;
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
    /// Keys that cannot be parsed (or use an algorithm Hallpass does not
    /// sign with) are left out: nothing verifies against them.
    pub fn new(jwks: &[Jwk]) -> VerifyingKeys {
        let parsed = jwks
            .iter()
            .filter_map(|jwk| match parse_jwk(jwk) {
                Ok((algorithm, key)) => Some((jwk.kid.clone(), algorithm, key)),
                Err(_) => None,
            })
            .collect();
        VerifyingKeys(parsed)
    }
}

impl VerifyingKeys {
    pub fn contains(&self, kid: &str) -> bool {
        self.0.iter().any(|(k, _, _)| k == kid)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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

    #[test]
    fn at_hash_matches_the_openid_example() {
        // OpenID Connect Core, Appendix A.3: RS256, access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y".
        assert_eq!(
            at_hash(Algorithm::Rs256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn malformed_tokens_are_refused_before_any_key_is_looked_at() {
        for token in ["", "a.b", "a.b.c.d", "!!.b.c", "e30.!!.c", "bm90IGpzb24.e30.c"] {
            assert_eq!(parse(token).err(), Some(JwsError::Malformed), "{token}");
        }
    }

    #[test]
    fn keys_of_unknown_algorithms_or_bad_material_are_left_out() {
        let jwk = |alg: &str, x: Option<&str>| Jwk {
            kty: "OKP".into(),
            kid: "k".into(),
            use_: "sig".into(),
            alg: alg.into(),
            crv: Some("Ed25519".into()),
            x: x.map(str::to_owned),
            y: None,
            n: None,
            e: None,
        };
        let keys = VerifyingKeys::new(&[jwk("HS256", Some("AAAA")), jwk("EdDSA", None), jwk("EdDSA", Some("!!"))]);
        assert!(keys.is_empty());
        assert!(!keys.contains("k"));
    }
}
