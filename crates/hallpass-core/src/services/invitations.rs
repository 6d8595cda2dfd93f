//! Invitations: an admin invites an address to an organization with roles;
//! the mail's single-use link (15 days) joins the invitee, creating their
//! account if they have none (the click proves the address), and sends them
//! to the app's initiate-login URI so the app starts its sign-in.

use super::audit::{self, Actor};
use super::memberships::put_member;
use super::users::{create_user, NewUser};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::{ClientId, InvitationId, OrgId};
use crate::rng::random_token;
use crate::services::passwords::PasswordPolicy;
use crate::signin::mailer::{Mailer, Message};
use crate::store::{Client, Invitation, InvitationStatus, Organization, User};
use crate::values::Email;
use serde_json::json;
use std::time::Duration;

pub const INVITATION_TTL: Duration = Duration::from_secs(15 * 24 * 3600);

#[derive(Debug, Clone, Default)]
pub struct NewInvitation {
    pub email: String,
    /// Role names; none: the organization's default for new members.
    pub roles: Vec<String>,
    /// The app to send the invitee to (its initiate-login URI).
    pub client_id: Option<String>,
}

/// Where invitation links point: `{issuer}/invitations/accept?token=`.
pub struct Links<'a> {
    pub base: &'a str,
    pub mailer: &'a dyn Mailer,
}

/// `pending` past its expiry shows as `expired`.
pub fn status(invitation: &Invitation, now: crate::clock::Timestamp) -> &'static str {
    // (`Expired` is stored once a new invitation replaces a lapsed one.)
    match invitation.status {
        InvitationStatus::Pending if invitation.expires_at <= now => "expired",
        other => other.as_str(),
    }
}

async fn send(links: &Links<'_>, org: &Organization, to: &str, secret: &str) -> Result<(), CoreError> {
    let message = Message::Invitation {
        to: to.to_owned(),
        organization: org.name.clone(),
        link: format!("{}{secret}", links.base),
        days: INVITATION_TTL.as_secs() / 86_400,
    };
    links
        .mailer
        .send(&message)
        .await
        .map_err(|e| CoreError::Store(crate::store::StoreError::Unavailable(format!("mail: {e}"))))
}

pub async fn invite(
    ctx: &Context,
    org: &OrgId,
    new: NewInvitation,
    links: &Links<'_>,
    actor: &Actor,
) -> Result<Invitation, CoreError> {
    let organization = ctx
        .store
        .get_organization(org)
        .await?
        .ok_or(CoreError::NotFound("organization"))?;
    let email = Email::parse(&new.email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    for name in &new.roles {
        if ctx.store.find_role(Some(org), name).await?.is_none() {
            return Err(CoreError::invalid("roles", format!("there is no role `{name}`")));
        }
    }
    let client_id = match new.client_id.as_deref() {
        None => None,
        Some(id) => {
            let client = ClientId::parse(id).map_err(|_| CoreError::invalid("client_id", "is not a client id"))?;
            let found = ctx
                .store
                .get_client(&client)
                .await?
                .ok_or_else(|| CoreError::invalid("client_id", "there is no such client"))?;
            if found.initiate_login_uri.is_none() {
                return Err(CoreError::invalid(
                    "client_id",
                    "the client has no initiate_login_uri to send the invitee to",
                ));
            }
            Some(client)
        }
    };
    if let Some(user) = ctx.store.find_user_by_email(&email).await? {
        if ctx.store.member_access(org, &user.id).await?.is_some() {
            return Err(CoreError::Conflict("membership"));
        }
    }
    let secret = random_token(ctx.rng.as_ref());
    let now = ctx.clock.now();
    // An earlier invitation that ran out no longer holds the address.
    ctx.store.expire_invitations(org, email.normalized(), now).await?;
    let invitation = Invitation {
        id: InvitationId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        organization_id: org.clone(),
        email: email.normalized().to_owned(),
        roles: new.roles,
        client_id,
        invited_by: Some(actor.label()),
        token_hash: SecretHash::of(&secret),
        status: InvitationStatus::Pending,
        created_at: now,
        expires_at: now.plus(INVITATION_TTL),
        settled_at: None,
        accepted_by: None,
    };
    ctx.store.insert_invitation(&invitation).await?;
    if let Err(err) = send(links, &organization, email.as_str(), &secret).await {
        // Not sent, so not made: the address may be invited again at once.
        ctx.store
            .settle_invitation(&invitation.id, InvitationStatus::Revoked, None, now)
            .await?;
        return Err(err);
    }
    audit::record(
        ctx,
        actor,
        "invitation.created",
        None,
        json!({ "invitation_id": invitation.id, "organization_id": org, "email": invitation.email, "roles": invitation.roles }),
    )
    .await;
    Ok(invitation)
}

async fn pending_of(ctx: &Context, org: &OrgId, id: &InvitationId) -> Result<Invitation, CoreError> {
    ctx.store
        .get_invitation(id)
        .await?
        .filter(|i| &i.organization_id == org)
        .ok_or(CoreError::NotFound("invitation"))
}

pub async fn get_invitation(ctx: &Context, org: &OrgId, id: &InvitationId) -> Result<Invitation, CoreError> {
    pending_of(ctx, org, id).await
}

pub async fn list_invitations(
    ctx: &Context,
    org: &OrgId,
    after: Option<&InvitationId>,
    limit: u32,
) -> Result<Vec<Invitation>, CoreError> {
    if ctx.store.get_organization(org).await?.is_none() {
        return Err(CoreError::NotFound("organization"));
    }
    Ok(ctx.store.list_invitations(org, after, limit.clamp(1, 200)).await?)
}

pub async fn revoke(ctx: &Context, org: &OrgId, id: &InvitationId, actor: &Actor) -> Result<Invitation, CoreError> {
    let invitation = pending_of(ctx, org, id).await?;
    if !ctx
        .store
        .settle_invitation(id, InvitationStatus::Revoked, None, ctx.clock.now())
        .await?
    {
        return Err(CoreError::invalid("status", "only a pending invitation can be revoked"));
    }
    audit::record(ctx, actor, "invitation.revoked", None, json!({ "invitation_id": id })).await;
    pending_of(ctx, org, &invitation.id).await
}

/// A new link (the old one stops working) and a fresh 15 days.
pub async fn resend(
    ctx: &Context,
    org: &OrgId,
    id: &InvitationId,
    links: &Links<'_>,
    actor: &Actor,
) -> Result<Invitation, CoreError> {
    let invitation = pending_of(ctx, org, id).await?;
    let organization = ctx
        .store
        .get_organization(org)
        .await?
        .ok_or(CoreError::NotFound("organization"))?;
    let secret = random_token(ctx.rng.as_ref());
    let expires_at = ctx.clock.now().plus(INVITATION_TTL);
    if !ctx
        .store
        .renew_invitation(id, &SecretHash::of(&secret), expires_at)
        .await?
    {
        return Err(CoreError::invalid("status", "only a pending invitation can be resent"));
    }
    send(links, &organization, &invitation.email, &secret).await?;
    audit::record(ctx, actor, "invitation.resent", None, json!({ "invitation_id": id })).await;
    pending_of(ctx, org, id).await
}

/// What a link shows before it is used: whom it invites, and where to.
pub async fn preview(ctx: &Context, secret: &str) -> Result<Option<(Invitation, Organization)>, CoreError> {
    let Some(invitation) = ctx.store.find_invitation_by_token(&SecretHash::of(secret)).await? else {
        return Ok(None);
    };
    if status(&invitation, ctx.clock.now()) != "pending" {
        return Ok(None);
    }
    let org = ctx.store.get_organization(&invitation.organization_id).await?;
    Ok(org.map(|org| (invitation, org)))
}

/// An accepted invitation: the member, and the app to send them to.
pub struct Accepted {
    pub user: User,
    pub organization: Organization,
    pub client: Option<Client>,
    /// The link made this account: the click proved the address, so the
    /// invitee may be signed in. An existing account signs in as usual.
    pub new_account: bool,
}

/// Uses the link: `None` if it is unknown, used, revoked or expired.
pub async fn accept(ctx: &Context, secret: &str, passwords: &PasswordPolicy) -> Result<Option<Accepted>, CoreError> {
    let Some((invitation, organization)) = preview(ctx, secret).await? else {
        return Ok(None);
    };
    // The roles must still exist: check before anything is used up.
    for name in &invitation.roles {
        if ctx
            .store
            .find_role(Some(&invitation.organization_id), name)
            .await?
            .is_none()
        {
            return Ok(None);
        }
    }
    let email = Email::from_trusted(invitation.email.clone());
    let (user, new_account) = match ctx.store.find_user_by_email(&email).await? {
        Some(mut user) => {
            if !user.email_verified {
                user.email_verified = true;
                user.updated_at = ctx.clock.now();
                ctx.store.update_user(&user).await?;
            }
            (user, false)
        }
        None => {
            let new = NewUser {
                email: invitation.email.clone(),
                email_verified: true,
                ..NewUser::default()
            };
            match create_user(ctx, new, passwords, &Actor::Anonymous).await {
                Ok(user) => (user, true),
                // Another click at once made it first; the settling below
                // decides which click joins, and this one made no account.
                Err(CoreError::Conflict(_)) => match ctx.store.find_user_by_email(&email).await? {
                    Some(user) => (user, false),
                    None => return Ok(None),
                },
                Err(err) => return Err(err),
            }
        }
    };
    // Settle first: of two clicks at once, one joins.
    if !ctx
        .store
        .settle_invitation(
            &invitation.id,
            InvitationStatus::Accepted,
            Some(&user.id),
            ctx.clock.now(),
        )
        .await?
    {
        return Ok(None);
    }
    let roles = (!invitation.roles.is_empty()).then(|| invitation.roles.clone());
    let actor = Actor::User(user.id.to_string());
    // Someone who joined meanwhile keeps the roles they have.
    if ctx
        .store
        .member_access(&invitation.organization_id, &user.id)
        .await?
        .is_none()
    {
        put_member(ctx, &invitation.organization_id, &user.id, roles, &actor).await?;
    }
    audit::record(
        ctx,
        &actor,
        "invitation.accepted",
        Some(user.id.as_str()),
        json!({ "invitation_id": invitation.id, "organization_id": invitation.organization_id }),
    )
    .await;
    let client = match &invitation.client_id {
        Some(id) => ctx.store.get_client(id).await?,
        None => None,
    };
    Ok(Some(Accepted {
        user,
        organization,
        client,
        new_account,
    }))
}
