//! The outgoing HTTP calls of upstream sign-in (discovery, JWKS, token
//! exchange, userinfo), on the same reqwest client settings as the
//! back-channel sender: no redirects followed, a time bound, and answers
//! read up to a size limit so an IdP cannot make a node hold gigabytes.

use async_trait::async_trait;
use hallpass_core::upstream::{Method, Outbound, OutboundError, OutboundRequest, OutboundResponse};
use std::time::Duration;

const MAX_ANSWER_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct HttpOutbound {
    client: reqwest::Client,
}

impl HttpOutbound {
    pub fn new() -> HttpOutbound {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        HttpOutbound { client }
    }
}

impl Default for HttpOutbound {
    fn default() -> Self {
        HttpOutbound::new()
    }
}

#[async_trait]
impl Outbound for HttpOutbound {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        let mut builder = match request.method {
            Method::Get => self.client.get(&request.url),
            Method::Post => self.client.post(&request.url).form(&request.form),
        };
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let mut response = builder.send().await.map_err(|e| OutboundError(e.to_string()))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| OutboundError(e.to_string()))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(OutboundError("the answer is too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(OutboundResponse { status, body })
    }
}
