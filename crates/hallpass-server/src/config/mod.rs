//! Configuration: defaults < TOML file (`--config FILE`) < `HALLPASS_*`
//! environment (`__` nests, `*_FILE` reads a secret from a file) < CLI flags.
//! Unknown keys in the file are an error that names the key; unknown
//! `HALLPASS_*` variables are warnings. The result is one value passed
//! explicitly to whoever needs it: there is no global configuration.
//!
//! Here: the whole value and its loading. `sections` holds its parts,
//! `environment` reads `HALLPASS_*`, `validate` the ranges, `mode` the issuer
//! and development/production, `storage` where state lives, `secret` masked
//! values, `policies` what the core services are given.

mod environment;
mod mode;
mod policies;
mod secret;
mod sections;
mod storage;
mod validate;

pub use mode::{is_loopback, Mode};
pub use secret::Secret;
pub use sections::{
    Branding, DatabaseConfig, DynamicRegistration, LimitsConfig, LogConfig, LogFormat, OAuthConfig, ProxyHeader,
    SessionConfig, SignInConfig, SqliteDurability, TokenConfig,
};
pub use storage::{create_master_key_file, DatabaseTarget};

use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use hallpass_core::services::passwords::PasswordPolicy;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Public base URL; the `iss` of every token. Unset: development mode on
    /// `http://localhost:PORT`, the port of `listen` (see `Config::mode`).
    pub issuer: Option<String>,
    /// Address and port to listen on; loopback only in development.
    pub listen: String,
    /// Where local state lives: the SQLite database and the master key file.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://...`; unset: SQLite in the data dir.
    pub database_url: Option<Secret>,
    /// 32 bytes, hex or base64; unset: generated once into the data dir.
    pub master_key: Option<Secret>,
    /// Unset: mail goes to the development outbox and the log.
    pub smtp_url: Option<Secret>,
    /// Apply pending migrations at start.
    pub migrate: bool,
    pub log: LogConfig,
    pub database: DatabaseConfig,
    pub tokens: TokenConfig,
    pub sessions: SessionConfig,
    pub oauth: OAuthConfig,
    pub passwords: PasswordPolicy,
    pub signin: SignInConfig,
    pub limits: LimitsConfig,
    pub branding: Branding,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            issuer: None,
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./hallpass-data"),
            database_url: None,
            master_key: None,
            smtp_url: None,
            migrate: true,
            log: LogConfig::default(),
            database: DatabaseConfig::default(),
            tokens: TokenConfig::default(),
            sessions: SessionConfig::default(),
            oauth: OAuthConfig::default(),
            signin: SignInConfig::default(),
            limits: LimitsConfig::default(),
            branding: Branding::default(),
            passwords: PasswordPolicy::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(String),
    #[error("configuration: {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

/// What the command line contributes: the file to read and the flags that override.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    /// Dotted key → value, from CLI flags.
    pub values: Vec<(&'static str, serde_json::Value)>,
}

/// A loaded configuration, and the warnings met on the way (logged once logging is up).
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<String>,
}

impl Config {
    pub fn load(overrides: &Overrides) -> Result<Loaded, ConfigError> {
        Self::load_from(overrides, std::env::vars())
    }

    /// Loads with the given environment (tests pass their own).
    pub fn load_from(
        overrides: &Overrides,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Loaded, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = &overrides.config_file {
            if !file.is_file() {
                return Err(ConfigError::Load(format!(
                    "config file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let mut warnings = Vec::new();
        for (key, value) in environment::environment(env, &mut warnings)? {
            figment = figment.merge(Serialized::default(&key, value));
        }
        for (key, value) in &overrides.values {
            figment = figment.merge(Serialized::default(key, value));
        }
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Load(environment::describe(e)))?;
        config.validate()?;
        Ok(Loaded { config, warnings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn env(vars: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_are_development_on_localhost() {
        let loaded = Config::load_from(&Overrides::default(), env(&[])).unwrap();
        assert_eq!(loaded.config, Config::default());
        assert_eq!(loaded.config.mode().unwrap(), Mode::Development);
        assert_eq!(
            loaded.config.database_target().unwrap(),
            DatabaseTarget::Sqlite(PathBuf::from("./hallpass-data/hallpass.db"))
        );
    }

    #[test]
    fn without_an_issuer_development_follows_the_listen_port() {
        let loaded = Config::load_from(&Overrides::default(), env(&[])).unwrap();
        assert_eq!(loaded.config.issuer(), "http://localhost:8080");
        let loaded = Config::load_from(&Overrides::default(), env(&[("HALLPASS_LISTEN", "[::1]:9000")])).unwrap();
        assert_eq!(loaded.config.issuer(), "http://localhost:9000");
        assert_eq!(loaded.config.mode().unwrap(), Mode::Development);
        assert_eq!(loaded.config.issuer_port_warning(), None);
    }

    #[test]
    fn development_listens_on_loopback_only() {
        for issuer in [None, Some("http://localhost:8080"), Some("http://127.0.0.1:8080")] {
            let mut vars = vec![("HALLPASS_LISTEN", "0.0.0.0:8080")];
            vars.extend(issuer.map(|i| ("HALLPASS_ISSUER", i)));
            let err = Config::load_from(&Overrides::default(), env(&vars))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("listen") && err.contains("not a loopback address"),
                "{err}"
            );
        }
        let production = Config::load_from(
            &Overrides::default(),
            env(&[
                ("HALLPASS_LISTEN", "0.0.0.0:8080"),
                ("HALLPASS_ISSUER", "https://auth.example.com"),
            ]),
        )
        .unwrap();
        assert_eq!(production.config.mode().unwrap(), Mode::Production);
    }

    #[test]
    fn a_development_issuer_on_another_port_is_a_warning() {
        let load = |vars: &[(&str, &str)]| Config::load_from(&Overrides::default(), env(vars)).unwrap().config;
        let apart = load(&[
            ("HALLPASS_ISSUER", "http://localhost:8080/"),
            ("HALLPASS_LISTEN", "127.0.0.1:9000"),
        ]);
        assert_eq!(apart.issuer(), "http://localhost:8080", "a configured issuer wins");
        let warning = apart.issuer_port_warning().unwrap();
        assert!(
            warning.contains("http://localhost:8080") && warning.contains("127.0.0.1:9000"),
            "{warning}"
        );
        let together = load(&[
            ("HALLPASS_ISSUER", "http://localhost:9000"),
            ("HALLPASS_LISTEN", "127.0.0.1:9000"),
        ]);
        assert_eq!(together.issuer_port_warning(), None);
        let production = load(&[("HALLPASS_ISSUER", "https://auth.example.com")]);
        assert_eq!(
            production.issuer_port_warning(),
            None,
            "production sits behind TLS on 443"
        );
    }

    #[test]
    fn layers_apply_in_order_file_env_flags() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "listen = \"127.0.0.1:9000\"\nissuer = \"https://auth.example.com\"\n[tokens]\naccess_token_ttl_secs = 120"
        )
        .unwrap();
        let overrides = Overrides {
            config_file: Some(file.path().to_owned()),
            values: vec![("listen", serde_json::json!("127.0.0.1:9999"))],
        };
        let loaded = Config::load_from(
            &overrides,
            env(&[
                ("HALLPASS_TOKENS__ACCESS_TOKEN_TTL_SECS", "600"),
                ("HALLPASS_LISTEN", "127.0.0.1:9001"),
            ]),
        )
        .unwrap();
        assert_eq!(loaded.config.listen, "127.0.0.1:9999", "flags beat env");
        assert_eq!(loaded.config.tokens.access_token_ttl_secs, 600, "env beats file");
        assert_eq!(
            loaded.config.issuer(),
            "https://auth.example.com",
            "file beats defaults"
        );
        assert_eq!(loaded.config.mode().unwrap(), Mode::Production);
    }

    #[test]
    fn trusted_proxies_are_cidrs_and_a_bad_one_is_named() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "[limits]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1/128\"]\nproxy_header = \"forwarded\""
        )
        .unwrap();
        let overrides = Overrides {
            config_file: Some(file.path().to_owned()),
            values: vec![],
        };
        let limits = Config::load_from(&overrides, env(&[])).unwrap().config.limits;
        assert_eq!(limits.trusted_proxies.len(), 2);
        assert_eq!(limits.proxy_header, ProxyHeader::Forwarded);
        let mut bad = tempfile::NamedTempFile::new().unwrap();
        writeln!(bad, "[limits]\ntrusted_proxies = [\"10.0.0.0/33\"]").unwrap();
        let overrides = Overrides {
            config_file: Some(bad.path().to_owned()),
            values: vec![],
        };
        let err = Config::load_from(&overrides, env(&[])).unwrap_err().to_string();
        assert!(err.contains("trusted_proxies"), "{err}");
    }

    #[test]
    fn unknown_file_keys_are_errors_naming_the_key() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "[tokens]\nacess_token_ttl_secs = 120").unwrap();
        let overrides = Overrides {
            config_file: Some(file.path().to_owned()),
            values: vec![],
        };
        let err = Config::load_from(&overrides, env(&[])).unwrap_err().to_string();
        assert!(err.contains("acess_token_ttl_secs"), "{err}");
    }

    #[test]
    fn malformed_files_and_values_are_errors() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "listen = ").unwrap();
        let overrides = Overrides {
            config_file: Some(file.path().to_owned()),
            values: vec![],
        };
        assert!(Config::load_from(&overrides, env(&[])).is_err());
        let err = Config::load_from(&Overrides::default(), env(&[("HALLPASS_MIGRATE", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("HALLPASS_MIGRATE"), "{err}");
        let err = Config::load_from(
            &Overrides::default(),
            env(&[("HALLPASS_BRANDING__PRIMARY_COLOR", "blue")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("branding.primary_color"), "{err}");
        let err =
            Config::load_from(&Overrides::default(), env(&[("HALLPASS_SIGNIN__CODE_TTL_SECS", "5")])).unwrap_err();
        assert!(err.to_string().contains("signin.code_ttl_secs"), "{err}");
        let mut methods = tempfile::NamedTempFile::new().unwrap();
        writeln!(methods, "[signin]\nmethods = [\"password\", \"sms\"]").unwrap();
        let overrides = Overrides {
            config_file: Some(methods.path().to_owned()),
            values: vec![],
        };
        let err = Config::load_from(&overrides, env(&[])).unwrap_err().to_string();
        assert!(err.contains("`sms` is not a sign-in method"), "{err}");
        let err = Config::load_from(
            &Overrides::default(),
            env(&[("HALLPASS_ISSUER", "http://auth.example.com")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("must be https"), "{err}");
        let missing = Overrides {
            config_file: Some("/nonexistent/hallpass.toml".into()),
            values: vec![],
        };
        assert!(Config::load_from(&missing, env(&[]))
            .unwrap_err()
            .to_string()
            .contains("does not exist"));
    }

    #[test]
    fn unknown_env_is_a_warning_and_file_secrets_are_read() {
        let mut secret = tempfile::NamedTempFile::new().unwrap();
        writeln!(secret, "smtp://mailer:hunter2@mail.example.com:587").unwrap();
        let path = secret.path().to_str().unwrap().to_owned();
        let loaded = Config::load_from(
            &Overrides::default(),
            env(&[("HALLPASS_SMTP_URL_FILE", path.as_str()), ("HALLPASS_LISTN", "x")]),
        )
        .unwrap();
        assert_eq!(
            loaded.warnings,
            vec!["ignoring unknown environment variable HALLPASS_LISTN"]
        );
        let smtp = loaded.config.smtp_url.unwrap();
        assert_eq!(smtp.expose(), "smtp://mailer:hunter2@mail.example.com:587");
        assert_eq!(smtp.masked(), "smtp://mailer:********@mail.example.com:587");
        let shown = serde_json::to_string(&Secret::new("00112233")).unwrap();
        assert_eq!(shown, "\"********\"");
    }
}
