//! Deployments: immutable, numbered snapshots of a bot. The latest one is what is served.

use super::{Result, Store, StoreError};
use crate::domain::OperatorId;
use crate::domain::{deployment::Snapshot, now_ms};
use sqlx::{any::AnyRow, Row};

#[derive(Clone, Debug)]
pub struct Deployment {
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<OperatorId>,
    pub snapshot: Snapshot,
}

fn from_row(row: &AnyRow) -> Result<Deployment> {
    let snapshot: String = row.try_get("snapshot")?;
    Ok(Deployment {
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        snapshot: serde_json::from_str(&snapshot)
            .map_err(|e| StoreError::Corrupt(format!("deployment snapshot: {e}")))?,
    })
}

impl Store {
    /// Stores a new deployment with the next version number. Two concurrent deploys of
    /// the same bot cannot get the same number: the unique (bot, version) constraint makes
    /// the loser retry.
    pub async fn create_deployment(
        &self,
        bot_id: i64,
        snapshot: &Snapshot,
        created_by: Option<OperatorId>,
    ) -> Result<Deployment> {
        let json = serde_json::to_string(snapshot).expect("snapshot serializes");
        for _ in 0..5 {
            let row = sqlx::query(
                "INSERT INTO deployments (bot_id, version, snapshot, created_by, created_at) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM deployments WHERE bot_id = $5 \
                 RETURNING version, created_at, created_by, snapshot",
            )
            .bind(bot_id)
            .bind(&json)
            .bind(created_by)
            .bind(now_ms())
            .bind(bot_id)
            .fetch_one(&self.pool)
            .await;
            match row {
                Ok(row) => return from_row(&row),
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict("a concurrent deployment".into()))
    }

    pub async fn latest_deployment(&self, bot_id: i64) -> Result<Deployment> {
        let row = sqlx::query(
            "SELECT version, created_at, created_by, snapshot FROM deployments \
             WHERE bot_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(bot_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn deployment(&self, bot_id: i64, version: i64) -> Result<Deployment> {
        let row = sqlx::query(
            "SELECT version, created_at, created_by, snapshot FROM deployments \
             WHERE bot_id = $1 AND version = $2",
        )
        .bind(bot_id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// The latest version number only (a cheap staleness check; 0 when never deployed).
    pub async fn latest_deployment_version(&self, bot_id: i64) -> Result<i64> {
        let row =
            sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM deployments WHERE bot_id = $1")
                .bind(bot_id)
                .fetch_one(&self.reader)
                .await?;
        Ok(row.try_get("v")?)
    }

    pub async fn list_deployments(&self, bot_id: i64) -> Result<Vec<Deployment>> {
        let rows = sqlx::query(
            "SELECT version, created_at, created_by, snapshot FROM deployments \
             WHERE bot_id = $1 ORDER BY version DESC",
        )
        .bind(bot_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(from_row).collect()
    }
}
