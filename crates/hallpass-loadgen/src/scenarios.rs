//! What each scenario sends, and the worker loop that sends it.

use crate::report::Measured;
use crate::{seed, Args, Scenario};
use anyhow::Context as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WARM_UP: Duration = Duration::from_secs(1);

pub enum Workload {
    ClientCredentials,
    /// One refresh token per worker: independent sessions.
    Refresh(Vec<String>),
    Get(&'static str),
    Introspect(String),
    /// One (email, password) per worker, and the client's redirect URI.
    PasswordSignin(Vec<(String, String)>, String),
    /// One email per worker, and the client's redirect URI.
    EmailCodeSignin(Vec<String>, String),
    /// An admin access token; `true` to search by email, else list pages.
    Directory(String, bool),
    /// `true`: each registration from another claimed address.
    Register(bool),
    /// The document server's base URL.
    MetadataDocuments(String),
}

pub async fn prepare(args: &Args, http: &reqwest::Client) -> anyhow::Result<Workload> {
    Ok(match args.scenario {
        Scenario::ClientCredentials => Workload::ClientCredentials,
        Scenario::Jwks => Workload::Get("/.well-known/jwks.json"),
        Scenario::Discovery => Workload::Get("/.well-known/openid-configuration"),
        Scenario::Refresh => Workload::Refresh(match &args.refresh_tokens {
            // Another server's tokens (the side-by-side baseline): one per worker.
            Some(file) => {
                let tokens: Vec<String> = serde_json::from_str(&std::fs::read_to_string(file)?)?;
                anyhow::ensure!(
                    tokens.len() >= args.concurrency,
                    "{} holds fewer tokens than workers",
                    file.display()
                );
                tokens
            }
            None => seed::refresh_tokens(args, http, args.concurrency).await?,
        }),
        Scenario::PasswordSignin => {
            let (users, redirect) = seed::signin_users(args, args.concurrency, true).await?;
            Workload::PasswordSignin(users, redirect)
        }
        Scenario::UsersSearch | Scenario::UsersList => {
            let token = seed::machine_token(args, http).await?;
            Workload::Directory(token, matches!(args.scenario, Scenario::UsersSearch))
        }
        Scenario::EmailCodeSignin => {
            let (users, redirect) = seed::signin_users(args, args.concurrency, false).await?;
            Workload::EmailCodeSignin(users.into_iter().map(|(email, _)| email).collect(), redirect)
        }
        Scenario::Register => Workload::Register(args.spread_addresses),
        Scenario::MetadataDocuments => {
            let delay = Duration::from_millis(args.document_delay_ms);
            Workload::MetadataDocuments(crate::clients::documents(delay).await?)
        }
        Scenario::Introspect => {
            let token = seed::refresh_tokens(args, http, 1).await?;
            let access = seed::access_token_from_refresh(args, http, &token[0]).await?;
            Workload::Introspect(access)
        }
    })
}

pub async fn drive(args: &Args, http: &reqwest::Client, workload: Workload) -> Measured {
    let start = Instant::now() + WARM_UP;
    let end = start + Duration::from_secs(args.seconds);
    let interval = args
        .rate
        .map(|rate| Duration::from_secs_f64(args.concurrency as f64 / rate.max(1) as f64));
    let mut refresh_tokens = match &workload {
        Workload::Refresh(tokens) => tokens.clone(),
        _ => Vec::new(),
    };
    let mut users = match &workload {
        Workload::PasswordSignin(users, _) => users.clone(),
        Workload::EmailCodeSignin(emails, _) => emails.iter().map(|e| (e.clone(), String::new())).collect(),
        _ => Vec::new(),
    };
    // Registrations and documents are numbered across workers: each is new.
    let numbers = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for worker in 0..args.concurrency {
        let http = http.clone();
        let request = Request {
            target: args.target.clone(),
            token_path: args.token_path.clone(),
            client_id: args.client_id.clone(),
            client_secret: args.client_secret.clone(),
            kind: match &workload {
                Workload::ClientCredentials => Kind::ClientCredentials,
                Workload::Refresh(_) => Kind::Refresh(refresh_tokens.pop().unwrap_or_default()),
                Workload::Get(path) => Kind::Get(path),
                Workload::Introspect(token) => Kind::Introspect(token.clone()),
                Workload::Directory(token, search) => Kind::Directory {
                    token: token.clone(),
                    search: *search,
                    users: args.users.max(1),
                    // A different walk through the directory per worker.
                    state: 0x9E37_79B9_7F4A_7C15 ^ (worker as u64 + 1),
                },
                Workload::Register(spread) => Kind::Register {
                    spread: *spread,
                    numbers: numbers.clone(),
                },
                Workload::MetadataDocuments(base) => Kind::Document {
                    base: base.clone(),
                    numbers: numbers.clone(),
                },
                Workload::PasswordSignin(_, redirect) | Workload::EmailCodeSignin(_, redirect) => {
                    let (email, password) = users.pop().unwrap_or_default();
                    Kind::SignIn {
                        email,
                        password: (!password.is_empty()).then_some(password),
                        redirect: redirect.clone(),
                    }
                }
            },
        };
        // Stagger paced workers so their requests spread over the interval.
        let offset = interval.map(|i| i.mul_f64(worker as f64 / args.concurrency as f64));
        tasks.push(tokio::spawn(worker_loop(http, request, start, end, interval, offset)));
    }
    let mut total = Measured::default();
    for task in tasks {
        if let Ok(m) = task.await {
            total.ok += m.ok;
            total.errors += m.errors;
            total.latencies.extend(m.latencies);
            if total.first_error.is_none() {
                total.first_error = m.first_error;
            }
        }
    }
    total.elapsed = end.saturating_duration_since(start);
    total
}

struct Request {
    target: String,
    token_path: String,
    client_id: String,
    client_secret: String,
    kind: Kind,
}

enum Kind {
    ClientCredentials,
    Refresh(String),
    Get(&'static str),
    Introspect(String),
    /// A management API read over seeded users, at random places.
    Directory {
        token: String,
        search: bool,
        users: u64,
        state: u64,
    },
    Register {
        spread: bool,
        numbers: Arc<AtomicU64>,
    },
    Document {
        base: String,
        numbers: Arc<AtomicU64>,
    },
    /// A browser sign-in: by password when there is one, else by emailed code.
    SignIn {
        email: String,
        password: Option<String>,
        redirect: String,
    },
}

async fn worker_loop(
    http: reqwest::Client,
    mut request: Request,
    start: Instant,
    end: Instant,
    interval: Option<Duration>,
    offset: Option<Duration>,
) -> Measured {
    let mut measured = Measured::default();
    let mut next = Instant::now() + offset.unwrap_or_default();
    while Instant::now() < end {
        if let Some(interval) = interval {
            tokio::time::sleep_until(next.into()).await;
            next += interval;
        }
        let sent = Instant::now();
        let result = send(&http, &mut request).await;
        let took = sent.elapsed();
        if sent < start || sent >= end {
            continue;
        }
        match result {
            Ok(()) => {
                measured.ok += 1;
                measured.latencies.push(took);
            }
            Err(err) => {
                measured.errors += 1;
                measured.first_error.get_or_insert_with(|| format!("{err:#}"));
                if matches!(request.kind, Kind::Refresh(_)) {
                    break; // the chain is broken; carrying on would only repeat the error
                }
            }
        }
    }
    measured
}

async fn send(http: &reqwest::Client, request: &mut Request) -> anyhow::Result<()> {
    if let Kind::SignIn {
        email,
        password,
        redirect,
    } = &request.kind
    {
        let signin = crate::signin::SignIn {
            http,
            target: &request.target,
            client_id: &request.client_id,
            client_secret: &request.client_secret,
            redirect,
        };
        return match password {
            Some(password) => signin.with_password(email, password).await,
            None => signin.with_email_code(email).await,
        };
    }
    match &request.kind {
        Kind::Register { spread, numbers } => {
            let n = numbers.fetch_add(1, Ordering::Relaxed);
            return crate::clients::register(http, &request.target, n, *spread).await;
        }
        Kind::Document { base, numbers } => {
            let n = numbers.fetch_add(1, Ordering::Relaxed);
            return crate::clients::authorize_with_document(http, &request.target, base, n).await;
        }
        _ => {}
    }
    let token_url = format!("{}{}", request.target, request.token_path);
    let auth = (&request.client_id, Some(&request.client_secret));
    let response = match &mut request.kind {
        Kind::ClientCredentials => {
            http.post(&token_url)
                .basic_auth(auth.0, auth.1)
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await?
        }
        Kind::Refresh(token) => {
            http.post(&token_url)
                .basic_auth(auth.0, auth.1)
                .form(&[("grant_type", "refresh_token"), ("refresh_token", token.as_str())])
                .send()
                .await?
        }
        Kind::Get(path) => http.get(format!("{}{path}", request.target)).send().await?,
        Kind::Directory {
            token,
            search,
            users,
            state,
        } => {
            // xorshift64: cheap, and enough to scatter reads over the index.
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            let i = *state % *users;
            let path = if *search {
                format!("/api/v1/users?email=user{i}@example.com")
            } else {
                format!("/api/v1/users?limit=50&after=usr_01j{i:023}")
            };
            http.get(format!("{}{path}", request.target))
                .bearer_auth(&*token)
                .send()
                .await?
        }
        Kind::Introspect(token) => {
            http.post(format!("{}/oauth/introspect", request.target))
                .basic_auth(auth.0, auth.1)
                .form(&[("token", token.as_str())])
                .send()
                .await?
        }
        Kind::SignIn { .. } | Kind::Register { .. } | Kind::Document { .. } => return Ok(()),
    };
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        anyhow::bail!("{status}: {}", String::from_utf8_lossy(&body));
    }
    if let Kind::Refresh(token) = &mut request.kind {
        let parsed: serde_json::Value = serde_json::from_slice(&body)?;
        *token = parsed["refresh_token"]
            .as_str()
            .context("no refresh_token in the response")?
            .to_owned();
    }
    Ok(())
}
