//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers'
//! annotations and the wire types (utoipa).

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Hallpass management API", version = "1", description = "Users, organizations, memberships, roles, sessions, connections, SCIM directories, resources, sign-in settings, signing keys and audit events. Authenticate with a client_credentials access token whose scope includes `hallpass:admin` or the resource's own scope (`hallpass:users`, `hallpass:organizations`, `hallpass:roles`, `hallpass:sessions`, `hallpass:keys`, `hallpass:audit`, `hallpass:invitations`, `hallpass:clients`, `hallpass:connections`, `hallpass:directories`, `hallpass:resources`, `hallpass:settings`). Every POST accepts an `Idempotency-Key` header: a retry with the same key and body gets the first answer again (with `Idempotent-Replayed: true`) for 24 hours."),
    paths(
        super::users::list, super::users::create, super::users::get, super::users::update, super::users::delete,
        super::users::memberships,
        super::sessions::list, super::sessions::revoke_all, super::sessions::post_revoke_all,
        super::sessions::revoke, super::sessions::post_revoke,
        super::organizations::list, super::organizations::create, super::organizations::get,
        super::organizations::update, super::organizations::members, super::organizations::put_member,
        super::organizations::remove_member,
        super::roles::list, super::roles::create, super::roles::list_for_organization,
        super::roles::create_for_organization, super::roles::permissions,
        super::keys::list, super::keys::rotate,
        super::audit::list,
        super::invitations::list, super::invitations::create, super::invitations::get,
        super::invitations::revoke, super::invitations::resend,
        super::clients::list, super::clients::create, super::clients::get, super::clients::update,
        super::clients::delete, super::clients::rotate_secret, super::clients::delete_secret,
        super::session_policy::global, super::session_policy::get, super::session_policy::put,
        super::session_policy::delete,
        super::connections::create_for_organization, super::connections::list_for_organization,
        super::connections::create, super::connections::list, super::connections::get,
        super::connections::update, super::connections::delete,
        super::directories::list, super::directories::create, super::directories::get,
        super::directories::delete, super::directories::replace_token,
        super::resources::list, super::resources::create, super::resources::get, super::resources::update,
        super::resources::delete,
        super::settings::get, super::settings::update,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
