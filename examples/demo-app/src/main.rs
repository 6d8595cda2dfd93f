//! The demo app: signs its users in with Hallpass through the SDK.
//!
//! So far it starts the flow (`/login` redirects to Hallpass with PKCE, state
//! and nonce kept in an HttpOnly cookie). The callback, the dashboard and
//! sign-out arrive with the SDK's token exchange and verification.

use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hallpass_sdk::AuthorizationRequest;
use std::sync::Arc;

struct Settings {
    issuer: String,
    client_id: String,
    base_url: String,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = Arc::new(Settings {
        issuer: env_or("HALLPASS_ISSUER", "http://localhost:8080"),
        client_id: env_or("DEMO_CLIENT_ID", ""),
        base_url: env_or("DEMO_BASE_URL", "http://localhost:3000")
            .trim_end_matches('/')
            .to_owned(),
    });
    let listen = env_or("DEMO_LISTEN", "127.0.0.1:3000");
    if settings.client_id.is_empty() {
        eprintln!("error: set DEMO_CLIENT_ID (and DEMO_CLIENT_SECRET) to a client made with `hallpass clients create`");
        return std::process::ExitCode::FAILURE;
    }
    let app = Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .with_state(settings);
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on {listen}: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("demo app on http://{listen}");
    match axum::serve(listener, app).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn home() -> Html<&'static str> {
    Html("<!doctype html><title>Demo app</title><h1>Demo app</h1><p><a href=\"/login\">Sign in with Hallpass</a></p>")
}

async fn login(State(settings): State<Arc<Settings>>) -> Response {
    let redirect_uri = format!("{}/callback", settings.base_url);
    match AuthorizationRequest::new(&settings.issuer, &settings.client_id, &redirect_uri).build() {
        Ok(auth) => {
            let cookie = format!(
                "demo_auth={}.{}.{}; HttpOnly; SameSite=Lax; Path=/callback; Max-Age=600",
                auth.state, auth.nonce, auth.pkce.verifier
            );
            (StatusCode::FOUND, [(LOCATION, auth.url), (SET_COOKIE, cookie)]).into_response()
        }
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot build the sign-in URL: {err}"),
        )
            .into_response(),
    }
}
