use super::auth::{Caller, Resource};
use super::body::ApiJson;
use super::{fail, path_id, ApiResult};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::OrgId;
use hallpass_core::services::roles::{self, NewRole};
use hallpass_proto::management::{CreateRole, Page, Role};
use hallpass_proto::ErrorBody;

async fn create_in(
    state: &AppState,
    caller: &Caller,
    org: Option<OrgId>,
    body: CreateRole,
) -> ApiResult<(StatusCode, Json<Role>)> {
    let actor = caller.may(Resource::Roles)?;
    let new = NewRole {
        organization_id: org,
        name: body.name,
        description: body.description,
        permissions: body.permissions,
    };
    let role = roles::create_role(state.ctx(), new, &actor).await.map_err(fail)?;
    Ok((StatusCode::CREATED, Json(views::role(&role))))
}

/// The environment's roles, which apply in every organization.
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles",
    responses((status = 200, body = Page<Role>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Page<Role>>> {
    caller.may(Resource::Roles)?;
    let all = roles::list_roles(state.ctx(), None).await.map_err(fail)?;
    Ok(Json(Page {
        data: all.iter().map(views::role).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", request_body = CreateRole,
    responses((status = 201, body = Role), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateRole>,
) -> ApiResult<(StatusCode, Json<Role>)> {
    create_in(&state, &caller, None, body).await
}

/// The roles visible in the organization: the environment's and its own.
#[utoipa::path(get, path = "/api/v1/organizations/{id}/roles", tag = "roles", params(("id" = String, Path)),
    responses((status = 200, body = Page<Role>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_for_organization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Role>>> {
    caller.may(Resource::Roles)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let all = roles::list_roles(state.ctx(), Some(&id)).await.map_err(fail)?;
    Ok(Json(Page {
        data: all.iter().map(views::role).collect(),
        next_cursor: None,
    }))
}

/// A custom role of the organization (it may share a name with an
/// environment role; inside the organization the custom one wins).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/roles", tag = "roles", params(("id" = String, Path)), request_body = CreateRole,
    responses((status = 201, body = Role), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_for_organization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateRole>,
) -> ApiResult<(StatusCode, Json<Role>)> {
    let id = path_id(&id, OrgId::parse, "organization")?;
    create_in(&state, &caller, Some(id), body).await
}

/// Every permission some environment role grants, sorted.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "roles",
    responses((status = 200, body = Page<String>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn permissions(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Page<String>>> {
    caller.may(Resource::Roles)?;
    let all = roles::list_roles(state.ctx(), None).await.map_err(fail)?;
    let mut names: Vec<String> = all.into_iter().flat_map(|r| r.permissions).collect();
    names.sort();
    names.dedup();
    Ok(Json(Page {
        data: names,
        next_cursor: None,
    }))
}
