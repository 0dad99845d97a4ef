//! Group commit: every `append` (the messages of visitors, bots and operators) goes
//! through ONE writer task per node, which drains what is queued into one transaction:
//! one `BEGIN`, one duplicate check, one `UPDATE … RETURNING` of the conversations'
//! `last_seq`, one multi-row `INSERT` of the messages, (PostgreSQL) one statement of
//! `pg_notify`s, one `COMMIT` — so one fsync and a handful of hand-offs to the database
//! driver for a whole batch instead of several per message. Each caller is answered only
//! after that commit (the acknowledgement stays durable).
//!
//! Order: jobs are taken in the order they were queued, and a conversation's sequence
//! numbers are handed out in that order inside the batch. Idempotency: a client id
//! already stored (or twice in one batch) is found by the batch's check and answered with
//! what was stored first. Anything unexpected in a batch (a client id stored meanwhile by
//! another node, a constraint) rolls the batch back and each job is then written alone
//! in its own transaction, the path that handles every race (`append_one`).

use super::{Result, Store, StoreError};
use crate::domain::conversation::{Message, NewMessage};
use crate::domain::now_ms;
use sqlx::{AnyPool, Row};
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// At most this many jobs in one transaction.
const MAX_BATCH: usize = 512;

pub(super) struct Job {
    pub conversation_id: i64,
    pub client_id: Option<String>,
    pub messages: Vec<NewMessage>,
    pub queued_at: Instant,
    pub reply: oneshot::Sender<Result<super::Appended>>,
}

/// A pending session's rows, written on its first message (`Store::materialize_session`).
pub(super) struct SessionJob {
    pub session: Box<super::conversations::NewSession>,
    pub reply: oneshot::Sender<Result<(i64, super::Conversation)>>,
}

pub(super) enum Cmd {
    Append(Job),
    /// Sessions queued together are written in one transaction, before the batch's
    /// messages.
    Session(SessionJob),
    /// Answered once every job queued before it is committed (shutdown).
    Flush(oneshot::Sender<()>),
}

/// The handle the store keeps: where jobs are queued.
#[derive(Clone)]
pub(super) struct Writer {
    tx: mpsc::UnboundedSender<Cmd>,
}

impl Writer {
    /// Starts the writer task on `store`'s write pool (`store` has no writer of its own:
    /// the task ends when the last handle is dropped).
    pub fn spawn(store: Store) -> Writer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(store, rx));
        Writer { tx }
    }

    pub fn submit(&self, job: Job) -> std::result::Result<(), Job> {
        self.tx.send(Cmd::Append(job)).map_err(|e| match e.0 {
            Cmd::Append(job) => job,
            _ => unreachable!("an append was sent"),
        })
    }

    pub fn submit_session(&self, job: SessionJob) -> std::result::Result<(), SessionJob> {
        self.tx.send(Cmd::Session(job)).map_err(|e| match e.0 {
            Cmd::Session(job) => job,
            _ => unreachable!("a session was sent"),
        })
    }

    /// Waits until everything queued so far is committed (or failed).
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Cmd::Flush(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

async fn run(store: Store, mut rx: mpsc::UnboundedReceiver<Cmd>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut sessions: Vec<SessionJob> = Vec::new();
    let mut flushes = Vec::new();
    loop {
        match rx.recv().await {
            Some(Cmd::Append(job)) => batch.push(job),
            Some(Cmd::Session(job)) => sessions.push(job),
            Some(Cmd::Flush(done)) => flushes.push(done),
            None => break,
        }
        while batch.len() < MAX_BATCH && sessions.len() < MAX_BATCH && flushes.is_empty() {
            match rx.try_recv() {
                Ok(Cmd::Append(job)) => batch.push(job),
                Ok(Cmd::Session(job)) => sessions.push(job),
                Ok(Cmd::Flush(done)) => flushes.push(done),
                Err(_) => break,
            }
        }
        if !sessions.is_empty() {
            commit_sessions(&store, std::mem::take(&mut sessions)).await;
        }
        if batch.is_empty() {
            for done in flushes.drain(..) {
                let _ = done.send(());
            }
            continue;
        }
        metrics::gauge!("vigie_writer_queue").set(rx.len() as f64);
        let jobs = std::mem::take(&mut batch);
        let started = Instant::now();
        let n = jobs.len();
        commit_batch(&store, jobs).await;
        metrics::histogram!("vigie_writer_batch_size").record(n as f64);
        metrics::histogram!("vigie_writer_commit_seconds").record(started.elapsed().as_secs_f64());
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Every queued session in one transaction; if any fails (a token of another bot, a race
/// with another node), the transaction is rolled back and each is written alone, so one
/// visitor's conflict is its own.
async fn commit_sessions(store: &Store, jobs: Vec<SessionJob>) {
    if jobs.len() > 1 {
        match try_sessions(store, &jobs).await {
            Ok(created) => {
                for (job, c) in jobs.into_iter().zip(created) {
                    let _ = job.reply.send(Ok(c));
                }
                return;
            }
            Err(e) => tracing::debug!("sessions written one by one after a batch failed: {e}"),
        }
    }
    for job in jobs {
        let _ = job
            .reply
            .send(store.materialize_session_one(&job.session).await);
    }
}

async fn try_sessions(
    store: &Store,
    jobs: &[SessionJob],
) -> Result<Vec<(i64, super::Conversation)>> {
    let mut tx = store.pool.begin().await?;
    let mut created = Vec::with_capacity(jobs.len());
    for job in jobs {
        created.push(super::conversations::write_session(&mut tx, &job.session).await?);
    }
    tx.commit().await?;
    Ok(created)
}

/// What a job becomes once the batch checked it.
enum Plan {
    /// Written in this batch: its sequence numbers start here.
    Write { first: i64 },
    /// Its client id was stored before (or earlier in this batch).
    Duplicate,
    /// Its conversation does not exist.
    Missing,
}

async fn commit_batch(store: &Store, jobs: Vec<Job>) {
    match try_batch(store, &jobs).await {
        Ok(outcomes) => {
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let result = match outcome {
                    Ok(Some(appended)) => Ok(appended),
                    Ok(None) => {
                        // A duplicate: answer with what the first attempt stored.
                        store
                            .messages_of_client(
                                job.conversation_id,
                                job.client_id.as_deref().unwrap_or_default(),
                                job.messages.len(),
                            )
                            .await
                            .and_then(|found| {
                                found.ok_or_else(|| StoreError::Conflict("client id".into()))
                            })
                    }
                    Err(e) => Err(e),
                };
                observe(&job, &result);
                let _ = job.reply.send(result);
            }
        }
        Err(e) => {
            tracing::debug!("group commit fell back to one transaction per message: {e}");
            for job in jobs {
                answer_one(store, job).await;
            }
        }
    }
}

fn observe(job: &Job, result: &Result<super::Appended>) {
    metrics::histogram!("vigie_append_seconds").record(job.queued_at.elapsed().as_secs_f64());
    if let Ok(a) = result {
        if !a.duplicate {
            metrics::counter!("vigie_messages_stored_total").increment(a.messages.len() as u64);
        }
    }
}

async fn answer_one(store: &Store, job: Job) {
    let result = store
        .append_one(job.conversation_id, job.client_id.as_deref(), &job.messages)
        .await;
    observe(&job, &result);
    let _ = job.reply.send(result);
}

/// The batch's statements, per backend. Each takes the batch as ONE JSON parameter
/// (expanded by `json_each` / `json_array_elements`): the SQL text never changes, so
/// each statement is prepared once per connection, and binding costs one parameter
/// instead of seven per message (SQLite looks bound names up one by one).
struct Sql {
    /// `[[conversation_id, client_id], …]` → the pairs already stored.
    stored: &'static str,
    /// `[[conversation_id, count], …]`, `$2` = now → `id, last_seq` after the bump.
    bump: &'static str,
    /// `[[conversation_id, seq, author, kind, client_id, body, created_at, search_text], …]`;
    /// each row also takes its conversation's bot (read in the same statement, from the
    /// conversation row the bump just locked: the statistics' `messages.bot_id`).
    insert: &'static str,
}

const SQLITE: Sql = Sql {
    stored: "SELECT m.conversation_id, m.client_id FROM json_each($1) AS j \
             JOIN messages m ON m.conversation_id = json_extract(j.value, '$[0]') \
             AND m.client_id = json_extract(j.value, '$[1]')",
    bump: "UPDATE conversations SET last_seq = last_seq + u.n, updated_at = $2 \
           FROM (SELECT json_extract(value, '$[0]') AS cid, json_extract(value, '$[1]') AS n FROM json_each($1)) AS u \
           WHERE conversations.id = u.cid RETURNING id, last_seq",
    insert: "INSERT INTO messages (conversation_id, seq, author, kind, client_id, body, created_at, search_text, bot_id) \
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), \
             json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), \
             json_extract(value, '$[6]'), json_extract(value, '$[7]'), \
             (SELECT c.bot_id FROM conversations c WHERE c.id = json_extract(value, '$[0]')) \
             FROM json_each($1) ORDER BY key",
};

const POSTGRES: Sql = Sql {
    stored: "SELECT m.conversation_id, m.client_id FROM json_array_elements($1::json) AS e \
             JOIN messages m ON m.conversation_id = (e->>0)::bigint AND m.client_id = e->>1",
    bump: "UPDATE conversations c SET last_seq = c.last_seq + u.n, updated_at = $2 \
           FROM (SELECT (e->>0)::bigint AS cid, (e->>1)::bigint AS n FROM json_array_elements($1::json) AS e) u \
           WHERE c.id = u.cid RETURNING c.id, c.last_seq",
    insert: "INSERT INTO messages (conversation_id, seq, author, kind, client_id, body, created_at, search_text, bot_id) \
             SELECT (e->>0)::bigint, (e->>1)::bigint, e->>2, e->>3, e->>4, e->>5, (e->>6)::bigint, e->>7, \
             (SELECT c.bot_id FROM conversations c WHERE c.id = (e->>0)::bigint) \
             FROM json_array_elements($1::json) AS e",
};

/// The whole batch in one transaction. `Ok(None)` for a job: a duplicate, to be read
/// back after the commit. An `Err` for the batch: nothing was written.
async fn try_batch(store: &Store, jobs: &[Job]) -> Result<Vec<Result<Option<super::Appended>>>> {
    let sql = match store.backend() {
        super::Backend::Sqlite => &SQLITE,
        super::Backend::Postgres => &POSTGRES,
    };
    let pool: &AnyPool = &store.pool;
    let mut tx = pool.begin().await?;
    let now = now_ms();

    // 1. Client ids already stored.
    let with_cid: Vec<(i64, &str)> = jobs
        .iter()
        .filter_map(|j| j.client_id.as_deref().map(|c| (j.conversation_id, c)))
        .collect();
    let mut seen: HashSet<(i64, String)> = HashSet::new();
    if !with_cid.is_empty() {
        let rows = sqlx::query(sql.stored)
            .bind(json(&with_cid))
            .fetch_all(&mut *tx)
            .await?;
        for row in rows {
            seen.insert((row.try_get("conversation_id")?, row.try_get("client_id")?));
        }
    }

    // 2. Which jobs write, and how many messages each conversation gets.
    let mut writes: Vec<bool> = Vec::with_capacity(jobs.len());
    let mut counts: Vec<(i64, i64)> = Vec::new(); // (conversation, messages), first-seen order
    for j in jobs {
        let dup = match &j.client_id {
            Some(c) => !seen.insert((j.conversation_id, c.clone())),
            None => false,
        };
        writes.push(!dup);
        if !dup {
            match counts.iter_mut().find(|(c, _)| *c == j.conversation_id) {
                Some((_, n)) => *n += j.messages.len() as i64,
                None => counts.push((j.conversation_id, j.messages.len() as i64)),
            }
        }
    }

    // 3. Bump every conversation's last_seq at once (locks their rows).
    let mut last: HashMap<i64, i64> = HashMap::new();
    if !counts.is_empty() {
        let rows = sqlx::query(sql.bump)
            .bind(json(&counts))
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
        for row in rows {
            last.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }

    // 4. Sequence numbers in queue order, then the rows.
    let mut next: HashMap<i64, i64> = HashMap::new();
    for (c, n) in &counts {
        if let Some(l) = last.get(c) {
            next.insert(*c, l - n + 1);
        }
    }
    let mut plans = Vec::with_capacity(jobs.len());
    for (j, w) in jobs.iter().zip(&writes) {
        plans.push(if !w {
            Plan::Duplicate
        } else if let Some(n) = next.get_mut(&j.conversation_id) {
            let first = *n;
            *n += j.messages.len() as i64;
            Plan::Write { first }
        } else {
            Plan::Missing
        });
    }
    let mut rows: Vec<serde_json::Value> = Vec::new();
    for (j, plan) in jobs.iter().zip(&plans) {
        if let Plan::Write { first } = plan {
            for (i, m) in j.messages.iter().enumerate() {
                let cid = if i == 0 { j.client_id.as_deref() } else { None };
                let body = serde_json::to_string(&m.body).expect("message body serializes");
                rows.push(serde_json::json!([
                    j.conversation_id,
                    first + i as i64,
                    m.author.as_str(),
                    m.kind.as_str(),
                    cid,
                    body,
                    now,
                    m.body.search_text()
                ]));
            }
        }
    }
    if !rows.is_empty() {
        sqlx::query(sql.insert)
            .bind(json(&rows))
            .execute(&mut *tx)
            .await?;
    }

    // 5. Other nodes' hint, delivered by PostgreSQL only if the commit happens.
    if store.backend() == super::Backend::Postgres && !last.is_empty() {
        let hints: Vec<String> = last
            .iter()
            .map(|(c, l)| crate::bus::Topic::Conversation(*c).notification(*l))
            .collect();
        sqlx::query("SELECT pg_notify($1, h) FROM json_array_elements_text($2::json) AS h")
            .bind(crate::bus::PG_CHANNEL)
            .bind(json(&hints))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;

    Ok(jobs
        .iter()
        .zip(plans)
        .map(|(j, plan)| match plan {
            Plan::Write { first } => Ok(Some(super::Appended {
                messages: j
                    .messages
                    .iter()
                    .enumerate()
                    .map(|(i, m)| Message {
                        seq: first + i as i64,
                        author: m.author,
                        kind: m.kind,
                        client_id: if i == 0 { j.client_id.clone() } else { None },
                        body: m.body.clone(),
                        created_at: now,
                    })
                    .collect(),
                duplicate: false,
            })),
            Plan::Duplicate => Ok(None),
            Plan::Missing => Err(StoreError::NotFound),
        })
        .collect())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("batch serializes")
}
