//! The client's address behind trusted proxies: the right-most address of the
//! forwarding header that is not a trusted proxy. From any other peer the
//! header is ignored, since a client can write whatever it likes there.

use crate::config::ProxyHeader;
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet], header: ProxyHeader) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = match header {
        ProxyHeader::XForwardedFor => joined(headers, "x-forwarded-for")
            .split(',')
            .map(|hop| parse_ip(hop.trim()))
            .collect::<Vec<_>>(),
        ProxyHeader::Forwarded => joined(headers, "forwarded").split(',').map(forwarded_for).collect(),
    };
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        // An address we cannot read ("unknown", an obfuscated name) ends the
        // chain: whatever stands left of it is unverifiable.
        let Some(hop) = hop.map(|ip| ip.to_canonical()) else {
            break;
        };
        client = hop;
        if !is_trusted(&hop) {
            break;
        }
    }
    client
}

/// Every line of a header, in order, as one comma-separated list.
fn joined(headers: &HeaderMap, name: &str) -> String {
    let lines: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
    lines.join(",")
}

/// The `for=` of one RFC 7239 element, e.g. `for="[2001:db8::1]:4711";proto=https`.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_ip(value.trim().trim_matches('"')))
            .flatten()
    })
}

/// An address, with or without a port (`1.2.3.4:80`, `[::1]:80`, `::1`).
fn parse_ip(value: &str) -> Option<IpAddr> {
    let value = value.trim();
    value
        .parse::<IpAddr>()
        .ok()
        .or_else(|| value.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| value.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &'static str, values: &[&'static str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(name, HeaderValue::from_static(v));
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let claim = headers("x-forwarded-for", &["203.0.113.9"]);
        let seen = client_ip(
            ip("198.51.100.7"),
            &claim,
            &nets(&["10.0.0.0/8"]),
            ProxyHeader::XForwardedFor,
        );
        assert_eq!(seen, ip("198.51.100.7"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &claim, &[], ProxyHeader::XForwardedFor),
            ip("10.0.0.1"),
            "no proxy trusted by default"
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client forged the left-most entry; our proxies appended the rest.
        let chain = headers("x-forwarded-for", &["1.1.1.1, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &chain, &trusted, ProxyHeader::XForwardedFor),
            ip("203.0.113.9")
        );
        let all_proxies = headers("x-forwarded-for", &["10.0.0.3, 10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &all_proxies, &trusted, ProxyHeader::XForwardedFor),
            ip("10.0.0.3")
        );
        let garbage = headers("x-forwarded-for", &["203.0.113.9, nonsense"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &garbage, &trusted, ProxyHeader::XForwardedFor),
            ip("10.0.0.1")
        );
        let mapped = ip("::ffff:10.0.0.1");
        assert_eq!(
            client_ip(mapped, &chain, &trusted, ProxyHeader::XForwardedFor),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn rfc_7239_forwarded_is_read_when_chosen_and_only_then() {
        let trusted = nets(&["10.0.0.0/8"]);
        let mut map = headers(
            "forwarded",
            &[
                r#"for=192.0.2.60;proto=http, For="[2001:db8:cafe::17]:4711""#,
                "for=10.0.0.2;by=10.0.0.1",
            ],
        );
        map.append("x-forwarded-for", HeaderValue::from_static("198.51.100.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &map, &trusted, ProxyHeader::Forwarded),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &map, &trusted, ProxyHeader::XForwardedFor),
            ip("198.51.100.1")
        );
        let hidden = headers("forwarded", &["for=_hidden"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &hidden, &trusted, ProxyHeader::Forwarded),
            ip("10.0.0.1")
        );
    }
}
