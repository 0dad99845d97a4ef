//! The operators' status log (how long each spent available, away — by reason — for the
//! statistics) and their console preferences.

use super::{Result, Store};
use crate::domain::now_ms;
use crate::domain::operator::Availability;
use crate::domain::OperatorId;
use sqlx::Row;

/// Time one operator spent in one status (and reason) over a period.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StatusTime {
    pub operator_id: OperatorId,
    pub name: String,
    pub status: String,
    pub reason: Option<String>,
    pub seconds: i64,
}

/// Ends the operator's open interval at `ended_at` and, unless the new status is offline
/// (not counted: the time outside work), opens one at `now`.
pub(super) async fn log_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    operator_id: OperatorId,
    status: Availability,
    reason: Option<&str>,
    ended_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE operator_status_log SET ended_at = CASE WHEN started_at > $1 THEN started_at ELSE $2 END \
         WHERE operator_id = $3 AND ended_at IS NULL",
    )
    .bind(ended_at)
    .bind(ended_at)
    .bind(operator_id)
    .execute(&mut **tx)
    .await?;
    if status != Availability::Offline {
        sqlx::query(
            "INSERT INTO operator_status_log (operator_id, status, reason, started_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(operator_id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// An operator's console connects: their presence is refreshed. When it had gone stale
    /// (no console for longer than the presence timeout: before `fresh_after`), the interval
    /// the log had open ends when they were last seen and a new one starts now, in the same
    /// status: the time away from any console is not counted as available.
    pub async fn resume_presence(&self, operator_id: OperatorId, fresh_after: i64) -> Result<()> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT status, away_reason, last_seen_at FROM operator_presence WHERE operator_id = $1",
        )
        .bind(operator_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(());
        };
        let seen: i64 = row.try_get("last_seen_at")?;
        if seen <= fresh_after {
            let status = super::closed(&row, "status", Availability::parse)?;
            let reason: Option<String> = row.try_get("away_reason")?;
            log_status(&mut tx, operator_id, status, reason.as_deref(), seen, now).await?;
            sqlx::query("UPDATE operator_presence SET status_since = $1 WHERE operator_id = $2")
                .bind(now)
                .bind(operator_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE operator_presence SET last_seen_at = $1 WHERE operator_id = $2")
            .bind(now)
            .bind(operator_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Seconds each operator spent in each status (and away reason) between `from` and `to`
    /// (ms). An interval still open runs until now while its operator's console is there
    /// (seen after `fresh_after`); one whose console went away ends when it was last seen.
    /// Capped at `to`.
    pub async fn status_times(
        &self,
        from: i64,
        to: i64,
        fresh_after: i64,
    ) -> Result<Vec<StatusTime>> {
        let now = now_ms();
        let rows = sqlx::query(
            "SELECT l.operator_id, o.name, l.status, l.reason, l.started_at, l.ended_at, p.last_seen_at \
             FROM operator_status_log l JOIN operators o ON o.id = l.operator_id \
             LEFT JOIN operator_presence p ON p.operator_id = l.operator_id \
             WHERE l.started_at < $1 AND (l.ended_at IS NULL OR l.ended_at > $2) \
             ORDER BY o.name, l.operator_id, l.status, l.reason",
        )
        .bind(to)
        .bind(from)
        .fetch_all(&self.reader)
        .await?;
        let mut out: Vec<StatusTime> = Vec::new();
        for r in rows {
            let started: i64 = r.try_get("started_at")?;
            let ended: Option<i64> = r.try_get("ended_at")?;
            let seen: Option<i64> = r.try_get("last_seen_at")?;
            let open_end = seen.map(|s| if s > fresh_after { now } else { s });
            let end = ended.or(open_end).unwrap_or(started).min(to);
            let ms = end - started.max(from);
            if ms <= 0 {
                continue;
            }
            let operator_id: OperatorId = r.try_get("operator_id")?;
            let status: String = r.try_get("status")?;
            let reason: Option<String> = r.try_get("reason")?;
            match out
                .iter_mut()
                .find(|t| t.operator_id == operator_id && t.status == status && t.reason == reason)
            {
                Some(t) => t.seconds += ms,
                None => out.push(StatusTime {
                    operator_id,
                    name: r.try_get("name")?,
                    status,
                    reason,
                    seconds: ms,
                }),
            }
        }
        for t in &mut out {
            t.seconds /= 1000;
        }
        Ok(out)
    }

    /// An operator's console preferences, as stored (JSON; `{}` when never set).
    pub async fn operator_preferences(&self, operator_id: OperatorId) -> Result<String> {
        let row = sqlx::query("SELECT preferences FROM operators WHERE id = $1")
            .bind(operator_id)
            .fetch_optional(&self.reader)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("preferences")?,
            None => "{}".into(),
        })
    }

    pub async fn set_operator_preferences(
        &self,
        operator_id: OperatorId,
        json: &str,
    ) -> Result<()> {
        sqlx::query("UPDATE operators SET preferences = $1 WHERE id = $2")
            .bind(json)
            .bind(operator_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
