//! Visitors' feedback (issue 14, item 4; tables of migration 0018): a thumbs up or down on a
//! bot answer (`answer_feedback`, one per answer, a second one replaces the first) and the
//! satisfaction survey at the end of a livechat (`satisfaction`, one per livechat session,
//! keyed by the seq of the event that ended it).

use super::{Result, Store};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::Row;

/// A rating about to be stored.
pub struct NewAnswerFeedback<'a> {
    pub conversation_id: i64,
    pub bot_id: i64,
    pub seq: i64,
    pub knowledge_id: Option<&'a str>,
    pub question: &'a str,
    pub helpful: bool,
}

/// A survey answer about to be stored.
pub struct NewSatisfaction<'a> {
    pub conversation_id: i64,
    pub bot_id: i64,
    pub operator_id: Option<OperatorId>,
    pub ended_seq: i64,
    pub score: i64,
    pub comment: &'a str,
}

/// A stored survey answer, as the history shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Satisfaction {
    pub ended_seq: i64,
    pub score: i64,
    pub comment: String,
    /// The operator who held the livechat (`null` once the account is gone).
    pub operator: Option<String>,
    pub created_at: i64,
}

/// A stored rating, as the history shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AnswerRating {
    pub seq: i64,
    pub knowledge_id: Option<String>,
    pub helpful: bool,
    pub created_at: i64,
}

impl Store {
    /// The visitor's question a bot message answered: the latest visitor text before `seq`.
    pub async fn question_before(&self, conversation_id: i64, seq: i64) -> Result<String> {
        let row = sqlx::query(
            "SELECT body FROM messages WHERE conversation_id = $1 AND seq < $2 \
             AND author = 'visitor' AND kind = 'text' ORDER BY seq DESC LIMIT 1",
        )
        .bind(conversation_id)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(String::new());
        };
        let body: String = row.try_get("body")?;
        let body: crate::domain::conversation::MessageBody =
            serde_json::from_str(&body).unwrap_or_default();
        Ok(body.text.unwrap_or_default())
    }

    /// Stores a rating; a second one for the same answer replaces the first.
    pub async fn save_answer_feedback(&self, f: &NewAnswerFeedback<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO answer_feedback (conversation_id, bot_id, seq, knowledge_id, question, helpful, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (conversation_id, seq) DO UPDATE SET helpful = $8, created_at = $9",
        )
        .bind(f.conversation_id)
        .bind(f.bot_id)
        .bind(f.seq)
        .bind(f.knowledge_id)
        .bind(f.question)
        .bind(f.helpful as i64)
        .bind(now_ms())
        .bind(f.helpful as i64)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The ratings of a conversation's answers, by seq.
    pub async fn answer_ratings(&self, conversation_id: i64) -> Result<Vec<AnswerRating>> {
        let rows = sqlx::query(
            "SELECT seq, knowledge_id, helpful, created_at FROM answer_feedback \
             WHERE conversation_id = $1 ORDER BY seq",
        )
        .bind(conversation_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AnswerRating {
                    seq: r.try_get("seq")?,
                    knowledge_id: r.try_get("knowledge_id")?,
                    helpful: r.try_get::<i64, _>("helpful")? == 1,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Stores a survey answer unless this livechat session already has one: then the
    /// stored one is returned with `false`.
    pub async fn save_satisfaction(&self, s: &NewSatisfaction<'_>) -> Result<(bool, Satisfaction)> {
        let inserted = sqlx::query(
            "INSERT INTO satisfaction (conversation_id, bot_id, operator_id, ended_seq, score, comment, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (conversation_id, ended_seq) DO NOTHING RETURNING id",
        )
        .bind(s.conversation_id)
        .bind(s.bot_id)
        .bind(s.operator_id)
        .bind(s.ended_seq)
        .bind(s.score)
        .bind(s.comment)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?
        .is_some();
        let stored = self
            .satisfactions_where(s.conversation_id, Some(s.ended_seq), true)
            .await?
            .into_iter()
            .next()
            .ok_or(super::StoreError::NotFound)?;
        Ok((inserted, stored))
    }

    /// The survey answers of a conversation, oldest first.
    pub async fn satisfactions(&self, conversation_id: i64) -> Result<Vec<Satisfaction>> {
        self.satisfactions_where(conversation_id, None, false).await
    }

    async fn satisfactions_where(
        &self,
        conversation_id: i64,
        ended_seq: Option<i64>,
        writer: bool,
    ) -> Result<Vec<Satisfaction>> {
        let rows = sqlx::query(
            "SELECT s.ended_seq, s.score, s.comment, o.name AS operator, s.created_at \
             FROM satisfaction s LEFT JOIN operators o ON o.id = s.operator_id \
             WHERE s.conversation_id = $1 AND ($2 = 0 OR s.ended_seq = $3) ORDER BY s.ended_seq",
        )
        .bind(conversation_id)
        .bind(ended_seq.is_some() as i64)
        .bind(ended_seq.unwrap_or(0))
        .fetch_all(if writer { &self.pool } else { &self.reader })
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Satisfaction {
                    ended_seq: r.try_get("ended_seq")?,
                    score: r.try_get("score")?,
                    comment: r.try_get("comment")?,
                    operator: r.try_get("operator")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The operator of this conversation named `name` (who ended a livechat: the event
    /// names them), among those who took part in it.
    pub async fn conversation_operator_named(
        &self,
        conversation_id: i64,
        name: &str,
    ) -> Result<Option<OperatorId>> {
        let row = sqlx::query(
            "SELECT o.id FROM conversation_operators co JOIN operators o ON o.id = co.operator_id \
             WHERE co.conversation_id = $1 AND o.name = $2 ORDER BY o.id LIMIT 1",
        )
        .bind(conversation_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("id")?),
            None => None,
        })
    }
}
