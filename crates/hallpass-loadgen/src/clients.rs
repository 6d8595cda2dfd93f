//! Third-party clients arriving: dynamic registrations (RFC 7591) and
//! authorization requests naming a client ID metadata document, which
//! Hallpass fetches from the document server this process runs on loopback
//! (`documents`). Both run beside a token benchmark, to show they do not
//! slow it (`scripts/bench-token-beside-clients.sh`).

use std::net::Ipv4Addr;
use std::time::Duration;

/// The loopback redirect URI of every client made here.
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
/// A fixed PKCE challenge: the requests stop at the sign-in page, no code is exchanged.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The address a registration claims to come from (`X-Forwarded-For`,
/// honoured only when the server trusts this process as a proxy): the
/// n-th address of 198.18.0.0/15, the benchmarking range (RFC 2544), so a
/// server that does trust it sees many clients, each under its own limit.
pub fn forwarded_for(n: u64) -> String {
    let host = (n % (1 << 17)) as u32;
    Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 0, 0)) + host).to_string()
}

pub async fn register(http: &reqwest::Client, target: &str, n: u64, spread: bool) -> anyhow::Result<()> {
    let body = serde_json::json!({
        "client_name": format!("Load agent {n}"),
        "redirect_uris": [REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    let mut request = http.post(format!("{target}/oauth/register")).json(&body);
    if spread {
        request = request.header("x-forwarded-for", forwarded_for(n));
    }
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(status.as_u16() == 201, "{status}: {text}");
    Ok(())
}

/// Opens `/oauth/authorize` for the document `n` (a new URL each time, so
/// Hallpass fetches it); the answer is the redirect to the sign-in page.
pub async fn authorize_with_document(
    http: &reqwest::Client,
    target: &str,
    documents: &str,
    n: u64,
) -> anyhow::Result<()> {
    let client_id = format!("{documents}/clients/{n}.json");
    let url = url::Url::parse_with_params(
        &format!("{target}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "load"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )?;
    let response = http.get(url).send().await?;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(
        status.is_redirection() && location.contains("/login"),
        "{status} {location}: {}",
        response.text().await.unwrap_or_default()
    );
    Ok(())
}

/// Serves `/clients/{n}.json` on 127.0.0.1 after `delay` (a far-away host),
/// with `Cache-Control: no-store`; gives its base URL.
pub async fn documents(delay: Duration) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let own = base.clone();
    let router = axum::Router::new().route(
        "/clients/{file}",
        axum::routing::get(move |axum::extract::Path(file): axum::extract::Path<String>| {
            let own = own.clone();
            async move {
                tokio::time::sleep(delay).await;
                let document = serde_json::json!({
                    "client_id": format!("{own}/clients/{file}"),
                    "client_name": format!("Document agent {file}"),
                    "redirect_uris": [REDIRECT],
                    "grant_types": ["authorization_code", "refresh_token"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "none",
                });
                ([("cache-control", "no-store")], axum::Json(document))
            }
        }),
    );
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            eprintln!("document server stopped: {err}");
        }
    });
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::forwarded_for;

    #[test]
    fn forwarded_addresses_stay_in_the_benchmarking_range() {
        assert_eq!(forwarded_for(0), "198.18.0.0");
        assert_eq!(forwarded_for(257), "198.18.1.1");
        assert_eq!(forwarded_for((1 << 17) - 1), "198.19.255.255");
        assert_eq!(forwarded_for(1 << 17), "198.18.0.0");
    }
}
