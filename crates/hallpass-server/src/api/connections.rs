use super::auth::{Caller, Resource};
use super::body::ApiJson;
use super::{fail, path_id, ApiResult};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::{ConnectionId, OrgId};
use hallpass_core::services::connections::{self, ConnectionFields};
use hallpass_core::services::saml_settings::SamlFields;
use hallpass_proto::management::{Connection, ConnectionBody, Page};
use hallpass_proto::ErrorBody;

fn fields(body: ConnectionBody) -> ConnectionFields {
    ConnectionFields {
        kind: body.kind,
        name: body.name,
        domains: body.domains,
        enabled: body.enabled,
        sso_required: body.sso_required,
        issuer: body.issuer,
        client_id: body.client_id,
        client_secret: body.client_secret,
        scopes: body.scopes,
        authorization_endpoint: body.authorization_endpoint,
        token_endpoint: body.token_endpoint,
        userinfo_endpoint: body.userinfo_endpoint,
        jwks_uri: body.jwks_uri,
        saml: SamlFields {
            idp_metadata_xml: body.idp_metadata_xml,
            idp_entity_id: body.idp_entity_id,
            idp_sso_url: body.idp_sso_url,
            idp_certificate: body.idp_certificate,
            idp_secondary_certificate: body.idp_secondary_certificate,
            idp_initiated_client_id: body.idp_initiated_client_id,
            sp_private_key: body.sp_private_key,
            sp_certificate: body.sp_certificate,
            sign_authn_requests: body.sign_authn_requests,
        },
    }
}

async fn create_in(
    state: &AppState,
    caller: &Caller,
    org: Option<&OrgId>,
    body: ConnectionBody,
) -> ApiResult<(StatusCode, Json<Connection>)> {
    let actor = caller.may(Resource::Connections)?;
    let created = connections::create_connection(state.ctx(), state.provider().master(), org, fields(body), &actor)
        .await
        .map_err(fail)?;
    Ok((
        StatusCode::CREATED,
        Json(views::connection(&created, &state.policy().issuer)),
    ))
}

async fn list_in(state: &AppState, caller: &Caller, org: Option<&OrgId>) -> ApiResult<Json<Page<Connection>>> {
    caller.may(Resource::Connections)?;
    let list = connections::list_connections(state.ctx(), org).await.map_err(fail)?;
    let issuer = &state.policy().issuer;
    Ok(Json(Page {
        data: list.iter().map(|c| views::connection(c, issuer)).collect(),
        next_cursor: None,
    }))
}

/// An enterprise connection: the organization's members sign in through their IdP.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/connections", tag = "connections", params(("id" = String, Path)), request_body = ConnectionBody,
    responses((status = 201, body = Connection), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_for_organization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConnectionBody>,
) -> ApiResult<(StatusCode, Json<Connection>)> {
    caller.may(Resource::Connections)?;
    let org = path_id(&id, OrgId::parse, "organization")?;
    create_in(&state, &caller, Some(&org), body).await
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/connections", tag = "connections", params(("id" = String, Path)),
    responses((status = 200, body = Page<Connection>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_for_organization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Connection>>> {
    caller.may(Resource::Connections)?;
    let org = path_id(&id, OrgId::parse, "organization")?;
    list_in(&state, &caller, Some(&org)).await
}

/// A social connection, offered to everyone as "Continue with …".
#[utoipa::path(post, path = "/api/v1/connections", tag = "connections", request_body = ConnectionBody,
    responses((status = 201, body = Connection), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ConnectionBody>,
) -> ApiResult<(StatusCode, Json<Connection>)> {
    create_in(&state, &caller, None, body).await
}

/// The social connections.
#[utoipa::path(get, path = "/api/v1/connections", tag = "connections",
    responses((status = 200, body = Page<Connection>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Page<Connection>>> {
    list_in(&state, &caller, None).await
}

#[utoipa::path(get, path = "/api/v1/connections/{id}", tag = "connections", params(("id" = String, Path)),
    responses((status = 200, body = Connection), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Connection>> {
    caller.may(Resource::Connections)?;
    let id = path_id(&id, ConnectionId::parse, "connection")?;
    let found = connections::get_connection(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(views::connection(&found, &state.policy().issuer)))
}

#[utoipa::path(patch, path = "/api/v1/connections/{id}", tag = "connections", params(("id" = String, Path)), request_body = ConnectionBody,
    responses((status = 200, body = Connection), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConnectionBody>,
) -> ApiResult<Json<Connection>> {
    let actor = caller.may(Resource::Connections)?;
    let id = path_id(&id, ConnectionId::parse, "connection")?;
    let updated = connections::update_connection(state.ctx(), state.provider().master(), &id, fields(body), &actor)
        .await
        .map_err(fail)?;
    Ok(Json(views::connection(&updated, &state.policy().issuer)))
}

#[utoipa::path(delete, path = "/api/v1/connections/{id}", tag = "connections", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Connections)?;
    let id = path_id(&id, ConnectionId::parse, "connection")?;
    connections::delete_connection(state.ctx(), &id, &actor)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}
