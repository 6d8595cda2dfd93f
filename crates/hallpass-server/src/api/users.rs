use super::auth::{Caller, Resource};
use super::body::{ApiJson, ApiQuery};
use super::{fail, page, path_id, ApiResult, PageQuery};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::UserId;
use hallpass_core::services::users::{self, NewUser, UserChanges};
use hallpass_core::services::{memberships, roles};
use hallpass_core::sessions::{self, EndReason};
use hallpass_proto::management::{CreateUser, Membership, Page, UpdateUser, User};
use hallpass_proto::ErrorBody;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Find the user with this address (compared case-insensitively).
    pub email: Option<String>,
    pub limit: Option<u32>,
    pub after: Option<String>,
}

/// Lists users in creation order, or finds one by email.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = Page<User>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<Page<User>>> {
    caller.may(Resource::Users)?;
    if let Some(email) = q.email.as_deref() {
        let found = users::find_user_by_email(state.ctx(), email).await.map_err(fail)?;
        return Ok(Json(Page {
            data: found.iter().map(views::user).collect(),
            next_cursor: None,
        }));
    }
    let paging = PageQuery {
        limit: q.limit,
        after: q.after,
    };
    let after = paging.after(UserId::parse)?;
    let limit = paging.limit();
    let list = users::list_users(state.ctx(), after.as_ref(), limit)
        .await
        .map_err(fail)?;
    Ok(Json(page(list.iter().map(views::user).collect(), limit, |u| {
        u.id.clone()
    })))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let actor = caller.may(Resource::Users)?;
    let new = NewUser {
        email: body.email,
        name: body.name,
        password: body.password,
        email_verified: body.email_verified,
    };
    let user = users::create_user(state.ctx(), new, &state.hosted_pages().signin.passwords, &actor)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(views::user(&user))))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = User), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<User>> {
    caller.may(Resource::Users)?;
    let id = path_id(&id, UserId::parse, "user")?;
    let user = users::get_user(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(views::user(&user)))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = UpdateUser,
    responses((status = 200, body = User), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> ApiResult<Json<User>> {
    let actor = caller.may(Resource::Users)?;
    let id = path_id(&id, UserId::parse, "user")?;
    let changes = UserChanges {
        name: body.name,
        email_verified: body.email_verified,
        external_id: body.external_id,
        metadata: body.metadata,
    };
    let user = users::update_user(state.ctx(), &id, changes, &actor)
        .await
        .map_err(fail)?;
    Ok(Json(views::user(&user)))
}

/// Deletes the user; their sessions end first and apps hear of it on the back channel.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Users)?;
    let id = path_id(&id, UserId::parse, "user")?;
    users::get_user(state.ctx(), &id).await.map_err(fail)?;
    sessions::end_for_user(state.ctx(), &id, None, EndReason::UserDeleted)
        .await
        .map_err(fail)?;
    users::delete_user(state.ctx(), &id, &actor).await.map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/users/{id}/memberships", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = Page<Membership>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn memberships(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Membership>>> {
    caller.may(Resource::Users)?;
    let id = path_id(&id, UserId::parse, "user")?;
    let list = memberships::list_user_memberships(state.ctx(), &id)
        .await
        .map_err(fail)?;
    let mut data = Vec::with_capacity(list.len());
    for m in &list {
        let visible = roles::list_roles(state.ctx(), Some(&m.organization_id))
            .await
            .map_err(fail)?;
        data.push(views::membership(m, &visible));
    }
    Ok(Json(Page {
        data,
        next_cursor: None,
    }))
}
