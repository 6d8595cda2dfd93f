use super::auth::{Caller, Resource};
use super::body::{ApiJson, ApiQuery};
use super::{fail, page, path_id, ApiResult, PageQuery};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::{InvitationId, OrgId};
use hallpass_core::services::invitations::{self, Links, NewInvitation};
use hallpass_core::store::Invitation as Record;
use hallpass_proto::management::{CreateInvitation, Invitation, Page};
use hallpass_proto::ErrorBody;

fn link_base(state: &AppState) -> String {
    format!("{}/invitations/accept?token=", state.policy().issuer)
}

fn view(state: &AppState, invitation: &Record) -> Invitation {
    views::invitation(invitation, state.ctx().clock.now())
}

fn ids(id: &str, invitation: &str) -> super::ApiResult<(OrgId, InvitationId)> {
    Ok((
        path_id(id, OrgId::parse, "organization")?,
        path_id(invitation, InvitationId::parse, "invitation")?,
    ))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/invitations", tag = "invitations", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Invitation>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Invitation>>> {
    caller.may(Resource::Invitations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let after = q.after(InvitationId::parse)?;
    let list = invitations::list_invitations(state.ctx(), &id, after.as_ref(), q.limit())
        .await
        .map_err(fail)?;
    let data = list.iter().map(|i| view(&state, i)).collect();
    Ok(Json(page(data, q.limit(), |i: &Invitation| i.id.clone())))
}

/// Invites an address; the mail's link works once, for 15 days.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/invitations", tag = "invitations", params(("id" = String, Path)), request_body = CreateInvitation,
    responses((status = 201, body = Invitation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateInvitation>,
) -> ApiResult<(StatusCode, Json<Invitation>)> {
    let actor = caller.may(Resource::Invitations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let new = NewInvitation {
        email: body.email,
        roles: body.roles,
        client_id: body.client_id,
    };
    let base = link_base(&state);
    let links = Links {
        base: &base,
        mailer: state.hosted_pages().mail_now.as_ref(),
    };
    let invitation = invitations::invite(state.ctx(), &id, new, &links, &actor)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(view(&state, &invitation))))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/invitations/{invitation_id}", tag = "invitations",
    params(("id" = String, Path), ("invitation_id" = String, Path)),
    responses((status = 200, body = Invitation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, invitation)): Path<(String, String)>,
) -> ApiResult<Json<Invitation>> {
    caller.may(Resource::Invitations)?;
    let (org, invitation) = ids(&id, &invitation)?;
    let found = invitations::get_invitation(state.ctx(), &org, &invitation)
        .await
        .map_err(fail)?;
    Ok(Json(view(&state, &found)))
}

/// Revokes a pending invitation: its link stops working.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/invitations/{invitation_id}/revoke", tag = "invitations",
    params(("id" = String, Path), ("invitation_id" = String, Path)),
    responses((status = 200, body = Invitation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, invitation)): Path<(String, String)>,
) -> ApiResult<Json<Invitation>> {
    let actor = caller.may(Resource::Invitations)?;
    let (org, invitation) = ids(&id, &invitation)?;
    let revoked = invitations::revoke(state.ctx(), &org, &invitation, &actor)
        .await
        .map_err(fail)?;
    Ok(Json(view(&state, &revoked)))
}

/// Mails a new link for a pending invitation (the old link stops working) and restarts its 15 days.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/invitations/{invitation_id}/resend", tag = "invitations",
    params(("id" = String, Path), ("invitation_id" = String, Path)),
    responses((status = 200, body = Invitation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, invitation)): Path<(String, String)>,
) -> ApiResult<Json<Invitation>> {
    let actor = caller.may(Resource::Invitations)?;
    let (org, invitation) = ids(&id, &invitation)?;
    let base = link_base(&state);
    let links = Links {
        base: &base,
        mailer: state.hosted_pages().mail_now.as_ref(),
    };
    let resent = invitations::resend(state.ctx(), &org, &invitation, &links, &actor)
        .await
        .map_err(fail)?;
    Ok(Json(view(&state, &resent)))
}
