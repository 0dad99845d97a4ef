//! Backup and restore of a SQLite database (PostgreSQL has `pg_dump`: README, "Operating
//! Vigie").
//!
//! `backup_to` runs `VACUUM INTO`: a consistent copy of one read transaction's snapshot,
//! taken beside a serving node (WAL: the writer is not blocked), compacted, in a file of
//! its own. `restore_sqlite` checks the copy (SQLite's integrity check, Vigie's
//! migrations table) before it replaces the database file, and never overwrites an
//! existing database unless told to.

use super::{Backend, Result, Store, StoreError};
use sqlx::Connection;
use std::path::Path;

impl Store {
    /// A consistent copy of this SQLite database to `output` (which must not exist).
    pub async fn backup_to(&self, output: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Corrupt(
                "backup of a PostgreSQL database: use pg_dump (README, \"Operating Vigie\")".into(),
            ));
        }
        if output.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists: choose a new file",
                output.display()
            )));
        }
        let path = output
            .to_str()
            .ok_or_else(|| StoreError::Corrupt("the output path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.reader)
            .await?;
        Ok(())
    }
}

/// The path of a `sqlite:` URL's database file.
pub fn sqlite_file(url: &str) -> Option<String> {
    super::sqlite_path(url)
}

/// Checks that `input` is a Vigie SQLite database.
pub async fn check_sqlite_backup(input: &Path) -> Result<()> {
    if !input.is_file() {
        return Err(StoreError::NotFound);
    }
    let url = format!("sqlite://{}?mode=ro", input.display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .map_err(|e| StoreError::Corrupt(format!("not a SQLite database: {e}")))?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| StoreError::Corrupt(format!("not a SQLite database: {e}")))?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!("integrity check: {check}")));
    }
    let vigie: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'conversations', 'messages', 'operators')",
    )
    .fetch_one(&mut conn)
    .await?;
    if vigie != 4 {
        return Err(StoreError::Corrupt(
            "this SQLite file is not a Vigie database".into(),
        ));
    }
    conn.close().await?;
    Ok(())
}

/// Replaces the database file `target` by a copy of `input` (checked first). The
/// server must be stopped; an existing `target` is kept unless `force`.
pub async fn restore_sqlite(input: &Path, target: &Path, force: bool) -> Result<()> {
    check_sqlite_backup(input).await?;
    if target.exists() && !force {
        return Err(StoreError::Conflict(format!(
            "{} exists: stop the server, then run again with --force to replace it",
            target.display()
        )));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Corrupt(format!("cannot create {}: {e}", dir.display())))?;
    }
    let io = |what: &str, e: std::io::Error| StoreError::Corrupt(format!("{what}: {e}"));
    let tmp = target.with_extension("restoring");
    std::fs::copy(input, &tmp).map_err(|e| io("copying the backup", e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("syncing the copy", e))?;
    // The old database's write-ahead log belongs to the old file: it must not be
    // replayed onto the restored one.
    for ext in ["-wal", "-shm"] {
        let side = format!("{}{ext}", target.display());
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("removing the old write-ahead log", e)),
        }
    }
    std::fs::rename(&tmp, target).map_err(|e| io("replacing the database", e))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}
