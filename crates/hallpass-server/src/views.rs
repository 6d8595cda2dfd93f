//! Domain records as the management API and the CLI show them.

use hallpass_core::services::settings::{Branding, SignInSettingsView};
use hallpass_core::signin::Methods;
use hallpass_core::store::{Client, Resource, SignInOverrides, SigningKeyRecord, User};
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

pub fn organization(o: &hallpass_core::store::Organization) -> wire::Organization {
    wire::Organization {
        id: o.id.to_string(),
        name: o.name.clone(),
        slug: o.slug.to_string(),
        external_id: o.external_id.clone(),
        metadata: o.metadata.clone(),
        created_at: o.created_at.to_rfc3339(),
        updated_at: o.updated_at.to_rfc3339(),
    }
}

pub fn role(r: &hallpass_core::store::Role) -> wire::Role {
    wire::Role {
        id: r.id.to_string(),
        organization_id: r.organization_id.as_ref().map(ToString::to_string),
        name: r.name.clone(),
        description: r.description.clone(),
        permissions: r.permissions.clone(),
        created_at: r.created_at.to_rfc3339(),
    }
}

/// A membership with its role ids turned into names (from `roles`, the
/// roles visible in its organization).
pub fn membership(m: &hallpass_core::store::Membership, roles: &[hallpass_core::store::Role]) -> wire::Membership {
    let mut names: Vec<String> = m
        .role_ids
        .iter()
        .filter_map(|id| roles.iter().find(|r| &r.id == id).map(|r| r.name.clone()))
        .collect();
    names.sort();
    wire::Membership {
        organization_id: m.organization_id.to_string(),
        user_id: m.user_id.to_string(),
        status: m.status.as_str().to_owned(),
        roles: names,
        created_at: m.created_at.to_rfc3339(),
        updated_at: m.updated_at.to_rfc3339(),
    }
}

pub fn session(s: &hallpass_core::store::Session) -> wire::Session {
    wire::Session {
        id: s.id.to_string(),
        user_id: s.user_id.to_string(),
        organization_id: s.organization_id.as_ref().map(ToString::to_string),
        amr: s.amr.clone(),
        created_at: s.created_at.to_rfc3339(),
        last_active_at: s.last_active_at.to_rfc3339(),
        expires_at: s.idle_expires_at.min(s.absolute_expires_at).to_rfc3339(),
        user_agent: s.user_agent.clone(),
        ip: s.ip.clone(),
    }
}

pub fn audit_event(e: &hallpass_core::store::AuditEvent) -> wire::AuditEvent {
    wire::AuditEvent {
        id: e.id,
        at: e.event.at.to_rfc3339(),
        kind: e.event.kind.clone(),
        actor: e.event.actor.clone(),
        user_id: e.event.user_id.clone(),
        ip: e.event.ip.clone(),
        user_agent: e.event.user_agent.clone(),
        details: e.event.details.clone(),
    }
}

pub fn invitation(i: &hallpass_core::store::Invitation, now: hallpass_core::clock::Timestamp) -> wire::Invitation {
    wire::Invitation {
        id: i.id.to_string(),
        organization_id: i.organization_id.to_string(),
        email: i.email.clone(),
        roles: i.roles.clone(),
        client_id: i.client_id.as_ref().map(ToString::to_string),
        status: hallpass_core::services::invitations::status(i, now).to_owned(),
        invited_by: i.invited_by.clone(),
        created_at: i.created_at.to_rfc3339(),
        expires_at: i.expires_at.to_rfc3339(),
        accepted_by: i.accepted_by.as_ref().map(ToString::to_string),
    }
}

pub fn client_details(c: &Client, secrets: &[hallpass_core::store::ClientSecret]) -> wire::ClientDetails {
    wire::ClientDetails {
        client: client(c),
        secrets: secrets
            .iter()
            .map(|s| wire::SecretInfo {
                secret_id: s.id.to_string(),
                created_at: s.created_at.to_rfc3339(),
            })
            .collect(),
    }
}

/// A connection as the API shows it: settings and the redirect URI, never secrets.
pub fn connection(c: &hallpass_core::store::Connection, issuer: &str) -> wire::Connection {
    use hallpass_core::services::saml_settings;
    let text = |k: &str| c.config.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let saml = c.kind == hallpass_core::store::ConnectionKind::Saml;
    wire::Connection {
        id: c.id.to_string(),
        kind: c.kind.as_str().to_owned(),
        organization_id: c.organization_id.as_ref().map(ToString::to_string),
        name: c.name.clone(),
        domains: c.domains.clone(),
        enabled: c.enabled,
        sso_required: c.sso_required,
        issuer: text("issuer"),
        client_id: text("client_id"),
        scopes: c
            .config
            .get("scopes")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        authorization_endpoint: text("authorization_endpoint"),
        token_endpoint: text("token_endpoint"),
        userinfo_endpoint: text("userinfo_endpoint"),
        jwks_uri: text("jwks_uri"),
        redirect_uri: if saml {
            saml_settings::acs_url(issuer, &c.id)
        } else {
            hallpass_core::services::connections::redirect_uri(issuer, &c.id)
        },
        sp_entity_id: saml.then(|| saml_settings::sp_entity_id(issuer, &c.id)),
        acs_url: saml.then(|| saml_settings::acs_url(issuer, &c.id)),
        sp_metadata_url: saml.then(|| saml_settings::sp_metadata_url(issuer, &c.id)),
        idp_entity_id: text("idp_entity_id"),
        idp_sso_url: text("idp_sso_url"),
        idp_certificates: c
            .config
            .get("idp_certificates")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        idp_initiated_client_id: text("idp_initiated_client_id"),
        sp_certificate: text("sp_certificate"),
        sign_authn_requests: saml.then(|| saml_settings::signs_authn_requests(c)),
        created_at: c.created_at.to_rfc3339(),
        updated_at: c.updated_at.to_rfc3339(),
    }
}

/// A directory as the API and the CLI show it; `token` only when just made.
pub fn directory(d: &hallpass_core::store::Directory, issuer: &str, token: Option<String>) -> wire::Directory {
    wire::Directory {
        id: d.id.to_string(),
        organization_id: d.organization_id.to_string(),
        name: d.name.clone(),
        scim_base_url: crate::api::scim_base_url(issuer, &d.id),
        group_roles: d.group_roles.clone(),
        created_at: d.created_at.to_rfc3339(),
        updated_at: d.updated_at.to_rfc3339(),
        bearer_token: token,
    }
}

pub fn resource(r: &Resource) -> wire::Resource {
    wire::Resource {
        id: r.id.to_string(),
        identifier: r.identifier.clone(),
        name: r.name.clone(),
        scopes: r.scopes.clone(),
        access_token_ttl_secs: r.access_token_ttl_secs,
        created_at: r.created_at.to_rfc3339(),
        updated_at: r.updated_at.to_rfc3339(),
    }
}

/// The sign-in settings in force, which are stored, and the configuration's.
pub fn signin_settings(view: &SignInSettingsView) -> wire::SignInSettings {
    let branding = |b: &Branding| wire::Branding {
        product_name: b.product_name.clone(),
        logo_url: b.logo_url.clone(),
        primary_color: b.primary_color.clone(),
        support_email: b.support_email.clone(),
    };
    let methods = |m: Methods| wire::SignInMethods {
        password: m.password,
        email_code: m.email_code,
        magic_link: m.magic_link,
    };
    wire::SignInSettings {
        branding: branding(&view.effective.branding),
        methods: methods(view.effective.methods),
        overridden: overridden(&view.overrides),
        defaults: wire::SignInDefaults {
            branding: branding(&view.defaults.branding),
            methods: methods(view.defaults.methods),
        },
    }
}

fn overridden(o: &SignInOverrides) -> Vec<String> {
    [
        ("branding.product_name", o.product_name.is_some()),
        ("branding.logo_url", o.logo_url.is_some()),
        ("branding.primary_color", o.primary_color.is_some()),
        ("branding.support_email", o.support_email.is_some()),
        ("methods.password", o.password.is_some()),
        ("methods.email_code", o.email_code.is_some()),
        ("methods.magic_link", o.magic_link.is_some()),
    ]
    .into_iter()
    .filter(|(_, stored)| *stored)
    .map(|(name, _)| name.to_owned())
    .collect()
}
