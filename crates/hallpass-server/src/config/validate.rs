//! The ranges and rules a loaded configuration must meet.

use super::{Config, ConfigError};

impl Config {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        self.check_listen(self.mode()?)?;
        let invalid = |key, message: &str| {
            Err(ConfigError::Invalid {
                key,
                message: message.to_owned(),
            })
        };
        if self.tokens.access_token_ttl_secs < 60 || self.tokens.access_token_ttl_secs > 86_400 {
            return invalid("tokens.access_token_ttl_secs", "must be between 60 and 86400");
        }
        if !(1..=3600).contains(&self.tokens.key_reload_secs) {
            return invalid("tokens.key_reload_secs", "must be between 1 and 3600");
        }
        if !(10..=600).contains(&self.tokens.authorization_code_ttl_secs) {
            return invalid("tokens.authorization_code_ttl_secs", "must be between 10 and 600");
        }
        if self.sessions.idle_timeout_secs == 0 || self.sessions.idle_timeout_secs > self.sessions.absolute_timeout_secs
        {
            return invalid(
                "sessions.idle_timeout_secs",
                "must be positive and at most sessions.absolute_timeout_secs",
            );
        }
        if self.sessions.refresh_reuse_grace_secs > 60 {
            return invalid(
                "sessions.refresh_reuse_grace_secs",
                "must be at most 60: a longer window lets a stolen token live on",
            );
        }
        if !(60..=3600).contains(&self.signin.code_ttl_secs) {
            return invalid("signin.code_ttl_secs", "must be between 60 and 3600");
        }
        const METHODS: [&str; 3] = ["password", "email_code", "magic_link"];
        if let Some(unknown) = self.signin.methods.iter().find(|m| !METHODS.contains(&m.as_str())) {
            return Err(ConfigError::Invalid {
                key: "signin.methods",
                message: format!("`{unknown}` is not a sign-in method (password, email_code, magic_link)"),
            });
        }
        if self.signin.methods.is_empty() {
            return invalid("signin.methods", "must name at least one way to sign in");
        }
        if !(1..=20).contains(&self.signin.code_attempts) {
            return invalid("signin.code_attempts", "must be between 1 and 20");
        }
        if let Some(color) = &self.branding.primary_color {
            let hex = color.strip_prefix('#').unwrap_or_default();
            if !(hex.len() == 6 || hex.len() == 3) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return invalid("branding.primary_color", "must be a hex colour such as #3557d6");
            }
        }
        if self.passwords.memory_kib < 8 * 1024 || self.passwords.iterations == 0 || self.passwords.parallelism == 0 {
            return invalid(
                "passwords",
                "Argon2id needs at least 8 MiB of memory, 1 iteration and 1 lane",
            );
        }
        self.database_target().map(|_| ())
    }
}
