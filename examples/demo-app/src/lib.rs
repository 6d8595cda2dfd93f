//! The demo app: the integration from the product brief. A landing page with
//! sign-in, the callback (the SDK's), a dashboard with the user's name, email,
//! organization, roles and decoded tokens, and sign-out.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_sdk::axum::{HallpassAuth, MaybeSession, Session};
use minijinja::{context, Environment};
use std::sync::OnceLock;

/// The app's routes: its pages, and the SDK's sign-in routes.
pub fn app(auth: HallpassAuth) -> Router {
    let pages = Router::new()
        .route("/", get(home))
        .route("/dashboard", get(dashboard))
        .merge(auth.routes());
    auth.protect(pages)
}

fn templates() -> &'static Environment<'static> {
    static TEMPLATES: OnceLock<Environment<'static>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut env = Environment::new();
        let parsed = [
            ("layout.html", include_str!("../templates/layout.html")),
            ("home.html", include_str!("../templates/home.html")),
            ("dashboard.html", include_str!("../templates/dashboard.html")),
        ]
        .into_iter()
        .try_for_each(|(name, source)| env.add_template(name, source));
        if let Err(err) = parsed {
            eprintln!("error: a demo template does not parse: {err}");
        }
        env
    })
}

fn render(name: &str, ctx: minijinja::Value) -> Response {
    match templates().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => Html(html).into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, format!("template {name}: {err}")).into_response(),
    }
}

async fn home(MaybeSession(session): MaybeSession) -> Response {
    let user = session.map(|s| s.user);
    render("home.html", context! { user })
}

async fn dashboard(session: Session) -> Response {
    let id_token = session.tokens.id_token.as_deref().map(decoded_payload);
    let access_token = decoded_payload(&session.tokens.access_token);
    render(
        "dashboard.html",
        context! {
            user => session.user,
            organization => session.claims.oid,
            roles => session.claims.roles,
            permissions => session.claims.permissions,
            expires_at => session.tokens.expires_at,
            id_token,
            access_token,
        },
    )
}

/// A JWT's claims, pretty-printed for display (the SDK validated the token).
fn decoded_payload(token: &str) -> String {
    token
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| "(not a JWT)".into())
}

/// Settings from the environment, as the README gives them.
pub struct Settings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub base_url: String,
    pub listen: String,
    pub cookie_secret: Vec<u8>,
}

/// Builds the app for `settings`: discovers the issuer, then the routes.
pub async fn build(settings: &Settings) -> Result<Router, String> {
    let client =
        hallpass_sdk::Client::discover(&settings.issuer, &settings.client_id, settings.client_secret.as_deref())
            .await
            .map_err(|e| format!("cannot reach Hallpass at {}: {e}", settings.issuer))?;
    let auth = HallpassAuth::new(client, &settings.cookie_secret, &settings.base_url).map_err(|e| e.to_string())?;
    Ok(app(auth))
}
