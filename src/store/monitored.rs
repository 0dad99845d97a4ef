//! Monitored conversations and their links.
//!
//! Creation is one transaction: the visitor (whose token nobody holds: the link is the
//! credential), the conversation with its first message (the starting knowledge), the
//! monitored record, the queued mail and the link. Either all of it exists or none.

use super::mail::{mail_report_from_row, queue_mail, MailReport, NewMail};
use super::{closed, Result, Store, StoreError};
use crate::domain::conversation::{ConversationState, NewMessage};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::{any::AnyRow, Row};
use vigie_bot::Lang;

/// Everything a creation writes.
pub struct NewMonitored<'a> {
    pub bot_id: i64,
    pub lang: Lang,
    pub name: &'a str,
    pub knowledge_id: &'a str,
    pub knowledge_title: &'a str,
    pub email: &'a str,
    pub strong: bool,
    pub creator_id: OperatorId,
    pub first_message: NewMessage,
    pub link: NewLink<'a>,
}

pub struct NewLink<'a> {
    pub token_hash: &'a str,
    pub expires_at: i64,
    pub mail: NewMail<'a>,
    /// The domain of the mail's Message-ID.
    pub mail_domain: &'a str,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Named {
    pub id: OperatorId,
    pub name: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct KnowledgeRef {
    pub id: String,
    pub title: String,
}

/// A monitored conversation with its current (latest) link; the API's view of it is
/// `http::views::MonitoredView`.
#[derive(Clone, Debug)]
pub struct MonitoredItem {
    pub id: i64,
    pub conversation_id: i64,
    pub bot_id: i64,
    pub conversation: String,
    pub name: String,
    pub bot: String,
    pub email: String,
    pub strong: bool,
    pub lang: String,
    pub starting_knowledge: KnowledgeRef,
    pub creator: Option<Named>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub last_activity_at: i64,
    /// The visitor's latest message (what a "visitor replied" notification follows).
    pub last_visitor_at: Option<i64>,
    pub state: ConversationState,
    /// Who holds it (live only).
    pub operator: Option<Named>,
    pub offer_pending: bool,
    pub offer_operator_id: Option<OperatorId>,
    pub revoked: bool,
    pub mail: Option<MailReport>,
    /// The visitor's latest attempt with an expired or revoked link.
    pub dead_link: Option<DeadLink>,
    /// The operators who have opened it (in any browser).
    pub seen_by: Vec<i64>,
}

/// A visitor tried an expired or revoked link: when, and which (`link_expired`,
/// `link_revoked`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct DeadLink {
    pub at: i64,
    pub reason: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct LinkInfo {
    pub email: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub opened_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub mail: Option<MailReport>,
}

/// A link found by its token hash.
#[derive(Clone, Debug)]
pub struct FoundLink {
    pub id: i64,
    pub monitored_id: i64,
    pub conversation_id: i64,
    pub expires_at: i64,
    pub opened_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub creator_name: Option<String>,
}

const ITEM_SELECT: &str = "SELECT m.id, m.conversation_id, m.bot_id, c.public_id, m.name, b.slug, m.email, m.strong, c.lang, \
     m.starting_knowledge, m.starting_title, m.creator_id, cr.name AS creator_name, m.created_at, \
     l.expires_at, l.opened_at, l.revoked_at, c.updated_at, c.state, \
     (SELECT MAX(mv.created_at) FROM messages mv WHERE mv.conversation_id = m.conversation_id AND mv.author = 'visitor') AS last_visitor_at, c.operator_id, op.name AS operator_name, \
     m.offer_operator_id, m.dead_link_at, m.dead_link_reason, mo.status AS mail_status, mo.attempts AS mail_attempts, mo.last_error AS mail_last_error, mo.sent_at AS mail_sent_at \
     FROM monitored_conversations m \
     JOIN conversations c ON c.id = m.conversation_id \
     JOIN bots b ON b.id = m.bot_id \
     LEFT JOIN operators cr ON cr.id = m.creator_id \
     LEFT JOIN operators op ON op.id = c.operator_id \
     LEFT JOIN monitored_links l ON l.id = (SELECT MAX(l2.id) FROM monitored_links l2 WHERE l2.monitored_id = m.id) \
     LEFT JOIN mail_outbox mo ON mo.id = l.mail_id";

fn item_from_row(r: &AnyRow) -> Result<MonitoredItem> {
    let creator_id: Option<OperatorId> = r.try_get("creator_id")?;
    let creator_name: Option<String> = r.try_get("creator_name")?;
    let operator_id: Option<OperatorId> = r.try_get("operator_id")?;
    let operator_name: Option<String> = r.try_get("operator_name")?;
    let revoked_at: Option<i64> = r.try_get("revoked_at")?;
    let offer: Option<OperatorId> = r.try_get("offer_operator_id")?;
    let state = closed(r, "state", ConversationState::parse)?;
    Ok(MonitoredItem {
        id: r.try_get("id")?,
        conversation_id: r.try_get("conversation_id")?,
        bot_id: r.try_get("bot_id")?,
        conversation: r.try_get("public_id")?,
        name: r.try_get("name")?,
        bot: r.try_get("slug")?,
        email: r.try_get("email")?,
        strong: r.try_get::<i64, _>("strong")? != 0,
        lang: r.try_get("lang")?,
        starting_knowledge: KnowledgeRef {
            id: r.try_get("starting_knowledge")?,
            title: r.try_get("starting_title")?,
        },
        creator: creator_id
            .zip(creator_name)
            .map(|(id, name)| Named { id, name }),
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        opened_at: r.try_get("opened_at")?,
        last_activity_at: r.try_get("updated_at")?,
        last_visitor_at: r.try_get("last_visitor_at")?,
        operator: if state.with_operator() {
            operator_id
                .zip(operator_name)
                .map(|(id, name)| Named { id, name })
        } else {
            None
        },
        state,
        offer_pending: offer.is_some(),
        offer_operator_id: offer,
        revoked: revoked_at.is_some(),
        mail: mail_report_from_row(r, "mail_")?,
        dead_link: r
            .try_get::<Option<i64>, _>("dead_link_at")?
            .zip(r.try_get::<Option<String>, _>("dead_link_reason")?)
            .map(|(at, reason)| DeadLink { at, reason }),
        seen_by: Vec::new(),
    })
}

pub(super) async fn insert_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    monitored_id: i64,
    email: &str,
    link: &NewLink<'_>,
) -> Result<()> {
    let mail_id = queue_mail(tx, &link.mail, link.mail_domain).await?;
    sqlx::query(
        "INSERT INTO monitored_links (monitored_id, token_hash, email, mail_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(monitored_id)
    .bind(link.token_hash)
    .bind(email)
    .bind(mail_id)
    .bind(now_ms())
    .bind(link.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Revokes every live link of the conversation and addresses it to `email` (a new link
/// follows in the same transaction).
pub(super) async fn readdress(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    monitored_id: i64,
    email: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE monitored_links SET revoked_at = $1 WHERE monitored_id = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(monitored_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE monitored_conversations SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(monitored_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Creates the monitored conversation (see the module docs); returns its public id.
    pub async fn create_monitored(&self, new: NewMonitored<'_>) -> Result<String> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let visitor_token_hash = crate::auth::token_hash(&crate::auth::new_token("vt_"));
        let row = sqlx::query(
            "INSERT INTO visitors (bot_id, token_hash, created_at, last_seen_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(new.bot_id)
        .bind(&visitor_token_hash)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let visitor_id: i64 = row.try_get("id")?;
        let public_id = format!("c_{}", uuid::Uuid::new_v4().simple());
        let row = sqlx::query(
            "INSERT INTO conversations (public_id, bot_id, visitor_id, kind, state, lang, last_seq, created_at, updated_at) \
             VALUES ($1, $2, $3, 'monitored', 'bot', $4, 1, $5, $6) RETURNING id",
        )
        .bind(&public_id)
        .bind(new.bot_id)
        .bind(visitor_id)
        .bind(new.lang.as_str())
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let conversation_id: i64 = row.try_get("id")?;
        let body = serde_json::to_string(&new.first_message.body).expect("message body serializes");
        sqlx::query(
            "INSERT INTO messages (conversation_id, seq, author, kind, client_id, body, created_at, search_text, bot_id) \
             VALUES ($1, 1, $2, $3, NULL, $4, $5, $6, $7)",
        )
        .bind(conversation_id)
        .bind(new.first_message.author.as_str())
        .bind(new.first_message.kind.as_str())
        .bind(&body)
        .bind(now)
        .bind(new.first_message.body.search_text())
        .bind(new.bot_id)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(
            "INSERT INTO monitored_conversations (conversation_id, bot_id, name, starting_knowledge, starting_title, email, strong, creator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(conversation_id)
        .bind(new.bot_id)
        .bind(new.name)
        .bind(new.knowledge_id)
        .bind(new.knowledge_title)
        .bind(new.email)
        .bind(new.strong as i64)
        .bind(new.creator_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let monitored_id: i64 = row.try_get("id")?;
        insert_link(&mut tx, monitored_id, new.email, &new.link).await?;
        tx.commit().await?;
        Ok(public_id)
    }

    /// A new link (and mail) for the conversation; every earlier link is revoked.
    pub async fn resend_monitored(
        &self,
        monitored_id: i64,
        email: &str,
        link: NewLink<'_>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        readdress(&mut tx, monitored_id, email).await?;
        insert_link(&mut tx, monitored_id, email, &link).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_monitored_links(&self, monitored_id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE monitored_links SET revoked_at = $1 WHERE monitored_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(monitored_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Newest first.
    pub async fn list_monitored(&self, limit: i64) -> Result<Vec<MonitoredItem>> {
        let rows = sqlx::query(&format!(
            "{ITEM_SELECT} ORDER BY m.created_at DESC, m.id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        let mut items = rows.iter().map(item_from_row).collect::<Result<Vec<_>>>()?;
        let seen = sqlx::query(
            "SELECT s.monitored_id, s.operator_id FROM monitored_seen s WHERE s.monitored_id IN              (SELECT m.id FROM monitored_conversations m ORDER BY m.created_at DESC, m.id DESC LIMIT $1)",
        )
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        let mut by_item: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for r in &seen {
            by_item
                .entry(r.try_get("monitored_id")?)
                .or_default()
                .push(r.try_get("operator_id")?);
        }
        for it in &mut items {
            it.seen_by = by_item.remove(&it.id).unwrap_or_default();
        }
        Ok(items)
    }

    /// Records that `operator_id` opened the monitored conversation; true the first time.
    pub async fn monitored_seen(&self, monitored_id: i64, operator_id: OperatorId) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO monitored_seen (monitored_id, operator_id, seen_at) VALUES ($1, $2, $3)              ON CONFLICT (monitored_id, operator_id) DO NOTHING",
        )
        .bind(monitored_id)
        .bind(operator_id.0)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn monitored_by_conversation(&self, conversation_id: i64) -> Result<MonitoredItem> {
        // From the writer: read right after a write (offer, resend) by the same caller.
        let row = sqlx::query(&format!("{ITEM_SELECT} WHERE m.conversation_id = $1"))
            .bind(conversation_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut item = item_from_row(&row)?;
        item.seen_by =
            sqlx::query("SELECT operator_id FROM monitored_seen WHERE monitored_id = $1")
                .bind(item.id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get("operator_id"))
                .collect::<std::result::Result<Vec<i64>, _>>()?;
        Ok(item)
    }

    pub async fn monitored_links(&self, monitored_id: i64) -> Result<Vec<LinkInfo>> {
        let rows = sqlx::query(
            "SELECT l.email, l.created_at, l.expires_at, l.opened_at, l.revoked_at, \
             mo.status AS mail_status, mo.attempts AS mail_attempts, mo.last_error AS mail_last_error, mo.sent_at AS mail_sent_at \
             FROM monitored_links l LEFT JOIN mail_outbox mo ON mo.id = l.mail_id \
             WHERE l.monitored_id = $1 ORDER BY l.id DESC",
        )
        .bind(monitored_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LinkInfo {
                    email: r.try_get("email")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    opened_at: r.try_get("opened_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                    mail: mail_report_from_row(r, "mail_")?,
                })
            })
            .collect()
    }

    pub async fn link_by_token_hash(&self, token_hash: &str) -> Result<FoundLink> {
        let r = sqlx::query(
            "SELECT l.id, l.monitored_id, m.conversation_id, l.expires_at, l.opened_at, l.revoked_at, cr.name AS creator_name \
             FROM monitored_links l JOIN monitored_conversations m ON m.id = l.monitored_id \
             LEFT JOIN operators cr ON cr.id = m.creator_id WHERE l.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(FoundLink {
            id: r.try_get("id")?,
            monitored_id: r.try_get("monitored_id")?,
            conversation_id: r.try_get("conversation_id")?,
            expires_at: r.try_get("expires_at")?,
            opened_at: r.try_get("opened_at")?,
            revoked_at: r.try_get("revoked_at")?,
            creator_name: r.try_get("creator_name")?,
        })
    }

    /// A link's expiry and revocation (`expires_at`, `revoked_at`), read again by the
    /// sockets it opened when the conversation's links change.
    pub async fn link_state(&self, link_id: i64) -> Result<(i64, Option<i64>)> {
        let r = sqlx::query("SELECT expires_at, revoked_at FROM monitored_links WHERE id = $1")
            .bind(link_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((r.try_get("expires_at")?, r.try_get("revoked_at")?))
    }

    /// Records a visitor's attempt with an expired or revoked link (the latest one).
    pub async fn dead_link_tried(&self, monitored_id: i64, reason: &str) -> Result<()> {
        sqlx::query(
            "UPDATE monitored_conversations SET dead_link_at = $1, dead_link_reason = $2 WHERE id = $3",
        )
        .bind(now_ms())
        .bind(reason)
        .bind(monitored_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the first opening of a link; true when this call was the first.
    pub async fn link_opened(&self, link_id: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE monitored_links SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL",
        )
        .bind(now_ms())
        .bind(link_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a pending offer of help; false when one is already pending.
    pub async fn offer_help(&self, monitored_id: i64, operator_id: OperatorId) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE monitored_conversations SET offer_operator_id = $1 WHERE id = $2 AND offer_operator_id IS NULL",
        )
        .bind(operator_id)
        .bind(monitored_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes the pending offer (the operator who made it), if any: only one answer wins.
    pub async fn take_offer(&self, monitored_id: i64) -> Result<Option<OperatorId>> {
        let row =
            sqlx::query("SELECT offer_operator_id FROM monitored_conversations WHERE id = $1")
                .bind(monitored_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        let Some(op): Option<OperatorId> = row.try_get("offer_operator_id")? else {
            return Ok(None);
        };
        let done = sqlx::query(
            "UPDATE monitored_conversations SET offer_operator_id = NULL WHERE id = $1 AND offer_operator_id = $2",
        )
        .bind(monitored_id)
        .bind(op)
        .execute(&self.pool)
        .await?;
        Ok((done.rows_affected() == 1).then_some(op))
    }
}
