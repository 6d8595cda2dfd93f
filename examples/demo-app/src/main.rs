//! `demo-app`: run against a local Hallpass (see the README beside this crate).

use demo_app::Settings;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let client_id = env_or("DEMO_CLIENT_ID", "");
    if client_id.is_empty() {
        return Err(
            "set DEMO_CLIENT_ID and DEMO_CLIENT_SECRET to a client made with `hallpass clients create` (or use run.sh)"
                .into(),
        );
    }
    let cookie_secret = match std::env::var("DEMO_COOKIE_SECRET") {
        Ok(secret) => secret.into_bytes(),
        Err(_) => {
            eprintln!("note: DEMO_COOKIE_SECRET is unset; sessions end when the demo restarts");
            let mut random = vec![0u8; 32];
            random_bytes(&mut random)?;
            random
        }
    };
    let settings = Settings {
        issuer: env_or("HALLPASS_ISSUER", "http://localhost:8080"),
        client_id,
        client_secret: std::env::var("DEMO_CLIENT_SECRET").ok().filter(|s| !s.is_empty()),
        base_url: env_or("DEMO_BASE_URL", "http://localhost:3000"),
        listen: env_or("DEMO_LISTEN", "127.0.0.1:3000"),
        cookie_secret,
    };
    let app = demo_app::build(&settings).await?;
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    println!("demo app on {} (Hallpass at {})", settings.base_url, settings.issuer);
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

fn random_bytes(buf: &mut [u8]) -> Result<(), String> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .map_err(|e| format!("no randomness for the cookie secret: {e}"))
}
