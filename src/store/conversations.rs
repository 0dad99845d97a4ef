//! Visitors, conversations and messages.
//!
//! `append` is where the no-loss, no-duplicate guarantees live: in one transaction it
//! checks the client id (a retried send returns the stored sequence numbers instead of
//! storing again), bumps the conversation's `last_seq` (which locks the row, so two
//! writers to one conversation queue up), and inserts the messages with consecutive
//! sequence numbers. The caller acknowledges only after this commit.

use super::{closed, Result, Store, StoreError};
use crate::domain::conversation::{
    Author, ConversationKind, ConversationState, Message, MessageBody, MessageKind, NewMessage,
};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::{any::AnyRow, Row};
use vigie_bot::Lang;

#[derive(Clone, Debug)]
pub struct Conversation {
    pub id: i64,
    pub public_id: String,
    pub bot_id: i64,
    pub visitor_id: Option<i64>,
    pub kind: ConversationKind,
    pub state: ConversationState,
    pub lang: Lang,
    pub last_seq: i64,
    pub operator_id: Option<OperatorId>,
}

/// What `append` did.
#[derive(Clone, Debug)]
pub struct Appended {
    pub messages: Vec<Message>,
    /// True when the client id was already stored: nothing new was written and
    /// `messages` holds what the first attempt stored.
    pub duplicate: bool,
}

pub(super) fn conversation_from_row(row: &AnyRow) -> Result<Conversation> {
    let lang: String = row.try_get("lang")?;
    Ok(Conversation {
        id: row.try_get("id")?,
        public_id: row.try_get("public_id")?,
        bot_id: row.try_get("bot_id")?,
        visitor_id: row.try_get("visitor_id")?,
        kind: closed(row, "kind", ConversationKind::parse)?,
        state: closed(row, "state", ConversationState::parse)?,
        lang: Lang::parse(&lang).unwrap_or(Lang::Fr),
        last_seq: row.try_get("last_seq")?,
        operator_id: row.try_get("operator_id")?,
    })
}

fn message_from_row(row: &AnyRow) -> Result<Message> {
    let body: String = row.try_get("body")?;
    Ok(Message {
        seq: row.try_get("seq")?,
        author: closed(row, "author", Author::parse)?,
        kind: closed(row, "kind", MessageKind::parse)?,
        client_id: row.try_get("client_id")?,
        body: serde_json::from_str::<MessageBody>(&body)
            .map_err(|e| StoreError::Corrupt(format!("message body: {e}")))?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) const CONVERSATION_COLUMNS: &str =
    "id, public_id, bot_id, visitor_id, kind, state, lang, last_seq, operator_id";
const MESSAGE_COLUMNS: &str = "seq, author, kind, client_id, body, created_at";

/// A visitor's `last_seen_at` is written at most this often.
const SEEN_EVERY_MS: i64 = 60_000;

/// A new conversation id: `c_` and 32 hex digits.
pub fn new_public_id() -> String {
    format!("c_{}", uuid::Uuid::new_v4().simple())
}

/// Whether `id` has the shape of the ids `new_public_id` makes.
pub fn is_public_id(id: &str) -> bool {
    id.strip_prefix("c_").is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl Store {
    /// The visitor with this token on this bot (and records that it was seen, at most
    /// once a minute: a `hello` repeated in a loop writes nothing).
    pub async fn visitor_by_token(&self, bot_id: i64, token_hash: &str) -> Result<i64> {
        let row = sqlx::query(
            "SELECT id, last_seen_at FROM visitors WHERE bot_id = $1 AND token_hash = $2",
        )
        .bind(bot_id)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let id: i64 = row.try_get("id")?;
        self.seen(id, row.try_get("last_seen_at")?).await?;
        Ok(id)
    }

    /// Records that visitor `id` was seen, unless it was less than a minute ago.
    pub(super) async fn seen(&self, id: i64, last_seen_at: i64) -> Result<()> {
        let now = now_ms();
        if now - last_seen_at >= SEEN_EVERY_MS {
            sqlx::query("UPDATE visitors SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Whether a visitor (of any bot) has this token: a token unknown everywhere may be
    /// kept by a session not stored yet.
    pub async fn visitor_token_taken(&self, token_hash: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM visitors WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// The visitor of this token, created if there is none (a session's first write; two
    /// tabs writing first at once get the same one). `Conflict` when the token is another
    /// bot's.
    pub async fn ensure_visitor(&self, bot_id: i64, token_hash: &str) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id = ensure_visitor_in(&mut tx, bot_id, token_hash).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The conversation `public_id`, created for `visitor_id` if there is none (a
    /// session's first write, or its retry after a crash). `Conflict` when it exists and
    /// is not this visitor's on this bot.
    pub async fn ensure_conversation(
        &self,
        public_id: &str,
        bot_id: i64,
        visitor_id: i64,
        lang: Lang,
    ) -> Result<Conversation> {
        let mut tx = self.pool.begin().await?;
        let conv = ensure_conversation_in(&mut tx, public_id, bot_id, visitor_id, lang).await?;
        tx.commit().await?;
        Ok(conv)
    }

    /// A pending session's rows (an anonymous visitor's first write): the visitor (new,
    /// or known), its address and context, and the conversation, idempotently, in one
    /// transaction. On SQLite (one write connection) it goes through the group-commit
    /// writer, so the first messages of many visitors arriving together cost one commit
    /// between them instead of several each, queued behind one another; PostgreSQL
    /// writes sessions side by side on its pool (the writer would serialize their round
    /// trips).
    pub async fn materialize_session(&self, session: NewSession) -> Result<(i64, Conversation)> {
        let writer = match (&self.writer, self.backend()) {
            (Some(writer), super::Backend::Sqlite) => writer,
            _ => return self.materialize_session_one(&session).await,
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = super::writer::SessionJob {
            session: Box::new(session),
            reply,
        };
        if let Err(job) = writer.submit_session(job) {
            return self.materialize_session_one(&job.session).await;
        }
        match answer.await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Corrupt("the writer stopped".into())),
        }
    }

    /// `materialize_session` in a transaction of its own (no writer, or a batch that failed).
    pub(super) async fn materialize_session_one(
        &self,
        session: &NewSession,
    ) -> Result<(i64, Conversation)> {
        let mut tx = self.pool.begin().await?;
        let created = write_session(&mut tx, session).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn create_conversation(
        &self,
        bot_id: i64,
        visitor_id: Option<i64>,
        kind: ConversationKind,
        lang: Lang,
    ) -> Result<Conversation> {
        let now = now_ms();
        let public_id = new_public_id();
        let row = sqlx::query(&format!(
            "INSERT INTO conversations (public_id, bot_id, visitor_id, kind, state, lang, last_seq, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'bot', $5, 0, $6, $7) RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(&public_id)
        .bind(bot_id)
        .bind(visitor_id)
        .bind(kind.as_str())
        .bind(lang.as_str())
        .bind(now)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        conversation_from_row(&row)
    }

    pub async fn conversation_by_id(&self, id: i64) -> Result<Conversation> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        conversation_from_row(&row)
    }

    /// The conversation, and the `seq` of the message this client id stored in it, if
    /// any: what a visitor's message needs to know, in one read.
    pub async fn conversation_and_client(
        &self,
        public_id: &str,
        client_id: &str,
    ) -> Result<(Conversation, Option<i64>)> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS}, \
             (SELECT m.seq FROM messages m WHERE m.conversation_id = conversations.id AND m.client_id = $2) AS stored_seq \
             FROM conversations WHERE public_id = $1"
        ))
        .bind(public_id)
        .bind(client_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((conversation_from_row(&row)?, row.try_get("stored_seq")?))
    }

    pub async fn conversation_by_public_id(&self, public_id: &str) -> Result<Conversation> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE public_id = $1"
        ))
        .bind(public_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        conversation_from_row(&row)
    }

    /// Stores `messages` in order with consecutive sequence numbers, in one transaction
    /// (shared with the other messages queued at the same moment: `writer.rs`), and
    /// returns once it is committed. `client_id` (if any) goes on the first message and
    /// makes the call idempotent.
    pub async fn append(
        &self,
        conversation_id: i64,
        client_id: Option<&str>,
        messages: &[NewMessage],
    ) -> Result<Appended> {
        let Some(writer) = &self.writer else {
            return self.append_one(conversation_id, client_id, messages).await;
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = super::writer::Job {
            conversation_id,
            client_id: client_id.map(str::to_string),
            messages: messages.to_vec(),
            queued_at: std::time::Instant::now(),
            reply,
        };
        if writer.submit(job).is_err() {
            return self.append_one(conversation_id, client_id, messages).await;
        }
        match answer.await {
            Ok(result) => result,
            // The writer stopped before answering (the process is ending): nothing was
            // acknowledged, the client will resend.
            Err(_) => Err(StoreError::Corrupt("the writer stopped".into())),
        }
    }

    /// `append` in a transaction of its own: the writer's path for a lone message and
    /// for a batch that failed as a whole.
    pub(super) async fn append_one(
        &self,
        conversation_id: i64,
        client_id: Option<&str>,
        messages: &[NewMessage],
    ) -> Result<Appended> {
        if let Some(cid) = client_id {
            if let Some(found) = self
                .messages_of_client(conversation_id, cid, messages.len())
                .await?
            {
                return Ok(found);
            }
        }
        let mut tx = self.pool.begin().await?;
        // One instant for the messages and the conversation's last activity (issue 11,
        // item 8: the list's "dernière activité" is never older than the last message).
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE conversations SET last_seq = last_seq + $1, updated_at = $2 WHERE id = $3 RETURNING last_seq",
        )
        .bind(messages.len() as i64)
        .bind(now)
        .bind(conversation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let last: i64 = row.try_get("last_seq")?;
        let first = last - messages.len() as i64 + 1;
        let mut stored = Vec::with_capacity(messages.len());
        for (i, m) in messages.iter().enumerate() {
            let seq = first + i as i64;
            let cid = if i == 0 { client_id } else { None };
            let body = serde_json::to_string(&m.body).expect("message body serializes");
            let inserted = sqlx::query(
                "INSERT INTO messages (conversation_id, seq, author, kind, client_id, body, created_at, search_text, bot_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT c.bot_id FROM conversations c WHERE c.id = $1))",
            )
            .bind(conversation_id)
            .bind(seq)
            .bind(m.author.as_str())
            .bind(m.kind.as_str())
            .bind(cid)
            .bind(&body)
            .bind(now)
            .bind(m.body.search_text())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                // The same client id raced in through another connection: its first
                // attempt won; answer with what it stored.
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() && cid.is_some() => {
                    drop(tx);
                    let cid = cid.expect("checked");
                    return self
                        .messages_of_client(conversation_id, cid, messages.len())
                        .await?
                        .ok_or_else(|| StoreError::Conflict("client id".into()));
                }
                Err(e) => return Err(e.into()),
            }
            stored.push(Message {
                seq,
                author: m.author,
                kind: m.kind,
                client_id: cid.map(str::to_string),
                body: m.body.clone(),
                created_at: now,
            });
        }
        if self.backend() == super::Backend::Postgres {
            // Other nodes learn of the messages through LISTEN/NOTIFY. Sent inside the
            // transaction: PostgreSQL delivers it only if the commit happens.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::bus::PG_CHANNEL)
                .bind(crate::bus::Topic::Conversation(conversation_id).notification(last))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Appended {
            messages: stored,
            duplicate: false,
        })
    }

    /// The messages an earlier `append` with this client id stored, if any.
    pub(super) async fn messages_of_client(
        &self,
        conversation_id: i64,
        client_id: &str,
        count: usize,
    ) -> Result<Option<Appended>> {
        let row =
            sqlx::query("SELECT seq FROM messages WHERE conversation_id = $1 AND client_id = $2")
                .bind(conversation_id)
                .bind(client_id)
                .fetch_optional(&self.reader)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let seq: i64 = row.try_get("seq")?;
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq"
        ))
        .bind(conversation_id)
        .bind(seq)
        .bind(seq + count as i64)
        .fetch_all(&self.reader)
        .await?;
        let messages = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Appended {
            messages,
            duplicate: true,
        }))
    }

    /// The message `seq` of a conversation, if there is one.
    pub async fn message_at(&self, conversation_id: i64, seq: i64) -> Result<Option<Message>> {
        let row = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq = $2"
        ))
        .bind(conversation_id)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(message_from_row).transpose()
    }

    /// Messages with `seq > after`, in order, at most `limit`.
    pub async fn messages_after(
        &self,
        conversation_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ))
        .bind(conversation_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(message_from_row).collect()
    }
}

/// A session to store on its first write (`Store::materialize_session`).
#[derive(Clone, Debug)]
pub struct NewSession {
    pub bot_id: i64,
    pub visitor: SessionVisitor,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub context: crate::domain::visitor_context::Context,
    pub public_id: String,
    pub lang: Lang,
}

/// Who a new session's visitor is.
#[derive(Clone, Debug)]
pub enum SessionVisitor {
    /// Stored already (a returning visitor's new conversation).
    Stored(i64),
    /// New: the hash of the token `welcome` gave.
    New { token_hash: String },
}

/// Writes `session`'s rows inside `tx` (the writer's batch or a transaction of its own).
pub(super) async fn write_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    s: &NewSession,
) -> Result<(i64, Conversation)> {
    let visitor_id = match &s.visitor {
        SessionVisitor::Stored(id) => *id,
        SessionVisitor::New { token_hash } => ensure_visitor_in(tx, s.bot_id, token_hash).await?,
    };
    if let Some(address) = &s.address {
        super::blocks::set_visitor_address_in(tx, visitor_id, address).await?;
    }
    super::visitors::record_visitor_context_in(tx, visitor_id, s.user_agent.as_deref(), &s.context)
        .await?;
    let conversation =
        ensure_conversation_in(tx, &s.public_id, s.bot_id, visitor_id, s.lang).await?;
    Ok((visitor_id, conversation))
}

async fn ensure_visitor_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    bot_id: i64,
    token_hash: &str,
) -> Result<i64> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO visitors (bot_id, token_hash, created_at, last_seen_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (token_hash) DO NOTHING",
    )
    .bind(bot_id)
    .bind(token_hash)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query("SELECT id, bot_id FROM visitors WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_one(&mut **tx)
        .await?;
    let owner: i64 = row.try_get("bot_id")?;
    if owner != bot_id {
        return Err(StoreError::Conflict("visitor token".into()));
    }
    Ok(row.try_get("id")?)
}

async fn ensure_conversation_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    public_id: &str,
    bot_id: i64,
    visitor_id: i64,
    lang: Lang,
) -> Result<Conversation> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO conversations (public_id, bot_id, visitor_id, kind, state, lang, last_seq, created_at, updated_at) \
         VALUES ($1, $2, $3, 'bot', 'bot', $4, 0, $5, $6) ON CONFLICT (public_id) DO NOTHING",
    )
    .bind(public_id)
    .bind(bot_id)
    .bind(visitor_id)
    .bind(lang.as_str())
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE public_id = $1"
    ))
    .bind(public_id)
    .fetch_one(&mut **tx)
    .await?;
    let conv = conversation_from_row(&row)?;
    if conv.visitor_id != Some(visitor_id) || conv.bot_id != bot_id {
        return Err(StoreError::Conflict("conversation".into()));
    }
    Ok(conv)
}
