//! `hallpass-loadgen`: drives a running Hallpass with one scenario and reports
//! throughput and latency percentiles. Bounded in time and count; loopback only
//! by intent (it talks to the `--target` it is given).
//!
//! Scenarios:
//! * `client-credentials`: machine tokens for one client.
//! * `refresh`: rotation across many independent sessions, each worker
//!   carrying its own refresh-token chain. Sessions are seeded straight into
//!   the server's database (`--data-dir`/`--database-url`), then turned into
//!   refresh tokens through the real authorize and token endpoints.
//! * `jwks`, `discovery`: the public documents.
//! * `introspect`: a client introspecting one of its access tokens.
//! * `password-signin`: the whole sign-in a browser makes, per worker user
//!   (the server's sign-in rate limits must be raised for it).
//! * `users-search`, `users-list`: the management API over a seeded directory
//!   (`scripts/bench-directory.sh`).
//! * `email-code-signin`: the same with an emailed code, read from the
//!   server's development outbox (`/dev/outbox.json`), so delivery is excluded.
//! * `register`: dynamic client registrations; with `--spread-addresses`
//!   each claims another client address (`X-Forwarded-For`).
//! * `metadata-documents`: authorization requests naming a new client ID
//!   metadata document each, served by this process on loopback after
//!   `--document-delay-ms` (the server must be in development mode to fetch
//!   from loopback).

mod clients;
mod report;
mod scenarios;
mod seed;
mod signin;

use clap::{Parser, ValueEnum};
use std::time::Duration;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scenario {
    ClientCredentials,
    Refresh,
    Jwks,
    Discovery,
    Introspect,
    /// The whole browser sign-in: authorize, the sign-in page, the password
    /// form, back to authorize, then the code exchange.
    PasswordSignin,
    /// The same with an emailed code instead of a password.
    EmailCodeSignin,
    /// Management API: find a user by email among `--users` seeded ones
    /// (`user{i}@example.com`); the client needs `hallpass:users`.
    UsersSearch,
    /// Management API: a page of 50 users after a random cursor.
    UsersList,
    /// Dynamic client registration (RFC 7591).
    Register,
    /// `/oauth/authorize` with a client ID metadata document to fetch.
    MetadataDocuments,
}

#[derive(Debug, Parser)]
#[command(name = "hallpass-loadgen")]
pub struct Args {
    #[arg(long, value_enum)]
    pub scenario: Scenario,
    /// Base URL of the server under test.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Concurrent workers (for `refresh`, also the number of sessions).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// How long to measure, in seconds (after a one-second warm-up).
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Total requests per second to aim for; unset: as fast as the server answers.
    #[arg(long)]
    pub rate: Option<u64>,
    /// The client the scenario authenticates as (not needed by `register`,
    /// `metadata-documents`, `jwks`, `discovery`).
    #[arg(long, default_value = "")]
    pub client_id: String,
    #[arg(long, default_value = "")]
    pub client_secret: String,
    /// The server's data directory (seeding `refresh` and `introspect`).
    #[arg(long)]
    pub data_dir: Option<std::path::PathBuf>,
    #[arg(long)]
    pub database_url: Option<String>,
    /// The token endpoint's path on the target (another server's may differ).
    #[arg(long, default_value = "/oauth/token")]
    pub token_path: String,
    /// `refresh` against another server: a JSON array of its refresh tokens,
    /// one per worker, instead of seeding Hallpass's database.
    #[arg(long)]
    pub refresh_tokens: Option<std::path::PathBuf>,
    /// `refresh`: seed the sessions, write their refresh tokens to this file
    /// (one per line) and exit without sending load, for another tool
    /// (`scripts/wrk/refresh.lua`) to carry the chains forward.
    #[arg(long)]
    pub write_tokens: Option<std::path::PathBuf>,
    /// How many users `scripts/bench-directory.sh` seeded (users-search, users-list).
    #[arg(long, default_value_t = 1_000_000)]
    pub users: u64,
    /// `register`: claim a different client address per registration
    /// (`X-Forwarded-For` from 198.18.0.0/15; the server must trust this
    /// process as a proxy), so the per-address limit does not refuse them.
    #[arg(long)]
    pub spread_addresses: bool,
    /// `metadata-documents`: how long the document server takes to answer.
    #[arg(long, default_value_t = 200)]
    pub document_delay_ms: u64,
    /// Print one JSON line instead of text.
    #[arg(long)]
    pub json: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(10))
        .build()?;
    let workload = scenarios::prepare(args, &http).await?;
    if let Some(file) = &args.write_tokens {
        let scenarios::Workload::Refresh(tokens) = &workload else {
            anyhow::bail!("--write-tokens is for the refresh scenario");
        };
        std::fs::write(file, tokens.join("\n") + "\n")?;
        return Ok(());
    }
    let measured = scenarios::drive(args, &http, workload).await;
    report::print(args, &measured);
    if measured.errors > 0 && measured.ok == 0 {
        anyhow::bail!(
            "every request failed; first error: {}",
            measured.first_error.unwrap_or_default()
        );
    }
    Ok(())
}
