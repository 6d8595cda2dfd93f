use super::StoreError;
use crate::clock::Timestamp;
use async_trait::async_trait;

/// What an operator changed from the configuration's sign-in settings, one
/// row for the whole installation. `None` everywhere means "as configured";
/// for the optional texts (logo, colour, support address) `Some("")` means
/// "none", even where the configuration names one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInOverrides {
    pub product_name: Option<String>,
    pub logo_url: Option<String>,
    pub primary_color: Option<String>,
    pub support_email: Option<String>,
    pub password: Option<bool>,
    pub email_code: Option<bool>,
    pub magic_link: Option<bool>,
}

/// The stored overrides and their version: 0 before the first change, one
/// more at each change, so an update can refuse to write over one it did not see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredSignInSettings {
    pub overrides: SignInOverrides,
    pub version: i64,
    pub updated_at: Option<Timestamp>,
}

#[async_trait]
pub trait SignInSettingsStore: Send + Sync {
    /// The overrides (all `None`, version 0, when none were ever stored).
    async fn get_signin_settings(&self) -> Result<StoredSignInSettings, StoreError>;
    /// Replaces the overrides if the stored version is still `expected_version`,
    /// making it `expected_version + 1`; `false` (nothing written) if another
    /// change came first.
    async fn put_signin_settings(
        &self,
        expected_version: i64,
        overrides: &SignInOverrides,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
}
