use crate::rng::{random_bytes, Rng};
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The key that encrypts secrets at rest (signing keys). AES-256-GCM with a
/// random 96-bit nonce per message; the caller's `context` is bound as
/// associated data, so a ciphertext cannot be moved to another row.
pub struct MasterKey {
    aead: LessSafeKey,
    bytes: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the master key must be 32 bytes, written as 64 hex digits or in base64 (got {0})")]
pub struct InvalidMasterKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decrypt: the master key is not the one this data was encrypted with, or the data is damaged")]
pub struct DecryptError;

impl MasterKey {
    pub const LEN: usize = 32;

    pub fn from_bytes(bytes: &[u8; 32]) -> MasterKey {
        // AES-256-GCM accepts any 32-byte key, so this cannot fail.
        match UnboundKey::new(&AES_256_GCM, bytes) {
            Ok(key) => MasterKey {
                aead: LessSafeKey::new(key),
                bytes: *bytes,
            },
            Err(_) => unreachable_key(),
        }
    }

    pub fn generate(rng: &dyn Rng) -> ([u8; 32], MasterKey) {
        let bytes = random_bytes::<32>(rng);
        (bytes, MasterKey::from_bytes(&bytes))
    }

    /// Parses 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<MasterKey, InvalidMasterKey> {
        let text = text.trim();
        let describe = || format!("{} characters", text.len());
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| InvalidMasterKey(describe()))?
        } else {
            STANDARD.decode(text).map_err(|_| InvalidMasterKey(describe()))?
        };
        let bytes =
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| InvalidMasterKey(format!("{} bytes", bytes.len())))?;
        Ok(MasterKey::from_bytes(&bytes))
    }

    pub fn encode(bytes: &[u8; 32]) -> String {
        STANDARD.encode(bytes)
    }

    /// A key for another purpose, derived so that it reveals nothing about
    /// this one: HMAC-SHA256(master key, label).
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &self.bytes);
        let tag = aws_lc_rs::hmac::sign(&key, label.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// Returns nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, rng: &dyn Rng, plaintext: &[u8], context: &str) -> Vec<u8> {
        let nonce_bytes = random_bytes::<NONCE_LEN>(rng);
        let mut in_out = plaintext.to_vec();
        let nonce = Nonce::assume_unique_for_key(nonce_bytes);
        if self
            .aead
            .seal_in_place_append_tag(nonce, Aad::from(context.as_bytes()), &mut in_out)
            .is_err()
        {
            // Only inputs over 64 GiB fail; key material is a few kilobytes.
            unreachable_key();
        }
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend_from_slice(&in_out);
        sealed
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, DecryptError> {
        if sealed.len() < NONCE_LEN {
            return Err(DecryptError);
        }
        let (nonce_bytes, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce_bytes).map_err(|_| DecryptError)?;
        let mut in_out = ciphertext.to_vec();
        let plaintext = self
            .aead
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut in_out)
            .map_err(|_| DecryptError)?;
        Ok(plaintext.to_vec())
    }
}

#[cold]
fn unreachable_key() -> ! {
    tracing::error!("AES-256-GCM rejected a well-formed input");
    std::process::abort()
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SystemRng;

    #[test]
    fn seals_and_opens_only_with_the_same_key_and_context() {
        let (_, key) = MasterKey::generate(&SystemRng);
        let sealed = key.seal(&SystemRng, b"private key", "key_1");
        assert_eq!(key.open(&sealed, "key_1").unwrap(), b"private key");
        assert_eq!(key.open(&sealed, "key_2"), Err(DecryptError));
        let (_, other) = MasterKey::generate(&SystemRng);
        assert_eq!(other.open(&sealed, "key_1"), Err(DecryptError));
        assert_eq!(key.open(&sealed[..5], "key_1"), Err(DecryptError));
    }

    #[test]
    fn parses_hex_and_base64() {
        let (bytes, _) = MasterKey::generate(&SystemRng);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert!(MasterKey::parse(&hex).is_ok());
        assert!(MasterKey::parse(&MasterKey::encode(&bytes)).is_ok());
        assert!(MasterKey::parse("c2hvcnQ=")
            .unwrap_err()
            .to_string()
            .contains("5 bytes"));
        assert!(MasterKey::parse("not base64!").is_err());
    }
}
