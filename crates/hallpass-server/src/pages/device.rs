//! Who is asking: the client's address and user agent, for sessions and the audit trail.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use hallpass_core::sessions::Device;
use std::convert::Infallible;
use std::net::SocketAddr;

pub struct ClientDevice(pub Device);

impl<S: Send + Sync> FromRequestParts<S> for ClientDevice {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(512).collect());
        Ok(ClientDevice(Device { user_agent, ip }))
    }
}
