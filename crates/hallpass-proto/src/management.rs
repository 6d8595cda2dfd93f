//! Management API bodies (`/api/v1`), also what the CLI prints with `--json`.
//! Times are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};

/// A page of a list: `next_cursor` is passed back as `after` for the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub struct CreatedClient {
    #[serde(flatten)]
    pub client: Client,
    pub client_secret: Option<String>,
}

/// A client with the ids of its secrets (never the secrets themselves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientDetails {
    #[serde(flatten)]
    pub client: Client,
    pub secrets: Vec<SecretInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub secret_id: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSecret {
    pub client_id: String,
    pub secret_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
