//! An MCP server on `rmcp` (streamable HTTP) whose `/mcp` endpoint takes only
//! access tokens Hallpass issued for it (`aud` = `{MCP_BASE_URL}/mcp`), with
//! one tool, `whoami`, answering with the caller's identity. Unauthenticated
//! requests get 401 with `WWW-Authenticate: Bearer resource_metadata=…`,
//! which is how MCP clients find Hallpass (RFC 9728), register themselves
//! and ask the user.

use hallpass_sdk::axum::{Bearer, ResourceServer};
use rmcp::handler::server::tool::Extension;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{tool, tool_router};
use std::sync::Arc;

/// The scope the tool needs.
pub const SCOPE: &str = "mcp:tools";

#[derive(Debug, Clone, Default)]
pub struct Tools;

#[tool_router(server_handler)]
impl Tools {
    /// Who is calling: the user (or machine client) the access token names.
    #[tool(name = "whoami", description = "Tells who the caller is, as Hallpass signed them in")]
    fn whoami(&self, Extension(parts): Extension<http::request::Parts>) -> String {
        match parts.extensions.get::<Bearer>() {
            Some(bearer) => serde_json::json!({
                "sub": bearer.claims.sub,
                "client_id": bearer.claims.client_id,
                "scope": bearer.claims.scope,
                "organization": bearer.claims.oid,
            })
            .to_string(),
            None => "unknown caller".to_owned(),
        }
    }
}

/// The resource identifier for a base URL: `{base}/mcp`.
pub fn resource_identifier(base_url: &str) -> String {
    format!("{}/mcp", base_url.trim_end_matches('/'))
}

/// `/mcp` behind the SDK's resource-server layer, and the protected-resource metadata.
pub fn router(rs: &ResourceServer) -> axum::Router {
    let host = url_host(rs.resource());
    let config = StreamableHttpServerConfig::default().with_allowed_hosts(
        ["localhost", "127.0.0.1", "::1"]
            .into_iter()
            .map(str::to_owned)
            .chain(host),
    );
    let mcp = StreamableHttpService::new(|| Ok(Tools), Arc::new(LocalSessionManager::default()), config);
    rs.protect(axum::Router::new().nest_service("/mcp", mcp))
        .merge(rs.metadata_routes())
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    Some(authority.to_owned())
}
