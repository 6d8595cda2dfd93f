//! Signing people in and up: passwords, email codes, and the mail they get.
//! The hosted pages call these; nothing here knows HTTP or HTML.

pub mod account;
pub mod email_code;
pub mod mailer;
pub mod password;
pub mod reset;
pub mod saml;
pub mod signup;
pub mod sso;

use crate::rng::{random_bytes, Rng};
use std::time::Duration;

/// Which ways of signing in the hosted pages offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Methods {
    pub password: bool,
    pub email_code: bool,
    pub magic_link: bool,
}

impl Methods {
    /// Whether a sign-in mail (code, link or both) can be asked for.
    pub fn mail(&self) -> bool {
        self.email_code || self.magic_link
    }

    /// Whether any way in is on.
    pub fn any(&self) -> bool {
        self.password || self.mail()
    }
}

/// How sign-in behaves; every value configurable.
#[derive(Debug, Clone)]
pub struct SignInPolicy {
    pub methods: Methods,
    /// Email codes: lifetime and allowed wrong tries.
    pub code_ttl: Duration,
    pub code_attempts: u32,
    pub passwords: crate::services::passwords::PasswordPolicy,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            methods: Methods {
                password: true,
                email_code: true,
                magic_link: true,
            },
            code_ttl: Duration::from_secs(300),
            code_attempts: 5,
            passwords: crate::services::passwords::PasswordPolicy::default(),
        }
    }
}

/// Six random digits, uniformly (rejection sampling avoids modulo bias).
pub fn six_digit_code(rng: &dyn Rng) -> String {
    loop {
        let n = u32::from_be_bytes(random_bytes::<4>(rng));
        // 4_294_000_000 is the largest multiple of 1_000_000 below 2^32.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SystemRng;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = six_digit_code(&SystemRng);
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
