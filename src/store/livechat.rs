//! Livechat state: operators' presence and load, and which operator holds which
//! conversation. Presence lives in the database so every node sees the same thing; an
//! operator whose connections stopped refreshing `last_seen_at` counts as offline.
//!
//! Assignment is atomic: an operator's `load` is raised with `load < capacity` in the
//! WHERE clause of the same UPDATE (the row lock serializes concurrent assigners, on any
//! node), and the conversation moves to `live` only from `bot` or `queued`, in the same
//! transaction.

use super::{closed, Result, Store, StoreError};
use crate::domain::now_ms;
use crate::domain::operator::Availability;
use crate::domain::OperatorId;
use sqlx::Row;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Presence {
    pub operator_id: OperatorId,
    pub name: String,
    /// Stale presences read as offline.
    pub status: Availability,
    pub capacity: i64,
    pub load: i64,
    /// Why they are away (one of the listed reasons), when they said.
    pub reason: Option<String>,
    /// Since when the status holds (ms; 0 when unknown).
    pub since: i64,
}

#[derive(Clone, Debug)]
pub struct QueuedConversation {
    pub id: i64,
    pub conversation: String,
    pub queued_at: i64,
    pub position: i64,
}

#[derive(Clone, Debug)]
pub struct AssignedOperator {
    pub id: OperatorId,
    pub name: String,
}

impl Store {
    /// Sets an operator's availability and its reason (away only); a first presence gets
    /// `default_capacity`. A change of status or reason (or a presence gone stale before
    /// `fresh_after`) ends the operator's open interval in the status log and starts one.
    pub async fn set_presence(
        &self,
        operator_id: OperatorId,
        status: Availability,
        reason: Option<&str>,
        default_capacity: i64,
        fresh_after: i64,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let before = sqlx::query(
            "SELECT status, away_reason, last_seen_at, status_since FROM operator_presence WHERE operator_id = $1",
        )
        .bind(operator_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (changed, ended_at, since) = match &before {
            None => (true, now, now),
            Some(r) => {
                let was: String = r.try_get("status")?;
                let was_reason: Option<String> = r.try_get("away_reason")?;
                let seen: i64 = r.try_get("last_seen_at")?;
                let stale = seen <= fresh_after;
                let changed = stale || was != status.as_str() || was_reason.as_deref() != reason;
                let since: i64 = r.try_get("status_since")?;
                (
                    changed,
                    if stale { seen } else { now },
                    if changed { now } else { since },
                )
            }
        };
        sqlx::query(
            "INSERT INTO operator_presence (operator_id, status, last_seen_at, capacity, away_reason, status_since) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (operator_id) DO UPDATE SET status = $7, last_seen_at = $8, away_reason = $9, status_since = $10",
        )
        .bind(operator_id)
        .bind(status.as_str())
        .bind(now)
        .bind(default_capacity)
        .bind(reason)
        .bind(since)
        .bind(status.as_str())
        .bind(now)
        .bind(reason)
        .bind(since)
        .execute(&mut *tx)
        .await?;
        if changed {
            super::statuses::log_status(&mut tx, operator_id, status, reason, ended_at, now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn touch_presence(&self, operator_id: OperatorId) -> Result<()> {
        sqlx::query("UPDATE operator_presence SET last_seen_at = $1 WHERE operator_id = $2")
            .bind(now_ms())
            .bind(operator_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every operator with a presence row; `fresh_after` is the oldest `last_seen_at` that
    /// still counts as connected.
    pub async fn presences(&self, fresh_after: i64) -> Result<Vec<Presence>> {
        let rows = sqlx::query(
            "SELECT p.operator_id, o.name, p.status, p.capacity, p.load, p.last_seen_at, p.away_reason, p.status_since \
             FROM operator_presence p JOIN operators o ON o.id = p.operator_id \
             WHERE o.deactivated_at IS NULL ORDER BY o.name",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let seen: i64 = r.try_get("last_seen_at")?;
                let status = closed(r, "status", Availability::parse)?;
                Ok(Presence {
                    operator_id: r.try_get("operator_id")?,
                    name: r.try_get("name")?,
                    status: if seen > fresh_after {
                        status
                    } else {
                        Availability::Offline
                    },
                    capacity: r.try_get("capacity")?,
                    load: r.try_get("load")?,
                    reason: if seen > fresh_after && status == Availability::Away {
                        r.try_get("away_reason")?
                    } else {
                        None
                    },
                    since: if seen > fresh_after {
                        r.try_get("status_since")?
                    } else {
                        seen
                    },
                })
            })
            .collect()
    }

    /// Gives the conversation to `operator_id` (or, with None, to the available operator
    /// under capacity who has waited longest since an assignment). None when nobody can
    /// take it or the conversation is no longer waiting.
    pub async fn assign(
        &self,
        conversation_id: i64,
        operator_id: Option<OperatorId>,
        fresh_after: i64,
    ) -> Result<Option<AssignedOperator>> {
        // Automatic routing picks among available operators; an operator taking a
        // conversation by hand may also be away ("no new conversations" means none pushed).
        let manual = if operator_id.is_some() {
            Availability::Away
        } else {
            Availability::Available
        }
        .as_str();
        // Picking the operator and raising their load is one statement, inside the
        // transaction that moves the conversation: a list of candidates read beforehand
        // goes stale while other assignments run (seen under load: everyone queued while
        // operators had room). On PostgreSQL two transactions may still pick the same
        // operator; the outer conditions are re-checked on the locked row, and the loser
        // looks again.
        let wanted = operator_id.map_or(0, |o| o.0);
        for _ in 0..5 {
            let mut tx = self.pool.begin().await?;
            let now = now_ms();
            let picked = sqlx::query(
                "UPDATE operator_presence SET load = load + 1, last_assigned_at = $1 \
                 WHERE operator_id = (SELECT p.operator_id FROM operator_presence p \
                     WHERE p.status IN ('available', $2) AND p.last_seen_at > $3 AND p.load < p.capacity \
                     AND ($4 = 0 OR p.operator_id = $5) \
                     ORDER BY p.last_assigned_at, p.operator_id LIMIT 1) \
                 AND load < capacity AND status IN ('available', $6) \
                 RETURNING operator_id",
            )
            .bind(now)
            .bind(manual)
            .bind(fresh_after)
            .bind(wanted)
            .bind(wanted)
            .bind(manual)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = picked else {
                let free = sqlx::query(
                    "SELECT COUNT(*) AS n FROM operator_presence p \
                     WHERE p.status IN ('available', $1) AND p.last_seen_at > $2 AND p.load < p.capacity \
                     AND ($3 = 0 OR p.operator_id = $4)",
                )
                .bind(manual)
                .bind(fresh_after)
                .bind(wanted)
                .bind(wanted)
                .fetch_one(&mut *tx)
                .await?;
                if free.try_get::<i64, _>("n")? == 0 {
                    return Ok(None);
                }
                continue;
            };
            let id: OperatorId = row.try_get("operator_id")?;
            let moved = sqlx::query(
                "UPDATE conversations SET state = 'live', operator_id = $1, queued_at = NULL, updated_at = $2 \
                 WHERE id = $3 AND state IN ('bot', 'queued')",
            )
            .bind(id)
            .bind(now)
            .bind(conversation_id)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() == 0 {
                return Ok(None);
            }
            took_part(&mut tx, conversation_id, id).await?;
            let name: String = sqlx::query("SELECT name FROM operators WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("name")?;
            tx.commit().await?;
            return Ok(Some(AssignedOperator { id, name }));
        }
        Ok(None)
    }

    /// Takes out of the queue, back to the bot, every conversation queued before
    /// `queued_before`; returns them (id, lang). Conditional, so with several nodes each
    /// conversation is given up once.
    pub async fn give_up_waiting(&self, queued_before: i64) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "UPDATE conversations SET state = 'bot', queued_at = NULL, updated_at = $1 \
             WHERE state = 'queued' AND queued_at < $2 RETURNING id, lang",
        )
        .bind(now_ms())
        .bind(queued_before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("lang")?)))
            .collect()
    }

    /// True when at least one operator is available (whatever their load).
    pub async fn anyone_available(&self, fresh_after: i64) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM operator_presence WHERE status = 'available' AND last_seen_at > $1",
        )
        .bind(fresh_after)
        .fetch_one(&self.reader)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Puts a bot conversation in the queue; returns its position (1 = next).
    pub async fn enqueue(&self, conversation_id: i64) -> Result<i64> {
        sqlx::query("UPDATE conversations SET state = 'queued', queued_at = $1 WHERE id = $2 AND state = 'bot'")
            .bind(now_ms())
            .bind(conversation_id)
            .execute(&self.pool)
            .await?;
        self.queue_position(conversation_id).await
    }

    pub async fn queue_position(&self, conversation_id: i64) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM conversations q, conversations c \
             WHERE c.id = $1 AND c.state = 'queued' AND q.state = 'queued' AND q.queued_at <= c.queued_at",
        )
        .bind(conversation_id)
        .fetch_one(&self.reader)
        .await?;
        Ok(row.try_get("n")?)
    }

    /// The waiting conversations, oldest first.
    pub async fn queue(&self) -> Result<Vec<QueuedConversation>> {
        let rows = sqlx::query("SELECT id, public_id, queued_at FROM conversations WHERE state = 'queued' ORDER BY queued_at, id")
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(QueuedConversation {
                    id: r.try_get("id")?,
                    conversation: r.try_get("public_id")?,
                    queued_at: r.try_get("queued_at")?,
                    position: i as i64 + 1,
                })
            })
            .collect()
    }

    /// The live conversations an operator holds.
    pub async fn operator_conversations(
        &self,
        operator_id: OperatorId,
    ) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query("SELECT id, public_id FROM conversations WHERE operator_id = $1 AND state = 'live' ORDER BY updated_at")
            .bind(operator_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("public_id")?)))
            .collect()
    }

    /// Ends the operator's hold on a live conversation: it goes back to the bot.
    pub async fn release(&self, conversation_id: i64, operator_id: OperatorId) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE conversations SET state = 'bot', operator_id = NULL, updated_at = $1 \
             WHERE id = $2 AND operator_id = $3 AND state = 'live'",
        )
        .bind(now_ms())
        .bind(conversation_id)
        .bind(operator_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        lower_load(&mut tx, operator_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a live conversation from one operator to another available one under capacity.
    pub async fn transfer(
        &self,
        conversation_id: i64,
        from: OperatorId,
        to: OperatorId,
        fresh_after: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let raised = sqlx::query(
            "UPDATE operator_presence SET load = load + 1, last_assigned_at = $1 \
             WHERE operator_id = $2 AND load < capacity AND status = 'available' AND last_seen_at > $3",
        )
        .bind(now_ms())
        .bind(to)
        .bind(fresh_after)
        .execute(&mut *tx)
        .await?;
        if raised.rows_affected() == 0 {
            return Ok(false);
        }
        let moved = sqlx::query(
            "UPDATE conversations SET operator_id = $1, updated_at = $2 WHERE id = $3 AND operator_id = $4 AND state = 'live'",
        )
        .bind(to)
        .bind(now_ms())
        .bind(conversation_id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        took_part(&mut tx, conversation_id, to).await?;
        lower_load(&mut tx, from).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The stored messages of a client id, if an earlier attempt stored them.
    pub async fn find_client_message(
        &self,
        conversation_id: i64,
        client_id: &str,
    ) -> Result<Option<i64>> {
        let row =
            sqlx::query("SELECT seq FROM messages WHERE conversation_id = $1 AND client_id = $2")
                .bind(conversation_id)
                .bind(client_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("seq")?),
            None => None,
        })
    }
}

impl Store {
    pub async fn livechat_settings(
        &self,
    ) -> Result<crate::domain::livechat_settings::LivechatSettings> {
        let row = sqlx::query("SELECT settings FROM livechat_settings WHERE id = 1")
            .fetch_optional(&self.reader)
            .await?;
        match row {
            None => Ok(Default::default()),
            Some(r) => {
                let s: String = r.try_get("settings")?;
                serde_json::from_str(&s)
                    .map_err(|e| StoreError::Corrupt(format!("livechat settings: {e}")))
            }
        }
    }

    /// Saves the settings and applies the default capacity to every operator without
    /// one of their own, in one transaction.
    pub async fn save_livechat_settings(
        &self,
        s: &crate::domain::livechat_settings::LivechatSettings,
    ) -> Result<()> {
        let json = serde_json::to_string(s).expect("settings serialize");
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO livechat_settings (id, settings, updated_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET settings = $3, updated_at = $4",
        )
        .bind(&json)
        .bind(now_ms())
        .bind(&json)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE operator_presence SET capacity = $1 WHERE own_capacity IS NULL")
            .bind(s.default_capacity)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An operator's own capacity (None: back to the default).
    pub async fn set_own_capacity(
        &self,
        operator_id: OperatorId,
        own: Option<i64>,
        default_capacity: i64,
    ) -> Result<()> {
        let effective = own.unwrap_or(default_capacity);
        sqlx::query(
            "INSERT INTO operator_presence (operator_id, capacity, own_capacity) VALUES ($1, $2, $3) \
             ON CONFLICT (operator_id) DO UPDATE SET capacity = $4, own_capacity = $5",
        )
        .bind(operator_id)
        .bind(effective)
        .bind(own)
        .bind(effective)
        .bind(own)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// One conversation fewer for the operator (in the caller's transaction).
pub(super) async fn lower_load(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    operator_id: OperatorId,
) -> Result<()> {
    sqlx::query("UPDATE operator_presence SET load = load - 1 WHERE operator_id = $1 AND load > 0")
        .bind(operator_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records that an operator took part in a conversation (the history's operator filter).
pub(super) async fn took_part(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    conversation_id: i64,
    operator_id: OperatorId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO conversation_operators (operator_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(operator_id)
    .bind(conversation_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
