//! Development or production, decided by the issuer, and where that leads:
//! the issuer tokens carry, the address listened on.

use super::{Config, ConfigError};
use hallpass_core::values::UriPolicy;
use serde::Serialize;
use url::{Host, Url};

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

impl Config {
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
    pub(super) fn check_listen(&self, mode: Mode) -> Result<(), ConfigError> {
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
}

/// `localhost`, or an address in 127.0.0.0/8 or `::1`.
pub fn is_loopback<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Domain(d) => d.as_ref().eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}
