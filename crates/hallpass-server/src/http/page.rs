//! Minimal server-rendered pages for the protocol endpoints (error, signed
//! out). They carry their own strict CSP: inline styles only, no script.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}\
         @media (prefers-color-scheme: dark){{body{{background:#111;color:#eee}}}}</style></head>\
         <body><main><h1>{title}</h1><p role=\"status\">{message}</p></main></body></html>",
        title = escape(title),
        message = escape(message),
    );
    (
        status,
        [(CONTENT_SECURITY_POLICY, PAGE_CSP), (CACHE_CONTROL, "no-store")],
        Html(body),
    )
        .into_response()
}
