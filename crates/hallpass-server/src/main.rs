use clap::Parser;
use hallpass_server::cli::Cli;
use hallpass_server::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One TLS provider for every client in the process (SMTP, PostgreSQL,
    // back-channel logout), whatever features the dependency graph enables.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line that names the problem, with its causes.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
