use super::auth::{Caller, Resource};
use super::body::{ApiJson, ApiQuery};
use super::{fail, page, path_id, ApiResult, PageQuery};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::crypto::Algorithm;
use hallpass_core::ids::{ClientId, SecretId};
use hallpass_core::services::clients::{self, ClientUpdate, NewClient};
use hallpass_core::store::ClientKind;
use hallpass_core::CoreError;
use hallpass_proto::management::{
    Client, ClientDetails, ClientSecret, CreateClient, CreatedClient, Page, UpdateClient,
};
use hallpass_proto::ErrorBody;

/// A client that holds management scopes is managed by admins only.
async fn guarded(state: &AppState, caller: &Caller, id: &ClientId) -> ApiResult<()> {
    let client = clients::get_client(state.ctx(), id).await.map_err(fail)?;
    caller.may_touch_scopes(&client.granted_scopes)
}

fn algorithm(value: Option<&str>) -> ApiResult<Option<Algorithm>> {
    value
        .map(|v| {
            v.parse::<Algorithm>()
                .map_err(|e| fail(CoreError::invalid("id_token_signed_response_alg", e.to_string())))
        })
        .transpose()
}

#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(PageQuery),
    responses((status = 200, body = Page<Client>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Client>>> {
    caller.may(Resource::Clients)?;
    let after = q.after(ClientId::parse)?;
    let list = clients::list_clients(state.ctx(), after.as_ref(), q.limit())
        .await
        .map_err(fail)?;
    Ok(Json(page(list.iter().map(views::client).collect(), q.limit(), |c| {
        c.client_id.clone()
    })))
}

/// Registers an application; a confidential client's secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = CreateClient,
    responses((status = 201, body = CreatedClient), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateClient>,
) -> ApiResult<(StatusCode, Json<CreatedClient>)> {
    let actor = caller.may(Resource::Clients)?;
    caller.may_touch_scopes(&body.scopes)?;
    let kind = match body.client_type.as_deref() {
        None | Some("confidential") => ClientKind::Confidential,
        Some("public") => ClientKind::Public,
        Some(_) => {
            return Err(fail(CoreError::invalid(
                "client_type",
                "must be `confidential` or `public`",
            )))
        }
    };
    let new = NewClient {
        name: body.name,
        kind,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        initiate_login_uri: body.initiate_login_uri,
        backchannel_logout_uri: body.backchannel_logout_uri,
        native: body.native,
        granted_scopes: body.scopes,
        access_token_ttl_secs: body.access_token_ttl_secs,
        id_token_algorithm: algorithm(body.id_token_signed_response_alg.as_deref())?.unwrap_or(Algorithm::Es256),
    };
    let created = clients::create_client(state.ctx(), new, state.mode().uri_policy(), &actor)
        .await
        .map_err(fail)?;
    let out = CreatedClient {
        client: views::client(&created.client),
        client_secret: created.secret,
    };
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = ClientDetails), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ClientDetails>> {
    caller.may(Resource::Clients)?;
    let id = path_id(&id, ClientId::parse, "client")?;
    let client = clients::get_client(state.ctx(), &id).await.map_err(fail)?;
    let secrets = clients::list_client_secrets(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(views::client_details(&client, &secrets)))
}

/// Changes what is given; a list given replaces the list; an empty string clears a URI.
#[utoipa::path(patch, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)), request_body = UpdateClient,
    responses((status = 200, body = Client), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateClient>,
) -> ApiResult<Json<Client>> {
    let actor = caller.may(Resource::Clients)?;
    let id = path_id(&id, ClientId::parse, "client")?;
    guarded(&state, &caller, &id).await?;
    let optional = |value: Option<String>| value.map(|v| (!v.is_empty()).then_some(v));
    let update = ClientUpdate {
        name: body.name,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        initiate_login_uri: optional(body.initiate_login_uri),
        backchannel_logout_uri: optional(body.backchannel_logout_uri),
        access_token_ttl_secs: body.access_token_ttl_secs.map(Some),
        id_token_algorithm: algorithm(body.id_token_signed_response_alg.as_deref())?,
    };
    let client = clients::update_client(state.ctx(), &id, update, state.mode().uri_policy(), &actor)
        .await
        .map_err(fail)?;
    Ok(Json(views::client(&client)))
}

/// Deletes the application with its secrets, codes and refresh tokens.
#[utoipa::path(delete, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Clients)?;
    let id = path_id(&id, ClientId::parse, "client")?;
    guarded(&state, &caller, &id).await?;
    clients::delete_client(state.ctx(), &id, &actor).await.map_err(fail)?;
    state.clients().forget(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a secret (shown in this answer only) and keeps the newest old one working beside it.
#[utoipa::path(post, path = "/api/v1/clients/{id}/secrets", tag = "clients", params(("id" = String, Path)),
    responses((status = 201, body = ClientSecret), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<ClientSecret>)> {
    let actor = caller.may(Resource::Clients)?;
    let id = path_id(&id, ClientId::parse, "client")?;
    guarded(&state, &caller, &id).await?;
    let (secret_id, secret) = clients::rotate_client_secret(state.ctx(), &id, &actor)
        .await
        .map_err(fail)?;
    state.clients().forget(&id);
    let out = ClientSecret {
        client_id: id.to_string(),
        secret_id: secret_id.to_string(),
        client_secret: secret,
    };
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(delete, path = "/api/v1/clients/{id}/secrets/{secret_id}", tag = "clients",
    params(("id" = String, Path), ("secret_id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_secret(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, secret)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Clients)?;
    let id = path_id(&id, ClientId::parse, "client")?;
    guarded(&state, &caller, &id).await?;
    let secret = path_id(&secret, SecretId::parse, "secret")?;
    clients::delete_client_secret(state.ctx(), &id, &secret, &actor)
        .await
        .map_err(fail)?;
    state.clients().forget(&id);
    Ok(StatusCode::NO_CONTENT)
}
