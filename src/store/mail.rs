//! The mail outbox: mails are queued in the transaction that makes them (so a rolled-back
//! creation sends nothing), then claimed one at a time by a worker on any node.
//!
//! A claim moves a mail to `sending` with a lease; the worker marks it `sent` as soon as
//! the SMTP server accepted it, or `retrying` with the server's reason and the time of the
//! next attempt. Claims are a conditional UPDATE, so two nodes never send the same mail; a
//! node that dies mid-send leaves a lease that expires and the mail is tried again (the
//! only case where a receiver could see it twice; it carries the same Message-ID).

use super::{closed, Result, Store};
use crate::domain::mail::MailStatus;
use crate::domain::now_ms;
use sqlx::{any::AnyRow, Row};

#[derive(Clone, Debug)]
pub struct OutboxMail {
    pub id: i64,
    pub message_id: String,
    pub to_addr: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    pub attempts: i64,
    pub created_at: i64,
}

/// Where a mail stands, for operators.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct MailReport {
    /// Never `sending` (it reads as `queued`).
    pub status: MailStatus,
    pub attempts: i64,
    pub error: Option<String>,
    pub sent_at: Option<i64>,
}

/// A mail to queue.
pub struct NewMail<'a> {
    pub to_addr: &'a str,
    pub subject: &'a str,
    pub html: &'a str,
    pub text: &'a str,
}

pub(crate) fn mail_report_from_row(row: &AnyRow, prefix: &str) -> Result<Option<MailReport>> {
    let col = format!("{prefix}status");
    if row.try_get::<Option<String>, _>(col.as_str())?.is_none() {
        return Ok(None);
    }
    Ok(Some(MailReport {
        status: closed(row, &col, MailStatus::parse)?,
        attempts: row.try_get(format!("{prefix}attempts").as_str())?,
        error: row.try_get(format!("{prefix}last_error").as_str())?,
        sent_at: row.try_get(format!("{prefix}sent_at").as_str())?,
    }))
}

fn mail_from_row(row: &AnyRow) -> Result<OutboxMail> {
    Ok(OutboxMail {
        id: row.try_get("id")?,
        message_id: row.try_get("message_id")?,
        to_addr: row.try_get("to_addr")?,
        subject: row.try_get("subject")?,
        html: row.try_get("html")?,
        text: row.try_get("text")?,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Queues a mail inside the caller's transaction; returns its id.
pub(crate) async fn queue_mail(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    mail: &NewMail<'_>,
    domain: &str,
) -> Result<i64> {
    let now = now_ms();
    let message_id = format!("<{}@{domain}>", uuid::Uuid::new_v4().simple());
    let row = sqlx::query(
        "INSERT INTO mail_outbox (message_id, to_addr, subject, html, text, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7) RETURNING id",
    )
    .bind(&message_id)
    .bind(mail.to_addr)
    .bind(mail.subject)
    .bind(mail.html)
    .bind(mail.text)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("id")?)
}

const MAIL_COLUMNS: &str = "id, message_id, to_addr, subject, html, text, attempts, created_at";

impl Store {
    /// Claims the next mail due (or whose sender's lease ran out) for `lease_ms`.
    pub async fn claim_mail(&self, lease_ms: i64) -> Result<Option<OutboxMail>> {
        let now = now_ms();
        let candidates = sqlx::query(
            "SELECT id FROM mail_outbox \
             WHERE (status IN ('queued', 'retrying') AND next_attempt_at <= $1) \
                OR (status = 'sending' AND lease_until < $2) \
             ORDER BY next_attempt_at, id LIMIT 8",
        )
        .bind(now)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for c in candidates {
            let id: i64 = c.try_get("id")?;
            let claimed = sqlx::query(&format!(
                "UPDATE mail_outbox SET status = 'sending', lease_until = $1 \
                 WHERE id = $2 AND ((status IN ('queued', 'retrying') AND next_attempt_at <= $3) \
                    OR (status = 'sending' AND lease_until < $4)) \
                 RETURNING {MAIL_COLUMNS}"
            ))
            .bind(now + lease_ms)
            .bind(id)
            .bind(now)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = claimed {
                return Ok(Some(mail_from_row(&row)?));
            }
        }
        Ok(None)
    }

    pub async fn mail_sent(&self, id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE mail_outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `next_attempt_at`, or `failed` for good.
    pub async fn mail_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: Option<i64>,
    ) -> Result<()> {
        let (status, next) = match next_attempt_at {
            Some(t) => (MailStatus::Retrying, t),
            None => (MailStatus::Failed, 0),
        };
        sqlx::query(
            "UPDATE mail_outbox SET status = $1, next_attempt_at = $2, attempts = attempts + 1, last_error = $3, lease_until = 0 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// When the next waiting mail is due (epoch ms), if any.
    pub async fn next_mail_due(&self) -> Result<Option<i64>> {
        let row = sqlx::query(
            "SELECT MIN(CASE WHEN status = 'sending' THEN lease_until ELSE next_attempt_at END) AS due \
             FROM mail_outbox WHERE status IN ('queued', 'retrying', 'sending')",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(row.try_get::<Option<i64>, _>("due")?)
    }

    pub async fn mail_report(&self, id: i64) -> Result<Option<MailReport>> {
        let row = sqlx::query(
            "SELECT status, attempts, last_error, sent_at FROM mail_outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        match row {
            Some(r) => mail_report_from_row(&r, ""),
            None => Ok(None),
        }
    }
}
