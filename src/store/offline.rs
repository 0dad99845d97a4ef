//! Messages left in the offline form (issue 13, item 5), and the answer that turns such a
//! conversation into a monitored one (its link opens the conversation in the chatbox).

use super::mail::{mail_report_from_row, queue_mail, MailReport, NewMail};
use super::monitored::{insert_link, readdress, NewLink};
use super::{Result, Store};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::Row;

/// A message left in the offline form, and the mail that told the team.
pub struct NewOffline<'a> {
    pub conversation_id: i64,
    pub bot_id: i64,
    pub client_id: &'a str,
    pub email: &'a str,
    pub message: &'a str,
    pub lang: &'a str,
    pub team_mail: NewMail<'a>,
    pub mail_domain: &'a str,
}

/// A message left in the offline form, as the history shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OfflineMessage {
    pub email: String,
    pub message: String,
    pub lang: String,
    pub created_at: i64,
    /// The mail to the team address.
    pub team_mail: Option<MailReport>,
    pub answered_at: Option<i64>,
    pub answered_by: Option<String>,
}

impl Store {
    /// Records the message and queues the team's mail, once per `client_id` (a retry
    /// stores nothing more: false). The conversation keeps the visitor's address.
    pub async fn record_offline(&self, new: NewOffline<'_>) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO offline_messages (conversation_id, bot_id, client_id, email, message, lang, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (conversation_id, client_id) DO NOTHING RETURNING id",
        )
        .bind(new.conversation_id)
        .bind(new.bot_id)
        .bind(new.client_id)
        .bind(new.email)
        .bind(new.message)
        .bind(new.lang)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        let mail_id = queue_mail(&mut tx, &new.team_mail, new.mail_domain).await?;
        sqlx::query("UPDATE offline_messages SET team_mail_id = $1 WHERE id = $2")
            .bind(mail_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE conversations SET visitor_email = $1 WHERE id = $2")
            .bind(new.email)
            .bind(new.conversation_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The offline messages of a conversation, oldest first.
    pub async fn offline_messages(&self, conversation_id: i64) -> Result<Vec<OfflineMessage>> {
        let rows = sqlx::query(
            "SELECT f.email, f.message, f.lang, f.created_at, f.answered_at, o.name AS answered_by, \
             m.status AS m_status, m.attempts AS m_attempts, m.last_error AS m_last_error, m.sent_at AS m_sent_at \
             FROM offline_messages f LEFT JOIN operators o ON o.id = f.answered_by \
             LEFT JOIN mail_outbox m ON m.id = f.team_mail_id \
             WHERE f.conversation_id = $1 ORDER BY f.id",
        )
        .bind(conversation_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OfflineMessage {
                    email: r.try_get("email")?,
                    message: r.try_get("message")?,
                    lang: r.try_get("lang")?,
                    created_at: r.try_get("created_at")?,
                    team_mail: mail_report_from_row(r, "m_")?,
                    answered_at: r.try_get("answered_at")?,
                    answered_by: r.try_get("answered_by")?,
                })
            })
            .collect()
    }

    /// An operator answers by mail: the conversation becomes a (weakly) monitored one
    /// addressed to `email` — created on the first answer, its earlier links revoked on the
    /// next ones — with a new link and its mail; its offline messages are answered.
    pub async fn answer_offline(
        &self,
        conversation_id: i64,
        bot_id: i64,
        name: &str,
        email: &str,
        operator: OperatorId,
        link: NewLink<'_>,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let existing =
            sqlx::query("SELECT id FROM monitored_conversations WHERE conversation_id = $1")
                .bind(conversation_id)
                .fetch_optional(&mut *tx)
                .await?;
        let monitored_id: i64 = match existing {
            Some(r) => {
                let id: i64 = r.try_get("id")?;
                readdress(&mut tx, id, email).await?;
                id
            }
            None => {
                let r = sqlx::query(
                    "INSERT INTO monitored_conversations (conversation_id, bot_id, name, starting_knowledge, starting_title, email, strong, creator_id, created_at) \
                     VALUES ($1, $2, $3, '', '', $4, 0, $5, $6) RETURNING id",
                )
                .bind(conversation_id)
                .bind(bot_id)
                .bind(name)
                .bind(email)
                .bind(operator)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("UPDATE conversations SET kind = 'monitored' WHERE id = $1")
                    .bind(conversation_id)
                    .execute(&mut *tx)
                    .await?;
                r.try_get("id")?
            }
        };
        insert_link(&mut tx, monitored_id, email, &link).await?;
        sqlx::query(
            "UPDATE offline_messages SET answered_at = $1, answered_by = $2 WHERE conversation_id = $3 AND answered_at IS NULL",
        )
        .bind(now)
        .bind(operator)
        .bind(conversation_id)
        .execute(&mut *tx)
        .await?;
        // The answerer took part (the record lists them, the operator filter finds it).
        super::livechat::took_part(&mut tx, conversation_id, operator).await?;
        tx.commit().await?;
        Ok(())
    }
}
