//! The schema migrations, compiled into the binary. They run through sqlx's
//! migrator (which records them in `_sqlx_migrations`), from an embedded list
//! rather than `sqlx::migrate!`, which would pull the whole sqlx macro stack
//! into the build for one directory read.

use hallpass_core::store::{MigrationStatus, StoreError};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::PgPool;
use std::borrow::Cow;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (2, "invitations", include_str!("../migrations/0002_invitations.sql")),
    (
        3,
        "idempotency keys",
        include_str!("../migrations/0003_idempotency_keys.sql"),
    ),
    (
        4,
        "session policies",
        include_str!("../migrations/0004_session_policies.sql"),
    ),
    (
        5,
        "refresh successors",
        include_str!("../migrations/0005_refresh_successors.sql"),
    ),
    (6, "connections", include_str!("../migrations/0006_connections.sql")),
    (7, "directories", include_str!("../migrations/0007_directories.sql")),
    (8, "resources", include_str!("../migrations/0008_resources.sql")),
    (
        9,
        "sign-in settings",
        include_str!("../migrations/0009_signin_settings.sql"),
    ),
    (
        11,
        "console admins",
        include_str!("../migrations/0011_console_admins.sql"),
    ),
];

#[derive(Debug)]
struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> futures_core::future::BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async {
            Ok(MIGRATIONS
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

pub async fn run(pool: &PgPool) -> Result<(), StoreError> {
    let migrator = Migrator::new(Embedded)
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    migrator
        .run(pool)
        .await
        .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
}

pub fn status(applied: &[i64]) -> MigrationStatus {
    let known = |v: &i64| MIGRATIONS.iter().any(|(k, _, _)| k == v);
    MigrationStatus {
        applied: count(applied.iter().filter(|v| known(v))),
        known: count(MIGRATIONS.iter()),
        unknown_applied: count(applied.iter().filter(|v| !known(v))),
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}
