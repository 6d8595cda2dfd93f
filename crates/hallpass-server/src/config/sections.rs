//! The parts of the configuration, one struct per table of the file, with
//! their defaults.

use serde::{Deserialize, Serialize};

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
    /// Dynamic client registrations (`/oauth/register`) from one address.
    pub registrations_per_ip_per_hour: u32,
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
            registrations_per_ip_per_hour: 20,
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

/// How the hosted pages and mail present themselves; the defaults of the
/// sign-in settings an operator may change at run time (`services::settings`).
pub use hallpass_core::services::settings::Branding;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OAuthConfig {
    /// PKCE (S256) for every client. Public clients always need it; turning
    /// this off lets confidential clients skip it (not recommended: RFC 9700).
    pub require_pkce: bool,
    /// How long a node reuses a client (and its secret hashes) it has read,
    /// in seconds: a change made elsewhere reaches every node within this. 0 disables.
    pub client_cache_secs: u32,
    /// RFC 7591 dynamic client registration at `/oauth/register`: `open`
    /// (anyone may register a third-party client) or `off`.
    pub dynamic_registration: DynamicRegistration,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            require_pkce: true,
            client_cache_secs: 2,
            dynamic_registration: DynamicRegistration::Open,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DynamicRegistration {
    Open,
    Off,
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
    /// process dying) or `power_loss` (synchronous=FULL: an fsync per commit,
    /// which the writes queued together share).
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
