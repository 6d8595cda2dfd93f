//! Domain records as the management API and the CLI show them.

use hallpass_core::store::{Client, SigningKeyRecord, User};
use hallpass_proto::management as wire;

pub fn client(c: &Client) -> wire::Client {
    wire::Client {
        client_id: c.id.to_string(),
        name: c.name.clone(),
        client_type: c.kind.as_str().to_owned(),
        redirect_uris: c.redirect_uris.iter().map(|u| u.to_string()).collect(),
        post_logout_redirect_uris: c.post_logout_redirect_uris.iter().map(|u| u.to_string()).collect(),
        initiate_login_uri: c.initiate_login_uri.clone(),
        backchannel_logout_uri: c.backchannel_logout_uri.clone(),
        native: c.native,
        scopes: c.granted_scopes.clone(),
        access_token_ttl_secs: c.access_token_ttl_secs,
        id_token_signed_response_alg: c.id_token_algorithm.to_string(),
        created_at: c.created_at.to_rfc3339(),
        updated_at: c.updated_at.to_rfc3339(),
    }
}

pub fn user(u: &User) -> wire::User {
    wire::User {
        id: u.id.to_string(),
        email: u.email.to_string(),
        email_verified: u.email_verified,
        name: u.name.clone(),
        has_password: u.password_hash.is_some(),
        external_id: u.external_id.clone(),
        metadata: u.metadata.clone(),
        created_at: u.created_at.to_rfc3339(),
        updated_at: u.updated_at.to_rfc3339(),
    }
}

pub fn signing_key(k: &SigningKeyRecord) -> wire::SigningKey {
    wire::SigningKey {
        kid: k.id.to_string(),
        alg: k.algorithm.to_string(),
        status: k.status.as_str().to_owned(),
        created_at: k.created_at.to_rfc3339(),
        retired_at: k.retired_at.map(|t| t.to_rfc3339()),
        unpublish_at: k.unpublish_at.map(|t| t.to_rfc3339()),
    }
}
