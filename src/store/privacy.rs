//! Personal data (issue 15, item 8): what is stored about one visitor (by email address or
//! visitor id), erased or exported at once; and the retention sweep of a bot's old
//! conversations (deleted or anonymized), in short transactions.
//!
//! The tables holding a visitor's personal data: `visitors` (identity, browser, address,
//! attributes) and `visitor_pages`; `conversations` (`visitor_email`) and their
//! `messages`; `monitored_conversations` and `monitored_links` (email, name);
//! `offline_messages` (email, message); `transcript_mails` (email); `mail_outbox` (the
//! mails to the visitor, and the team's mails quoting an offline message);
//! `answer_feedback` (the question) and `satisfaction` (the comment); `visitor_blocks`
//! (client address); and the `audit_log` entries naming the address.

use super::{Result, Store};
use crate::domain::conversation::MessageBody;
use crate::domain::now_ms;
use crate::domain::privacy::{mask_email, DataSubject, RetentionMode, REDACTED};
use serde::Serialize;
use serde_json::{json, Map, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeSet;

/// How many rows of each table hold a visitor's data (what an erasure removes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PersonalCounts {
    pub visitors: i64,
    pub visitor_pages: i64,
    pub conversations: i64,
    pub messages: i64,
    pub monitored: i64,
    pub monitored_links: i64,
    pub offline_messages: i64,
    pub transcript_mails: i64,
    pub mails: i64,
    pub answer_feedback: i64,
    pub satisfaction: i64,
    pub blocks: i64,
    /// Audit entries naming the address (masked, not deleted).
    pub audit_entries: i64,
}

impl PersonalCounts {
    pub fn is_empty(&self) -> bool {
        self.visitors == 0 && self.conversations == 0 && self.mails == 0 && self.blocks == 0
    }
}

/// What one retention batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SweepCounts {
    pub conversations: i64,
    pub visitors: i64,
}

/// The rows of one subject, found once.
#[derive(Debug, Default)]
struct Scope {
    conversations: Vec<i64>,
    visitors: Vec<i64>,
    mails: Vec<i64>,
    /// Every address found (lower case): masked in the audit log.
    emails: BTreeSet<String>,
}

/// `IN (…)` of ids, inlined: they are integers read from the database (no injection), and
/// a batch is bounded.
fn ids_in(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(NULL)".to_string();
    }
    format!(
        "({})",
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

async fn ids(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    bind: Option<&str>,
) -> Result<Vec<i64>> {
    let mut q = sqlx::query(sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut **tx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(id) = r.try_get::<Option<i64>, _>(0)? {
            out.push(id);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

async fn count(tx: &mut Transaction<'static, Any>, sql: &str) -> Result<i64> {
    Ok(sqlx::query(sql).fetch_one(&mut **tx).await?.try_get(0)?)
}

async fn scope(tx: &mut Transaction<'static, Any>, subject: &DataSubject) -> Result<Scope> {
    let mut s = Scope::default();
    let mut direct = Vec::new();
    match subject {
        DataSubject::Email(e) => {
            s.emails.insert(e.clone());
            direct = ids(
                tx,
                "SELECT id FROM conversations WHERE LOWER(visitor_email) = $1 \
                 UNION SELECT conversation_id FROM monitored_conversations WHERE LOWER(email) = $1 \
                 UNION SELECT m.conversation_id FROM monitored_links l \
                   JOIN monitored_conversations m ON m.id = l.monitored_id WHERE LOWER(l.email) = $1 \
                 UNION SELECT conversation_id FROM offline_messages WHERE LOWER(email) = $1 \
                 UNION SELECT conversation_id FROM transcript_mails WHERE LOWER(email) = $1",
                Some(e),
            )
            .await?;
            // The visitors who gave the address, and those of the conversations naming it.
            let mut visitors = ids(
                tx,
                "SELECT id FROM visitors WHERE LOWER(user_email) = $1",
                Some(e),
            )
            .await?;
            visitors.extend(
                ids(
                    tx,
                    &format!(
                        "SELECT visitor_id FROM conversations WHERE id IN {}",
                        ids_in(&direct)
                    ),
                    None,
                )
                .await?,
            );
            visitors.sort_unstable();
            visitors.dedup();
            s.visitors = visitors;
        }
        DataSubject::Visitor(id) => {
            s.visitors = ids(
                tx,
                &format!("SELECT id FROM visitors WHERE id = {id}"),
                None,
            )
            .await?;
        }
    }
    // The visitors' conversations, and those the address names directly.
    let mut conversations = ids(
        tx,
        &format!(
            "SELECT id FROM conversations WHERE visitor_id IN {}",
            ids_in(&s.visitors)
        ),
        None,
    )
    .await?;
    conversations.extend(direct);
    conversations.sort_unstable();
    conversations.dedup();
    s.conversations = conversations;
    let c = ids_in(&s.conversations);
    let mut mails = ids(
        tx,
        &format!(
            "SELECT mail_id FROM transcript_mails WHERE conversation_id IN {c} \
             UNION SELECT l.mail_id FROM monitored_links l JOIN monitored_conversations m \
               ON m.id = l.monitored_id WHERE m.conversation_id IN {c} \
             UNION SELECT team_mail_id FROM offline_messages WHERE conversation_id IN {c}"
        ),
        None,
    )
    .await?;
    // Every address the records name (for the audit log), and the mails sent to them.
    let rows = sqlx::query(&format!(
        "SELECT LOWER(visitor_email) AS e FROM conversations WHERE id IN {c} AND visitor_email IS NOT NULL \
         UNION SELECT LOWER(email) FROM monitored_conversations WHERE conversation_id IN {c} \
         UNION SELECT LOWER(email) FROM offline_messages WHERE conversation_id IN {c} \
         UNION SELECT LOWER(email) FROM transcript_mails WHERE conversation_id IN {c} \
         UNION SELECT LOWER(user_email) FROM visitors WHERE id IN {} AND user_email IS NOT NULL",
        ids_in(&s.visitors)
    ))
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        let e: String = r.try_get(0)?;
        if !e.is_empty() {
            s.emails.insert(e);
        }
    }
    if let DataSubject::Email(e) = subject {
        mails.extend(
            ids(
                tx,
                "SELECT id FROM mail_outbox WHERE LOWER(to_addr) = $1",
                Some(e),
            )
            .await?,
        );
    }
    mails.sort_unstable();
    mails.dedup();
    s.mails = mails;
    Ok(s)
}

/// The audit entries naming one of the addresses: (id, target, details).
async fn audit_naming(
    tx: &mut Transaction<'static, Any>,
    emails: &BTreeSet<String>,
) -> Result<Vec<(i64, String, String)>> {
    let mut out = Vec::new();
    for e in emails {
        let pattern = format!(
            "%{}%",
            e.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let rows = sqlx::query(
            "SELECT id, target, details FROM audit_log \
             WHERE LOWER(target) LIKE $1 ESCAPE '\\' OR LOWER(details) LIKE $1 ESCAPE '\\'",
        )
        .bind(pattern)
        .fetch_all(&mut **tx)
        .await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            if !out.iter().any(|(i, _, _)| *i == id) {
                out.push((id, r.try_get("target")?, r.try_get("details")?));
            }
        }
    }
    Ok(out)
}

/// `text` with every case of `email` replaced by its mask.
fn masked(text: &str, email: &str) -> String {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed byte lengths (rare letters): replace the exact address only.
        return text.replace(email, &mask_email(email));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(email) {
        out.push_str(&text[rest..at]);
        out.push_str(&mask_email(email));
        rest = at + email.len();
    }
    out.push_str(&text[rest..]);
    out
}

async fn counts(tx: &mut Transaction<'static, Any>, s: &Scope) -> Result<PersonalCounts> {
    let c = ids_in(&s.conversations);
    let v = ids_in(&s.visitors);
    Ok(PersonalCounts {
        visitors: s.visitors.len() as i64,
        visitor_pages: count(
            tx,
            &format!("SELECT COUNT(*) FROM visitor_pages WHERE visitor_id IN {v}"),
        )
        .await?,
        conversations: s.conversations.len() as i64,
        messages: count(
            tx,
            &format!("SELECT COUNT(*) FROM messages WHERE conversation_id IN {c}"),
        )
        .await?,
        monitored: count(
            tx,
            &format!("SELECT COUNT(*) FROM monitored_conversations WHERE conversation_id IN {c}"),
        )
        .await?,
        monitored_links: count(
            tx,
            &format!(
                "SELECT COUNT(*) FROM monitored_links l JOIN monitored_conversations m \
                 ON m.id = l.monitored_id WHERE m.conversation_id IN {c}"
            ),
        )
        .await?,
        offline_messages: count(
            tx,
            &format!("SELECT COUNT(*) FROM offline_messages WHERE conversation_id IN {c}"),
        )
        .await?,
        transcript_mails: count(
            tx,
            &format!("SELECT COUNT(*) FROM transcript_mails WHERE conversation_id IN {c}"),
        )
        .await?,
        mails: s.mails.len() as i64,
        answer_feedback: count(
            tx,
            &format!("SELECT COUNT(*) FROM answer_feedback WHERE conversation_id IN {c}"),
        )
        .await?,
        satisfaction: count(
            tx,
            &format!("SELECT COUNT(*) FROM satisfaction WHERE conversation_id IN {c}"),
        )
        .await?,
        blocks: count(
            tx,
            &format!(
                "SELECT COUNT(*) FROM visitor_blocks WHERE visitor_id IN {v} OR conversation_id IN {c}"
            ),
        )
        .await?,
        audit_entries: audit_naming(tx, &s.emails).await?.len() as i64,
    })
}

/// One list of a conversation's export: its key, its query and its columns.
type Part<'a> = (&'a str, String, &'a [(&'a str, Col)]);

/// Reads a row into a JSON object: each column as text, integer or JSON text.
#[derive(Clone, Copy)]
enum Col {
    Int,
    Text,
    Json,
}

fn row_json(row: &AnyRow, cols: &[(&str, Col)]) -> Result<Value> {
    let mut m = Map::new();
    for (name, kind) in cols {
        let v = match kind {
            Col::Int => json!(row.try_get::<Option<i64>, _>(*name)?),
            Col::Text => json!(row.try_get::<Option<String>, _>(*name)?),
            Col::Json => match row.try_get::<Option<String>, _>(*name)? {
                Some(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
                None => Value::Null,
            },
        };
        m.insert((*name).to_string(), v);
    }
    Ok(Value::Object(m))
}

async fn rows_json(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    cols: &[(&str, Col)],
) -> Result<Vec<Value>> {
    let rows = sqlx::query(sql).fetch_all(&mut **tx).await?;
    rows.iter().map(|r| row_json(r, cols)).collect()
}

/// A session-level advisory lock on PostgreSQL: one node sweeps at a time. Released by
/// [`SweepLock::release`]; dropped without it, its connection is closed (which releases
/// the lock) rather than given back to the pool still holding it.
pub struct SweepLock {
    conn: Option<sqlx::pool::PoolConnection<Any>>,
}

/// The advisory lock's key (ASCII "VIGIE" and the migration's number).
const SWEEP_LOCK_KEY: i64 = 0x0056_4947_4945_0022;

impl SweepLock {
    pub async fn release(mut self) {
        if let Some(mut conn) = self.conn.take() {
            let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(SWEEP_LOCK_KEY)
                .execute(&mut *conn)
                .await;
            if unlocked.is_err() {
                drop(conn.detach());
            }
        }
    }
}

impl Drop for SweepLock {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

impl Store {
    /// The retention sweeper's lock: None when another node holds it (PostgreSQL); always
    /// taken on SQLite (one node).
    pub async fn try_sweep_lock(&self) -> Result<Option<SweepLock>> {
        if self.backend() != super::Backend::Postgres {
            return Ok(Some(SweepLock { conn: None }));
        }
        let mut conn = self.pool.acquire().await?;
        let got: bool = sqlx::query("SELECT pg_try_advisory_lock($1) AS ok")
            .bind(SWEEP_LOCK_KEY)
            .fetch_one(&mut *conn)
            .await?
            .try_get("ok")?;
        // Not taken: the connection goes back to the pool (it holds nothing).
        Ok(if got {
            Some(SweepLock { conn: Some(conn) })
        } else {
            None
        })
    }

    /// How many rows hold the subject's data (nothing changed).
    pub async fn personal_counts(&self, subject: &DataSubject) -> Result<PersonalCounts> {
        let mut tx = self.pool.begin().await?;
        let s = scope(&mut tx, subject).await?;
        let out = counts(&mut tx, &s).await?;
        tx.rollback().await?;
        Ok(out)
    }

    /// Erases everything about the subject in one transaction: its conversations (and
    /// what hangs on them: messages, monitored records and links, offline messages,
    /// transcripts, ratings, surveys), the mails to it, its visitor records and pages, the
    /// blocks naming it; the audit entries naming its address keep the entry with the
    /// address masked. Returns what was there.
    pub async fn erase_personal_data(&self, subject: &DataSubject) -> Result<PersonalCounts> {
        let mut tx = self.pool.begin().await?;
        let s = scope(&mut tx, subject).await?;
        let done = counts(&mut tx, &s).await?;
        let c = ids_in(&s.conversations);
        let v = ids_in(&s.visitors);
        for sql in [
            format!("DELETE FROM visitor_blocks WHERE visitor_id IN {v} OR conversation_id IN {c}"),
            format!("DELETE FROM mail_outbox WHERE id IN {}", ids_in(&s.mails)),
            format!("DELETE FROM conversations WHERE id IN {c}"),
            format!("DELETE FROM visitors WHERE id IN {v}"),
        ] {
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        for (id, target, details) in audit_naming(&mut tx, &s.emails).await? {
            let (mut t, mut d) = (target, details);
            for e in &s.emails {
                t = masked(&t, e);
                d = masked(&d, e);
            }
            sqlx::query("UPDATE audit_log SET target = $1, details = $2 WHERE id = $3")
                .bind(t)
                .bind(d)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Everything stored about the subject, as one JSON document.
    pub async fn export_personal_data(&self, subject: &DataSubject) -> Result<Value> {
        let mut tx = self.pool.begin().await?;
        let s = scope(&mut tx, subject).await?;
        let v = ids_in(&s.visitors);
        let mut visitors = rows_json(
            &mut tx,
            &format!(
                "SELECT v.id, b.slug AS bot, v.created_at, v.last_seen_at, v.user_id, v.user_email, \
                 v.user_name, v.user_agent, v.languages, v.time_zone, v.referrer, v.attributes, \
                 v.last_address FROM visitors v JOIN bots b ON b.id = v.bot_id WHERE v.id IN {v} ORDER BY v.id"
            ),
            &[
                ("id", Col::Int),
                ("bot", Col::Text),
                ("created_at", Col::Int),
                ("last_seen_at", Col::Int),
                ("user_id", Col::Text),
                ("user_email", Col::Text),
                ("user_name", Col::Text),
                ("user_agent", Col::Text),
                ("languages", Col::Json),
                ("time_zone", Col::Text),
                ("referrer", Col::Text),
                ("attributes", Col::Json),
                ("last_address", Col::Text),
            ],
        )
        .await?;
        for visitor in &mut visitors {
            let id = visitor["id"].as_i64().unwrap_or(0);
            visitor["pages"] = Value::Array(
                rows_json(
                    &mut tx,
                    &format!(
                        "SELECT url, title, seen_at FROM visitor_pages WHERE visitor_id = {id} ORDER BY seen_at"
                    ),
                    &[("url", Col::Text), ("title", Col::Text), ("seen_at", Col::Int)],
                )
                .await?,
            );
        }
        let mut conversations = Vec::new();
        for &cid in &s.conversations {
            let mut conv = rows_json(
                &mut tx,
                &format!(
                    "SELECT c.public_id AS id, b.slug AS bot, c.visitor_id, c.kind, c.state, c.lang, \
                     c.visitor_email, c.created_at, c.updated_at FROM conversations c \
                     JOIN bots b ON b.id = c.bot_id WHERE c.id = {cid}"
                ),
                &[
                    ("id", Col::Text),
                    ("bot", Col::Text),
                    ("visitor_id", Col::Int),
                    ("kind", Col::Text),
                    ("state", Col::Text),
                    ("lang", Col::Text),
                    ("visitor_email", Col::Text),
                    ("created_at", Col::Int),
                    ("updated_at", Col::Int),
                ],
            )
            .await?
            .pop()
            .unwrap_or(Value::Null);
            if conv.is_null() {
                continue;
            }
            let parts: [Part; 6] = [
                (
                    "messages",
                    format!(
                        "SELECT seq, author, kind, body, created_at FROM messages \
                         WHERE conversation_id = {cid} ORDER BY seq"
                    ),
                    &[
                        ("seq", Col::Int),
                        ("author", Col::Text),
                        ("kind", Col::Text),
                        ("body", Col::Json),
                        ("created_at", Col::Int),
                    ],
                ),
                (
                    "monitored",
                    format!(
                        "SELECT id, name, email, starting_title, created_at FROM monitored_conversations \
                         WHERE conversation_id = {cid}"
                    ),
                    &[
                        ("id", Col::Int),
                        ("name", Col::Text),
                        ("email", Col::Text),
                        ("starting_title", Col::Text),
                        ("created_at", Col::Int),
                    ],
                ),
                (
                    "offline_messages",
                    format!(
                        "SELECT email, message, lang, created_at, answered_at FROM offline_messages \
                         WHERE conversation_id = {cid} ORDER BY created_at"
                    ),
                    &[
                        ("email", Col::Text),
                        ("message", Col::Text),
                        ("lang", Col::Text),
                        ("created_at", Col::Int),
                        ("answered_at", Col::Int),
                    ],
                ),
                (
                    "transcript_mails",
                    format!(
                        "SELECT email, requested_by, created_at FROM transcript_mails \
                         WHERE conversation_id = {cid} ORDER BY created_at"
                    ),
                    &[
                        ("email", Col::Text),
                        ("requested_by", Col::Text),
                        ("created_at", Col::Int),
                    ],
                ),
                (
                    "answer_feedback",
                    format!(
                        "SELECT seq, knowledge_id, question, helpful, created_at FROM answer_feedback \
                         WHERE conversation_id = {cid} ORDER BY seq"
                    ),
                    &[
                        ("seq", Col::Int),
                        ("knowledge_id", Col::Text),
                        ("question", Col::Text),
                        ("helpful", Col::Int),
                        ("created_at", Col::Int),
                    ],
                ),
                (
                    "satisfaction",
                    format!(
                        "SELECT score, comment, created_at FROM satisfaction \
                         WHERE conversation_id = {cid} ORDER BY created_at"
                    ),
                    &[("score", Col::Int), ("comment", Col::Text), ("created_at", Col::Int)],
                ),
            ];
            for (key, sql, cols) in parts {
                conv[key] = Value::Array(rows_json(&mut tx, &sql, cols).await?);
            }
            let links = rows_json(
                &mut tx,
                &format!(
                    "SELECT l.email, l.created_at, l.expires_at, l.opened_at, l.revoked_at \
                     FROM monitored_links l JOIN monitored_conversations m ON m.id = l.monitored_id \
                     WHERE m.conversation_id = {cid} ORDER BY l.created_at"
                ),
                &[
                    ("email", Col::Text),
                    ("created_at", Col::Int),
                    ("expires_at", Col::Int),
                    ("opened_at", Col::Int),
                    ("revoked_at", Col::Int),
                ],
            )
            .await?;
            conv["monitored_links"] = Value::Array(links);
            conversations.push(conv);
        }
        let mails = rows_json(
            &mut tx,
            &format!(
                "SELECT to_addr AS \"to\", subject, text, status, created_at, sent_at FROM mail_outbox \
                 WHERE id IN {} ORDER BY created_at",
                ids_in(&s.mails)
            ),
            &[
                ("to", Col::Text),
                ("subject", Col::Text),
                ("text", Col::Text),
                ("status", Col::Text),
                ("created_at", Col::Int),
                ("sent_at", Col::Int),
            ],
        )
        .await?;
        let blocks = rows_json(
            &mut tx,
            &format!(
                "SELECT id, visitor_id, address, reason, created_at, expires_at, lifted_at FROM visitor_blocks \
                 WHERE visitor_id IN {v} OR conversation_id IN {} ORDER BY id",
                ids_in(&s.conversations)
            ),
            &[
                ("id", Col::Int),
                ("visitor_id", Col::Int),
                ("address", Col::Text),
                ("reason", Col::Text),
                ("created_at", Col::Int),
                ("expires_at", Col::Int),
                ("lifted_at", Col::Int),
            ],
        )
        .await?;
        tx.rollback().await?;
        Ok(json!({
            "visitors": visitors,
            "conversations": conversations,
            "mails": mails,
            "blocks": blocks,
        }))
    }

    /// Up to `limit` conversations of `bot_id` whose last activity is before `before` and
    /// that the retention has not handled yet (those waiting for or with an operator are
    /// left alone), the oldest first.
    pub async fn retention_due(
        &self,
        bot_id: i64,
        before: i64,
        mode: RetentionMode,
        limit: i64,
    ) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT id FROM conversations WHERE bot_id = $1 AND updated_at < $2 \
             AND state NOT IN ('queued', 'live') AND ($3 = 'delete' OR anonymized_at IS NULL) \
             ORDER BY updated_at, id LIMIT $4",
        )
        .bind(bot_id)
        .bind(before)
        .bind(mode.as_str())
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// Up to `limit` visitors of `bot_id` last seen before `before` that the retention has
    /// not handled yet (to delete: those left without conversation nor block in force).
    pub async fn retention_due_visitors(
        &self,
        bot_id: i64,
        before: i64,
        mode: RetentionMode,
        limit: i64,
    ) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT v.id FROM visitors v WHERE v.bot_id = $1 AND v.last_seen_at < $2 \
             AND v.anonymized_at IS NULL \
             AND ($3 = 'anonymize' OR (NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = v.id) \
               AND NOT EXISTS (SELECT 1 FROM visitor_blocks b WHERE b.visitor_id = v.id AND b.lifted_at IS NULL \
                 AND (b.expires_at IS NULL OR b.expires_at > $4)))) \
             ORDER BY v.last_seen_at, v.id LIMIT $5",
        )
        .bind(bot_id)
        .bind(before)
        .bind(mode.as_str())
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// Deletes these conversations (one short transaction) with the mails hanging on
    /// them and the blocks no longer in force that name them.
    pub async fn delete_conversations(&self, conversations: &[i64]) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let c = ids_in(conversations);
        let mails = ids(
            &mut tx,
            &format!(
                "SELECT mail_id FROM transcript_mails WHERE conversation_id IN {c} \
                 UNION SELECT l.mail_id FROM monitored_links l JOIN monitored_conversations m \
                   ON m.id = l.monitored_id WHERE m.conversation_id IN {c} \
                 UNION SELECT team_mail_id FROM offline_messages WHERE conversation_id IN {c}"
            ),
            None,
        )
        .await?;
        sqlx::query(&format!(
            "DELETE FROM mail_outbox WHERE id IN {} AND status IN ('sent', 'failed')",
            ids_in(&mails)
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "DELETE FROM visitor_blocks WHERE conversation_id IN {c} AND (lifted_at IS NOT NULL \
             OR (expires_at IS NOT NULL AND expires_at <= $1))"
        ))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(&format!("DELETE FROM conversations WHERE id IN {c}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() as i64)
    }

    /// Deletes these visitor records (and their pages).
    pub async fn delete_visitors(&self, visitors: &[i64]) -> Result<i64> {
        let done = sqlx::query(&format!(
            "DELETE FROM visitors WHERE id IN {}",
            ids_in(visitors)
        ))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() as i64)
    }

    /// Anonymizes these conversations (one short transaction): the visitor's texts, the
    /// addresses, names, offline messages, comments, questions rated and the mails are
    /// replaced; the rows, their kinds, states, times, scores and ratings stay, so every
    /// count of the statistics is unchanged.
    pub async fn anonymize_conversations(&self, conversations: &[i64]) -> Result<i64> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let c = ids_in(conversations);
        let rows = sqlx::query(&format!(
            "SELECT id, body FROM messages WHERE conversation_id IN {c} AND author = 'visitor'"
        ))
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let body: String = r.try_get("body")?;
            let mut b: MessageBody = serde_json::from_str(&body).unwrap_or_default();
            if b.text.is_some() {
                b.text = Some(REDACTED.to_string());
            }
            sqlx::query("UPDATE messages SET body = $1, search_text = '' WHERE id = $2")
                .bind(serde_json::to_string(&b).expect("a body serializes"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let mails = ids(
            &mut tx,
            &format!(
                "SELECT mail_id FROM transcript_mails WHERE conversation_id IN {c} \
                 UNION SELECT l.mail_id FROM monitored_links l JOIN monitored_conversations m \
                   ON m.id = l.monitored_id WHERE m.conversation_id IN {c} \
                 UNION SELECT team_mail_id FROM offline_messages WHERE conversation_id IN {c}"
            ),
            None,
        )
        .await?;
        let m = ids_in(&mails);
        let statements = [
            format!(
                "UPDATE mail_outbox SET to_addr = '', subject = '{REDACTED}', html = '', text = '', \
                 status = CASE WHEN status = 'sent' THEN 'sent' ELSE 'failed' END, \
                 last_error = CASE WHEN status = 'sent' THEN last_error ELSE 'anonymized' END WHERE id IN {m}"
            ),
            format!(
                "UPDATE monitored_links SET email = '' WHERE monitored_id IN \
                 (SELECT id FROM monitored_conversations WHERE conversation_id IN {c})"
            ),
            format!(
                "UPDATE monitored_conversations SET email = '', name = '{REDACTED}' WHERE conversation_id IN {c}"
            ),
            format!("UPDATE offline_messages SET email = '', message = '{REDACTED}' WHERE conversation_id IN {c}"),
            format!("UPDATE transcript_mails SET email = '' WHERE conversation_id IN {c}"),
            format!("UPDATE answer_feedback SET question = '' WHERE conversation_id IN {c}"),
            format!("UPDATE satisfaction SET comment = '' WHERE conversation_id IN {c} AND comment <> ''"),
            format!(
                "UPDATE visitor_blocks SET address = NULL WHERE conversation_id IN {c} \
                 AND (lifted_at IS NOT NULL OR (expires_at IS NOT NULL AND expires_at <= {now}))"
            ),
            format!("UPDATE conversations SET visitor_email = NULL, anonymized_at = {now} WHERE id IN {c}"),
        ];
        for sql in statements {
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(conversations.len() as i64)
    }

    /// Anonymizes these visitor records: identity, browser, languages, time zone, referrer,
    /// attributes and address cleared, pages deleted (the record stays: it is counted).
    pub async fn anonymize_visitors(&self, visitors: &[i64]) -> Result<i64> {
        let v = ids_in(visitors);
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "DELETE FROM visitor_pages WHERE visitor_id IN {v}"
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "UPDATE visitors SET user_id = NULL, user_email = NULL, user_name = NULL, user_agent = NULL, \
             languages = NULL, time_zone = NULL, referrer = NULL, attributes = '{{}}', last_address = NULL, \
             anonymized_at = $1 WHERE id IN {v}"
        ))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(visitors.len() as i64)
    }

    /// The bots with a retention period: (id, slug, days, mode).
    pub async fn bots_with_retention(&self) -> Result<Vec<(i64, String, i64, RetentionMode)>> {
        let rows = sqlx::query(
            "SELECT id, slug, retention_days, retention_mode FROM bots \
             WHERE retention_days IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("slug")?,
                    r.try_get("retention_days")?,
                    super::closed(r, "retention_mode", RetentionMode::parse)?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masking_ignores_case_and_keeps_the_rest() {
        assert_eq!(
            super::masked(r#"{"email":"Marie@Example.fr","x":1}"#, "marie@example.fr"),
            r#"{"email":"m***@example.fr","x":1}"#
        );
    }
}
