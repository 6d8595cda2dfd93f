//! What Hallpass sends by mail. The server decides how it looks (templates,
//! branding) and how it travels (SMTP, or the development outbox).

use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The code that confirms a new account's address.
    SignupCode { to: String, code: String, minutes: u64 },
    /// Someone tried to sign up with an address that already has an account.
    AccountExists { to: String },
    /// A sign-in code, a magic link, or both (as the enabled methods say).
    SignInCode {
        to: String,
        code: Option<String>,
        link: Option<String>,
        minutes: u64,
    },
    /// Someone asked for a sign-in code for an address without an account.
    NoAccount { to: String },
    /// A link to choose a new password.
    PasswordReset { to: String, link: String, minutes: u64 },
    /// An invitation to join an organization.
    Invitation {
        to: String,
        organization: String,
        link: String,
        days: u64,
    },
}

impl Message {
    pub fn to(&self) -> &str {
        match self {
            Message::SignupCode { to, .. }
            | Message::AccountExists { to }
            | Message::SignInCode { to, .. }
            | Message::NoAccount { to }
            | Message::PasswordReset { to, .. }
            | Message::Invitation { to, .. } => to,
        }
    }
}

#[async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    /// Delivers the message, or says why it could not.
    async fn send(&self, message: &Message) -> Result<(), String>;

    /// Tells a mailer whose look follows the stored sign-in settings
    /// (`services::settings`) where to read them at each send. Called once the
    /// node has opened its store, which is after the mailer is made. Mailers
    /// that ignore branding need not care.
    fn read_branding_from(&self, _store: std::sync::Arc<dyn crate::store::Store>) {}
}
