use aws_lc_rs::digest;

/// SHA-256 of a high-entropy secret (session token, code, refresh token,
/// client secret). Only these hashes are stored, so a database leak hands out
/// nothing usable; a fast hash is right because the inputs cannot be guessed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretHash([u8; 32]);

impl SecretHash {
    pub fn of(secret: &str) -> SecretHash {
        let digest = digest::digest(&digest::SHA256, secret.as_bytes());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        SecretHash(bytes)
    }

    /// Rebuilds a hash a store read back; `None` if the length is wrong.
    pub fn from_slice(bytes: &[u8]) -> Option<SecretHash> {
        <[u8; 32]>::try_from(bytes).ok().map(SecretHash)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Compares in constant time, for checks not already done by an index look-up.
    pub fn matches(&self, secret: &str) -> bool {
        self.ct_eq(&SecretHash::of(secret))
    }

    /// Equality in constant time.
    pub fn ct_eq(&self, other: &SecretHash) -> bool {
        self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A hash is not a secret, but it need not fill logs either.
        write!(f, "SecretHash({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_compare() {
        let h = SecretHash::of("s3cret");
        assert_eq!(h, SecretHash::of("s3cret"));
        assert!(h.matches("s3cret"));
        assert!(!h.matches("s3creT"));
        assert_eq!(SecretHash::from_slice(h.as_bytes()), Some(h));
        assert_eq!(SecretHash::from_slice(&[0u8; 31]), None);
    }
}
