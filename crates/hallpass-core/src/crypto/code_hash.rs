use super::SecretHash;
use aws_lc_rs::hmac;

/// Hashes short codes (six digits) for storage. A plain hash of a six-digit
/// code is reversed by trying a million values; keyed with a secret the
/// database does not hold, a leaked row reveals nothing. The address is part
/// of the input, so equal codes for two people hash differently.
#[derive(Clone)]
pub struct CodeHasher(hmac::Key);

impl CodeHasher {
    pub fn new(key: &[u8; 32]) -> CodeHasher {
        CodeHasher(hmac::Key::new(hmac::HMAC_SHA256, key))
    }

    pub fn hash(&self, email_normalized: &str, code: &str) -> SecretHash {
        self.hash_parts(&[email_normalized, code])
    }

    /// A code that only works together with a secret the asking browser
    /// keeps: typed in another browser, it is simply wrong.
    pub fn hash_for_browser(&self, email_normalized: &str, code: &str, browser_secret: &str) -> SecretHash {
        self.hash_parts(&[email_normalized, code, browser_secret])
    }

    fn hash_parts(&self, parts: &[&str]) -> SecretHash {
        let mut context = hmac::Context::with_key(&self.0);
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                context.update(&[0]);
            }
            context.update(part.as_bytes());
        }
        let tag = context.sign();
        SecretHash::from_slice(tag.as_ref()).unwrap_or_else(|| SecretHash::of(&parts.concat()))
    }
}

impl std::fmt::Debug for CodeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHasher(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_on_key_address_and_code() {
        let a = CodeHasher::new(&[1; 32]);
        let b = CodeHasher::new(&[2; 32]);
        assert_eq!(a.hash("x@example.com", "123456"), a.hash("x@example.com", "123456"));
        assert_ne!(a.hash("x@example.com", "123456"), b.hash("x@example.com", "123456"));
        assert_ne!(a.hash("x@example.com", "123456"), a.hash("y@example.com", "123456"));
        assert_ne!(a.hash("x@example.com", "123456"), a.hash("x@example.com", "123457"));
    }
}
