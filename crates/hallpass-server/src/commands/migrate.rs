use crate::config::Config;
use crate::output::emit;
use crate::startup::open_store;
use serde_json::json;

pub async fn run(config: &Config, json: bool) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let before = store.migration_status().await?;
    if before.unknown_applied > 0 {
        anyhow::bail!(
            "the database has migrations this version of Hallpass does not know: it was used by a newer version"
        );
    }
    store.migrate().await?;
    let after = store.migration_status().await?;
    let applied = after.applied.saturating_sub(before.applied);
    let target = config.database_target()?.describe();
    emit(
        json,
        &json!({ "applied": applied, "schema_version": after.applied, "database": target }),
        |_| {
            if applied == 0 {
                format!("{target}: schema already current (version {})", after.applied)
            } else {
                format!(
                    "{target}: applied {applied} migration(s), schema version {}",
                    after.applied
                )
            }
        },
    )
}
