//! The SCIM endpoints. Each extracts, calls one service, and answers.

use super::extract::{Caller, Failure, Scim, ScimBody};
use axum::extract::{Path, RawQuery};
use axum::http::header::IF_MATCH;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::services::provisioning;
use hallpass_scim::discovery::{self, KINDS};
use hallpass_scim::projection::Projection;
use hallpass_scim::schema::{self, SEARCH_REQUEST};
use hallpass_scim::{Filter, ResourceKind, ScimError};
use serde_json::Value;
use std::collections::HashMap;

type Answer = Result<Scim, Failure>;

/// Where the service provider's documentation lives.
const DOCUMENTATION: &str = "https://github.com/hallpass/hallpass#scim-provisioning";

pub async fn method_not_allowed() -> Response {
    Failure(ScimError::new(405, None, "This endpoint does not take this method.")).into_response()
}

pub async fn nothing_here(_caller: Caller) -> Response {
    Failure(ScimError::not_found("There is nothing at this address.")).into_response()
}

pub async fn service_provider_config(caller: Caller) -> Answer {
    Ok(Scim::new(
        StatusCode::OK,
        discovery::service_provider_config(&caller.base, DOCUMENTATION),
    ))
}

pub async fn resource_types(caller: Caller) -> Answer {
    Ok(Scim::new(StatusCode::OK, discovery::resource_types(&caller.base)))
}

pub async fn resource_type(caller: Caller, Path((_, name)): Path<(String, String)>) -> Answer {
    let kind = KINDS
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| ScimError::not_found(format!("There is no resource type `{name}`.")))?;
    Ok(Scim::new(StatusCode::OK, discovery::resource_type(&caller.base, kind)))
}

pub async fn schemas(caller: Caller) -> Answer {
    Ok(Scim::new(StatusCode::OK, discovery::schemas(&caller.base)))
}

pub async fn schema(caller: Caller, Path((_, urn)): Path<(String, String)>) -> Answer {
    let found = schema::by_urn(&urn).ok_or_else(|| ScimError::not_found(format!("There is no schema `{urn}`.")))?;
    Ok(Scim::new(
        StatusCode::OK,
        discovery::schema_document(&caller.base, found),
    ))
}

fn if_match(headers: &HeaderMap) -> Option<&str> {
    headers.get(IF_MATCH).and_then(|v| v.to_str().ok())
}

/// The query string's parameters (percent-decoded).
fn params(query: Option<String>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn number(params: &HashMap<String, String>, name: &str) -> Result<Option<i64>, Failure> {
    params
        .get(name)
        .map(|v| v.trim().parse::<i64>())
        .transpose()
        .map_err(|_| Failure(ScimError::invalid_value(format!("`{name}` must be an integer."))))
}

/// What a list or a search asks for.
struct Query {
    filter: Option<Filter>,
    start: usize,
    count: usize,
    projection: Projection,
}

impl Query {
    fn from_params(params: &HashMap<String, String>) -> Result<Query, Failure> {
        let (start, count) = discovery::paging(number(params, "startIndex")?, number(params, "count")?);
        Ok(Query {
            filter: params.get("filter").map(|f| Filter::parse(f)).transpose()?,
            start,
            count,
            projection: Projection::parse(
                params.get("attributes").map(String::as_str),
                params.get("excludedAttributes").map(String::as_str),
            )?,
        })
    }

    /// A SearchRequest body (RFC 7644 §3.4.3).
    fn from_search(body: &Value) -> Result<Query, Failure> {
        let object = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("A search is a JSON object."))?;
        let declared = object.get("schemas").and_then(Value::as_array).is_some_and(|s| {
            s.iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(SEARCH_REQUEST)))
        });
        if !declared {
            return Err(ScimError::invalid_syntax(format!("`schemas` must be [\"{SEARCH_REQUEST}\"].")).into());
        }
        let list = |name: &str| -> Result<Option<String>, Failure> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(items)) => Ok(Some(
                    items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
                )),
                Some(_) => Err(ScimError::invalid_value(format!("`{name}` must be a list of paths.")).into()),
            }
        };
        let mut params = HashMap::new();
        for (name, value) in [
            ("attributes", list("attributes")?),
            ("excludedAttributes", list("excludedAttributes")?),
        ] {
            if let Some(v) = value {
                params.insert(name.to_owned(), v);
            }
        }
        match object.get("filter") {
            None | Some(Value::Null) => {}
            Some(Value::String(f)) => {
                params.insert("filter".to_owned(), f.clone());
            }
            Some(_) => return Err(ScimError::invalid_filter("`filter` must be a string.").into()),
        }
        for name in ["startIndex", "count"] {
            match object.get(name) {
                None | Some(Value::Null) => {}
                Some(Value::Number(n)) => {
                    params.insert(name.to_owned(), n.to_string());
                }
                Some(_) => return Err(ScimError::invalid_value(format!("`{name}` must be an integer.")).into()),
            }
        }
        Query::from_params(&params)
    }
}

async fn list(caller: &Caller, kind: ResourceKind, q: Query) -> Answer {
    let page = provisioning::list(
        &caller.provider.ctx,
        &caller.directory,
        kind,
        q.filter.as_ref(),
        q.start,
        q.count,
        &caller.base,
    )
    .await?;
    let resources = page.resources.iter().map(|r| q.projection.apply(kind, r)).collect();
    Ok(Scim::new(
        StatusCode::OK,
        discovery::list_response(resources, page.total, q.start),
    ))
}

fn single(params: &HashMap<String, String>) -> Result<Projection, Failure> {
    Ok(Projection::parse(
        params.get("attributes").map(String::as_str),
        params.get("excludedAttributes").map(String::as_str),
    )?)
}

async fn create(caller: Caller, kind: ResourceKind, query: Option<String>, body: Value) -> Answer {
    let projection = single(&params(query))?;
    let made = provisioning::create(&caller.provider.ctx, &caller.directory, kind, &body, &caller.base).await?;
    Ok(Scim::created(projection.apply(kind, &made)))
}

async fn fetch(caller: Caller, kind: ResourceKind, id: &str, query: Option<String>) -> Answer {
    let projection = single(&params(query))?;
    let found = provisioning::get(&caller.provider.ctx, &caller.directory, kind, id, &caller.base).await?;
    Ok(Scim::new(StatusCode::OK, projection.apply(kind, &found)))
}

async fn replace(
    caller: Caller,
    kind: ResourceKind,
    id: &str,
    headers: &HeaderMap,
    query: Option<String>,
    body: Value,
) -> Answer {
    let projection = single(&params(query))?;
    let after = provisioning::replace(
        &caller.provider.ctx,
        &caller.directory,
        kind,
        id,
        &body,
        if_match(headers),
        &caller.base,
    )
    .await?;
    Ok(Scim::new(StatusCode::OK, projection.apply(kind, &after)))
}

async fn patch(
    caller: Caller,
    kind: ResourceKind,
    id: &str,
    headers: &HeaderMap,
    query: Option<String>,
    body: Value,
) -> Answer {
    let projection = single(&params(query))?;
    let after = provisioning::patch(
        &caller.provider.ctx,
        &caller.directory,
        kind,
        id,
        &body,
        if_match(headers),
        &caller.base,
    )
    .await?;
    Ok(Scim::new(StatusCode::OK, projection.apply(kind, &after)))
}

async fn delete(caller: Caller, kind: ResourceKind, id: &str, headers: &HeaderMap) -> Result<StatusCode, Failure> {
    provisioning::delete(&caller.provider.ctx, &caller.directory, kind, id, if_match(headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! resource_handlers {
    ($kind:expr, $list:ident, $search:ident, $create:ident, $get:ident, $replace:ident, $patch:ident, $delete:ident) => {
        pub async fn $list(caller: Caller, RawQuery(query): RawQuery) -> Answer {
            let q = Query::from_params(&params(query))?;
            list(&caller, $kind, q).await
        }

        pub async fn $search(caller: Caller, ScimBody(body): ScimBody) -> Answer {
            let q = Query::from_search(&body)?;
            list(&caller, $kind, q).await
        }

        pub async fn $create(caller: Caller, RawQuery(query): RawQuery, ScimBody(body): ScimBody) -> Answer {
            create(caller, $kind, query, body).await
        }

        pub async fn $get(caller: Caller, Path((_, id)): Path<(String, String)>, RawQuery(query): RawQuery) -> Answer {
            fetch(caller, $kind, &id, query).await
        }

        pub async fn $replace(
            caller: Caller,
            Path((_, id)): Path<(String, String)>,
            headers: HeaderMap,
            RawQuery(query): RawQuery,
            ScimBody(body): ScimBody,
        ) -> Answer {
            replace(caller, $kind, &id, &headers, query, body).await
        }

        pub async fn $patch(
            caller: Caller,
            Path((_, id)): Path<(String, String)>,
            headers: HeaderMap,
            RawQuery(query): RawQuery,
            ScimBody(body): ScimBody,
        ) -> Answer {
            patch(caller, $kind, &id, &headers, query, body).await
        }

        pub async fn $delete(
            caller: Caller,
            Path((_, id)): Path<(String, String)>,
            headers: HeaderMap,
        ) -> Result<StatusCode, Failure> {
            delete(caller, $kind, &id, &headers).await
        }
    };
}

resource_handlers!(
    ResourceKind::User,
    list_users,
    search_users,
    create_user,
    get_user,
    replace_user,
    patch_user,
    delete_user
);
resource_handlers!(
    ResourceKind::Group,
    list_groups,
    search_groups,
    create_group,
    get_group,
    replace_group,
    patch_group,
    delete_group
);

/// `POST /.search` at the root: Users, then Groups. A filter is applied to
/// each resource type whose schema has its attributes.
pub async fn search_all(caller: Caller, ScimBody(body): ScimBody) -> Answer {
    let q = Query::from_search(&body)?;
    let mut all = Vec::new();
    let mut applicable = 0;
    for kind in KINDS {
        if let Some(f) = &q.filter {
            if f.check(hallpass_scim::path::Scope::Resource(kind)).is_err() {
                continue;
            }
        }
        applicable += 1;
        let page = provisioning::list(
            &caller.provider.ctx,
            &caller.directory,
            kind,
            q.filter.as_ref(),
            1,
            usize::MAX,
            &caller.base,
        )
        .await?;
        all.extend(page.resources.iter().map(|r| q.projection.apply(kind, r)));
    }
    if applicable == 0 {
        if let Some(f) = &q.filter {
            f.check(hallpass_scim::path::Scope::Resource(ResourceKind::User))?;
        }
    }
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(q.start - 1).take(q.count).collect();
    Ok(Scim::new(
        StatusCode::OK,
        discovery::list_response(page, total, q.start),
    ))
}
