//! The conversation history: a search walked by keyset (most recent activity first, the
//! cursor is the last row's `(updated_at, id)`, never an OFFSET), the operators who took part
//! in a conversation, and the transcripts mailed for it.
//!
//! Only the filters given are written into the query (every value bound), so each search
//! gets the plan that suits it: the recency index `conversations_recent` (or
//! `conversations_bot_recent` with a bot) walked until the page is full, and for a text the
//! trigram index of the messages (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`), which finds a
//! substring of three characters or more whatever its case.

use super::mail::mail_report_from_row;
use super::{closed, Backend, MailReport, Result, Store};
use crate::domain::conversation::{ConversationKind, ConversationState};
use crate::domain::{now_ms, OperatorId};
use sqlx::{any::AnyRow, Row};

/// A conversation as listed in the history.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ConversationSummary {
    pub conversation: String,
    pub bot: String,
    pub bot_name: String,
    pub kind: ConversationKind,
    pub state: ConversationState,
    pub lang: String,
    /// The operator holding it, else one who took part.
    pub operator: Option<String>,
    /// The visitor's email address, when Vigie knows it (monitored conversations, or given
    /// for a transcript).
    pub visitor: Option<String>,
    /// The monitored conversation's name, if it is one.
    pub monitored: Option<String>,
    /// A visitor left a message in the offline form ("message hors ligne").
    pub offline: bool,
    pub messages: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Where a page ends: the last row's activity time and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryCursor {
    pub updated_at: i64,
    pub id: i64,
}

impl HistoryCursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.updated_at, self.id)
    }

    pub fn decode(s: &str) -> Option<HistoryCursor> {
        let (a, b) = s.split_once('_')?;
        Some(HistoryCursor {
            updated_at: a.parse().ok()?,
            id: b.parse().ok().filter(|id: &i64| *id > 0)?,
        })
    }
}

/// History filters, all optional (already checked by the use case).
#[derive(Clone, Debug, Default)]
pub struct HistoryQuery {
    /// A substring of a message (3 characters or more), any case.
    pub text: Option<String>,
    pub bot_id: Option<i64>,
    pub state: Option<ConversationState>,
    pub kind: Option<ConversationKind>,
    /// Only conversations with a message left in the offline form.
    pub offline: bool,
    /// Conversations this operator held, took part in, or created (monitored).
    pub operator_id: Option<OperatorId>,
    /// Part of the visitor's email address, any case.
    pub visitor: Option<String>,
    /// Last activity at or after this instant (ms).
    pub from_ms: Option<i64>,
    /// Last activity at or before this instant (ms): with `from_ms`, a range of the
    /// recency index.
    pub to_ms: Option<i64>,
    pub after: Option<HistoryCursor>,
    pub limit: i64,
}

/// One page: the rows and, when there may be more, the cursor of the next page.
#[derive(Clone, Debug)]
pub struct HistoryPage {
    pub conversations: Vec<ConversationSummary>,
    pub next: Option<HistoryCursor>,
}

/// How the text filter is applied (see `Store::history`).
#[derive(Clone, Copy)]
enum TextPlan {
    None,
    /// The most recent conversations through the other filters, their messages probed,
    /// down to this bound (the window's oldest; none: all of them).
    Walk(Option<HistoryCursor>),
    /// The keys of the `WALK` most recent conversations through the other filters.
    Window,
    /// The trigram index.
    Index,
}

/// Conversations a text search walks before it asks the trigram index.
const WALK: i64 = 1000;

enum Bind {
    S(String),
    I(i64),
}

/// A mail queued for a conversation's transcript.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TranscriptMail {
    pub email: String,
    pub requested_by: String,
    pub operator: Option<String>,
    pub created_at: i64,
    pub mail: Option<MailReport>,
}

/// Escapes `\`, `%` and `_` for a LIKE pattern with `ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// An FTS5 query that finds `text` as a substring: one quoted string (its quotes doubled).
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

impl Store {
    /// One page of the history, most recent activity first.
    ///
    /// A text search first walks the most recent conversations that pass the other filters
    /// (at most `WALK` of them) and probes each one's messages: a common word fills the page
    /// at once. When the walk does not fill the page, the word is rare and the trigram index
    /// finds its few conversations. Both plans give the exact page.
    pub async fn history(&self, q: &HistoryQuery) -> Result<HistoryPage> {
        let rows = match &q.text {
            None => self.history_rows(q, TextPlan::None).await?,
            Some(_) => {
                // The window: the keys of the most recent conversations through the other
                // filters (an index-only walk); its oldest bounds the probe walk.
                let window = self.history_rows(q, TextPlan::Window).await?;
                let bound = if window.len() as i64 >= WALK {
                    let r = window.last().expect("a full window");
                    Some(HistoryCursor {
                        updated_at: r.try_get("updated_at")?,
                        id: r.try_get("id")?,
                    })
                } else {
                    None
                };
                let walked = self.history_rows(q, TextPlan::Walk(bound)).await?;
                if walked.len() as i64 > q.limit || bound.is_none() {
                    // A full page, or every conversation the other filters let through was
                    // probed: the walk's rows are the answer.
                    walked
                } else {
                    self.history_rows(q, TextPlan::Index).await?
                }
            }
        };
        let mut out = Vec::with_capacity(rows.len());
        let mut last = None;
        for r in rows.iter().take(q.limit as usize) {
            last = Some(HistoryCursor {
                updated_at: r.try_get("updated_at")?,
                id: r.try_get("id")?,
            });
            out.push(ConversationSummary {
                conversation: r.try_get("public_id")?,
                bot: r.try_get("slug")?,
                bot_name: r.try_get("bot_name")?,
                kind: closed(r, "kind", ConversationKind::parse)?,
                state: closed(r, "state", ConversationState::parse)?,
                lang: r.try_get("lang")?,
                operator: r.try_get("operator")?,
                visitor: r.try_get("email")?,
                monitored: r.try_get("monitored")?,
                offline: r.try_get::<i64, _>("offline")? > 0,
                messages: r.try_get("last_seq")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            });
        }
        let next = if rows.len() as i64 > q.limit {
            last
        } else {
            None
        };
        Ok(HistoryPage {
            conversations: out,
            next,
        })
    }

    /// The page's rows (one more than the limit when there are more) with one text plan.
    async fn history_rows(&self, q: &HistoryQuery, plan: TextPlan) -> Result<Vec<AnyRow>> {
        let mut binds: Vec<Bind> = Vec::new();
        let mut arg = |b: Bind| {
            binds.push(b);
            format!("${}", binds.len())
        };
        // The filters other than the text, on `c` (conversations) and `mc` (its monitored
        // record, if any), and the cursor.
        let mut filters = String::new();
        if let Some(bot) = q.bot_id {
            filters += &format!(" AND c.bot_id = {}", arg(Bind::I(bot)));
        }
        if let Some(state) = q.state {
            filters += &format!(" AND c.state = {}", arg(Bind::S(state.as_str().into())));
        }
        if let Some(kind) = q.kind {
            filters += &format!(" AND c.kind = {}", arg(Bind::S(kind.as_str().into())));
        }
        if q.offline {
            filters += " AND c.id IN (SELECT f.conversation_id FROM offline_messages f)";
        }
        if let Some(op) = q.operator_id {
            let (a, b, c) = (arg(Bind::I(op.0)), arg(Bind::I(op.0)), arg(Bind::I(op.0)));
            filters += &format!(
                " AND (c.operator_id = {a} OR mc.creator_id = {b} OR EXISTS \
                 (SELECT 1 FROM conversation_operators co WHERE co.conversation_id = c.id AND co.operator_id = {c}))"
            );
        }
        if let Some(v) = &q.visitor {
            // The addresses Vigie knows are few (monitored conversations, transcripts):
            // found from their side, then matched by id.
            let pattern = format!("%{}%", like_escape(&v.to_lowercase()));
            let (a, b) = (arg(Bind::S(pattern.clone())), arg(Bind::S(pattern)));
            filters += &format!(
                " AND c.id IN (SELECT m2.conversation_id FROM monitored_conversations m2 WHERE LOWER(m2.email) LIKE {a} ESCAPE '\\' \
                 UNION SELECT c2.id FROM conversations c2 WHERE c2.visitor_email IS NOT NULL AND LOWER(c2.visitor_email) LIKE {b} ESCAPE '\\')"
            );
        }
        if let Some(from) = q.from_ms {
            filters += &format!(" AND c.updated_at >= {}", arg(Bind::I(from)));
        }
        if let Some(to) = q.to_ms {
            filters += &format!(" AND c.updated_at <= {}", arg(Bind::I(to)));
        }
        if let Some(cur) = q.after {
            let (a, b, c) = (
                arg(Bind::I(cur.updated_at)),
                arg(Bind::I(cur.updated_at)),
                arg(Bind::I(cur.id)),
            );
            filters += &format!(" AND (c.updated_at < {a} OR (c.updated_at = {b} AND c.id < {c}))");
        }
        let text = q.text.as_deref().unwrap_or("");
        let ilike = match self.backend() {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        };
        let (from, text_filter) = match plan {
            TextPlan::Window => {
                let sql = format!(
                    "SELECT c.updated_at, c.id FROM conversations c LEFT JOIN monitored_conversations mc ON mc.conversation_id = c.id \
                     WHERE 1 = 1{filters} ORDER BY c.updated_at DESC, c.id DESC LIMIT {WALK}"
                );
                let mut query = sqlx::query(&sql);
                for b in binds {
                    query = match b {
                        Bind::S(s) => query.bind(s),
                        Bind::I(i) => query.bind(i),
                    };
                }
                return Ok(query.fetch_all(&self.reader).await?);
            }
            TextPlan::None => ("conversations c".to_string(), String::new()),
            TextPlan::Walk(bound) => {
                // Walked lazily in the recency order: it stops as soon as the page is full,
                // and never goes past the window's oldest conversation.
                let bounded = match bound {
                    Some(b) => {
                        let (x, y, z) = (
                            arg(Bind::I(b.updated_at)),
                            arg(Bind::I(b.updated_at)),
                            arg(Bind::I(b.id)),
                        );
                        format!(" AND (c.updated_at > {x} OR (c.updated_at = {y} AND c.id >= {z}))")
                    }
                    None => String::new(),
                };
                let pattern = arg(Bind::S(format!("%{}%", like_escape(text))));
                {
                    // The messages are probed only for a conversation the other filters let
                    // through: SQLite would probe first otherwise (CASE short-circuits);
                    // PostgreSQL orders the conditions by cost itself, and a CASE would hide
                    // the filters from its planner.
                    let probe = format!(
                        "EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.search_text {ilike} {pattern} ESCAPE '\\')"
                    );
                    let cond = match self.backend() {
                        Backend::Sqlite => format!(
                            "{bounded} AND CASE WHEN 1 = 1{filters} THEN {probe} ELSE FALSE END"
                        ),
                        Backend::Postgres => format!("{bounded} AND {probe}"),
                    };
                    ("conversations c".to_string(), cond)
                }
            }
            TextPlan::Index => (
                "conversations c".to_string(),
                match self.backend() {
                    Backend::Sqlite => format!(
                        " AND c.id IN (SELECT m.conversation_id FROM messages m WHERE m.id IN \
                         (SELECT rowid FROM messages_fts WHERE messages_fts MATCH {}))",
                        arg(Bind::S(fts_phrase(text)))
                    ),
                    Backend::Postgres => format!(
                        " AND c.id IN (SELECT m.conversation_id FROM messages m WHERE m.search_text ILIKE {})",
                        arg(Bind::S(format!("%{}%", like_escape(text))))
                    ),
                },
            ),
        };
        let limit = arg(Bind::I(q.limit + 1));
        let sql = format!(
            "SELECT c.id, c.public_id, b.slug, b.name AS bot_name, c.kind, c.state, c.lang, \
             COALESCE(o.name, (SELECT MIN(o3.name) FROM conversation_operators co3 JOIN operators o3 ON o3.id = co3.operator_id WHERE co3.conversation_id = c.id)) AS operator, \
             COALESCE(mc.email, c.visitor_email) AS email, mc.name AS monitored, \
             (SELECT COUNT(*) FROM offline_messages f2 WHERE f2.conversation_id = c.id) AS offline, \
             c.last_seq, c.created_at, c.updated_at \
             FROM {from} JOIN bots b ON b.id = c.bot_id LEFT JOIN operators o ON o.id = c.operator_id \
             LEFT JOIN monitored_conversations mc ON mc.conversation_id = c.id \
             WHERE 1 = 1{filters}{text_filter} ORDER BY c.updated_at DESC, c.id DESC LIMIT {limit}"
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = match b {
                Bind::S(s) => query.bind(s),
                Bind::I(i) => query.bind(i),
            };
        }
        Ok(query.fetch_all(&self.reader).await?)
    }

    /// When the conversation began (ms).
    pub async fn conversation_created_at(&self, conversation_id: i64) -> Result<i64> {
        let row = sqlx::query("SELECT created_at FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(super::StoreError::NotFound)?;
        Ok(row.try_get("created_at")?)
    }

    /// The names of the operators who took part in a conversation, by name.
    pub async fn conversation_operators(&self, conversation_id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT o.name FROM conversation_operators co JOIN operators o ON o.id = co.operator_id \
             WHERE co.conversation_id = $1 ORDER BY o.name",
        )
        .bind(conversation_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("name")?))
            .collect()
    }

    /// The visitor's address as known: the monitored conversation's, else the one given for
    /// a transcript.
    pub async fn visitor_email(&self, conversation_id: i64) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT COALESCE(mc.email, c.visitor_email) AS email FROM conversations c \
             LEFT JOIN monitored_conversations mc ON mc.conversation_id = c.id WHERE c.id = $1",
        )
        .bind(conversation_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(match row {
            Some(r) => r.try_get("email")?,
            None => None,
        })
    }

    /// Queues the transcript's mail, records it, and keeps the address on the conversation.
    pub async fn queue_transcript_mail(
        &self,
        conversation_id: i64,
        mail: &super::NewMail<'_>,
        mail_domain: &str,
        operator_id: Option<OperatorId>,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let mail_id = super::mail::queue_mail(&mut tx, mail, mail_domain).await?;
        sqlx::query(
            "INSERT INTO transcript_mails (conversation_id, mail_id, email, requested_by, operator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(conversation_id)
        .bind(mail_id)
        .bind(mail.to_addr)
        .bind(if operator_id.is_some() { "operator" } else { "visitor" })
        .bind(operator_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE conversations SET visitor_email = $1 WHERE id = $2")
            .bind(mail.to_addr)
            .bind(conversation_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(mail_id)
    }

    /// How many transcripts were mailed for the conversation since `since` (ms).
    pub async fn transcript_mails_since(&self, conversation_id: i64, since: i64) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM transcript_mails WHERE conversation_id = $1 AND created_at >= $2",
        )
        .bind(conversation_id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    /// The transcripts mailed for a conversation, oldest first, with their mails' status.
    pub async fn transcript_mails(&self, conversation_id: i64) -> Result<Vec<TranscriptMail>> {
        let rows = sqlx::query(
            "SELECT t.email, t.requested_by, o.name AS operator, t.created_at, \
             m.status AS m_status, m.attempts AS m_attempts, m.last_error AS m_last_error, m.sent_at AS m_sent_at \
             FROM transcript_mails t LEFT JOIN operators o ON o.id = t.operator_id \
             LEFT JOIN mail_outbox m ON m.id = t.mail_id \
             WHERE t.conversation_id = $1 ORDER BY t.created_at, t.id",
        )
        .bind(conversation_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TranscriptMail {
                    email: r.try_get("email")?,
                    requested_by: r.try_get("requested_by")?,
                    operator: r.try_get("operator")?,
                    created_at: r.try_get("created_at")?,
                    mail: mail_report_from_row(r, "m_")?,
                })
            })
            .collect()
    }
}
