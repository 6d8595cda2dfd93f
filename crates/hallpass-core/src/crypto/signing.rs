use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
pub use hallpass_jose::{Algorithm, UnknownAlgorithm};
use hallpass_proto::Jwk;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key generator failed")]
    Generation,
    #[error("stored {0} key material is not a valid private key")]
    Rejected(Algorithm),
}

/// Freshly generated key material: the PKCS#8 private key (to be encrypted
/// before storage) and the public half as a JWK.
pub struct GeneratedKey {
    pub pkcs8: Vec<u8>,
    pub public_jwk: Jwk,
}

/// A private key parsed once and kept in memory, ready to sign.
pub struct SigningKey {
    kid: String,
    algorithm: Algorithm,
    pair: Pair,
}

enum Pair {
    Ec(EcdsaKeyPair),
    Rsa(RsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl SigningKey {
    pub fn generate(algorithm: Algorithm, kid: &str) -> Result<GeneratedKey, KeyError> {
        let pkcs8 = match algorithm {
            Algorithm::Es256 => EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map(|doc| doc.as_ref().to_vec()),
            Algorithm::Rs256 => RsaKeyPair::generate(KeySize::Rsa2048)
                .and_then(|pair| pair.as_der())
                .map(|der| der.as_ref().to_vec()),
            Algorithm::EdDsa => Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map(|doc| doc.as_ref().to_vec()),
        }
        .map_err(|_| KeyError::Generation)?;
        let key = SigningKey::from_pkcs8(algorithm, kid, &pkcs8)?;
        Ok(GeneratedKey {
            public_jwk: key.public_jwk(),
            pkcs8,
        })
    }

    pub fn from_pkcs8(algorithm: Algorithm, kid: &str, pkcs8: &[u8]) -> Result<SigningKey, KeyError> {
        let rejected = |_| KeyError::Rejected(algorithm);
        let pair = match algorithm {
            Algorithm::Es256 => {
                Pair::Ec(EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8).map_err(rejected)?)
            }
            Algorithm::Rs256 => Pair::Rsa(RsaKeyPair::from_pkcs8(pkcs8).map_err(rejected)?),
            Algorithm::EdDsa => Pair::Ed(Ed25519KeyPair::from_pkcs8(pkcs8).map_err(rejected)?),
        };
        Ok(SigningKey {
            kid: kid.to_owned(),
            algorithm,
            pair,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The JWS signature of `message` (for ES256, the fixed-width r ‖ s form JOSE requires).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Ec(pair) => pair
                .sign(&rng, message)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|_| KeyError::Rejected(self.algorithm)),
            Pair::Rsa(pair) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &rng, message, &mut sig)
                    .map_err(|_| KeyError::Rejected(self.algorithm))?;
                Ok(sig)
            }
            Pair::Ed(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    pub fn public_jwk(&self) -> Jwk {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = Jwk {
            kty: String::new(),
            kid: self.kid.clone(),
            use_: "sig".to_owned(),
            alg: self.algorithm.as_str().to_owned(),
            crv: None,
            x: None,
            y: None,
            n: None,
            e: None,
        };
        match &self.pair {
            Pair::Ec(pair) => {
                // Uncompressed SEC1 point: 0x04 ‖ x ‖ y.
                let point = pair.public_key().as_ref();
                let (x, y) = point
                    .get(1..)
                    .unwrap_or_default()
                    .split_at(point.len().saturating_sub(1) / 2);
                jwk.kty = "EC".into();
                jwk.crv = Some("P-256".into());
                jwk.x = Some(b64(x));
                jwk.y = Some(b64(y));
            }
            Pair::Rsa(pair) => {
                let public = pair.public_key();
                jwk.kty = "RSA".into();
                jwk.n = Some(b64(public.modulus().big_endian_without_leading_zero()));
                jwk.e = Some(b64(public.exponent().big_endian_without_leading_zero()));
            }
            Pair::Ed(pair) => {
                jwk.kty = "OKP".into();
                jwk.crv = Some("Ed25519".into());
                jwk.x = Some(b64(pair.public_key().as_ref()));
            }
        }
        jwk
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, ED25519, RSA_PKCS1_2048_8192_SHA256};

    fn decode(s: &Option<String>) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(s.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn every_algorithm_signs_what_its_published_jwk_verifies() {
        for algorithm in Algorithm::ALL {
            let generated = SigningKey::generate(algorithm, "key_test").unwrap();
            let key = SigningKey::from_pkcs8(algorithm, "key_test", &generated.pkcs8).unwrap();
            let jwk = key.public_jwk();
            assert_eq!(jwk, generated.public_jwk);
            assert_eq!(jwk.alg, algorithm.as_str());
            let sig = key.sign(b"header.payload").unwrap();
            let ok = match algorithm {
                Algorithm::Es256 => {
                    let mut point = vec![4u8];
                    point.extend(decode(&jwk.x));
                    point.extend(decode(&jwk.y));
                    assert_eq!(sig.len(), 64);
                    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point).verify(b"header.payload", &sig)
                }
                Algorithm::Rs256 => {
                    let public = aws_lc_rs::signature::RsaPublicKeyComponents {
                        n: decode(&jwk.n),
                        e: decode(&jwk.e),
                    };
                    public.verify(&RSA_PKCS1_2048_8192_SHA256, b"header.payload", &sig)
                }
                Algorithm::EdDsa => UnparsedPublicKey::new(&ED25519, decode(&jwk.x)).verify(b"header.payload", &sig),
            };
            assert!(ok.is_ok(), "{algorithm} signature did not verify");
        }
    }

    #[test]
    fn garbage_is_not_a_key() {
        assert!(SigningKey::from_pkcs8(Algorithm::Es256, "k", b"garbage").is_err());
    }
}
