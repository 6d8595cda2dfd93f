//! `/admin/applications`: register an application (its secret shown once),
//! change its redirect URIs, rotate its secret, delete it. Through
//! `services::clients`, as `/api/v1/clients`.

use super::session::Params;
use super::{checked, done, failure, next_page, notice, path_id, Admin, Console, PAGE};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::ClientId;
use hallpass_core::services::clients::{self, ClientUpdate, NewClient};
use hallpass_core::store::ClientKind;
use minijinja::context;
use std::sync::Arc;

/// Redirect URIs typed one per line.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let after = params.get("after").and_then(|a| ClientId::parse(a).ok());
    match clients::list_clients(state.ctx(), after.as_ref(), PAGE).await {
        Ok(list) => {
            let next = next_page(&list, |c| c.id.to_string());
            let apps: Vec<_> = list.iter().map(views::client).collect();
            pages.page(
                StatusCode::OK,
                "admin/applications.html",
                &admin,
                "applications",
                context! { apps, next, notice => notice(params.get("done")) },
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
    let kind = match form.field("kind").as_str() {
        "public" => ClientKind::Public,
        _ => ClientKind::Confidential,
    };
    let new = NewClient {
        kind,
        redirect_uris: lines(&form.field("redirect_uris")),
        ..NewClient::confidential(&form.field("name"))
    };
    match clients::create_client(state.ctx(), new, state.mode().uri_policy(), &admin.actor()).await {
        Ok(created) => pages.page(
            StatusCode::CREATED,
            "admin/secret.html",
            &admin,
            "applications",
            context! {
                title => "Application registered",
                app => views::client(&created.client),
                secret => created.secret,
            },
        ),
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
    let id = match path_id(&pages, &id, ClientId::parse, "application") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    let (client, secrets) = match (
        clients::get_client(ctx, &id).await,
        clients::list_client_secrets(ctx, &id).await,
    ) {
        (Ok(client), Ok(secrets)) => (client, secrets),
        (Err(err), _) | (_, Err(err)) => return failure(&pages, err),
    };
    let details = views::client_details(&client, &secrets);
    let uris = client
        .redirect_uris
        .iter()
        .map(|u| u.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    pages.page(
        StatusCode::OK,
        "admin/application.html",
        &admin,
        "applications",
        context! { app => details, uris, notice => notice(params.get("done")) },
    )
}

pub async fn update(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match path_id(&pages, &id, ClientId::parse, "application") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let update = ClientUpdate {
        name: Some(form.field("name")),
        redirect_uris: Some(lines(&form.field("redirect_uris"))),
        ..ClientUpdate::default()
    };
    match clients::update_client(state.ctx(), &id, update, state.mode().uri_policy(), &admin.actor()).await {
        Ok(_) => {
            state.provider().clients.forget(&id);
            done(&format!("/admin/applications/{id}"), "updated")
        }
        Err(err) => failure(&pages, err),
    }
}

async fn confirm(state: &PageState, pages: &Console, admin: &Admin, id: &str, what: &str) -> Response {
    let id = match path_id(pages, id, ClientId::parse, "application") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let client = match clients::get_client(state.ctx(), &id).await {
        Ok(client) => client,
        Err(err) => return failure(pages, err),
    };
    let (title, message, button) = match what {
        "delete" => (
            format!("Delete {}?", client.name),
            "Its secrets, codes and refresh tokens go with it; its users can no longer sign in to it. This cannot be undone.",
            "Delete the application",
        ),
        _ => (
            format!("Rotate the secret of {}?", client.name),
            "A new secret is made and shown once. The newest old secret keeps working beside it until you delete it; any older one stops.",
            "Rotate the secret",
        ),
    };
    pages.page(
        StatusCode::OK,
        "admin/confirm.html",
        admin,
        "applications",
        context! {
            title,
            message,
            button,
            action => format!("/admin/applications/{id}/{what}"),
            cancel => format!("/admin/applications/{id}"),
            danger => what == "delete",
        },
    )
}

pub async fn confirm_delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
) -> Response {
    confirm(&state, &pages, &admin, &id, "delete").await
}

pub async fn confirm_rotate(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
) -> Response {
    confirm(&state, &pages, &admin, &id, "rotate").await
}

pub async fn delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match path_id(&pages, &id, ClientId::parse, "application") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    match clients::delete_client(state.ctx(), &id, &admin.actor()).await {
        Ok(()) => {
            state.provider().clients.forget(&id);
            done("/admin/applications", "deleted")
        }
        Err(err) => failure(&pages, err),
    }
}

pub async fn rotate(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match path_id(&pages, &id, ClientId::parse, "application") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    match clients::rotate_client_secret(ctx, &id, &admin.actor()).await {
        Ok((_, secret)) => {
            state.provider().clients.forget(&id);
            let client = match clients::get_client(ctx, &id).await {
                Ok(client) => client,
                Err(err) => return failure(&pages, err),
            };
            pages.page(
                StatusCode::CREATED,
                "admin/secret.html",
                &admin,
                "applications",
                context! { title => "New secret", app => views::client(&client), secret => Some(secret) },
            )
        }
        Err(err) => failure(&pages, err),
    }
}
