//! `/api/v1/resources`: the APIs and MCP servers tokens are issued for (RFC 8707).

use super::auth::{Caller, Resource as Scope};
use super::body::{ApiJson, ApiQuery};
use super::{fail, page, path_id, ApiResult, PageQuery};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::ResourceId;
use hallpass_core::services::resources::{self, NewResource, ResourceUpdate};
use hallpass_proto::management::{CreateResource, Page, Resource, UpdateResource};
use hallpass_proto::ErrorBody;

#[utoipa::path(get, path = "/api/v1/resources", tag = "resources", params(PageQuery),
    responses((status = 200, body = Page<Resource>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Resource>>> {
    caller.may(Scope::Resources)?;
    let after = q.after(ResourceId::parse)?;
    let list = resources::list_resources(state.ctx(), after.as_ref(), q.limit())
        .await
        .map_err(fail)?;
    Ok(Json(page(list.iter().map(views::resource).collect(), q.limit(), |r| {
        r.id.clone()
    })))
}

/// Registers an API or MCP server; 409 if the identifier is taken.
#[utoipa::path(post, path = "/api/v1/resources", tag = "resources", request_body = CreateResource,
    responses((status = 201, body = Resource), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateResource>,
) -> ApiResult<(StatusCode, Json<Resource>)> {
    let actor = caller.may(Scope::Resources)?;
    let new = NewResource {
        identifier: body.identifier,
        name: body.name,
        scopes: body.scopes,
        access_token_ttl_secs: body.access_token_ttl_secs,
    };
    let created = resources::create_resource(state.ctx(), new, &actor)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(views::resource(&created))))
}

#[utoipa::path(get, path = "/api/v1/resources/{id}", tag = "resources", params(("id" = String, Path)),
    responses((status = 200, body = Resource), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Resource>> {
    caller.may(Scope::Resources)?;
    let id = path_id(&id, ResourceId::parse, "resource")?;
    let resource = resources::get_resource(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(views::resource(&resource)))
}

/// Changes what is given; a list given replaces the list.
#[utoipa::path(patch, path = "/api/v1/resources/{id}", tag = "resources", params(("id" = String, Path)), request_body = UpdateResource,
    responses((status = 200, body = Resource), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateResource>,
) -> ApiResult<Json<Resource>> {
    let actor = caller.may(Scope::Resources)?;
    let id = path_id(&id, ResourceId::parse, "resource")?;
    let update = ResourceUpdate {
        identifier: body.identifier,
        name: body.name,
        scopes: body.scopes,
        access_token_ttl_secs: body.access_token_ttl_secs.map(Some),
    };
    let resource = resources::update_resource(state.ctx(), &id, update, &actor)
        .await
        .map_err(fail)?;
    Ok(Json(views::resource(&resource)))
}

/// Deletes the resource; grants bound to it are refused from then on (`invalid_target`).
#[utoipa::path(delete, path = "/api/v1/resources/{id}", tag = "resources", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Scope::Resources)?;
    let id = path_id(&id, ResourceId::parse, "resource")?;
    resources::delete_resource(state.ctx(), &id, &actor)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}
