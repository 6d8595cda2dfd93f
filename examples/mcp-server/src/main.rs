//! `HALLPASS_ISSUER` (required), `MCP_LISTEN` (default 127.0.0.1:3001),
//! `MCP_BASE_URL` (default http://localhost:3001); the resource identifier
//! is `{MCP_BASE_URL}/mcp` and must be registered in Hallpass as a resource.

use hallpass_sdk::axum::ResourceServer;
use mcp_server::{resource_identifier, router, SCOPE};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = std::env::var("HALLPASS_ISSUER").map_err(|_| "set HALLPASS_ISSUER, e.g. http://localhost:8080")?;
    let listen = std::env::var("MCP_LISTEN").unwrap_or_else(|_| "127.0.0.1:3001".into());
    let base = std::env::var("MCP_BASE_URL").unwrap_or_else(|_| "http://localhost:3001".into());
    let resource = resource_identifier(&base);
    let rs = ResourceServer::discover(&issuer, &resource)
        .await?
        .scopes(&[SCOPE])
        .name("Hallpass example MCP server");
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("MCP server for {resource} on http://{listen}/mcp, trusting {issuer}");
    axum::serve(listener, router(&rs)).await?;
    Ok(())
}
