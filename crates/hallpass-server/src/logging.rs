//! Structured logs through tracing: human text by default, JSON for machines.
//! Every line inside a request carries that request's id (from its span).
//!
//! Lines go to stderr from a thread of their own: a request formats its line
//! and queues it, and never waits for the terminal or a log collector. When
//! the queue is full, requests wait rather than lose lines.

use crate::config::{LogConfig, LogFormat};
use std::io::IsTerminal;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Installs the logger. Keep the guard until the process is done: dropping it
/// writes out what is still queued.
#[must_use = "dropping the guard stops the log writer"]
pub fn init(config: &LogConfig) -> WorkerGuard {
    // RUST_LOG, when set, overrides the configured level.
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("hallpass-logs")
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    let _ = match config.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
    };
    guard
}
