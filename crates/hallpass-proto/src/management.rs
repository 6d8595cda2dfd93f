//! Management API bodies (`/api/v1`), also what the CLI prints with `--json`.
//! Times are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};

/// A page of a list: `next_cursor` is passed back as `after` for the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    pub client_id: String,
    pub name: String,
    /// `confidential` or `public`.
    pub client_type: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub initiate_login_uri: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub native: bool,
    pub scopes: Vec<String>,
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_signed_response_alg: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A client as first registered: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedClient {
    #[serde(flatten)]
    pub client: Client,
    pub client_secret: Option<String>,
}

/// A client with the ids of its secrets (never the secrets themselves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientDetails {
    #[serde(flatten)]
    pub client: Client,
    pub secrets: Vec<SecretInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretInfo {
    pub secret_id: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientSecret {
    pub client_id: String,
    pub secret_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub has_password: bool,
    pub external_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningKey {
    pub kid: String,
    pub alg: String,
    /// `active` or `retired`.
    pub status: String,
    pub created_at: String,
    pub retired_at: Option<String>,
    /// When a retired key leaves the JWKS.
    pub unpublish_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub external_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Role {
    pub id: String,
    /// Set for an organization's custom role; absent for environment roles.
    pub organization_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    /// `resource:action`, sorted.
    pub permissions: Vec<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub organization_id: String,
    pub user_id: String,
    /// `active`, `pending`, `expired` or `suspended` (by the organization's
    /// SCIM directory: kept with its roles, but granting nothing).
    pub status: String,
    /// Role names.
    pub roles: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub amr: Vec<String>,
    pub created_at: String,
    pub last_active_at: String,
    pub expires_at: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    /// Dotted name: `user.created`, `organization.updated`, `session.revoked`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// A user id, a client id, a directory id (SCIM provisioning), or `cli`.
    pub actor: Option<String>,
    pub user_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// For changes: `before` and `after`.
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub name: Option<String>,
    pub password: Option<String>,
    #[serde(default)]
    pub email_verified: bool,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub name: Option<String>,
    pub email_verified: Option<bool>,
    pub external_id: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub external_id: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub external_id: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// Adds a member, or replaces their roles. Without `roles`, a new member
/// gets `admin` if they are the organization's first, otherwise `member`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PutMembership {
    pub roles: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// `ES256`, `RS256` or `EdDSA`.
    pub algorithm: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    /// Role names given on acceptance; empty: the default for new members.
    pub roles: Vec<String>,
    pub client_id: Option<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub invited_by: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub accepted_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    pub email: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// The app to send the invitee to afterwards (it must have an
    /// `initiate_login_uri`); without one they land on their account page.
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    pub name: String,
    /// `confidential` (default) or `public` (no secret; PKCE).
    pub client_type: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    pub initiate_login_uri: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    #[serde(default)]
    pub native: bool,
    /// Scopes the client holds for client_credentials (e.g. `hallpass:admin`).
    #[serde(default)]
    pub scopes: Vec<String>,
    pub access_token_ttl_secs: Option<u32>,
    /// `ES256` (default), `RS256` or `EdDSA`.
    pub id_token_signed_response_alg: Option<String>,
}

/// Fields to change; a list given replaces the list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateClient {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub initiate_login_uri: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_signed_response_alg: Option<String>,
}

/// Session limits in seconds: how long without activity, and how long at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionPolicy {
    pub idle_timeout_secs: u32,
    pub absolute_timeout_secs: u32,
}

/// A connection to an upstream identity provider. Secrets are never shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connection {
    pub id: String,
    /// `oidc`, `saml`, `google`, `microsoft` or `github`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The organization of an enterprise connection; `null` for a social one.
    pub organization_id: Option<String>,
    pub name: String,
    pub domains: Vec<String>,
    pub enabled: bool,
    /// Members of the organization may sign in only through SSO.
    pub sso_required: bool,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    /// What to register at the IdP as the redirect (callback) URI; for SAML, the ACS URL.
    pub redirect_uri: String,
    /// SAML: Hallpass's entity id for this connection (the Audience the IdP must name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sp_entity_id: Option<String>,
    /// SAML: the Assertion Consumer Service, where the IdP POSTs its responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acs_url: Option<String>,
    /// SAML: Hallpass's SP metadata XML (public), for IdPs that import it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sp_metadata_url: Option<String>,
    /// SAML: the IdP's entity id (the Issuer of its responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_entity_id: Option<String>,
    /// SAML: where AuthnRequests are sent (HTTP-Redirect binding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_sso_url: Option<String>,
    /// SAML: the IdP's signing certificates (base64 DER); two during a rollover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub idp_certificates: Vec<String>,
    /// SAML: the client whose `initiate_login_uri` receives users who start at the IdP;
    /// without one, IdP-initiated responses are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_initiated_client_id: Option<String>,
    /// SAML: Hallpass's certificate for this connection (base64 DER), published in SP metadata
    /// for encryption (and signing when `sign_authn_requests`); its private key is never shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sp_certificate: Option<String>,
    /// SAML: AuthnRequests are signed (HTTP-Redirect, RSA-SHA256) with the SP key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_authn_requests: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
}

/// A new connection, or (every field optional) the changes to one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectionBody {
    /// `oidc`, `saml`, `google`, `microsoft` or `github`; required at creation.
    /// `saml` only for an organization.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    /// Email domains (enterprise connections only), unique across connections.
    pub domains: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub sso_required: Option<bool>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Write-only.
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    /// SAML: the IdP's metadata XML; sets its entity id, SSO URL and certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_metadata_xml: Option<String>,
    /// SAML, without metadata: the IdP's entity id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_entity_id: Option<String>,
    /// SAML, without metadata: the IdP's SSO URL (HTTP-Redirect binding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_sso_url: Option<String>,
    /// SAML, without metadata: the IdP's signing certificate (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_certificate: Option<String>,
    /// SAML: a second signing certificate accepted beside the first, while the IdP rolls its
    /// key over (PEM); `""` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_secondary_certificate: Option<String>,
    /// SAML: accept IdP-initiated sign-ins, sending the user to this client's
    /// `initiate_login_uri`; `""` turns them off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_initiated_client_id: Option<String>,
    /// SAML: Hallpass's RSA private key for this connection (PEM, at least 2048 bits), which
    /// decrypts encrypted assertions and signs AuthnRequests. Write-only: sealed under the master
    /// key. Given together with `sp_certificate`; both `""` remove the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sp_private_key: Option<String>,
    /// SAML: the certificate of `sp_private_key` (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sp_certificate: Option<String>,
    /// SAML: sign AuthnRequests with the SP key (needs the key pair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_authn_requests: Option<bool>,
}

/// A SCIM directory of an organization: its identity provider provisions
/// users and groups at `scim_base_url` with the bearer token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directory {
    /// `dir_…`
    pub id: String,
    pub organization_id: String,
    pub name: String,
    /// What the identity provider is given as the SCIM base URL (tenant URL).
    pub scim_base_url: String,
    /// Group display name → role name given to its members.
    pub group_roles: std::collections::BTreeMap<String, String>,
    pub created_at: String,
    pub updated_at: String,
    /// The bearer token, only in the answer that made it (creation or
    /// `POST /directories/{id}/token`); only its hash is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDirectory {
    pub name: String,
    /// Group display name → role name (an existing role of the organization).
    #[serde(default)]
    pub group_roles: std::collections::BTreeMap<String, String>,
}

/// A resource server (an API or an MCP server): access tokens asked for it
/// with `resource` (RFC 8707) carry its `identifier` as `aud` and only its scopes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resource {
    /// `res_…`
    pub id: String,
    /// The URL clients send as `resource`, e.g. `https://mcp.example.com/mcp`.
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub access_token_ttl_secs: Option<u32>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateResource {
    /// An https URL (http on a loopback host) without a fragment.
    pub identifier: String,
    pub name: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Overrides the client's and the configured lifetime (60 to 86400).
    pub access_token_ttl_secs: Option<u32>,
}

/// Fields to change; a list given replaces the list; `access_token_ttl_secs: null` keeps it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateResource {
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub access_token_ttl_secs: Option<u32>,
}

/// The installation's sign-in settings in force (`/api/v1/settings/sign-in`):
/// the configuration's, under the changes stored in the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInSettings {
    pub branding: Branding,
    pub methods: SignInMethods,
    /// The settings stored in the database, which win over the configuration:
    /// `branding.product_name`, `branding.logo_url`, `branding.primary_color`,
    /// `branding.support_email`, `methods.password`, `methods.email_code`, `methods.magic_link`.
    pub overridden: Vec<String>,
    /// What the configuration says: what every setting not overridden follows.
    pub defaults: SignInDefaults,
}

/// The configuration's sign-in settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInDefaults {
    pub branding: Branding,
    pub methods: SignInMethods,
}

/// How the hosted pages and mail present themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branding {
    pub product_name: String,
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub primary_color: Option<String>,
    pub support_email: Option<String>,
}

/// Which ways of signing in the hosted pages offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInMethods {
    pub password: bool,
    pub email_code: bool,
    pub magic_link: bool,
}

/// A change to the sign-in settings: an absent field stays as it is; `null`
/// forgets the stored value, so the configuration's applies again; `""` for
/// `logo_url`, `primary_color` or `support_email` means "none", even where
/// the configuration names one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSignInSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<UpdateBranding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<UpdateSignInMethods>,
}

/// Branding to change: absent stays, `null` returns to the configuration's, a value is stored
/// (`""` for the logo, colour or support address: none). In Rust: `None`, `Some(None)`, `Some(Some(v))`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBranding {
    /// 1 to 64 characters.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub product_name: Option<Option<String>>,
    /// `https` (`http` only for a loopback host).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub logo_url: Option<Option<String>>,
    /// `#rrggbb`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub primary_color: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub support_email: Option<Option<String>>,
}

/// Methods to turn on or off: absent stays, `null` returns to the configuration's. At least
/// one method must stay on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSignInMethods {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub password: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub email_code: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub magic_link: Option<Option<bool>>,
}

/// A field that is present: `null` becomes `Some(None)`, told apart from an
/// absent one (`None`, through `#[serde(default)]`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod sign_in_settings_tests {
    use super::*;

    #[test]
    fn absent_null_and_a_value_stay_apart() {
        let update: UpdateSignInSettings =
            serde_json::from_str(r#"{"branding": {"product_name": "Acme", "logo_url": null}, "methods": {}}"#).unwrap();
        let branding = update.branding.clone().unwrap();
        assert_eq!(branding.product_name, Some(Some("Acme".into())));
        assert_eq!(branding.logo_url, Some(None));
        assert_eq!(branding.primary_color, None);
        assert_eq!(update.methods, Some(UpdateSignInMethods::default()));
        // What a client sends reads back the same.
        let again: UpdateSignInSettings = serde_json::from_str(&serde_json::to_string(&update).unwrap()).unwrap();
        assert_eq!(again, update);
    }
}
