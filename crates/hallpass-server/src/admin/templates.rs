//! The console's templates and how a page is answered: its own layout and
//! stylesheet (and one small script), with a CSP that allows only those.

use super::session::Admin;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{context, Environment, Value};
use serde::Serialize;

const CONSOLE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TEMPLATES: &[(&str, &str)] = &[
    ("admin/layout.html", include_str!("../../templates/admin/layout.html")),
    ("admin/message.html", include_str!("../../templates/admin/message.html")),
    ("admin/confirm.html", include_str!("../../templates/admin/confirm.html")),
    ("admin/secret.html", include_str!("../../templates/admin/secret.html")),
    (
        "admin/overview.html",
        include_str!("../../templates/admin/overview.html"),
    ),
    (
        "admin/applications.html",
        include_str!("../../templates/admin/applications.html"),
    ),
    (
        "admin/application.html",
        include_str!("../../templates/admin/application.html"),
    ),
    ("admin/users.html", include_str!("../../templates/admin/users.html")),
    ("admin/user.html", include_str!("../../templates/admin/user.html")),
    (
        "admin/organizations.html",
        include_str!("../../templates/admin/organizations.html"),
    ),
    (
        "admin/organization.html",
        include_str!("../../templates/admin/organization.html"),
    ),
    ("admin/roles.html", include_str!("../../templates/admin/roles.html")),
    (
        "admin/resources.html",
        include_str!("../../templates/admin/resources.html"),
    ),
    (
        "admin/resource.html",
        include_str!("../../templates/admin/resource.html"),
    ),
    (
        "admin/directory_token.html",
        include_str!("../../templates/admin/directory_token.html"),
    ),
    (
        "admin/settings.html",
        include_str!("../../templates/admin/settings.html"),
    ),
    ("admin/keys.html", include_str!("../../templates/admin/keys.html")),
    ("admin/audit.html", include_str!("../../templates/admin/audit.html")),
];

/// The console's pages.
#[derive(Debug)]
pub struct Console {
    env: Environment<'static>,
    product_name: String,
}

impl Console {
    pub fn new(product_name: &str) -> anyhow::Result<Console> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(Console {
            env,
            product_name: product_name.to_owned(),
        })
    }

    fn answer(&self, status: StatusCode, template: &str, ctx: Value) -> Response {
        match self.env.get_template(template).and_then(|t| t.render(ctx)) {
            Ok(html) => {
                let mut response = (status, [(CACHE_CONTROL, "no-store")], Html(html)).into_response();
                response
                    .headers_mut()
                    .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONSOLE_CSP));
                response
            }
            Err(err) => {
                tracing::error!(%err, template, "console page failed to render");
                crate::http::page::render(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Please try again.",
                )
            }
        }
    }

    /// A page for the signed-in `admin`, in section `section` of the navigation.
    pub fn page<C: Serialize>(
        &self,
        status: StatusCode,
        template: &str,
        admin: &Admin,
        section: &str,
        ctx: C,
    ) -> Response {
        let ctx = context! {
            product => &admin.product,
            admin_email => admin.user.email.as_str(),
            csrf => &admin.csrf,
            section,
            ..Value::from_serialize(&ctx)
        };
        self.answer(status, template, ctx)
    }

    /// A page without the navigation: sign-in problems, refusals.
    pub fn message(&self, status: StatusCode, title: &str, message: &str) -> Response {
        self.answer(
            status,
            "admin/message.html",
            context! { product => &self.product_name, title, message },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        assert!(Console::new("Hallpass").is_ok());
    }
}
