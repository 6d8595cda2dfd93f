//! Password hashing: Argon2id with the parameters in DESIGN.md (m=19 MiB, t=2, p=1).

use crate::error::CoreError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Where Argon2id runs: on blocking threads, never on the async workers, and
/// at most one hash per core at a time. A flood of password forms then
/// queues here instead of starving every other request (`/healthz` included).
#[derive(Debug, Clone)]
pub struct HashingPool {
    permits: Arc<Semaphore>,
}

impl HashingPool {
    pub fn new(at_once: usize) -> HashingPool {
        HashingPool {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
        }
    }

    /// One hash at a time per core this process may use.
    pub fn sized_to_cores() -> HashingPool {
        HashingPool::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, CoreError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| CoreError::Key("the password hashing pool is closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| CoreError::Key(format!("password hashing failed: {e}")))
    }
}

/// Argon2id cost. The defaults are OWASP's recommendation; raising them makes
/// every existing hash get rehashed at its owner's next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

impl PasswordPolicy {
    fn hasher(&self) -> Result<Argon2<'static>, CoreError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| CoreError::invalid("password_policy", e.to_string()))?;
        Ok(Argon2::new(argon2::Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashes; returns a PHC string. Choosing a password is checked by
    /// [`check_new_password`] first; rehashing an existing one is not.
    pub fn hash(&self, password: &str, salt: &[u8; 16]) -> Result<String, CoreError> {
        let salt = SaltString::encode_b64(salt).map_err(|e| CoreError::Key(e.to_string()))?;
        self.hasher()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CoreError::Key(e.to_string()))
    }

    /// Whether `password` matches `phc`. A malformed stored hash never matches.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    }

    /// [`PasswordPolicy::hash`] in `pool`.
    pub async fn hash_in(&self, pool: &HashingPool, password: &str, salt: &[u8; 16]) -> Result<String, CoreError> {
        let (policy, password, salt) = (*self, password.to_owned(), *salt);
        pool.run(move || policy.hash(&password, &salt)).await?
    }

    /// [`PasswordPolicy::verify`] in `pool`; a pool failure never matches.
    pub async fn verify_in(&self, pool: &HashingPool, password: &str, phc: &str) -> bool {
        let (policy, password, phc) = (*self, password.to_owned(), phc.to_owned());
        pool.run(move || policy.verify(&password, &phc)).await.unwrap_or(false)
    }

    /// Whether a stored hash was made with other parameters than these.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return true;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return true;
        };
        parsed.algorithm.as_str() != "argon2id"
            || params.m_cost() != self.memory_kib
            || params.t_cost() != self.iterations
            || params.p_cost() != self.parallelism
    }
}

/// The bundled list of the 10,000 most common passwords (see `data/README.md`).
static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| include_str!("../../data/common-passwords.txt").lines().collect());

/// A password someone may choose: 8 to 128 characters and not among the most
/// common ones (NIST SP 800-63B). No composition rules.
pub fn check_new_password(password: &str) -> Result<(), CoreError> {
    check_length(password)?;
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(CoreError::invalid(
            "password",
            "is one of the most common passwords; choose another",
        ));
    }
    Ok(())
}

pub fn check_length(password: &str) -> Result<(), CoreError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(CoreError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(CoreError::invalid(
            "password",
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Small parameters keep the unit test fast; the defaults are measured by the benchmark.
    const CHEAP: PasswordPolicy = PasswordPolicy {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn hashes_verify_and_detect_parameter_changes() {
        let phc = CHEAP.hash("correct horse", &[7u8; 16]).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(CHEAP.verify("correct horse", &phc));
        assert!(!CHEAP.verify("correct horsE", &phc));
        assert!(!CHEAP.verify("correct horse", "not a hash"));
        assert!(!CHEAP.needs_rehash(&phc));
        assert!(PasswordPolicy::default().needs_rehash(&phc));
    }

    #[test]
    fn refuses_the_most_common_passwords_whatever_their_case() {
        for common in ["password", "PassWord1", "iloveyou", "sunshine"] {
            let err = check_new_password(common).unwrap_err();
            assert!(err.to_string().contains("most common"), "{common}: {err}");
        }
        assert!(check_new_password("correct horse battery staple").is_ok());
        assert!(check_new_password("short")
            .unwrap_err()
            .to_string()
            .contains("at least 8"));
        assert_eq!(COMMON.len(), 10_000);
    }

    #[test]
    fn enforces_length_only() {
        assert!(check_length("short").is_err());
        assert!(check_length(&"x".repeat(129)).is_err());
        assert!(check_length("aaaaaaaa").is_ok(), "no composition rules");
        assert!(
            CHEAP.hash("short", &[0; 16]).is_ok(),
            "an existing short password can still be rehashed"
        );
    }
}
