//! What a browser sees at an address or with a method Hallpass does not
//! serve: a page in the hosted layout with a way back, never JSON. Programs
//! (no `text/html` in `Accept`) keep the JSON error.

use super::PageState;
use crate::http::error::ApiError;
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub(crate) fn is_browser(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

pub async fn not_found(state: PageState, headers: HeaderMap) -> Response {
    if !is_browser(&headers) {
        return ApiError::not_found("resource").into_response();
    }
    state.pages().message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is nothing at this address. It may have been mistyped or moved.",
    )
}

pub async fn method_not_allowed(state: PageState, headers: HeaderMap) -> Response {
    if !is_browser(&headers) {
        let description = "this address does not take this method";
        return ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", description).into_response();
    }
    state.pages().message(
        StatusCode::METHOD_NOT_ALLOWED,
        "This page cannot be opened this way",
        "It answers a form. Start again from the page that showed the form.",
    )
}
