//! One module per command; each loads what it needs and nothing more.

mod admins;
mod clients;
mod config_show;
mod connections;
mod directories;
mod invitations;
mod keys;
mod migrate;
mod orgs;
mod resources;
mod roles;
mod serve;
mod settings;
mod users;

use crate::cli::{Cli, Command};
use crate::config::{Config, LogConfig, Overrides};
use crate::logging;
use serde_json::json;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let overrides = overrides(&cli);
    let loaded = Config::load(&overrides)?;
    let config = loaded.config;
    // Held to the end of the command, so every line is written before exit.
    let _logs = match &cli.command {
        Command::Serve(_) => logging::init(&config.log),
        // Other commands print results; their logs only speak up for problems.
        _ => logging::init(&LogConfig {
            level: "warn".into(),
            ..config.log.clone()
        }),
    };
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    match cli.command {
        Command::Serve(_) => serve::run(config, cli.json).await,
        Command::Migrate => migrate::run(&config, cli.json).await,
        Command::Config(_) => config_show::run(&config, cli.json),
        Command::Keys(command) => keys::run(&config, command, cli.json).await,
        Command::Clients(command) => clients::run(&config, command, cli.json).await,
        Command::Resources(command) => resources::run(&config, command, cli.json).await,
        Command::Admins(command) => admins::run(&config, command, cli.json).await,
        Command::Settings(command) => settings::run(&config, command, cli.json).await,
        Command::Users(command) => users::run(&config, command, cli.json).await,
        Command::Orgs(command) => orgs::run(&config, command, cli.json).await,
        Command::Connections(command) => connections::run(&config, *command, cli.json).await,
        Command::Roles(command) => roles::run(&config, command, cli.json).await,
        Command::Invitations(command) => invitations::run(&config, command, cli.json).await,
        Command::Directories(command) => directories::run(&config, command, cli.json).await,
    }
}

fn overrides(cli: &Cli) -> Overrides {
    let mut values = Vec::new();
    if let Some(dir) = &cli.data_dir {
        values.push(("data_dir", json!(dir)));
    }
    if let Some(url) = &cli.database_url {
        values.push(("database_url", json!(url)));
    }
    if let Command::Serve(args) = &cli.command {
        if let Some(listen) = &args.listen {
            values.push(("listen", json!(listen)));
        }
        if let Some(issuer) = &args.issuer {
            values.push(("issuer", json!(issuer)));
        }
        if args.no_migrate {
            values.push(("migrate", json!(false)));
        }
        if let Some(format) = args.log_format {
            values.push(("log.format", json!(format)));
        }
    }
    Overrides {
        config_file: cli.config.clone(),
        values,
    }
}
