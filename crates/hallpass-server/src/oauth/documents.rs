//! Fetching client ID metadata documents for core
//! (`hallpass_core::oauth::metadata_document`): at most 5 kB, within 5 s, no
//! redirects, and, outside development, never from a private, loopback,
//! link-local or unique-local address. The name is resolved once, checked,
//! and the connection made to exactly the addresses checked, so a second
//! DNS answer cannot point the request elsewhere.

use async_trait::async_trait;
use axum::http::header::{ACCEPT, CACHE_CONTROL, CONTENT_LENGTH};
use hallpass_core::oauth::metadata_document::{DocumentFetcher, Fetched};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use url::Url;

pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024;
const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct HttpFetcher {
    /// Development: loopback and private addresses may be fetched.
    allow_private: bool,
}

impl HttpFetcher {
    pub fn new(allow_private: bool) -> HttpFetcher {
        HttpFetcher { allow_private }
    }
}

/// Addresses a request from this server must not reach outside development.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (RFC 6598)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || v6.to_ipv4_mapped().is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// `max-age` from Cache-Control; `no-store`/`no-cache` count as 0.
fn max_age(value: Option<&str>) -> Option<Duration> {
    let value = value?;
    let mut age = None;
    for directive in value.split(',').map(|d| d.trim().to_ascii_lowercase()) {
        if directive == "no-store" || directive == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(seconds) = directive.strip_prefix("max-age=") {
            age = seconds.trim_matches('"').parse::<u64>().ok().map(Duration::from_secs);
        }
    }
    age
}

#[async_trait]
impl DocumentFetcher for HttpFetcher {
    async fn fetch(&self, url: &Url) -> Result<Fetched, String> {
        let unreachable = || "the client's metadata document could not be fetched".to_owned();
        let host = url.host_str().ok_or_else(unreachable)?;
        let port = url.port_or_known_default().ok_or_else(unreachable)?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = tokio::time::timeout(TIMEOUT, tokio::net::lookup_host((bare, port)))
            .await
            .map_err(|_| unreachable())?
            .map_err(|_| unreachable())?
            .collect();
        if addrs.is_empty() {
            return Err(unreachable());
        }
        if !self.allow_private && addrs.iter().any(|a| is_internal(a.ip())) {
            return Err("the client's metadata document is on a private address".into());
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .resolve_to_addrs(bare, &addrs)
            .build()
            .map_err(|_| unreachable())?;
        let mut response = client
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|_| unreachable())?;
        if response.status().is_redirection() {
            return Err("the client's metadata document redirects elsewhere; it must be served at its URL".into());
        }
        if !response.status().is_success() {
            return Err(format!(
                "the client's metadata document answered {}",
                response.status().as_u16()
            ));
        }
        let too_large = || format!("the client's metadata document is larger than {MAX_DOCUMENT_BYTES} bytes");
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_DOCUMENT_BYTES) {
            return Err(too_large());
        }
        let max_age = max_age(response.headers().get(CACHE_CONTROL).and_then(|v| v.to_str().ok()));
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| unreachable())? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large());
            }
        }
        Ok(Fetched { body, max_age })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn cache_lifetimes_come_from_cache_control() {
        assert_eq!(max_age(Some("public, max-age=600")), Some(Duration::from_secs(600)));
        assert_eq!(max_age(Some("no-store")), Some(Duration::ZERO));
        assert_eq!(max_age(Some("public")), None);
        assert_eq!(max_age(None), None);
    }
}
