//! The discovery documents (RFC 7644 §4): `/ServiceProviderConfig`,
//! `/ResourceTypes`, `/Schemas`, and the ListResponse envelope.

use crate::resource::ResourceKind;
use crate::schema;
use serde_json::{json, Value};

/// The most resources one list answer carries.
pub const MAX_RESULTS: usize = 200;

/// `/ServiceProviderConfig`; `base` is the directory's SCIM base URL.
pub fn service_provider_config(base: &str, documentation: &str) -> Value {
    json!({
        "schemas": [schema::SERVICE_PROVIDER_CONFIG],
        "documentationUri": documentation,
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "The directory's bearer token (RFC 6750), shown once when the directory is created or its token replaced.",
            "primary": true
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    })
}

/// One `/ResourceTypes/{name}` document.
pub fn resource_type(base: &str, kind: ResourceKind) -> Value {
    let extensions: Vec<Value> = kind
        .extensions()
        .iter()
        .map(|s| json!({"schema": s.id, "required": false}))
        .collect();
    json!({
        "schemas": [schema::RESOURCE_TYPE],
        "id": kind.name(),
        "name": kind.name(),
        "endpoint": kind.endpoint(),
        "description": kind.core().description,
        "schema": kind.core().id,
        "schemaExtensions": extensions,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", kind.name())}
    })
}

pub const KINDS: [ResourceKind; 2] = [ResourceKind::User, ResourceKind::Group];

/// One `/Schemas/{urn}` document.
pub fn schema_document(base: &str, s: &schema::Schema) -> Value {
    s.document(&format!("{base}/Schemas/{}", s.id))
}

/// A ListResponse.
pub fn list_response(resources: Vec<Value>, total: usize, start_index: usize) -> Value {
    json!({
        "schemas": [schema::LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// `startIndex` and `count` as RFC 7644 §3.4.2.4 reads them: a start below 1
/// is 1, a negative count is 0, a count above [`MAX_RESULTS`] is that.
pub fn paging(start_index: Option<i64>, count: Option<i64>) -> (usize, usize) {
    let start = start_index.unwrap_or(1).max(1);
    let count = count.unwrap_or(MAX_RESULTS as i64).clamp(0, MAX_RESULTS as i64);
    (usize::try_from(start).unwrap_or(1), usize::try_from(count).unwrap_or(0))
}

/// Whole `/ResourceTypes` and `/Schemas` lists.
pub fn resource_types(base: &str) -> Value {
    let all: Vec<Value> = KINDS.iter().map(|k| resource_type(base, *k)).collect();
    let n = all.len();
    list_response(all, n, 1)
}

pub fn schemas(base: &str) -> Value {
    let all: Vec<Value> = schema::all().iter().map(|s| schema_document(base, s)).collect();
    let n = all.len();
    list_response(all, n, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_point_at_the_base_url() {
        let spc = service_provider_config("https://id.test/scim/v2/dir_1", "https://id.test/docs");
        assert_eq!(spc["patch"]["supported"], true);
        assert_eq!(spc["etag"]["supported"], true);
        assert_eq!(
            spc["meta"]["location"],
            "https://id.test/scim/v2/dir_1/ServiceProviderConfig"
        );
        let rt = resource_types("b");
        assert_eq!(rt["totalResults"], 2);
        assert_eq!(
            rt["Resources"][0]["schemaExtensions"][0]["schema"],
            schema::ENTERPRISE_USER
        );
        assert_eq!(schemas("b")["Resources"][2]["id"], schema::GROUP);
    }

    #[test]
    fn paging_clamps() {
        assert_eq!(paging(None, None), (1, MAX_RESULTS));
        assert_eq!(paging(Some(0), Some(-4)), (1, 0));
        assert_eq!(paging(Some(5), Some(100_000)), (5, MAX_RESULTS));
    }
}
