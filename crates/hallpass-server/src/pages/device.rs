//! Who is asking: the client's address and user agent, for sessions, the
//! audit trail and the rate limits.

use super::forwarded::client_ip;
use super::HostedPages;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use hallpass_core::sessions::Device;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

pub struct ClientDevice(pub Device);

impl<S: Send + Sync> FromRequestParts<S> for ClientDevice
where
    Arc<HostedPages>: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let pages = Arc::<HostedPages>::from_ref(state);
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| {
                client_ip(peer.ip(), &parts.headers, &pages.trusted_proxies, pages.proxy_header).to_string()
            });
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(512).collect());
        Ok(ClientDevice(Device { user_agent, ip }))
    }
}
