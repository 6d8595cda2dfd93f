use std::fmt;
use url::{Host, Url};

/// What kinds of redirect URI an environment accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriPolicy {
    /// Plain `http` on a loopback host (development mode, and native apps per RFC 8252 §7.3).
    pub allow_http_loopback: bool,
}

/// A registered redirect (or post-logout) URI: absolute, no fragment, no query,
/// no credentials, at most 256 characters; https, http on loopback when the
/// policy allows it, or a private-use scheme (RFC 8252 §7.1: `com.example.app:/cb`).
/// Matching is exact string equality, so it keeps the text as registered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedirectUri(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not an acceptable redirect URI: {reason}")]
pub struct InvalidRedirectUri {
    pub value: String,
    pub reason: &'static str,
}

impl RedirectUri {
    pub const MAX_LEN: usize = 256;

    pub fn parse(value: &str, policy: UriPolicy) -> Result<RedirectUri, InvalidRedirectUri> {
        let fail = |reason| InvalidRedirectUri {
            value: value.to_owned(),
            reason,
        };
        if value.len() > Self::MAX_LEN {
            return Err(fail("it is longer than 256 characters"));
        }
        if value.contains('*') {
            return Err(fail("wildcards are not allowed"));
        }
        let url = Url::parse(value).map_err(|_| fail("it is not an absolute URI"))?;
        if url.fragment().is_some() || value.contains('#') {
            return Err(fail("it must not have a fragment"));
        }
        if url.query().is_some() {
            return Err(fail("it must not have a query"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(fail("it must not carry credentials"));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {
                if !policy.allow_http_loopback {
                    return Err(fail(
                        "plain http is allowed only in development mode or for native clients",
                    ));
                }
            }
            "http" => {
                return Err(fail(
                    "plain http is allowed only on a loopback host (localhost, 127.0.0.1, [::1])",
                ))
            }
            scheme if scheme.contains('.') => {} // private-use scheme, reverse domain name
            _ => return Err(fail("use https, or a private-use scheme such as com.example.app")),
        }
        Ok(RedirectUri(value.to_owned()))
    }

    pub fn from_trusted(value: String) -> RedirectUri {
        RedirectUri(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: UriPolicy = UriPolicy {
        allow_http_loopback: true,
    };
    const PROD: UriPolicy = UriPolicy {
        allow_http_loopback: false,
    };

    #[test]
    fn accepts_https_loopback_and_private_schemes() {
        assert!(RedirectUri::parse("https://app.example.com/callback", PROD).is_ok());
        assert!(RedirectUri::parse("com.example.app:/callback", PROD).is_ok());
        assert!(RedirectUri::parse("http://localhost:3000/callback", DEV).is_ok());
        assert!(RedirectUri::parse("http://127.0.0.1:3000/callback", DEV).is_ok());
    }

    #[test]
    fn refuses_the_rest_with_a_reason() {
        let cases = [
            ("http://localhost:3000/cb", PROD, "development"),
            ("http://app.example.com/cb", DEV, "loopback"),
            ("https://app.example.com/cb?x=1", DEV, "query"),
            ("https://app.example.com/cb#x", DEV, "fragment"),
            ("https://*.example.com/cb", DEV, "wildcard"),
            ("https://user:pw@example.com/cb", DEV, "credentials"),
            ("/relative", DEV, "absolute"),
            ("javascript:alert(1)", DEV, "private-use"),
        ];
        for (uri, policy, reason) in cases {
            let err = RedirectUri::parse(uri, policy).unwrap_err();
            assert!(err.to_string().contains(reason), "{uri}: {err}");
        }
        let long = format!("https://example.com/{}", "a".repeat(250));
        assert!(RedirectUri::parse(&long, DEV).is_err());
    }
}
