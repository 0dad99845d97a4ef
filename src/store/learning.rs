//! The learning loop (issue 14, item 3): the questions a bot missed over a period, and the
//! questions dismissed from its "To learn" page (migration 0021).

use super::{Result, Store};
use crate::domain::conversation::MessageBody;
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::Row;

/// Why a question is on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectedSource {
    /// The bot did not understand it.
    NotUnderstood,
    /// The bot only offered suggestions.
    Suggestions,
    /// The bot answered, and the visitor said the answer did not help (👎).
    Unhelpful,
}

/// A visitor's question the bot missed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Collected {
    pub conversation: String,
    /// The bot message's seq.
    pub seq: i64,
    pub question: String,
    pub source: CollectedSource,
    /// The conversation's language.
    pub lang: String,
    pub created_at: i64,
    /// For a 👎: the item the answer gave.
    pub knowledge_id: Option<String>,
}

/// A dismissed question.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Dismissed {
    pub id: i64,
    pub question: String,
    pub normalized: String,
    pub by: Option<String>,
    pub created_at: i64,
}

fn text_of(body: &str) -> String {
    serde_json::from_str::<MessageBody>(body)
        .ok()
        .and_then(|b| b.text)
        .unwrap_or_default()
}

impl Store {
    /// The questions of `bot_id`'s visitors between `from` and `to` (ms, `to` excluded) that
    /// the bot did not understand or only suggested for, and the answers rated 👎; the
    /// latest first, at most `limit` of each.
    pub async fn missed_questions(
        &self,
        bot_id: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<Collected>> {
        // The bot's reply is stored in the same transaction as the question, right after it.
        let rows = sqlx::query(
            "SELECT c.public_id, c.lang, m.seq, m.kind, m.created_at, v.body AS question \
             FROM conversations c JOIN messages m ON m.conversation_id = c.id \
             JOIN messages v ON v.conversation_id = c.id AND v.seq = m.seq - 1 \
             WHERE c.bot_id = $1 AND c.anonymized_at IS NULL AND m.author = 'bot' AND m.kind IN ('not_understood', 'suggestions') \
             AND v.author = 'visitor' AND v.kind = 'text' AND m.created_at >= $2 AND m.created_at < $3 \
             ORDER BY m.created_at DESC, m.id DESC LIMIT $4",
        )
        .bind(bot_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            out.push(Collected {
                conversation: r.try_get("public_id")?,
                seq: r.try_get("seq")?,
                question: text_of(&r.try_get::<String, _>("question")?),
                source: if kind == "suggestions" {
                    CollectedSource::Suggestions
                } else {
                    CollectedSource::NotUnderstood
                },
                lang: r.try_get("lang")?,
                created_at: r.try_get("created_at")?,
                knowledge_id: None,
            });
        }
        let rows = sqlx::query(
            "SELECT c.public_id, c.lang, f.seq, f.question, f.knowledge_id, f.created_at \
             FROM answer_feedback f JOIN conversations c ON c.id = f.conversation_id \
             WHERE f.bot_id = $1 AND f.helpful = 0 AND f.question <> '' \
             AND f.created_at >= $2 AND f.created_at < $3 ORDER BY f.created_at DESC, f.id DESC LIMIT $4",
        )
        .bind(bot_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        for r in &rows {
            out.push(Collected {
                conversation: r.try_get("public_id")?,
                seq: r.try_get("seq")?,
                question: r.try_get("question")?,
                source: CollectedSource::Unhelpful,
                lang: r.try_get("lang")?,
                created_at: r.try_get("created_at")?,
                knowledge_id: r.try_get("knowledge_id")?,
            });
        }
        Ok(out)
    }

    /// The questions dismissed from a bot's page, latest first.
    pub async fn dismissed_questions(&self, bot_id: i64) -> Result<Vec<Dismissed>> {
        let rows = sqlx::query(
            "SELECT d.id, d.question, d.normalized, o.name AS by_name, d.created_at \
             FROM learning_dismissed d LEFT JOIN operators o ON o.id = d.operator_id \
             WHERE d.bot_id = $1 ORDER BY d.created_at DESC, d.id DESC",
        )
        .bind(bot_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Dismissed {
                    id: r.try_get("id")?,
                    question: r.try_get("question")?,
                    normalized: r.try_get("normalized")?,
                    by: r.try_get("by_name")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Dismisses questions (`(as written, normalized)`); those already dismissed are
    /// skipped. How many were new.
    pub async fn dismiss_questions(
        &self,
        bot_id: i64,
        questions: &[(String, String)],
        by: Option<OperatorId>,
    ) -> Result<usize> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let mut n = 0;
        for (question, normalized) in questions {
            let done = sqlx::query(
                "INSERT INTO learning_dismissed (bot_id, question, normalized, operator_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (bot_id, normalized) DO NOTHING",
            )
            .bind(bot_id)
            .bind(question)
            .bind(normalized)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            n += done.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Takes a question back from the dismissed ones.
    pub async fn undismiss_question(&self, bot_id: i64, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM learning_dismissed WHERE bot_id = $1 AND id = $2")
            .bind(bot_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(super::StoreError::NotFound);
        }
        Ok(())
    }
}
