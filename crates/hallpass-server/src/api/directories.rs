//! SCIM directories of an organization (`hallpass:directories`): where its
//! identity provider provisions people. The SCIM server itself is `scim/`.

use super::auth::{Caller, Resource};
use super::body::{ApiJson, ApiQuery};
use super::{fail, page, path_id, ApiResult, PageQuery};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::{DirectoryId, OrgId};
use hallpass_core::services::directories::{self, NewDirectory};
use hallpass_core::store::Directory as Record;
use hallpass_proto::management::{CreateDirectory, Directory, Page};
use hallpass_proto::ErrorBody;

/// The SCIM base URL of a directory: what its identity provider is given.
pub fn scim_base_url(issuer: &str, id: &DirectoryId) -> String {
    format!("{}/scim/v2/{id}", issuer.trim_end_matches('/'))
}

fn view(state: &AppState, d: &Record, token: Option<String>) -> Directory {
    views::directory(d, &state.policy().issuer, token)
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/directories", tag = "directories", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Directory>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Directory>>> {
    caller.may(Resource::Directories)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let after = q.after(DirectoryId::parse)?;
    let list = directories::list(state.ctx(), &id, after.as_ref(), q.limit())
        .await
        .map_err(fail)?;
    let data = list.iter().map(|d| view(&state, d, None)).collect();
    Ok(Json(page(data, q.limit(), |d: &Directory| d.id.clone())))
}

/// Creates a directory; the answer carries its SCIM base URL and its bearer token, shown this once.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/directories", tag = "directories", params(("id" = String, Path)), request_body = CreateDirectory,
    responses((status = 201, body = Directory), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateDirectory>,
) -> ApiResult<(StatusCode, Json<Directory>)> {
    let actor = caller.may(Resource::Directories)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let new = NewDirectory {
        name: body.name,
        group_roles: body.group_roles,
    };
    let (directory, token) = directories::create(state.ctx(), &id, new, &actor).await.map_err(fail)?;
    Ok((StatusCode::CREATED, Json(view(&state, &directory, Some(token)))))
}

#[utoipa::path(get, path = "/api/v1/directories/{id}", tag = "directories", params(("id" = String, Path)),
    responses((status = 200, body = Directory), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Directory>> {
    caller.may(Resource::Directories)?;
    let id = path_id(&id, DirectoryId::parse, "directory")?;
    let directory = directories::get(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(view(&state, &directory, None)))
}

/// Deletes the directory and its SCIM resources; the users and memberships it made stay.
#[utoipa::path(delete, path = "/api/v1/directories/{id}", tag = "directories", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Directories)?;
    let id = path_id(&id, DirectoryId::parse, "directory")?;
    directories::delete(state.ctx(), &id, &actor).await.map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the bearer token (shown in this answer only); the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/directories/{id}/token", tag = "directories", params(("id" = String, Path)),
    responses((status = 201, body = Directory), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn replace_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<Directory>)> {
    let actor = caller.may(Resource::Directories)?;
    let id = path_id(&id, DirectoryId::parse, "directory")?;
    let (directory, token) = directories::replace_token(state.ctx(), &id, &actor)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(view(&state, &directory, Some(token)))))
}
