//! Layers every response passes through: request ids, tracing, security headers.

use super::request_id::MakeCountedRequestId;
use crate::config::Mode;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Request};
use axum::Router;
use tower_http::request_id::{PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The default policy for responses that set none of their own: nothing may
/// load, nothing may frame us. Hosted pages send their own (still strict) one.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, mode: Mode) -> Router<S> {
    let headers = [
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (REFERRER_POLICY, "no-referrer"),
        (X_FRAME_OPTIONS, "DENY"),
        (CONTENT_SECURITY_POLICY, DEFAULT_CSP),
    ];
    let mut router = router;
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if mode == Mode::Production {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or("-");
            let method = super::metrics::method_label(request.method());
            let path = loggable_path(request.uri().path());
            tracing::info_span!("request", request_id = %id, method, path)
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    // Outermost last: the id is set first, then traced, then copied to the response.
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeCountedRequestId::new()))
}

/// A path as logged: at most 256 bytes, so a client cannot make every log
/// line as long as the longest URI the server accepts.
fn loggable_path(path: &str) -> &str {
    const MAX: usize = 256;
    if path.len() <= MAX {
        return path;
    }
    let mut end = MAX;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn long_paths_are_cut_on_a_character_boundary() {
        assert_eq!(loggable_path("/healthz"), "/healthz");
        let long = format!("/{}", "é".repeat(200));
        let cut = loggable_path(&long);
        assert!(cut.len() <= 256 && cut.len() >= 254, "{}", cut.len());
        assert!(long.starts_with(cut));
    }
}
