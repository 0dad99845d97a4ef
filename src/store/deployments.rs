//! Deployments: immutable, numbered snapshots of a bot. The latest one is what is served.

use super::{Result, Store, StoreError};
use crate::domain::deployment::{DeployedKnowledge, Snapshot};
use crate::domain::OperatorId;
use crate::domain::{now_ms, ChatboxConfig};
use futures_util::TryStreamExt;
use sqlx::{any::AnyRow, Row};

#[derive(Clone, Debug)]
pub struct Deployment {
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<OperatorId>,
    pub snapshot: Snapshot,
}

/// A deployment as listed: without its knowledge (a 100,000-item snapshot is not read to
/// show its version and size).
#[derive(Clone, Debug)]
pub struct DeploymentSummary {
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<OperatorId>,
    pub knowledge: i64,
}

/// At most this many items in one part of a deployment (one short transaction each: a
/// few milliseconds of the SQLite writer); smaller snapshots are written in one row.
pub const DEPLOY_PART: usize = 500;

const COLUMNS: &str = "version, created_at, created_by, snapshot, parts_stage, knowledge_count";

/// What the `deployments` row says: a whole snapshot, or its header and where its parts
/// are.
fn header_from_row(row: &AnyRow) -> Result<(Deployment, Option<String>, i64)> {
    let snapshot: String = row.try_get("snapshot")?;
    Ok((
        Deployment {
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
            snapshot: serde_json::from_str(&snapshot)
                .map_err(|e| StoreError::Corrupt(format!("deployment snapshot: {e}")))?,
        },
        row.try_get("parts_stage")?,
        row.try_get("knowledge_count")?,
    ))
}

/// The snapshot's chatbox configuration only (its knowledge, if inline, is skipped).
#[derive(serde::Deserialize)]
struct ConfigOnly {
    #[serde(default)]
    config: ChatboxConfig,
}

impl Store {
    /// Stores a new deployment with the next version number. Two concurrent deploys of
    /// the same bot cannot get the same number: the unique (bot, version) constraint makes
    /// the loser retry. A snapshot of more than [`DEPLOY_PART`] items is written in parts
    /// first, each in a transaction of its own, then the row that names them: the version
    /// exists only once every part does.
    pub async fn create_deployment(
        &self,
        bot_id: i64,
        snapshot: &Snapshot,
        created_by: Option<OperatorId>,
    ) -> Result<Deployment> {
        let count = snapshot.knowledge.len();
        let (json, stage) = if count <= DEPLOY_PART {
            (
                serde_json::to_string(snapshot).expect("snapshot serializes"),
                None,
            )
        } else {
            let stage = uuid::Uuid::new_v4().simple().to_string();
            if let Err(e) = self.write_parts(&stage, snapshot).await {
                self.drop_parts(&stage).await;
                return Err(e);
            }
            let header = Snapshot {
                bot_name: snapshot.bot_name.clone(),
                default_lang: snapshot.default_lang,
                knowledge: Vec::new(),
                config: snapshot.config.clone(),
            };
            (
                serde_json::to_string(&header).expect("snapshot serializes"),
                Some(stage),
            )
        };
        let mut outcome = Err(StoreError::Conflict("a concurrent deployment".into()));
        for _ in 0..5 {
            let row = sqlx::query(
                "INSERT INTO deployments (bot_id, version, snapshot, created_by, created_at, parts_stage, knowledge_count) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6 FROM deployments WHERE bot_id = $7 \
                 RETURNING version, created_at, created_by",
            )
            .bind(bot_id)
            .bind(&json)
            .bind(created_by)
            .bind(now_ms())
            .bind(stage.as_deref())
            .bind(count as i64)
            .bind(bot_id)
            .fetch_one(&self.pool)
            .await;
            match row {
                Ok(row) => {
                    outcome = Ok(Deployment {
                        version: row.try_get("version")?,
                        created_at: row.try_get("created_at")?,
                        created_by: row.try_get("created_by")?,
                        snapshot: snapshot.clone(),
                    });
                    break;
                }
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => continue,
                Err(e) => {
                    outcome = Err(e.into());
                    break;
                }
            }
        }
        if let (Err(_), Some(stage)) = (&outcome, &stage) {
            self.drop_parts(stage).await;
        }
        outcome
    }

    async fn write_parts(&self, stage: &str, snapshot: &Snapshot) -> Result<()> {
        let now = now_ms();
        for (n, part) in snapshot.knowledge.chunks(DEPLOY_PART).enumerate() {
            let items = serde_json::to_string(part).expect("deployed items serialize");
            sqlx::query(
                "INSERT INTO deployment_parts (stage, part, items, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(stage)
            .bind(n as i64)
            .bind(items)
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Best effort: what is left is dropped at the next start (`drop_orphan_parts`).
    async fn drop_parts(&self, stage: &str) {
        if let Err(e) = sqlx::query("DELETE FROM deployment_parts WHERE stage = $1")
            .bind(stage)
            .execute(&self.pool)
            .await
        {
            tracing::warn!("parts of a failed deployment left for the next start: {e}");
        }
    }

    /// Drops the parts of deployments that were never written (a process that died while
    /// deploying), once an hour old (a younger stage may be another node's, still writing).
    pub(super) async fn drop_orphan_parts(&self) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM deployment_parts WHERE created_at < $1 AND stage NOT IN \
             (SELECT parts_stage FROM deployments WHERE parts_stage IS NOT NULL)",
        )
        .bind(now_ms() - 3_600_000)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The row's deployment with its knowledge read back from its parts, part by part.
    async fn complete(&self, pool: &sqlx::AnyPool, row: &AnyRow) -> Result<Deployment> {
        let (mut d, stage, count) = header_from_row(row)?;
        if let Some(stage) = stage {
            let mut knowledge = Vec::with_capacity(count.max(0) as usize);
            let mut parts =
                sqlx::query("SELECT items FROM deployment_parts WHERE stage = $1 ORDER BY part")
                    .bind(&stage)
                    .fetch(pool);
            while let Some(part) = parts.try_next().await? {
                let items: String = part.try_get("items")?;
                let items: Vec<DeployedKnowledge> = serde_json::from_str(&items)
                    .map_err(|e| StoreError::Corrupt(format!("deployment part: {e}")))?;
                knowledge.extend(items);
            }
            if knowledge.len() as i64 != count {
                return Err(StoreError::Corrupt(format!(
                    "deployment {}: {} items in its parts, {count} expected",
                    d.version,
                    knowledge.len()
                )));
            }
            d.snapshot.knowledge = knowledge;
        }
        Ok(d)
    }

    pub async fn latest_deployment(&self, bot_id: i64) -> Result<Deployment> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deployments WHERE bot_id = $1 ORDER BY version DESC LIMIT 1"
        ))
        .bind(bot_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        self.complete(&self.reader, &row).await
    }

    pub async fn deployment(&self, bot_id: i64, version: i64) -> Result<Deployment> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deployments WHERE bot_id = $1 AND version = $2"
        ))
        .bind(bot_id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        self.complete(&self.pool, &row).await
    }

    /// The latest deployment's version and chatbox configuration, without its knowledge.
    pub async fn latest_deployed_config(&self, bot_id: i64) -> Result<(i64, ChatboxConfig)> {
        let row = sqlx::query(
            "SELECT version, snapshot FROM deployments WHERE bot_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(bot_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        let snapshot: String = row.try_get("snapshot")?;
        let header: ConfigOnly = serde_json::from_str(&snapshot)
            .map_err(|e| StoreError::Corrupt(format!("deployment snapshot: {e}")))?;
        Ok((row.try_get("version")?, header.config))
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

    pub async fn list_deployments(&self, bot_id: i64) -> Result<Vec<DeploymentSummary>> {
        let rows = sqlx::query(
            "SELECT version, created_at, created_by, knowledge_count FROM deployments \
             WHERE bot_id = $1 ORDER BY version DESC",
        )
        .bind(bot_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DeploymentSummary {
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    created_by: r.try_get("created_by")?,
                    knowledge: r.try_get("knowledge_count")?,
                })
            })
            .collect()
    }
}
