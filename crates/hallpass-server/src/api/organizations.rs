use super::auth::{Caller, Resource};
use super::body::{ApiJson, ApiQuery};
use super::{fail, page, path_id, ApiResult, PageQuery};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::{OrgId, UserId};
use hallpass_core::services::organizations::{self, NewOrganization, OrganizationChanges};
use hallpass_core::services::{memberships, roles};
use hallpass_proto::management::{
    CreateOrganization, Membership, Organization, Page, PutMembership, UpdateOrganization,
};
use hallpass_proto::ErrorBody;

#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", params(PageQuery),
    responses((status = 200, body = Page<Organization>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Organization>>> {
    caller.may(Resource::Organizations)?;
    let after = q.after(OrgId::parse)?;
    let list = organizations::list_organizations(state.ctx(), after.as_ref(), q.limit())
        .await
        .map_err(fail)?;
    Ok(Json(page(
        list.iter().map(views::organization).collect(),
        q.limit(),
        |o| o.id.clone(),
    )))
}

#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = CreateOrganization,
    responses((status = 201, body = Organization), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateOrganization>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    let actor = caller.may(Resource::Organizations)?;
    let new = NewOrganization {
        name: body.name,
        slug: body.slug,
        external_id: body.external_id,
        metadata: body.metadata,
    };
    let org = organizations::create_organization(state.ctx(), new, &actor)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(views::organization(&org))))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = Organization), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Organization>> {
    caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let org = organizations::get_organization(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(views::organization(&org)))
}

#[utoipa::path(patch, path = "/api/v1/organizations/{id}", tag = "organizations", params(("id" = String, Path)), request_body = UpdateOrganization,
    responses((status = 200, body = Organization), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateOrganization>,
) -> ApiResult<Json<Organization>> {
    let actor = caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let changes = OrganizationChanges {
        name: body.name,
        slug: body.slug,
        external_id: body.external_id.map(Some),
        metadata: body.metadata,
    };
    let org = organizations::update_organization(state.ctx(), &id, changes, &actor)
        .await
        .map_err(fail)?;
    Ok(Json(views::organization(&org)))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/members", tag = "organizations", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Membership>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Membership>>> {
    caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let after = q.after(UserId::parse)?;
    let list = memberships::list_members(state.ctx(), &id, after.as_ref(), q.limit())
        .await
        .map_err(fail)?;
    let visible = roles::list_roles(state.ctx(), Some(&id)).await.map_err(fail)?;
    let data = list.iter().map(|m| views::membership(m, &visible)).collect();
    Ok(Json(page(data, q.limit(), |m: &Membership| m.user_id.clone())))
}

/// Adds the user to the organization, or replaces their roles there.
#[utoipa::path(put, path = "/api/v1/organizations/{id}/members/{user_id}", tag = "organizations",
    params(("id" = String, Path), ("user_id" = String, Path)), request_body = PutMembership,
    responses((status = 200, body = Membership), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<PutMembership>,
) -> ApiResult<Json<Membership>> {
    let actor = caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let user_id = path_id(&user_id, UserId::parse, "user")?;
    let m = memberships::put_member(state.ctx(), &id, &user_id, body.roles, &actor)
        .await
        .map_err(fail)?;
    let visible = roles::list_roles(state.ctx(), Some(&id)).await.map_err(fail)?;
    Ok(Json(views::membership(&m, &visible)))
}

/// Removes the membership. Tokens already issued keep their claims until
/// they expire; the next refresh in that organization fails.
#[utoipa::path(delete, path = "/api/v1/organizations/{id}/members/{user_id}", tag = "organizations",
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let user_id = path_id(&user_id, UserId::parse, "user")?;
    memberships::remove_member(state.ctx(), &id, &user_id, &actor)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}
