//! The settings handed to the core services, derived from the configuration.

use super::Config;
use hallpass_core::oauth::OAuthPolicy;
use std::time::Duration;

impl Config {
    /// A retired key stays published as long as the longest-lived token it may
    /// have signed, plus five minutes of clock skew.
    pub fn key_policy(&self) -> hallpass_core::services::keys::KeyPolicy {
        use hallpass_core::services::clients::MAX_ACCESS_TOKEN_TTL_SECS;
        let longest = [
            MAX_ACCESS_TOKEN_TTL_SECS,
            self.tokens.access_token_ttl_secs,
            self.tokens.id_token_ttl_secs,
        ]
        .into_iter()
        .max()
        .unwrap_or(MAX_ACCESS_TOKEN_TTL_SECS);
        hallpass_core::services::keys::KeyPolicy {
            retired_publication: Duration::from_secs(u64::from(longest) + 300),
        }
    }

    /// The provider's settings, for `hallpass_core::oauth`.
    pub fn oauth_policy(&self) -> OAuthPolicy {
        let secs = |s: u32| Duration::from_secs(u64::from(s));
        OAuthPolicy {
            issuer: self.issuer(),
            access_token_ttl: secs(self.tokens.access_token_ttl_secs),
            id_token_ttl: secs(self.tokens.id_token_ttl_secs),
            code_ttl: secs(self.tokens.authorization_code_ttl_secs),
            refresh_token_ttl: secs(self.tokens.refresh_token_ttl_secs),
            session_idle: secs(self.sessions.idle_timeout_secs),
            session_absolute: secs(self.sessions.absolute_timeout_secs),
            refresh_grace: secs(self.sessions.refresh_reuse_grace_secs),
            require_pkce: self.oauth.require_pkce,
        }
    }

    /// The configuration's sign-in settings: the defaults the stored ones override.
    pub fn signin_defaults(&self) -> hallpass_core::services::settings::SignInSettings {
        hallpass_core::services::settings::SignInSettings {
            branding: self.branding.clone(),
            methods: self.signin_policy().methods,
        }
    }

    pub fn signin_policy(&self) -> hallpass_core::signin::SignInPolicy {
        let has = |m: &str| self.signin.methods.iter().any(|x| x == m);
        hallpass_core::signin::SignInPolicy {
            methods: hallpass_core::signin::Methods {
                password: has("password"),
                email_code: has("email_code"),
                magic_link: has("magic_link"),
            },
            code_ttl: Duration::from_secs(u64::from(self.signin.code_ttl_secs)),
            code_attempts: self.signin.code_attempts,
            passwords: self.passwords,
        }
    }
}
