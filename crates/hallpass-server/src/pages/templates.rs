use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hallpass_core::services::settings::SignInSettings;
use minijinja::Environment;
use serde::Serialize;

/// The pages' policy: their own stylesheets and images, nothing else, never framed.
/// (No `form-action`: a sign-in form's redirect chain ends at the app's
/// callback, which browsers would otherwise block.)
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'";

/// The page templates, parsed once. The branding and methods they show are
/// the request's ([`Pages::with`]), never fixed at start.
#[derive(Debug)]
pub struct Pages {
    env: Environment<'static>,
    /// Whether sign-up asks for a name.
    ask_name: bool,
}

/// The templates with one request's sign-in settings.
#[derive(Clone, Copy)]
pub struct PageView<'a> {
    pages: &'a Pages,
    settings: &'a SignInSettings,
}

impl Pages {
    pub fn new(ask_name: bool) -> anyhow::Result<Pages> {
        let mut env = Environment::new();
        for (name, source) in [
            ("base.html", include_str!("../../templates/base.html")),
            ("home.html", include_str!("../../templates/home.html")),
            ("login.html", include_str!("../../templates/login.html")),
            ("logout.html", include_str!("../../templates/logout.html")),
            ("signup.html", include_str!("../../templates/signup.html")),
            ("verify.html", include_str!("../../templates/verify.html")),
            ("message.html", include_str!("../../templates/message.html")),
            ("account.html", include_str!("../../templates/account.html")),
            ("outbox.html", include_str!("../../templates/outbox.html")),
            ("code.html", include_str!("../../templates/code.html")),
            ("link.html", include_str!("../../templates/link.html")),
            ("forgot.html", include_str!("../../templates/forgot.html")),
            ("reset.html", include_str!("../../templates/reset.html")),
            ("organizations.html", include_str!("../../templates/organizations.html")),
            ("consent.html", include_str!("../../templates/consent.html")),
            ("invitation.html", include_str!("../../templates/invitation.html")),
            ("connections.html", include_str!("../../templates/connections.html")),
        ] {
            env.add_template(name, source)?;
        }
        Ok(Pages { env, ask_name })
    }

    pub fn with<'a>(&'a self, settings: &'a SignInSettings) -> PageView<'a> {
        PageView { pages: self, settings }
    }
}

impl PageView<'_> {
    /// Renders `template` with `context` plus the brand. A template error is
    /// logged and answered with a plain page, never a panic.
    pub fn render<C: Serialize>(&self, status: StatusCode, template: &str, context: C) -> Response {
        let ctx = minijinja::context! {
            brand => &self.settings.branding,
            methods => self.settings.methods,
            ask_name => self.pages.ask_name,
            theme => theme_version(self.settings),
            ..minijinja::Value::from_serialize(&context)
        };
        match self.pages.env.get_template(template).and_then(|t| t.render(ctx)) {
            Ok(html) => {
                let mut response = (status, [(CACHE_CONTROL, "no-store")], Html(html)).into_response();
                response
                    .headers_mut()
                    .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
                response
            }
            Err(err) => {
                tracing::error!(%err, template, "page failed to render");
                crate::http::page::render(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Please try again.",
                )
            }
        }
    }

    pub fn message(&self, status: StatusCode, title: &str, message: &str) -> Response {
        self.render(status, "message.html", minijinja::context! { title, message })
    }
}

/// What the theme stylesheet's URL carries so a browser's cached copy never
/// outlives a colour change: the colour's hex digits (checked, so URL-safe).
fn theme_version(settings: &SignInSettings) -> String {
    match &settings.branding.primary_color {
        Some(color) if hallpass_core::services::settings::is_hex_color(color) => color[1..].to_owned(),
        _ => "default".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_renders() {
        let all = hallpass_core::signin::Methods {
            password: true,
            email_code: true,
            magic_link: true,
        };
        let settings = SignInSettings {
            branding: Default::default(),
            methods: all,
        };
        let pages = Pages::new(true).unwrap();
        let ctx = minijinja::context! { csrf => "t", return_to => "/account", email => "a@example.com", name => "", minutes => 5, title => "T", message => "M", mails => Vec::<String>::new(), token => "t", user => minijinja::context!{ email => "a@example.com", has_password => true }, sessions => vec![minijinja::context!{ id => "ses_x", device => "Chrome", current => false }] };
        for template in [
            "home.html",
            "login.html",
            "logout.html",
            "signup.html",
            "verify.html",
            "message.html",
            "account.html",
            "outbox.html",
            "code.html",
            "link.html",
            "forgot.html",
            "reset.html",
        ] {
            let rendered = pages
                .env
                .get_template(template)
                .and_then(|t| t.render(minijinja::context! { brand => &settings.branding, methods => settings.methods, ask_name => true, ..ctx.clone() }));
            assert!(rendered.is_ok(), "{template}: {:?}", rendered.err());
        }
    }
}
