use super::StoreError;
use crate::clock::Timestamp;
use crate::crypto::SecretHash;
use crate::ids::OneTimeTokenId;
use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTimePurpose {
    SignInCode,
    MagicLink,
    EmailVerification,
    PasswordReset,
    Invitation,
    /// The state of a sign-in through an upstream IdP, bound to the browser.
    SsoState,
    /// A SAML AuthnRequest in flight, found by its RelayState at the ACS.
    SamlRequest,
    /// A verified SAML assertion waiting for its browser, found by a one-time handle. Its id is
    /// derived from the connection and the assertion ID, so a second issue of the same
    /// assertion is a conflict: the replay check.
    SamlAssertion,
}

impl OneTimePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            OneTimePurpose::SignInCode => "sign_in_code",
            OneTimePurpose::MagicLink => "magic_link",
            OneTimePurpose::EmailVerification => "email_verification",
            OneTimePurpose::PasswordReset => "password_reset",
            OneTimePurpose::Invitation => "invitation",
            OneTimePurpose::SsoState => "sso_state",
            OneTimePurpose::SamlRequest => "saml_request",
            OneTimePurpose::SamlAssertion => "saml_assertion",
        }
    }

    pub fn parse(value: &str) -> Option<OneTimePurpose> {
        use OneTimePurpose::*;
        [
            SignInCode,
            MagicLink,
            EmailVerification,
            PasswordReset,
            Invitation,
            SsoState,
            SamlRequest,
            SamlAssertion,
        ]
        .into_iter()
        .find(|p| p.as_str() == value)
    }
}

/// An email code, magic link or invitation. Only the hash of the secret is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct OneTimeToken {
    pub id: OneTimeTokenId,
    pub purpose: OneTimePurpose,
    /// Normalized address the token was sent to.
    pub email: String,
    pub hash: SecretHash,
    /// What the flow needs back when the token is redeemed.
    pub payload: serde_json::Value,
    pub attempts: u32,
    pub max_attempts: u32,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub consumed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Redemption {
    Redeemed(OneTimeToken),
    /// Used, voided by a newer one, or out of attempts.
    Used,
    Expired,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CodeAttempt {
    Accepted(OneTimeToken),
    Wrong {
        attempts_left: u32,
    },
    /// No live code for that address (never sent, expired, used or out of attempts).
    NoLiveCode,
}

/// The rules of one guess at a live code, which both stores apply between
/// their locked read and their write: the token as it must be written back
/// (`attempts`, `consumed_at`), and the answer. A right guess consumes the
/// code; a wrong one counts, and the last allowed wrong one voids it. The
/// comparison is constant-time, so timing cannot tell how close a guess was.
pub fn attempt_code(mut live: OneTimeToken, presented: &SecretHash, now: Timestamp) -> (OneTimeToken, CodeAttempt) {
    if live.hash.ct_eq(presented) {
        live.consumed_at = Some(now);
        return (live.clone(), CodeAttempt::Accepted(live));
    }
    live.attempts = live.attempts.saturating_add(1);
    if live.attempts >= live.max_attempts {
        live.consumed_at = Some(now);
    }
    let attempts_left = live.max_attempts.saturating_sub(live.attempts);
    (live, CodeAttempt::Wrong { attempts_left })
}

#[async_trait]
pub trait OneTimeStore: Send + Sync {
    /// Stores the token and voids every earlier live token of the same purpose
    /// for the same address ("resend voids the old one"). An id stored before, even
    /// consumed or expired, is `StoreError::Conflict` and changes nothing (SAML's replay
    /// check relies on it).
    async fn issue_one_time_token(&self, token: &OneTimeToken) -> Result<(), StoreError>;
    /// Consumes a link-style token by its hash; exactly one concurrent caller wins.
    async fn redeem_one_time_token(
        &self,
        purpose: OneTimePurpose,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<Redemption, StoreError>;
    /// Checks a typed code against the address's live code: a match consumes
    /// it, a miss spends an attempt, the last miss voids it.
    async fn attempt_one_time_code(
        &self,
        purpose: OneTimePurpose,
        email: &str,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<CodeAttempt, StoreError>;
}
