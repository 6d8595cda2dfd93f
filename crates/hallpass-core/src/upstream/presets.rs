//! What each connection type knows before any setting: the provider's real
//! endpoints and how its answers map to a Hallpass user.
//!
//! * `google`: OpenID Connect at `https://accounts.google.com` (discovery);
//!   `sub`, `email`, `email_verified`, `name` from the ID token.
//! * `microsoft` (Entra ID): OpenID Connect at
//!   `https://login.microsoftonline.com/common/v2.0` (any tenant; set `issuer`
//!   to `…/{tenant id}/v2.0` for one). Its metadata names the issuer
//!   `https://login.microsoftonline.com/{tenantid}/v2.0`: a token's `iss` must
//!   equal that template with the token's own `tid`. `sub`, `email` (else
//!   `preferred_username` when it is an address), `name`; Entra does not say
//!   an address is verified, so it links to an existing account only through
//!   an enterprise connection's domain.
//! * `github`: OAuth 2.0, not OpenID Connect: the user from `GET /user` (`id`
//!   as subject, `name` or `login`), the address from `GET /user/emails`, only
//!   the one that is both primary and verified.
//! * `oidc`: any OpenID provider, from its `issuer`'s discovery document.

use crate::store::ConnectionKind;

#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub issuer: Option<&'static str>,
    pub authorization_endpoint: Option<&'static str>,
    pub token_endpoint: Option<&'static str>,
    pub userinfo_endpoint: Option<&'static str>,
    pub scopes: &'static [&'static str],
    /// OpenID Connect (an ID token) rather than plain OAuth 2.0.
    pub openid: bool,
}

const OIDC_SCOPES: &[&str] = &["openid", "email", "profile"];

pub fn for_kind(kind: ConnectionKind) -> Preset {
    let oidc = Preset {
        issuer: None,
        authorization_endpoint: None,
        token_endpoint: None,
        userinfo_endpoint: None,
        scopes: OIDC_SCOPES,
        openid: true,
    };
    match kind {
        ConnectionKind::Oidc | ConnectionKind::Saml => oidc,
        ConnectionKind::Google => Preset {
            issuer: Some("https://accounts.google.com"),
            ..oidc
        },
        ConnectionKind::Microsoft => Preset {
            issuer: Some("https://login.microsoftonline.com/common/v2.0"),
            ..oidc
        },
        ConnectionKind::Github => Preset {
            issuer: None,
            authorization_endpoint: Some("https://github.com/login/oauth/authorize"),
            token_endpoint: Some("https://github.com/login/oauth/access_token"),
            userinfo_endpoint: Some("https://api.github.com/user"),
            scopes: &["read:user", "user:email"],
            openid: false,
        },
    }
}

/// The placeholder in Entra ID's multi-tenant issuer.
pub const TENANT_PLACEHOLDER: &str = "{tenantid}";
