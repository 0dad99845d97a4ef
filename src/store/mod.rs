//! Storage: sqlx over SQLite or PostgreSQL, chosen by the database URL at start.
//!
//! One implementation serves both backends through sqlx's `Any` driver: the queries are
//! written in the SQL both understand (`$n` parameters, `ON CONFLICT`, `RETURNING`), every
//! value is stored as text or a 64-bit integer (times in epoch milliseconds, lists as JSON
//! text), and each backend keeps its own `migrations/` folder for the few DDL differences.
//! This keeps a single place per query instead of two drifting copies; a backend-specific
//! path (PostgreSQL LISTEN/NOTIFY) lives beside it when needed. Every repository test runs
//! against both backends.

mod audit;
mod backup;
mod blocks;
mod bots;
mod canned;
mod chatbox_config;
mod conversations;
mod deployments;
mod feedback;
mod history;
mod knowledge;
mod learning;
mod livechat;
mod mail;
mod monitored;
mod offline;
mod operators;
mod privacy;
mod sessions;
mod statistics;
mod stats;
mod statuses;
mod supervision;
mod visitors;
mod writer;

pub use audit::{AuditEntry, AuditQuery};
pub use backup::{check_sqlite_backup, restore_sqlite, sqlite_file};
pub use blocks::{Block, NewBlock};
pub use bots::Bot;
pub use canned::CannedAnswer;
pub use chatbox_config::StoredChatboxConfig;
pub use conversations::{
    is_public_id, new_public_id, Appended, Conversation, NewSession, SessionVisitor,
};
pub use deployments::{Deployment, DeploymentSummary, DEPLOY_PART};
pub use feedback::{AnswerRating, NewAnswerFeedback, NewSatisfaction, Satisfaction};
pub use history::{ConversationSummary, HistoryCursor, HistoryPage, HistoryQuery, TranscriptMail};
pub use knowledge::{ImportSummary, IMPORT_BATCH};
pub use learning::{Collected, CollectedSource, Dismissed};
pub use livechat::{AssignedOperator, Presence, QueuedConversation};
pub use mail::{MailReport, NewMail, OutboxMail};
pub use monitored::{
    DeadLink, FoundLink, KnowledgeRef, LinkInfo, MonitoredItem, Named, NewLink, NewMonitored,
};
pub use offline::{NewOffline, OfflineMessage};
pub use operators::{AccountStatus, ChangeRefused, Operator, OperatorChange, OperatorListed};
pub use privacy::{PersonalCounts, SweepCounts, SweepLock};
pub use sessions::{
    AccountLink, AuthRecord, Credential, LinkPurpose, LinkRefused, LinkTarget, TokenInfo,
};
pub use statistics::{
    FeedbackTotals, FunnelRow, HandoffSpan, KnowledgeRow, LivechatSpan, OperatorRow, Span,
    StatsScope, SLOT_MS,
};
pub use stats::Gauges;
pub use statuses::StatusTime;
pub use supervision::{Holder, OpenConversation};
pub use visitors::{IdentifiedUser, PreviousConversation, VisitorRecord};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Maps a unique-constraint violation to `Conflict`, everything else to `Database`.
pub(crate) fn conflict(what: &str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_string())
        }
        _ => StoreError::Database(e),
    }
}

pub(crate) fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).expect("string list serializes")
}

pub(crate) fn parse_list(row: &AnyRow, col: &str) -> Result<Vec<String>> {
    let s: String = row.try_get(col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

/// A closed-set column read into its type; another value is corrupt data.
pub(crate) fn closed<T>(row: &AnyRow, col: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    let s: String = row.try_get(col)?;
    parse(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} `{s}`")))
}

/// Ids are bound and read as the integers they are stored as.
impl<DB: sqlx::Database> sqlx::Type<DB> for crate::domain::OperatorId
where
    i64: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for crate::domain::OperatorId
where
    i64: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        self.0.encode_by_ref(buf)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for crate::domain::OperatorId
where
    i64: sqlx::Decode<'r, DB>,
{
    fn decode(
        value: <DB as sqlx::Database>::ValueRef<'r>,
    ) -> std::result::Result<Self, sqlx::error::BoxDynError> {
        Ok(crate::domain::OperatorId(i64::decode(value)?))
    }
}

#[derive(Clone)]
pub struct Store {
    /// Writes (and, on SQLite, the only writing connection).
    pub(crate) pool: AnyPool,
    /// Reads on the hot paths.
    pub(crate) reader: AnyPool,
    backend: Backend,
    /// The group-commit writer every `append` goes through (none in the writer's own
    /// copy of the store).
    writer: Option<writer::Writer>,
}

impl Store {
    /// Opens the database (creating the SQLite file and its folder if needed) and applies
    /// the migrations.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        if backend == Backend::Sqlite {
            if let Some(path) = sqlite_path(url) {
                if let Some(dir) = std::path::Path::new(&path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).map_err(|e| {
                            StoreError::Corrupt(format!("cannot create {}: {e}", dir.display()))
                        })?;
                    }
                }
            }
        }
        let options = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            // WAL lets readers run beside the writer; FULL sync makes every
                            // acknowledged commit durable; the busy timeout turns writer
                            // contention into a short wait instead of an error.
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = FULL",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA busy_timeout = 5000",
                            ] {
                                sqlx::query(pragma).execute(&mut *conn).await?;
                            }
                        } else {
                            // No JIT compilation: its cost is chosen from the planner's
                            // estimates, and a statistics query over a JSON list of days
                            // is estimated large enough to spend 0.1–2 s compiling what
                            // runs in 20 ms; every query here is short.
                            sqlx::query("SET jit = off").execute(&mut *conn).await?;
                        }
                        Ok(())
                    })
                })
        };
        // SQLite has one writer at a time; several connections writing at once would meet
        // in SQLite's busy handler, which backs off by sleeping (up to 100 ms a try) and
        // makes a long latency tail. So on SQLite every write goes through one connection
        // (sqlx queues callers in order) and reads use a pool of their own beside it (WAL).
        let (pool, reader) = match backend {
            Backend::Sqlite => (
                options(1).connect(url).await?,
                options(8).connect(url).await?,
            ),
            Backend::Postgres => {
                let pool = options(16).connect(url).await?;
                (pool.clone(), pool)
            }
        };
        let mut store = Store {
            pool,
            reader,
            backend,
            writer: None,
        };
        store.migrate().await?;
        store.writer = Some(writer::Writer::spawn(store.clone()));
        store.resume_imports().await?;
        store.drop_orphan_parts().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// PostgreSQL: a hint on `vigie_events` for every node's bus (`topic:seq`).
    pub async fn notify_nodes(&self, topic: crate::bus::Topic, seq: i64) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::bus::PG_CHANNEL)
                .bind(topic.notification(seq))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// PostgreSQL: tells every node's bus that a monitored conversation's links changed.
    pub async fn notify_links_changed(&self, conversation_id: i64) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::bus::PG_CHANNEL)
                .bind(crate::bus::links_notification(conversation_id))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// PostgreSQL: tells every node's bus that a conversation's visitor record changed.
    pub async fn notify_visitor_changed(&self, conversation_id: i64) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::bus::PG_CHANNEL)
                .bind(crate::bus::visitor_notification(conversation_id))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.reader).await.is_ok()
    }

    /// Waits until every message queued for the writer so far is committed.
    pub async fn flush(&self) {
        if let Some(w) = &self.writer {
            w.flush().await;
        }
    }

    /// Commits what is queued, then closes the pools.
    pub async fn close(&self) {
        self.flush().await;
        self.pool.close().await;
        self.reader.close().await;
    }
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    /// The migrations as the SQL both backends must agree on: comments dropped, white
    /// space folded, and the dialect differences allowed: SQLite's `INTEGER` is
    /// PostgreSQL's `BIGINT`, an `INTEGER PRIMARY KEY` its identity column, and a block
    /// between `-- dialect-specific {` and `-- }` (the history's text index: FTS5 against
    /// pg_trgm, issue 12) is each engine's own; the files must have as many such blocks.
    fn normalized(sql: &str) -> String {
        let mut inside = false;
        let mut blocks = 0;
        sql.lines()
            .filter(|l| {
                let t = l.trim();
                if t == "-- dialect-specific {" {
                    inside = true;
                    blocks += 1;
                    return false;
                }
                if inside && t == "-- }" {
                    inside = false;
                    return false;
                }
                !inside
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|l| l.split("--").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(" ")
            .replace("BIGINT GENERATED BY DEFAULT AS IDENTITY", "INTEGER")
            .replace("BIGINT", "INTEGER")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            + &format!(" [{blocks} dialect-specific block(s)]")
    }

    #[test]
    fn sqlite_and_postgresql_migrations_describe_the_same_schema() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let files = |backend: &str| {
            let mut names: Vec<String> = std::fs::read_dir(root.join(backend))
                .expect("migrations folder")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let (sqlite, postgres) = (files("sqlite"), files("postgres"));
        assert_eq!(
            sqlite, postgres,
            "the same migration files on both backends"
        );
        assert!(!sqlite.is_empty());
        for name in &sqlite {
            let read = |backend: &str| {
                normalized(&std::fs::read_to_string(root.join(backend).join(name)).unwrap())
            };
            assert_eq!(
                read("sqlite"),
                read("postgres"),
                "{name}: the tables, columns and constraints differ between the backends"
            );
        }
    }
}
