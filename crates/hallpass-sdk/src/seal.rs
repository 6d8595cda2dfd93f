//! Sealed values for cookies: AES-256-GCM under a key derived from the app's
//! secret, with the cookie's name as associated data, so a value can be
//! neither read, altered, nor moved to another cookie.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use aws_lc_rs::digest::{Context, SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the cookie secret must be at least 32 bytes")]
    WeakSecret,
    #[error("the value could not be sealed")]
    Seal,
    #[error("the value is not one this app sealed")]
    Open,
}

pub struct Sealer {
    key: LessSafeKey,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// `secret`: at least 32 bytes of the app's own randomness (not the
    /// client secret), the same on every instance of the app.
    pub fn new(secret: &[u8]) -> Result<Sealer, SealError> {
        if secret.len() < 32 {
            return Err(SealError::WeakSecret);
        }
        let mut digest = Context::new(&SHA256);
        digest.update(b"hallpass-sdk cookie seal v1\0");
        digest.update(secret);
        let key = UnboundKey::new(&AES_256_GCM, digest.finish().as_ref()).map_err(|_| SealError::WeakSecret)?;
        Ok(Sealer {
            key: LessSafeKey::new(key),
        })
    }

    pub fn seal<T: Serialize>(&self, name: &str, value: &T) -> Result<String, SealError> {
        let mut data = serde_json::to_vec(value).map_err(|_| SealError::Seal)?;
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).map_err(|_| SealError::Seal)?;
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut data,
            )
            .map_err(|_| SealError::Seal)?;
        let mut sealed = nonce.to_vec();
        sealed.extend(data);
        Ok(URL_SAFE_NO_PAD.encode(sealed))
    }

    pub fn open<T: DeserializeOwned>(&self, name: &str, sealed: &str) -> Result<T, SealError> {
        let mut bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| SealError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let mut data = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| SealError::Open)?;
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(name.as_bytes()), &mut data)
            .map_err(|_| SealError::Open)?;
        serde_json::from_slice(plain).map_err(|_| SealError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_what_it_sealed_and_nothing_else() {
        let sealer = Sealer::new(&[7u8; 32]).unwrap();
        let sealed = sealer.seal("app", &("a", 1)).unwrap();
        assert_eq!(sealer.open::<(String, i32)>("app", &sealed).unwrap(), ("a".into(), 1));
        assert_eq!(
            sealer.open::<(String, i32)>("other", &sealed),
            Err(SealError::Open),
            "bound to its cookie"
        );
        let other = Sealer::new(&[8u8; 32]).unwrap();
        assert_eq!(other.open::<(String, i32)>("app", &sealed), Err(SealError::Open));
        let mut tampered = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(
            sealer.open::<(String, i32)>("app", &URL_SAFE_NO_PAD.encode(tampered)),
            Err(SealError::Open)
        );
        assert_eq!(sealer.open::<(String, i32)>("app", "short"), Err(SealError::Open));
        assert_ne!(
            sealer.seal("app", &("a", 1)).unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(Sealer::new(b"too short").err(), Some(SealError::WeakSecret));
    }
}
