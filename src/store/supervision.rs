//! Live supervision: every open conversation at a glance, and what a supervisor does to a
//! conversation someone else holds (take it over, end it). Each move is one conditional
//! UPDATE on the state and holder the supervisor saw, so two supervisors (or a supervisor
//! and the operator ending it) cannot both win.

use super::livechat::{lower_load, took_part};
use super::{closed, Result, Store};
use crate::domain::conversation::{ConversationKind, ConversationState};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::Row;

/// A conversation as the supervision page lists it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OpenConversation {
    pub conversation: String,
    /// The bot's slug and name.
    pub bot: String,
    pub bot_name: String,
    pub kind: ConversationKind,
    pub state: ConversationState,
    pub lang: String,
    /// Who holds it (live).
    pub operator: Option<Holder>,
    /// Since when it waits (queued).
    pub queued_at: Option<i64>,
    pub created_at: i64,
    /// The last message's time (ms).
    pub last_activity: i64,
    /// How many messages it has (its last `seq`).
    pub messages: i64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Holder {
    pub id: OperatorId,
    pub name: String,
}

impl Store {
    /// The open conversations, most recently active first: every queued or live one, the
    /// bot conversations with a message after `active_after`, the monitored ones active
    /// after `monitored_after` (ms); at most `limit`.
    pub async fn open_conversations(
        &self,
        active_after: i64,
        monitored_after: i64,
        limit: i64,
    ) -> Result<Vec<OpenConversation>> {
        let rows = sqlx::query(
            "SELECT c.public_id, b.slug, b.name AS bot_name, c.kind, c.state, c.lang, c.operator_id, \
                    o.name AS operator_name, c.queued_at, c.created_at, c.updated_at, c.last_seq \
             FROM conversations c JOIN bots b ON b.id = c.bot_id \
             LEFT JOIN operators o ON o.id = c.operator_id \
             WHERE c.id IN ( \
                 SELECT id FROM conversations WHERE state IN ('queued', 'live') \
                 UNION SELECT id FROM conversations WHERE updated_at > $1 AND state = 'bot' AND kind <> 'monitored' AND last_seq > 0 \
                 UNION SELECT id FROM conversations WHERE updated_at > $2 AND state = 'bot' AND kind = 'monitored') \
             ORDER BY c.updated_at DESC, c.id DESC LIMIT $3",
        )
        .bind(active_after)
        .bind(monitored_after)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let operator_id: Option<OperatorId> = r.try_get("operator_id")?;
                let operator_name: Option<String> = r.try_get("operator_name")?;
                Ok(OpenConversation {
                    conversation: r.try_get("public_id")?,
                    bot: r.try_get("slug")?,
                    bot_name: r.try_get("bot_name")?,
                    kind: closed(r, "kind", ConversationKind::parse)?,
                    state: closed(r, "state", ConversationState::parse)?,
                    lang: r.try_get("lang")?,
                    operator: operator_id
                        .zip(operator_name)
                        .map(|(id, name)| Holder { id, name }),
                    queued_at: r.try_get("queued_at")?,
                    created_at: r.try_get("created_at")?,
                    last_activity: r.try_get("updated_at")?,
                    messages: r.try_get("last_seq")?,
                })
            })
            .collect()
    }

    /// Gives the conversation to `to` (a supervisor), from `state` and `previous` as read:
    /// live with another operator, queued or with the bot. Their capacity does not stop a
    /// supervisor; their load counts it. False when the conversation moved meanwhile.
    pub async fn take_over(
        &self,
        conversation_id: i64,
        state: ConversationState,
        previous: Option<OperatorId>,
        to: OperatorId,
        default_capacity: i64,
    ) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE conversations SET state = 'live', operator_id = $1, queued_at = NULL, updated_at = $2 \
             WHERE id = $3 AND state = $4 AND COALESCE(operator_id, 0) = $5",
        )
        .bind(to)
        .bind(now)
        .bind(conversation_id)
        .bind(state.as_str())
        .bind(previous.map_or(0, |p| p.0))
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Ok(false);
        }
        // A supervisor who never set a status has no presence row yet: one, offline.
        sqlx::query(
            "INSERT INTO operator_presence (operator_id, status, last_seen_at, capacity, status_since) \
             VALUES ($1, 'offline', 0, $2, $3) ON CONFLICT (operator_id) DO NOTHING",
        )
        .bind(to)
        .bind(default_capacity)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE operator_presence SET load = load + 1, last_assigned_at = $1 WHERE operator_id = $2",
        )
        .bind(now)
        .bind(to)
        .execute(&mut *tx)
        .await?;
        if let Some(p) = previous {
            lower_load(&mut tx, p).await?;
        }
        took_part(&mut tx, conversation_id, to).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends a queued or live conversation, whoever holds it (`previous`, as read): back to
    /// the bot. False when it moved meanwhile.
    pub async fn end_by_supervisor(
        &self,
        conversation_id: i64,
        state: ConversationState,
        previous: Option<OperatorId>,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE conversations SET state = 'bot', operator_id = NULL, queued_at = NULL, updated_at = $1 \
             WHERE id = $2 AND state = $3 AND COALESCE(operator_id, 0) = $4",
        )
        .bind(now_ms())
        .bind(conversation_id)
        .bind(state.as_str())
        .bind(previous.map_or(0, |p| p.0))
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(p) = previous {
            lower_load(&mut tx, p).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
