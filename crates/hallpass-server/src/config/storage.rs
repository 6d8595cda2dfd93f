//! Where local state lives: the database and the master key file.

use super::{Config, ConfigError, Secret};
use std::path::{Path, PathBuf};

impl Config {
    pub fn database_target(&self) -> Result<DatabaseTarget, ConfigError> {
        let Some(url) = &self.database_url else {
            return Ok(DatabaseTarget::Sqlite(self.data_dir.join("hallpass.db")));
        };
        let url = url.expose();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseTarget::Postgres(url.to_owned()));
        }
        match hallpass_store_sqlite::path_from_url(url) {
            Some(path) => Ok(DatabaseTarget::Sqlite(path)),
            None => Err(ConfigError::Invalid {
                key: "database_url",
                message: "must be sqlite://PATH or postgres://USER@HOST/DB".into(),
            }),
        }
    }

    pub fn master_key_file(&self) -> PathBuf {
        self.data_dir.join("master.key")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    /// For people: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(path) => format!("SQLite at {}", path.display()),
            DatabaseTarget::Postgres(url) => format!("PostgreSQL at {}", Secret::new(url.clone()).masked()),
        }
    }
}

/// Writes a fresh master key file readable by the owner only; never overwrites.
pub fn create_master_key_file(path: &Path, encoded: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(encoded.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}
