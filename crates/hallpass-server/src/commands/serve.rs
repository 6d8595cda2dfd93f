//! `hallpass serve`: bind, check, migrate, load keys, then answer requests
//! until SIGTERM or Ctrl-C, letting in-flight requests finish.

use crate::config::{Config, DatabaseTarget};
use crate::oauth::backchannel::{Backchannel, HttpSender};
use crate::router::router;
use crate::startup::app_state;
use crate::state::{AppState, Services};
use anyhow::Context as _;
use hallpass_core::clock::SystemClock;
use hallpass_core::services::console;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub async fn run(mut config: Config, json: bool) -> anyhow::Result<()> {
    let mode = config.mode()?;
    let addr = config.listen_addr()?;
    // Bind first: a port in use must fail the start before any data is touched.
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    // From here the configuration names the port taken (`:0` asks for any),
    // so an issuer derived from it is one where Hallpass answers.
    config.listen = local.to_string();
    if let Some(warning) = config.issuer_port_warning() {
        tracing::warn!("{warning}");
    }
    let mail = crate::mail::from_config(&config, mode)?;
    let backchannel = Backchannel::new(Arc::new(HttpSender::new()));
    let services = Services {
        backchannel,
        documents: None,
        mailer: mail.mailer,
        outbox: mail.outbox,
    };
    let state = app_state(config.clone(), Arc::new(SystemClock), services).await?;
    let ctx = state.ctx();
    // Until the first application is registered, say how to register one.
    let getting_started = ctx.store.count_clients().await? == 0;
    let target = config.database_target()?;
    let shutdown = shutdown_signal();
    announce(&config, mode, local, &target, getting_started, json);
    if mode == crate::config::Mode::Development && console::list_admins(ctx).await?.is_empty() {
        become_admin(&config, json);
    }

    let reloader = tokio::spawn(reload_keys(state.clone()));
    let mail = state.hosted_pages().mail.clone();
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("server error")?;
    reloader.abort();
    // Mail the last requests queued still goes out; a dead mail server does not hold the exit.
    if tokio::time::timeout(Duration::from_secs(10), mail.flushed())
        .await
        .is_err()
    {
        tracing::warn!("mail still queued at exit was not sent");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn reload_keys(state: AppState) {
    let every = state.operations().key_reload;
    let mut interval = tokio::time::interval(every);
    interval.tick().await;
    loop {
        interval.tick().await;
        state.reload_keys().await;
        state.hosted_pages().limits.forget_idle();
    }
}

fn announce(
    config: &Config,
    mode: crate::config::Mode,
    local: std::net::SocketAddr,
    target: &DatabaseTarget,
    getting_started: bool,
    json: bool,
) {
    let mode_name = format!("{mode:?}").to_lowercase();
    tracing::info!(address = %local, issuer = %config.issuer(), mode = %mode_name, database = %target.describe(), "listening");
    if json {
        let line = json!({
            "event": "listening",
            "address": local.to_string(),
            "issuer": config.issuer(),
            "mode": mode_name,
            "database": target.describe(),
            "getting_started": getting_started,
        });
        println!("{line}");
        return;
    }
    println!(
        "Hallpass listening on http://{local} ({mode_name} mode), issuer {}",
        config.issuer()
    );
    if getting_started {
        let redirect = "http://localhost:3000/callback";
        println!(
            "\nWelcome to Hallpass. No application is registered yet.\n  \
             issuer    {issuer}\n  \
             database  {db}\n  \
             data dir  {dir} (master key: {key}; back it up)\n\n\
             Register your first application, then send its users to {issuer}/oauth/authorize:\n  \
             hallpass clients create --name \"My app\" --redirect-uri {redirect}\n",
            issuer = config.issuer(),
            db = target.describe(),
            dir = config.data_dir.display(),
            key = if config.master_key.is_some() {
                "from HALLPASS_MASTER_KEY".to_owned()
            } else {
                config.master_key_file().display().to_string()
            },
        );
    }
}

/// Until someone may open the console, say how to become its admin (one line).
fn become_admin(config: &Config, json: bool) {
    let line = format!(
        "Admin console: run `hallpass admins add YOU@EXAMPLE.COM --create` and open the link it prints, then {}/admin",
        config.issuer()
    );
    if json {
        tracing::info!("{line}");
    } else {
        println!("{line}");
    }
}

/// Registers for SIGTERM now, before the server says it listens: a signal
/// that comes at once is then a graceful shutdown, not the default kill
/// (the handler used to be installed only when the future was first polled).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async move {
            match terminate {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = terminate => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
