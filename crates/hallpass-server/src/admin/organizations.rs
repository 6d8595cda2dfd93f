//! `/admin/organizations`: create one; its members and their roles, its
//! invitations, its connections and directories (read here, managed through
//! the API and CLI), and its session policy. Through the same services as
//! `/api/v1/organizations`.

use super::session::Params;
use super::{checked, done, failure, next_page, notice, path_id, Admin, Console, PAGE};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::{OrgId, UserId};
use hallpass_core::services::invitations::{self, Links, NewInvitation};
use hallpass_core::services::organizations::{self, NewOrganization};
use hallpass_core::services::{connections, directories, memberships, roles, session_policy, users};
use hallpass_core::store::SessionLimits;
use hallpass_core::CoreError;
use minijinja::context;
use std::sync::Arc;

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let after = params.get("after").and_then(|a| OrgId::parse(a).ok());
    match organizations::list_organizations(state.ctx(), after.as_ref(), PAGE).await {
        Ok(list) => {
            let next = next_page(&list, |o| o.id.to_string());
            let orgs: Vec<_> = list.iter().map(views::organization).collect();
            pages.page(
                StatusCode::OK,
                "admin/organizations.html",
                &admin,
                "organizations",
                context! { orgs, next, notice => notice(params.get("done")) },
            )
        }
        Err(err) => failure(&pages, err),
    }
}

pub async fn create(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let slug = form.field("slug");
    let new = NewOrganization {
        name: form.field("name"),
        slug: (!slug.trim().is_empty()).then_some(slug),
        external_id: None,
        metadata: None,
    };
    match organizations::create_organization(state.ctx(), new, &admin.actor()).await {
        Ok(org) => done(&format!("/admin/organizations/{}", org.id), "updated"),
        Err(err) => failure(&pages, err),
    }
}

pub async fn show(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    params: Params,
) -> Response {
    let id = match path_id(&pages, &id, OrgId::parse, "organization") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    match details(&state, &id, &params).await {
        Ok(ctx) => pages.page(StatusCode::OK, "admin/organization.html", &admin, "organizations", ctx),
        Err(err) => failure(&pages, err),
    }
}

async fn details(state: &PageState, id: &OrgId, params: &Params) -> Result<minijinja::Value, CoreError> {
    let ctx = state.ctx();
    let org = organizations::get_organization(ctx, id).await?;
    let after = params.get("after").and_then(|a| UserId::parse(a).ok());
    let found = memberships::list_members(ctx, id, after.as_ref(), PAGE).await?;
    let visible = roles::list_roles(ctx, Some(id)).await?;
    let mut members = Vec::with_capacity(found.len());
    for m in &found {
        let user = users::get_user(ctx, &m.user_id).await?;
        members.push(context! { email => user.email.as_str(), membership => views::membership(m, &visible) });
    }
    let next = next_page(&found, |m| m.user_id.to_string());
    let now = ctx.clock.now();
    let invites: Vec<_> = invitations::list_invitations(ctx, id, None, PAGE)
        .await?
        .iter()
        .map(|i| views::invitation(i, now))
        .collect();
    let issuer = &state.policy().issuer;
    let conns: Vec<_> = connections::list_connections(ctx, Some(id))
        .await?
        .iter()
        .map(|c| views::connection(c, issuer))
        .collect();
    let dirs: Vec<_> = directories::list(ctx, id, None, PAGE)
        .await?
        .iter()
        .map(|d| views::directory(d, issuer, None))
        .collect();
    let own = session_policy::for_organization(ctx, id).await?;
    let global = session_policy::global(state.policy());
    let role_names: Vec<_> = visible.iter().map(|r| r.name.clone()).collect();
    Ok(context! {
        org => views::organization(&org),
        members,
        next,
        invitations => invites,
        connections => conns,
        directories => dirs,
        roles => role_names,
        policy => own.map(|p| context! { idle_minutes => p.idle_secs / 60, absolute_minutes => p.absolute_secs / 60 }),
        global => context! { idle_minutes => global.idle_secs / 60, absolute_minutes => global.absolute_secs / 60 },
        notice => notice(params.get("done")),
    })
}

fn org_id(pages: &Console, id: &str) -> Result<OrgId, Box<Response>> {
    path_id(pages, id, OrgId::parse, "organization")
}

/// Adds a user (by address) with a role, or changes a member's role.
pub async fn put_member(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match org_id(&pages, &id) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    let outcome = async {
        let user = users::find_user_by_email(ctx, &form.field("email"))
            .await?
            .ok_or(CoreError::NotFound("user"))?;
        let role = form.field("role");
        let roles = (!role.is_empty()).then(|| vec![role]);
        memberships::put_member(ctx, &id, &user.id, roles, &admin.actor()).await
    };
    match outcome.await {
        Ok(_) => done(&format!("/admin/organizations/{id}"), "member"),
        Err(err) => failure(&pages, err),
    }
}

pub async fn invite(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match org_id(&pages, &id) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let role = form.field("role");
    let new = NewInvitation {
        email: form.field("email"),
        roles: if role.is_empty() { Vec::new() } else { vec![role] },
        client_id: None,
    };
    let base = format!("{}/invitations/accept?token=", state.policy().issuer);
    let links = Links {
        base: &base,
        mailer: state.mailer_now(),
    };
    match invitations::invite(state.ctx(), &id, new, &links, &admin.actor()).await {
        Ok(_) => done(&format!("/admin/organizations/{id}"), "invited"),
        Err(err) => failure(&pages, err),
    }
}

/// Minutes typed in a form, as seconds.
fn minutes(text: &str, field: &'static str) -> Result<u32, CoreError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .and_then(|m| m.checked_mul(60))
        .ok_or_else(|| CoreError::invalid(field, "must be a whole number of minutes"))
}

/// Sets the organization's session limits, or (`clear`) goes back to the global ones.
pub async fn session_policy(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match org_id(&pages, &id) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    let outcome = async {
        if form.field("clear") == "1" {
            return session_policy::clear_for_organization(ctx, &id, &admin.actor()).await;
        }
        let limits = SessionLimits {
            idle_secs: minutes(&form.field("idle_minutes"), "idle timeout")?,
            absolute_secs: minutes(&form.field("absolute_minutes"), "absolute timeout")?,
        };
        session_policy::set_for_organization(ctx, state.policy(), &id, limits, &admin.actor())
            .await
            .map(|_| ())
    };
    match outcome.await {
        Ok(()) => done(&format!("/admin/organizations/{id}"), "policy"),
        Err(err) => failure(&pages, err),
    }
}
