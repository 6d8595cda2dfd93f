//! Client authentication at the token, revocation and introspection endpoints:
//! `client_secret_basic`, `client_secret_post`, or none for public clients.

use super::OAuthError;
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::ids::ClientId;
use crate::store::{Client, ClientKind};

/// How a request presented its client, as the HTTP edge found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// `Authorization: Basic` (RFC 6749 §2.3.1).
    Basic { client_id: String, secret: String },
    /// `client_id` and `client_secret` in the form body.
    Post { client_id: String, secret: String },
    /// Only `client_id`: a public client.
    IdOnly { client_id: String },
}

impl Presented {
    pub fn client_id(&self) -> &str {
        match self {
            Presented::Basic { client_id, .. }
            | Presented::Post { client_id, .. }
            | Presented::IdOnly { client_id } => client_id,
        }
    }

    fn secret(&self) -> Option<&str> {
        match self {
            Presented::Basic { secret, .. } | Presented::Post { secret, .. } => Some(secret.as_str()),
            Presented::IdOnly { .. } => None,
        }
    }
}

/// Returns the client if it proved who it is. Every failure is the same
/// `invalid_client` the endpoint answers with 401.
pub async fn authenticate(ctx: &Context, presented: &Presented) -> Result<Client, OAuthError> {
    let unknown = || OAuthError::invalid_client("unknown client or wrong credentials");
    let id = ClientId::parse(presented.client_id()).map_err(|_| unknown())?;
    let client = ctx.store.get_client(&id).await?.ok_or_else(unknown)?;
    match (client.kind, presented.secret()) {
        (ClientKind::Public, None) => Ok(client),
        (ClientKind::Public, Some(_)) => Err(OAuthError::invalid_client(
            "this is a public client: it has no secret, send only client_id",
        )),
        (ClientKind::Confidential, None) => Err(OAuthError::invalid_client(
            "this client must authenticate with its secret (client_secret_basic or client_secret_post)",
        )),
        (ClientKind::Confidential, Some(secret)) => {
            let presented = SecretHash::of(secret);
            let secrets = ctx.store.list_client_secrets(&client.id).await?;
            // Check every secret, so timing does not tell which one matched.
            let matched = secrets.iter().fold(false, |any, s| s.hash.ct_eq(&presented) | any);
            if matched {
                Ok(client)
            } else {
                Err(unknown())
            }
        }
    }
}
