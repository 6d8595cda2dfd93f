//! Configuration: defaults < TOML file (`--config FILE`) < `HALLPASS_*`
//! environment (`__` nests, `*_FILE` reads a secret from a file) < CLI flags.
//! Unknown keys in the file are an error that names the key; unknown
//! `HALLPASS_*` variables are warnings. The result is one value passed
//! explicitly to whoever needs it: there is no global configuration.

use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::passwords::PasswordPolicy;
use hallpass_core::values::UriPolicy;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::{Host, Url};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignInConfig {
    /// Email codes: lifetime in seconds (60 to 3600) and wrong tries allowed.
    pub code_ttl_secs: u32,
    pub code_attempts: u32,
    /// Sender address of Hallpass's mail.
    pub mail_from: String,
    /// A magic link works only in the browser that asked for it (stops a
    /// forwarded or phished link, and one an attacker asked for their own
    /// account from signing a victim in as them; breaks "asked on the laptop,
    /// opened on the phone").
    pub same_browser_links: bool,
    /// The ways the pages offer: `password`, `email_code`, `magic_link`.
    pub methods: Vec<String>,
    /// Whether sign-up asks for a name.
    pub ask_name: bool,
}

impl Default for SignInConfig {
    fn default() -> Self {
        SignInConfig {
            code_ttl_secs: 300,
            code_attempts: 5,
            mail_from: "Hallpass <no-reply@localhost>".into(),
            same_browser_links: true,
            methods: vec!["password".into(), "email_code".into(), "magic_link".into()],
            ask_name: true,
        }
    }
}

/// How the hosted pages slow down guessing without letting anyone lock
/// someone else out. Failures (a wrong password or code) count per account
/// and client address; mail sent on request counts apart, so failures never
/// stop a reset or a code. Allowances per hour may be used at once and refill
/// evenly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Failures for one account from one address before each further try
    /// waits, twice as long each time (from one second up to `max_delay_secs`).
    pub failures_before_delay: u32,
    pub max_delay_secs: u32,
    /// Failures for one account from all addresses together: the ceiling a
    /// botnet meets, far above what one address can reach.
    pub failures_per_account_per_hour: u32,
    /// Failures from one address over all accounts (one address trying many).
    pub failures_per_ip_per_hour: u32,
    /// Mail sent on request (codes, links, resets, sign-up codes).
    pub mails_per_account_per_hour: u32,
    pub mails_per_ip_per_hour: u32,
    /// Proxies whose forwarding header is believed (CIDRs); from any other
    /// peer the header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Which header the trusted proxies write: only that one is read, so a
    /// client cannot add the other one unseen.
    pub proxy_header: ProxyHeader,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            failures_before_delay: 5,
            max_delay_secs: 900,
            failures_per_account_per_hour: 1000,
            failures_per_ip_per_hour: 600,
            mails_per_account_per_hour: 10,
            mails_per_ip_per_hour: 100,
            trusted_proxies: Vec::new(),
            proxy_header: ProxyHeader::XForwardedFor,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProxyHeader {
    #[serde(rename = "x-forwarded-for")]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=…`.
    #[serde(rename = "forwarded")]
    Forwarded,
}

/// How the hosted pages and mail present themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Branding {
    pub product_name: String,
    pub logo_url: Option<String>,
    pub primary_color: Option<String>,
    pub support_email: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            product_name: "Hallpass".into(),
            logo_url: None,
            primary_color: None,
            support_email: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OAuthConfig {
    /// PKCE (S256) for every client. Public clients always need it; turning
    /// this off lets confidential clients skip it (not recommended: RFC 9700).
    pub require_pkce: bool,
    /// How long a node reuses a client (and its secret hashes) it has read,
    /// in seconds: a change made elsewhere reaches every node within this. 0 disables.
    pub client_cache_secs: u32,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            require_pkce: true,
            client_cache_secs: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `hallpass=debug,sqlx=warn`.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// SQLite: `process_crash` (synchronous=NORMAL: a commit survives the
    /// process dying) or `power_loss` (synchronous=FULL: fsync per commit).
    pub sqlite_durability: SqliteDurability,
    /// PostgreSQL pool size per node.
    pub max_connections: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqliteDurability {
    ProcessCrash,
    PowerLoss,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenConfig {
    pub access_token_ttl_secs: u32,
    pub id_token_ttl_secs: u32,
    pub authorization_code_ttl_secs: u32,
    pub refresh_token_ttl_secs: u32,
    /// How often a node re-reads the signing keys, so a rotation made on
    /// another node (or with the CLI) is signed with and published here too.
    pub key_reload_secs: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    pub absolute_timeout_secs: u32,
    pub idle_timeout_secs: u32,
    /// How long a just-rotated refresh token still earns a fresh pair (concurrent tabs).
    pub refresh_reuse_grace_secs: u32,
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

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            sqlite_durability: SqliteDurability::ProcessCrash,
            max_connections: 16,
        }
    }
}

impl Default for TokenConfig {
    fn default() -> Self {
        TokenConfig {
            access_token_ttl_secs: 300,
            id_token_ttl_secs: 3600,
            authorization_code_ttl_secs: 60,
            refresh_token_ttl_secs: 30 * 86_400,
            key_reload_secs: 30,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            absolute_timeout_secs: 30 * 86_400,
            idle_timeout_secs: 7 * 86_400,
            refresh_reuse_grace_secs: 5,
        }
    }
}

/// A configuration value that must not be printed: masked in `Debug` and
/// when serialized (`config --show`). URLs keep all but their password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        match Url::parse(&self.0) {
            Ok(mut url) if url.has_host() => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("********"));
                }
                url.to_string()
            }
            _ => "********".to_owned(),
        }
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

/// Development (no issuer, or plain http on a loopback one; listening on
/// loopback only) or production (an https issuer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

impl Mode {
    pub fn uri_policy(self) -> UriPolicy {
        UriPolicy {
            allow_http_loopback: self == Mode::Development,
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
        for (key, value) in environment(env, &mut warnings)? {
            figment = figment.merge(Serialized::default(&key, value));
        }
        for (key, value) in &overrides.values {
            figment = figment.merge(Serialized::default(key, value));
        }
        let config: Config = figment.extract().map_err(|e| ConfigError::Load(describe(e)))?;
        config.validate()?;
        Ok(Loaded { config, warnings })
    }

    fn validate(&self) -> Result<(), ConfigError> {
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

    /// The mode is chosen by the issuer: https is production; plain http on a
    /// loopback host, or none configured, is development.
    pub fn mode(&self) -> Result<Mode, ConfigError> {
        let Some(issuer) = &self.issuer else {
            return Ok(Mode::Development);
        };
        let invalid = |message: String| ConfigError::Invalid { key: "issuer", message };
        let url = Url::parse(issuer).map_err(|e| invalid(format!("`{issuer}` is not a URL ({e})")))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "must not have a query or fragment (OpenID Connect Discovery §3)".into(),
            ));
        }
        match url.scheme() {
            "https" => Ok(Mode::Production),
            "http" if url.host().is_some_and(|host| is_loopback(&host)) => Ok(Mode::Development),
            _ => Err(invalid(format!(
                "`{issuer}` must be https, or http on localhost for development"
            ))),
        }
    }

    /// Development serves plain http and, without SMTP, live sign-in codes and
    /// reset links at `/dev/outbox`: it listens on this machine only.
    fn check_listen(&self, mode: Mode) -> Result<(), ConfigError> {
        let addr = self.listen_addr()?;
        if mode == Mode::Development && !addr.ip().is_loopback() {
            return Err(ConfigError::Invalid {
                key: "listen",
                message: format!(
                    "`{addr}` is not a loopback address: development mode (no issuer, or an http://localhost one) \
                     listens on this machine only; listen on 127.0.0.1, or configure an https issuer to serve the network"
                ),
            });
        }
        Ok(())
    }

    /// The issuer exactly as tokens carry it: the configured one without a
    /// trailing slash, or `http://localhost:PORT` on the port of `listen`.
    pub fn issuer(&self) -> String {
        match &self.issuer {
            Some(issuer) => issuer.trim_end_matches('/').to_owned(),
            None => format!("http://localhost:{}", self.listen_addr().map_or(0, |a| a.port())),
        }
    }

    /// In development, a configured issuer on a port other than the one listened
    /// on: right behind a proxy on that port, otherwise apps look where nothing listens.
    pub fn issuer_port_warning(&self) -> Option<String> {
        let configured = Url::parse(self.issuer.as_deref()?).ok()?;
        let listen = self.listen_addr().ok()?;
        let port = configured.port_or_known_default()?;
        (self.mode().ok()? == Mode::Development && port != listen.port()).then(|| {
            format!(
                "the issuer {} names port {port} but Hallpass listens on {listen}: \
                 apps will look for it on port {port} (right only behind a proxy there)",
                self.issuer()
            )
        })
    }

    pub fn listen_addr(&self) -> Result<std::net::SocketAddr, ConfigError> {
        self.listen.parse().map_err(|_| ConfigError::Invalid {
            key: "listen",
            message: format!("`{}` is not an address:port such as 127.0.0.1:8080", self.listen),
        })
    }

    pub fn database_target(&self) -> Result<DatabaseTarget, ConfigError> {
        let Some(url) = &self.database_url else {
            return Ok(DatabaseTarget::Sqlite(self.data_dir.join("hallpass.db")));
        };
        let url = url.expose();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseTarget::Postgres(url.to_owned()));
        }
        match hallpass_store_sqlite::path_from_url(url) {
            Some(path) => Ok(DatabaseTarget::Sqlite(path)),
            None => Err(ConfigError::Invalid {
                key: "database_url",
                message: "must be sqlite://PATH or postgres://USER@HOST/DB".into(),
            }),
        }
    }

    /// The provider's settings, for `hallpass_core::oauth`.
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

    pub fn master_key_file(&self) -> PathBuf {
        self.data_dir.join("master.key")
    }
}

/// `localhost`, or an address in 127.0.0.0/8 or `::1`.
pub fn is_loopback<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Domain(d) => d.as_ref().eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    /// For people: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(path) => format!("SQLite at {}", path.display()),
            DatabaseTarget::Postgres(url) => format!("PostgreSQL at {}", Secret::new(url.clone()).masked()),
        }
    }
}

/// Figment's messages name the key and the file; keep them, in one line
/// (a TOML parse error arrives with a drawn snippet, which is dropped).
fn describe(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            e.to_string()
                .lines()
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with('|')
                        && !l
                            .split('|')
                            .next()
                            .is_some_and(|n| n.trim().parse::<u32>().is_ok() && l.contains('|'))
                })
                .collect::<Vec<_>>()
                .join(": ")
                .replace("key \"default.", "key \"")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Known configuration keys, as dotted paths, with the JSON type of their default.
fn known_keys() -> Vec<(String, serde_json::Value)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            leaf => out.push((prefix.to_owned(), leaf.clone())),
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(Config::default()) {
        walk("", &value, &mut out);
    }
    out
}

/// `HALLPASS_TOKENS__ACCESS_TOKEN_TTL_SECS=600` → (`tokens.access_token_ttl_secs`, 600).
/// `HALLPASS_MASTER_KEY_FILE=/run/secrets/k` reads the value from the file.
fn environment(
    env: impl Iterator<Item = (String, String)>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, serde_json::Value)>, ConfigError> {
    let known = known_keys();
    let mut values = Vec::new();
    let mut env: Vec<_> = env.filter(|(name, _)| name.starts_with("HALLPASS_")).collect();
    env.sort();
    for (name, raw) in env {
        let rest = &name["HALLPASS_".len()..];
        let key = rest.to_ascii_lowercase().replace("__", ".");
        let (key, raw) = match known.iter().find(|(k, _)| *k == key) {
            Some(_) => (key, raw),
            None => match key
                .strip_suffix("_file")
                .filter(|k| known.iter().any(|(known, _)| known == k))
            {
                Some(base) => {
                    let content = std::fs::read_to_string(&raw)
                        .map_err(|e| ConfigError::Load(format!("{name}: cannot read {raw}: {e}")))?;
                    (base.to_owned(), content.trim_end_matches(['\n', '\r']).to_owned())
                }
                None => {
                    if !IGNORED_VARIABLES.contains(&name.as_str()) {
                        warnings.push(format!("ignoring unknown environment variable {name}"));
                    }
                    continue;
                }
            },
        };
        let default = known
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        values.push((key.clone(), typed(&name, &raw, &default)?));
    }
    Ok(values)
}

/// Variables that share the prefix but configure something else (the test suite).
const IGNORED_VARIABLES: &[&str] = &["HALLPASS_TEST_DATABASE_URL", "HALLPASS_CONFIG"];

/// An environment string read as the type of the key's default.
fn typed(name: &str, raw: &str, default: &serde_json::Value) -> Result<serde_json::Value, ConfigError> {
    let bad = |what: &str| ConfigError::Load(format!("{name}: `{raw}` is not {what}"));
    Ok(match default {
        serde_json::Value::Bool(_) => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => serde_json::Value::Bool(true),
            "false" | "0" | "no" | "off" => serde_json::Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        serde_json::Value::Number(_) => {
            serde_json::Value::Number(raw.trim().parse::<u64>().map_err(|_| bad("a whole number"))?.into())
        }
        _ => serde_json::Value::String(raw.to_owned()),
    })
}

/// Writes a fresh master key file readable by the owner only; never overwrites.
pub fn create_master_key_file(path: &Path, encoded: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(encoded.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
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
