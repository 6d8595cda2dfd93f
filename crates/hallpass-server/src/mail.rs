//! How mail looks (templates carrying the brand) and how it travels: SMTP
//! when `smtp_url` is set, otherwise the development outbox (a page and the log).

use crate::config::{Branding, Config, Mode};
use anyhow::Context as _;
use async_trait::async_trait;
use hallpass_core::services::settings;
use hallpass_core::signin::mailer::{Mailer, Message};
use hallpass_core::store::Store;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use minijinja::{context, Environment};
use serde::Serialize;
use std::sync::{Arc, Mutex, OnceLock};

/// A message as it will be sent: plain text, and the same in branded HTML.
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Serialize)]
struct Paragraph<'a> {
    text: &'a str,
    link: bool,
}

/// The HTML part: the text's paragraphs in the branded layout, links made clickable.
fn html(env: &Environment<'_>, brand: &Branding, text: &str, code: Option<&str>) -> Result<String, String> {
    let paragraphs: Vec<Paragraph<'_>> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter(|p| code.is_none_or(|c| !p.ends_with(c)))
        .map(|p| Paragraph {
            text: p,
            link: p.starts_with("http://") || p.starts_with("https://"),
        })
        .collect();
    env.get_template("layout.html")
        .and_then(|t| t.render(context! { brand, paragraphs, code }))
        .map_err(|e| e.to_string())
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in [
        ("signup_code.txt", include_str!("../templates/mail/signup_code.txt")),
        (
            "account_exists.txt",
            include_str!("../templates/mail/account_exists.txt"),
        ),
        ("signin_code.txt", include_str!("../templates/mail/signin_code.txt")),
        ("no_account.txt", include_str!("../templates/mail/no_account.txt")),
        (
            "password_reset.txt",
            include_str!("../templates/mail/password_reset.txt"),
        ),
        ("invitation.txt", include_str!("../templates/mail/invitation.txt")),
        ("layout.html", include_str!("../templates/mail/layout.html")),
    ] {
        if let Err(err) = env.add_template(name, source) {
            tracing::error!(%err, name, "mail template does not parse");
        }
    }
    env
}

/// The mail templates, parsed once, and the brand they carry: the
/// configuration's, under the stored sign-in settings once the store is known.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    defaults: Branding,
    /// Set once at start (`Mailer::read_branding_from`): the mailer is made
    /// before the store is opened.
    store: OnceLock<Arc<dyn Store>>,
}

impl Templates {
    pub fn new(defaults: Branding) -> Templates {
        Templates {
            env: environment(),
            defaults,
            store: OnceLock::new(),
        }
    }

    fn read_branding_from(&self, store: Arc<dyn Store>) {
        // A second store would be a start-up mistake; the first one stays.
        if self.store.set(store).is_err() {
            tracing::warn!("mail branding already reads from a store");
        }
    }

    /// The message with the branding in force now (one single-row read), so a
    /// change reaches the very next mail from any node.
    pub async fn render(&self, message: &Message) -> Result<Rendered, String> {
        let brand = match self.store.get() {
            Some(store) => settings::effective_branding(store.as_ref(), &self.defaults)
                .await
                .unwrap_or_else(|err| {
                    tracing::error!(%err, "reading the sign-in settings failed; mail carries the configured branding");
                    self.defaults.clone()
                }),
            None => self.defaults.clone(),
        };
        render(&self.env, &brand, message)
    }
}

fn render(env: &Environment<'_>, brand: &Branding, message: &Message) -> Result<Rendered, String> {
    let product = &brand.product_name;
    let (template, subject, ctx) = match message {
        Message::SignupCode { code, minutes, .. } => (
            "signup_code.txt",
            format!("{code} is your {product} code"),
            context! { brand, code, minutes },
        ),
        Message::AccountExists { .. } => (
            "account_exists.txt",
            format!("You already have a {product} account"),
            context! { brand },
        ),
        Message::SignInCode {
            code, link, minutes, ..
        } => {
            let subject = match code {
                Some(code) => format!("{code} is your {product} sign-in code"),
                None => format!("Your {product} sign-in link"),
            };
            ("signin_code.txt", subject, context! { brand, code, link, minutes })
        }
        Message::NoAccount { .. } => (
            "no_account.txt",
            format!("No {product} account for this address"),
            context! { brand },
        ),
        Message::PasswordReset { link, minutes, .. } => (
            "password_reset.txt",
            format!("Reset your {product} password"),
            context! { brand, link, minutes },
        ),
        Message::Invitation {
            organization,
            link,
            days,
            ..
        } => (
            "invitation.txt",
            format!("You are invited to join {organization} on {product}"),
            context! { brand, organization, link, days },
        ),
    };
    let text = env
        .get_template(template)
        .and_then(|t| t.render(ctx))
        .map_err(|e| e.to_string())?;
    let code = match message {
        Message::SignupCode { code, .. } => Some(code.as_str()),
        Message::SignInCode { code, .. } => code.as_deref(),
        _ => None,
    };
    let html = html(env, brand, &text, code)?;
    Ok(Rendered {
        to: message.to().to_owned(),
        subject,
        text,
        html,
    })
}

/// Development: keeps the last hundred messages for `/dev/outbox` and logs each.
#[derive(Debug)]
pub struct Outbox {
    templates: Templates,
    mails: Mutex<Vec<Rendered>>,
}

impl Outbox {
    pub fn new(brand: Branding) -> Outbox {
        Outbox {
            templates: Templates::new(brand),
            mails: Mutex::new(Vec::new()),
        }
    }

    /// Newest first.
    pub fn mails(&self) -> Vec<Rendered> {
        self.mails_to(None)
    }

    /// Newest first, only those to `to` when given (compared without regard to case).
    pub fn mails_to(&self, to: Option<&str>) -> Vec<Rendered> {
        let wanted = |mail: &&Rendered| to.is_none_or(|to| mail.to.eq_ignore_ascii_case(to));
        self.mails
            .lock()
            .map(|m| m.iter().rev().filter(wanted).cloned().collect())
            .unwrap_or_default()
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, message: &Message) -> Result<(), String> {
        let rendered = self.templates.render(message).await?;
        tracing::info!(to = %rendered.to, subject = %rendered.subject, body = %rendered.text, "mail (development outbox)");
        let mut mails = self.mails.lock().map_err(|_| "outbox unavailable".to_owned())?;
        if mails.len() >= 100 {
            mails.remove(0);
        }
        mails.push(rendered);
        Ok(())
    }

    fn read_branding_from(&self, store: Arc<dyn Store>) {
        self.templates.read_branding_from(store);
    }
}

/// SMTP through lettre: `smtp://` (plain, or STARTTLS when offered with
/// `?tls=required`), `smtps://` (TLS), with `user:password@` for auth.
#[derive(Debug)]
pub struct Smtp {
    templates: Templates,
    from: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    pub fn new(url: &str, from: &str, brand: Branding) -> anyhow::Result<Smtp> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("smtp_url")?
            .build();
        let from: Mailbox = from.parse().context("signin.mail_from")?;
        Ok(Smtp {
            templates: Templates::new(brand),
            from,
            transport,
        })
    }
}

#[async_trait]
impl Mailer for Smtp {
    async fn send(&self, message: &Message) -> Result<(), String> {
        let rendered = self.templates.render(message).await?;
        let to: Mailbox = rendered.to.parse().map_err(|e| format!("recipient: {e}"))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&rendered.subject)
            .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
            .map_err(|e| e.to_string())?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
    }

    fn read_branding_from(&self, store: Arc<dyn Store>) {
        self.templates.read_branding_from(store);
    }
}

/// The mailer the configuration asks for, and the outbox when that is it.
pub struct MailSetup {
    pub mailer: Arc<dyn Mailer>,
    pub outbox: Option<Arc<Outbox>>,
}

pub fn from_config(config: &Config, mode: Mode) -> anyhow::Result<MailSetup> {
    match &config.smtp_url {
        Some(url) => {
            let smtp = Smtp::new(url.expose(), &config.signin.mail_from, config.branding.clone())?;
            Ok(MailSetup {
                mailer: Arc::new(smtp),
                outbox: None,
            })
        }
        None if mode == Mode::Development => {
            let outbox = Arc::new(Outbox::new(config.branding.clone()));
            Ok(MailSetup {
                mailer: outbox.clone(),
                outbox: Some(outbox),
            })
        }
        None => anyhow::bail!("smtp_url is required in production mode: sign-up and sign-in codes are sent by mail"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_message_renders_as_text_and_branded_html() {
        let brand = Branding {
            product_name: "Acme".into(),
            primary_color: Some("#ff0000".into()),
            ..Branding::default()
        };
        let messages = [
            Message::SignupCode {
                to: "a@example.com".into(),
                code: "123456".into(),
                minutes: 5,
            },
            Message::AccountExists {
                to: "a@example.com".into(),
            },
            Message::SignInCode {
                to: "a@example.com".into(),
                code: Some("654321".into()),
                link: Some("http://localhost:8080/login/link?token=t".into()),
                minutes: 5,
            },
            Message::NoAccount {
                to: "a@example.com".into(),
            },
            Message::Invitation {
                to: "a@example.com".into(),
                organization: "Acme".into(),
                link: "http://localhost:8080/invitations/accept?token=t".into(),
                days: 15,
            },
            Message::PasswordReset {
                to: "a@example.com".into(),
                link: "http://localhost:8080/password/reset?token=t".into(),
                minutes: 5,
            },
        ];
        let templates = Templates::new(brand);
        for message in &messages {
            let rendered = templates
                .render(message)
                .await
                .unwrap_or_else(|e| panic!("{message:?}: {e}"));
            assert!(rendered.text.contains("Acme"), "{}", rendered.text);
            assert!(
                rendered.html.contains("Acme") && rendered.html.contains("<html"),
                "{}",
                rendered.html
            );
        }
        let link = templates.render(&messages[2]).await.unwrap();
        // Attribute values are entity-escaped; a browser reads them back as written.
        let decoded = link
            .html
            .replace("&#x2f;", "/")
            .replace("&#x3d;", "=")
            .replace("&#x3f;", "?");
        assert!(
            decoded.contains("href=\"http://localhost:8080/login/link?token=t\""),
            "{}",
            link.html
        );
        assert!(link.html.contains("#ff0000"));
    }
}
