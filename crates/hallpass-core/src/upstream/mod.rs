//! The relying-party side of OpenID Connect (and GitHub's OAuth 2.0): what
//! Hallpass does when another identity provider signs a user in. Core knows
//! no HTTP client: every call goes through [`Outbound`], which the server
//! implements with its HTTP client and tests answer as an IdP would.
//!
//! ID tokens are checked with `hallpass-jose` (the key named by `kid` decides
//! the algorithm; RS256, ES256 and EdDSA) and the claim rules of OpenID
//! Connect Core §3.1.3.7 in `id_token.rs`.

pub mod discovery;
pub mod id_token;
pub mod presets;

use async_trait::async_trait;

/// One outgoing HTTP request.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// `application/x-www-form-urlencoded` pairs for a POST.
    pub form: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl OutboundRequest {
    pub fn get(url: &str) -> OutboundRequest {
        OutboundRequest {
            method: Method::Get,
            url: url.to_owned(),
            headers: vec![("accept".into(), "application/json".into())],
            form: Vec::new(),
        }
    }

    pub fn post_form(url: &str, form: Vec<(String, String)>) -> OutboundRequest {
        OutboundRequest {
            method: Method::Post,
            form,
            ..OutboundRequest::get(url)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> OutboundRequest {
        self.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboundResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why an outgoing call has no answer: the IdP cannot be reached, timed out,
/// or answered something that is not HTTP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OutboundError(pub String);

/// Makes HTTP calls to identity providers. The server's implementation
/// follows no redirects, bounds the time and the size of answers.
#[async_trait]
pub trait Outbound: Send + Sync + std::fmt::Debug {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError>;
}

/// What went wrong talking to an identity provider, in words for the page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamError {
    /// Unreachable, or answered with an error status or malformed JSON.
    #[error("the identity provider could not be reached or gave no usable answer: {0}")]
    Unavailable(String),
    /// An answer that breaks the protocol: an ID token failing a check, a
    /// token response without a token.
    #[error("the identity provider's answer failed a check: {0}")]
    Invalid(String),
}

pub(crate) async fn fetch_json(
    outbound: &dyn Outbound,
    request: OutboundRequest,
) -> Result<serde_json::Value, UpstreamError> {
    let url = request.url.clone();
    let response = outbound
        .send(request)
        .await
        .map_err(|e| UpstreamError::Unavailable(format!("{url}: {e}")))?;
    if !(200..300).contains(&response.status) {
        let refusal = serde_json::from_slice::<serde_json::Value>(&response.body)
            .ok()
            .and_then(|v| {
                let error = v.get("error")?.as_str()?.to_owned();
                let description = v.get("error_description").and_then(|d| d.as_str()).unwrap_or_default();
                Some(format!("{error} {description}").trim_end().to_owned())
            });
        // An OAuth error answer (RFC 6749 §5.2) is a refusal, not an outage.
        return Err(match refusal {
            Some(refusal) if (400..500).contains(&response.status) => {
                UpstreamError::Invalid(format!("{url} refused: {refusal}"))
            }
            _ => UpstreamError::Unavailable(format!("{url} answered {}", response.status)),
        });
    }
    serde_json::from_slice(&response.body).map_err(|_| UpstreamError::Unavailable(format!("{url} did not answer JSON")))
}
