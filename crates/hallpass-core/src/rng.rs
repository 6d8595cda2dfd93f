//! Randomness, injected: every secret Hallpass makes comes from here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub trait Rng: Send + Sync + std::fmt::Debug {
    fn fill(&self, dest: &mut [u8]);
}

/// The operating system's CSPRNG, through aws-lc.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRng;

impl Rng for SystemRng {
    fn fill(&self, dest: &mut [u8]) {
        // aws-lc's RNG fails only if the OS cannot supply entropy; a server
        // that cannot make secrets must stop rather than make weak ones.
        if aws_lc_rs::rand::fill(dest).is_err() {
            tracing::error!("the operating system refused to supply random bytes");
            std::process::abort();
        }
    }
}

pub fn random_bytes<const N: usize>(rng: &dyn Rng) -> [u8; N] {
    let mut bytes = [0u8; N];
    rng.fill(&mut bytes);
    bytes
}

/// A URL-safe secret with 256 bits of entropy (43 characters).
pub fn random_token(rng: &dyn Rng) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>(rng))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token(&SystemRng);
        let b = random_token(&SystemRng);
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }
}
