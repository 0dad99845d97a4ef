//! Counts for the metrics endpoint, read at each scrape (cheap: indexed, grouped).

use super::{Result, Store};
use sqlx::Row;

/// What a scrape reads from the database.
#[derive(Debug, Default, Clone)]
pub struct Gauges {
    /// Conversations waiting for an operator.
    pub queued: i64,
    /// Operators by presence status.
    pub operators: Vec<(String, i64)>,
    /// Outbox mails by status.
    pub mails: Vec<(String, i64)>,
}

impl Store {
    pub async fn gauges(&self) -> Result<Gauges> {
        let queued: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM conversations WHERE state = 'queued'")
                .fetch_one(&self.reader)
                .await?
                .try_get("n")?;
        let grouped = |sql: &'static str| async move {
            sqlx::query(sql)
                .fetch_all(&self.reader)
                .await?
                .iter()
                .map(|r| Ok((r.try_get::<String, _>("status")?, r.try_get::<i64, _>("n")?)))
                .collect::<Result<Vec<_>>>()
        };
        Ok(Gauges {
            queued,
            operators: grouped(
                "SELECT status, COUNT(*) AS n FROM operator_presence GROUP BY status ORDER BY status",
            )
            .await?,
            mails: grouped("SELECT status, COUNT(*) AS n FROM mail_outbox GROUP BY status ORDER BY status")
                .await?,
        })
    }
}
