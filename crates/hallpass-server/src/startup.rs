//! Opening the database and the keys, in an order that changes nothing until
//! every check has passed: a start that fails leaves the data as it was.

use crate::config::{create_master_key_file, Config, DatabaseTarget, SqliteDurability};
use anyhow::{bail, Context as _};
use hallpass_core::clock::SystemClock;
use hallpass_core::crypto::MasterKey;
use hallpass_core::rng::SystemRng;
use hallpass_core::services::keys;
use hallpass_core::store::Store;
use hallpass_core::Context;
use hallpass_store_postgres::{PostgresOptions, PostgresStore};
use hallpass_store_sqlite::{Durability, SqliteOptions, SqliteStore};
use std::sync::Arc;

fn sqlite_options(config: &Config) -> SqliteOptions {
    let durability = match config.database.sqlite_durability {
        SqliteDurability::ProcessCrash => Durability::ProcessCrash,
        SqliteDurability::PowerLoss => Durability::PowerLoss,
    };
    SqliteOptions {
        durability,
        ..SqliteOptions::default()
    }
}

pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let target = config.database_target()?;
    let store: Arc<dyn Store> = match &target {
        DatabaseTarget::Sqlite(path) => {
            private_dir(path.parent())?;
            Arc::new(SqliteStore::open(path, &sqlite_options(config)).await?)
        }
        DatabaseTarget::Postgres(url) => {
            let options = PostgresOptions {
                max_connections: config.database.max_connections,
                ..PostgresOptions::default()
            };
            Arc::new(PostgresStore::connect(url, &options).await?)
        }
    };
    store
        .ping()
        .await
        .with_context(|| format!("database unreachable ({})", target.describe()))?;
    Ok(store)
}

/// Creates the directory for local state readable by its owner only: it holds
/// the database and, unless configured elsewhere, the master key.
fn private_dir(dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) else {
        return Ok(());
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))
}

pub fn context(store: Arc<dyn Store>) -> Context {
    Context {
        store,
        clock: Arc::new(SystemClock),
        rng: Arc::new(SystemRng),
        notifier: Arc::new(hallpass_core::sessions::NobodyToTell),
        hashing: hallpass_core::services::passwords::HashingPool::sized_to_cores(),
    }
}

/// Opens the store and brings its schema up to date (or, with `migrate` off,
/// insists that it already is).
pub async fn ready_store(config: &Config, migrate: bool) -> anyhow::Result<Context> {
    let ctx = context(open_store(config).await?);
    check_schema(&ctx, migrate).await?;
    Ok(ctx)
}

/// The context with a notifier that tells apps of sessions a command ends,
/// delivering before the command exits. Without a master key no token was
/// ever signed, so there is nobody to tell.
pub async fn telling_apps(config: &Config, ctx: Context) -> anyhow::Result<Context> {
    let Some(master) = configured_master_key(config)? else {
        return Ok(ctx);
    };
    let keys = keys::load_key_set(&ctx, &master).await?;
    let sender = Arc::new(crate::oauth::backchannel::HttpSender::new());
    let notifier = crate::oauth::backchannel::BackchannelNotifier {
        backchannel: crate::oauth::backchannel::Backchannel::waiting(sender, 3),
        keys: hallpass_core::services::keys::KeyRing::new(keys),
        policy: config.oauth_policy(),
    };
    Ok(Context {
        notifier: Arc::new(notifier),
        ..ctx
    })
}

/// The master key from the configuration or the key file, if either exists.
pub fn configured_master_key(config: &Config) -> anyhow::Result<Option<MasterKey>> {
    if let Some(key) = &config.master_key {
        return Ok(Some(MasterKey::parse(key.expose()).context("HALLPASS_MASTER_KEY")?));
    }
    let path = config.master_key_file();
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(
            MasterKey::parse(&text).with_context(|| format!("master key file {}", path.display()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read the master key file {}", path.display())),
    }
}

async fn check_schema(ctx: &Context, migrate: bool) -> anyhow::Result<()> {
    let status = ctx.store.migration_status().await?;
    if status.unknown_applied > 0 {
        bail!("the database has migrations this version of Hallpass does not know: it was used by a newer version");
    }
    if status.is_current() {
        return Ok(());
    }
    if !migrate {
        bail!(
            "{} database migration(s) pending: run `hallpass migrate`",
            status.known - status.applied
        );
    }
    ctx.store.migrate().await.context("applying migrations")?;
    Ok(())
}

/// Proves, before anything is written, that the master key opens every stored key.
async fn check_master_key(ctx: &Context, config: &Config, master: Option<&MasterKey>) -> anyhow::Result<()> {
    if ctx.store.migration_status().await?.applied == 0 {
        return Ok(()); // a new database holds no keys yet
    }
    match master {
        Some(master) => {
            keys::verify_master_key(ctx, master).await?;
        }
        None if !keys::list_keys(ctx).await?.is_empty() => bail!(
            "the database holds signing keys but no master key was found: set HALLPASS_MASTER_KEY or restore {}",
            config.master_key_file().display()
        ),
        None => {}
    }
    Ok(())
}

/// Everything `serve` and `keys rotate` need: a current schema, a master key
/// that opens every stored key, and an active key per algorithm.
pub async fn ready_keys(config: &Config, migrate: bool) -> anyhow::Result<(Context, Arc<MasterKey>)> {
    let ctx = context(open_store(config).await?);
    let master = configured_master_key(config)?;
    check_master_key(&ctx, config, master.as_ref()).await?;
    check_schema(&ctx, migrate).await?;
    let master = match master {
        Some(master) => master,
        None => {
            let (bytes, master) = MasterKey::generate(ctx.rng.as_ref());
            let path = config.master_key_file();
            private_dir(path.parent())?;
            create_master_key_file(&path, &MasterKey::encode(&bytes))
                .with_context(|| format!("cannot write the master key file {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a master key; back it up: stored keys cannot be read without it");
            master
        }
    };
    let created = keys::ensure_signing_keys(&ctx, &master).await?;
    for kid in created {
        tracing::info!(%kid, "generated a signing key");
    }
    Ok((ctx, Arc::new(master)))
}

/// The state a server runs with: the store and keys ready, the configuration
/// and the collaborators that tests may replace (clock, back-channel sender, mailer).
pub async fn app_state(
    config: crate::config::Config,
    clock: Arc<dyn hallpass_core::clock::Clock>,
    services: crate::state::Services,
) -> anyhow::Result<crate::state::AppState> {
    let (ctx, master) = ready_keys(&config, config.migrate).await?;
    let ctx = Context { clock, ..ctx };
    let key_set = keys::load_key_set(&ctx, &master).await?;
    hallpass_core::services::roles::ensure_default_roles(&ctx).await?;
    crate::state::AppState::new(ctx, config, master, key_set, services)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    #[test]
    fn the_configured_durability_reaches_the_sqlite_store() {
        let load = |vars: &[(&str, &str)]| {
            let vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string()));
            Config::load_from(&Overrides::default(), vars.collect::<Vec<_>>().into_iter())
        };
        let durability = |vars: &[(&str, &str)]| sqlite_options(&load(vars).unwrap().config).durability;
        assert_eq!(durability(&[]), Durability::ProcessCrash);
        assert_eq!(
            durability(&[("HALLPASS_DATABASE__SQLITE_DURABILITY", "power_loss")]),
            Durability::PowerLoss
        );
        let unknown = load(&[("HALLPASS_DATABASE__SQLITE_DURABILITY", "fsync")]);
        assert!(unknown.is_err(), "an unknown durability is refused, not defaulted");
    }
}
