//! The statistics page's queries (issue 14, item 2): what happened on one bot (or all) over
//! a period, counted by SQL on either backend. Time series are counted per span: the
//! service cuts the period into the stretches where its local hour or day does not change
//! and the database counts each (a row counts in the span holding the start of its
//! 15-minute slot, as it always did: the slots line up with every time zone's hour and
//! half hour); per-event rows (hand-over requests, livechat sessions) come back as rows
//! for the percentiles.
//!
//! What the bot stores tells the answers apart: a `knowledge` message is an answer,
//! `suggestions` and `not_understood` say so, a bot `text` with `small_talk` in its body is
//! small talk (a monitored conversation's opening answer, its message 1, was chosen by its
//! creator: not a question); a request for a human is marked (`handoff`) on the first message answering
//! it. Migration 0023 has the database tell them apart once per message, in generated
//! columns (`stat_answer`, `stat_handoff`, `stat_joined`, `stat_event`, `knowledge_id`,
//! `knowledge_title`) with the conversation's `bot_id`, and partial indexes on them: a
//! year's chart reads index entries and no message body.

use super::{Backend, Result, Store};
use sqlx::Row;

/// The length of a time-series slot.
pub const SLOT_MS: i64 = 15 * 60 * 1000;

/// A stretch `[from, to)` (epoch ms) of the period counted as one point of a time series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: i64,
    pub to: i64,
}

/// The first slot start at or after `ms`.
fn slot_ceil(ms: i64) -> i64 {
    ms.div_euclid(SLOT_MS) * SLOT_MS
        + if ms.rem_euclid(SLOT_MS) == 0 {
            0
        } else {
            SLOT_MS
        }
}

/// The instants whose 15-minute slot starts in `span`, within the scope: `[lo, hi)`.
fn slot_bounds(scope: &StatsScope, span: &Span) -> (i64, i64) {
    let lo = slot_ceil(span.from).max(scope.from);
    let hi = slot_ceil(span.to).min(scope.to);
    (lo, hi.max(lo))
}

/// One bot (or all of them) over `[from, to)` (epoch ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatsScope {
    pub bot_id: Option<i64>,
    pub from: i64,
    pub to: i64,
}

/// The requests for a human of one span, and what became of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoffSpan {
    pub requests: i64,
    /// Taken at once, or from the queue before it gave up.
    pub served: i64,
    /// Left the queue without an operator (the queue timed out first).
    pub abandoned: i64,
    /// Nobody was available.
    pub unavailable: i64,
    /// How long each request served from the queue waited (ms).
    pub queue_waits: Vec<i64>,
}

/// The livechat sessions (an operator joined) of one span.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LivechatSpan {
    pub sessions: i64,
    /// From the join to the operator's first message, while the session lasted (ms).
    pub first_responses: Vec<i64>,
    /// From the join to the session's end, for the sessions that ended (ms).
    pub durations: Vec<i64>,
}

/// One operator over the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorRow {
    pub operator_id: i64,
    pub name: String,
    /// Conversations of the period they took part in.
    pub conversations: i64,
    /// Satisfaction surveys about their livechats, and the sum of their scores.
    pub surveys: i64,
    pub score_sum: i64,
}

/// Monitored conversations of one creator, step by step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunnelRow {
    pub creator: String,
    pub created: i64,
    pub mailed: i64,
    pub opened: i64,
    pub replied: i64,
    pub offered: i64,
    pub accepted: i64,
}

/// A knowledge item the bot answered with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnowledgeRow {
    pub id: String,
    pub title: String,
    pub answers: i64,
    pub helpful: i64,
    pub unhelpful: i64,
}

/// Visitors' feedback over the period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedbackTotals {
    /// Surveys by score (index 0: score 1).
    pub scores: [i64; 5],
    pub helpful: i64,
    pub unhelpful: i64,
}

/// `AND <col> = $n` when one bot is asked for.
fn bot_filter(scope: &StatsScope, col: &str, n: usize) -> String {
    match scope.bot_id {
        Some(_) => format!(" AND {col} = ${n}"),
        None => String::new(),
    }
}

/// The period's messages (`m`) for the bot asked for, if one is.
fn period_messages(scope: &StatsScope) -> String {
    format!(
        "FROM messages m WHERE m.created_at >= $1 AND m.created_at < $2{}",
        bot_filter(scope, "m.bot_id", 3)
    )
}

/// The spans' exact bounds, as the JSON parameter of `spans_table`.
fn spans_json(spans: &[Span]) -> String {
    let bounds: Vec<(i64, i64)> = spans.iter().map(|s| (s.from, s.to)).collect();
    serde_json::to_string(&bounds).expect("spans serialize")
}

/// The integers of a `list_agg` (none: no row).
fn numbers(list: Option<String>) -> Result<Vec<i64>> {
    list.as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|n| !n.is_empty())
        .map(|n| {
            n.trim()
                .parse()
                .map_err(|_| super::StoreError::Corrupt(format!("not a number: {n}")))
        })
        .collect()
}

impl Store {
    fn stats_query<'q>(
        &self,
        sql: &'q str,
        scope: &StatsScope,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        // Not a named prepared statement: PostgreSQL plans each with its parameters (a
        // generic plan cannot see how few days a JSON list holds, and picked a plan 50 times
        // slower for a year's livechats).
        let q = sqlx::query(sql)
            .persistent(false)
            .bind(scope.from)
            .bind(scope.to);
        match scope.bot_id {
            Some(b) => q.bind(b),
            None => q,
        }
    }

    /// The spans as a table `s(i, lo, hi)`, from the JSON parameter bound after the scope's.
    fn spans_table(&self, scope: &StatsScope) -> String {
        let n = if scope.bot_id.is_some() { 4 } else { 3 };
        match self.backend() {
            Backend::Sqlite => format!(
                "(SELECT key AS i, json_extract(value, '$[0]') AS lo, json_extract(value, '$[1]') AS hi \
                 FROM json_each(${n})) s"
            ),
            Backend::Postgres => format!(
                "(SELECT t.o - 1 AS i, (t.e ->> 0)::bigint AS lo, (t.e ->> 1)::bigint AS hi \
                 FROM json_array_elements(${n}::json) WITH ORDINALITY AS t(e, o)) s"
            ),
        }
    }

    /// `group_concat` / `string_agg` of integers (NULLs left out), as text.
    fn list_agg(&self, expr: &str) -> String {
        match self.backend() {
            Backend::Sqlite => format!("group_concat({expr}, ',')"),
            Backend::Postgres => format!("string_agg(CAST({expr} AS TEXT), ',')"),
        }
    }

    /// One count per span and series: `series[k]` is a `COUNT(*)` subquery over the span
    /// `s.lo`, `s.hi` (the spans' table, from a JSON parameter: the SQL text does not
    /// change with the period).
    async fn span_counts<const N: usize>(
        &self,
        scope: &StatsScope,
        spans: &[Span],
        series: [String; N],
    ) -> Result<Vec<[i64; N]>> {
        let table = self.spans_table(scope);
        let columns: Vec<String> = series
            .iter()
            .enumerate()
            .map(|(k, q)| format!("({q}) AS c{k}"))
            .collect();
        // $1 and $2 bound the period as everywhere (the spans lie within it).
        let sql = format!(
            "SELECT s.i AS i, {} FROM {table} WHERE s.lo >= $1 AND s.hi <= $2 ORDER BY s.i",
            columns.join(", ")
        );
        let bounds: Vec<(i64, i64)> = spans.iter().map(|sp| slot_bounds(scope, sp)).collect();
        let json = serde_json::to_string(&bounds).expect("spans serialize");
        let rows = self
            .stats_query(&sql, scope)
            .bind(json)
            .fetch_all(&self.reader)
            .await?;
        let mut out = vec![[0i64; N]; spans.len()];
        for r in rows {
            let i: i64 = r.try_get("i")?;
            if let Some(counts) = out.get_mut(i as usize) {
                for (k, c) in counts.iter_mut().enumerate() {
                    *c = r.try_get(format!("c{k}").as_str())?;
                }
            }
        }
        Ok(out)
    }

    /// Conversations started in the period, per span: `[bot, livechat, monitored]`.
    pub async fn stats_conversations(
        &self,
        scope: &StatsScope,
        spans: &[Span],
    ) -> Result<Vec<[i64; 3]>> {
        let kind = |k: &str| {
            format!(
                "SELECT COUNT(*) FROM conversations c WHERE c.kind = '{k}' \
                 AND c.created_at >= s.lo AND c.created_at < s.hi{}",
                bot_filter(scope, "c.bot_id", 3)
            )
        };
        self.span_counts(
            scope,
            spans,
            [kind("bot"), kind("livechat"), kind("monitored")],
        )
        .await
    }

    /// Distinct visitors among the period's conversations.
    pub async fn stats_visitors(&self, scope: &StatsScope) -> Result<i64> {
        // Read visitor by visitor (SQLite would otherwise sort the period's conversations).
        let indexed = match self.backend() {
            Backend::Sqlite => " INDEXED BY conversations_visitor_created",
            Backend::Postgres => "",
        };
        let sql = format!(
            "SELECT COUNT(DISTINCT visitor_id) AS n FROM conversations{indexed} \
             WHERE created_at >= $1 AND created_at < $2{}",
            bot_filter(scope, "bot_id", 3)
        );
        Ok(self
            .stats_query(&sql, scope)
            .fetch_one(&self.reader)
            .await?
            .try_get("n")?)
    }

    /// The bot's replies to questions, per span, by how it answered: `[answer,
    /// suggestions, not_understood, small_talk]`.
    pub async fn stats_questions(
        &self,
        scope: &StatsScope,
        spans: &[Span],
    ) -> Result<Vec<[i64; 4]>> {
        let series = |k: &str| {
            format!(
                "SELECT COUNT(*) FROM messages m WHERE m.stat_answer = '{k}' \
                 AND m.created_at >= s.lo AND m.created_at < s.hi{}",
                bot_filter(scope, "m.bot_id", 3)
            )
        };
        self.span_counts(
            scope,
            spans,
            [
                series("answer"),
                series("suggestions"),
                series("not_understood"),
                series("small_talk"),
            ],
        )
        .await
    }

    /// The period's requests for a human, per span (at the instant of the request), with
    /// what became of each: the next operator to join and the next queue timeout in its
    /// conversation tell a queued request served or abandoned.
    pub async fn stats_handoffs(
        &self,
        scope: &StatsScope,
        spans: &[Span],
    ) -> Result<Vec<HandoffSpan>> {
        let next = |event: &str| {
            format!(
                "(SELECT MIN(x.created_at) FROM messages x WHERE x.conversation_id = m.conversation_id \
                 AND x.stat_event = '{event}' AND x.seq > m.seq)"
            )
        };
        let served =
            "(h.outcome = 'assigned' OR (h.outcome = 'queued' AND h.joined_at IS NOT NULL \
                      AND (h.timeout_at IS NULL OR h.joined_at < h.timeout_at)))";
        let sql = format!(
            "WITH h AS MATERIALIZED ( \
             SELECT s.i, m.created_at AS asked_at, m.stat_handoff AS outcome, \
             CASE WHEN m.stat_handoff = 'queued' THEN {} END AS joined_at, \
             CASE WHEN m.stat_handoff = 'queued' THEN {} END AS timeout_at \
             FROM {} CROSS JOIN messages m WHERE m.stat_handoff IS NOT NULL \
             AND m.created_at >= s.lo AND m.created_at < s.hi \
             AND m.created_at >= $1 AND m.created_at < $2{}) \
             SELECT h.i AS i, COUNT(*) AS requests, \
             SUM(CASE WHEN {served} THEN 1 ELSE 0 END) AS served, \
             SUM(CASE WHEN h.outcome = 'queued' AND h.timeout_at IS NOT NULL \
                 AND (h.joined_at IS NULL OR h.timeout_at < h.joined_at) THEN 1 ELSE 0 END) AS abandoned, \
             SUM(CASE WHEN h.outcome = 'unavailable' THEN 1 ELSE 0 END) AS unavailable, \
             {} AS waits FROM h GROUP BY h.i",
            next("operator_joined"),
            next("queue_timeout"),
            self.spans_table(scope),
            bot_filter(scope, "m.bot_id", 3),
            self.list_agg(&format!(
                "CASE WHEN h.outcome = 'queued' AND {served} THEN h.joined_at - h.asked_at END"
            )),
        );
        let mut out = vec![HandoffSpan::default(); spans.len()];
        for r in self
            .stats_query(&sql, scope)
            .bind(spans_json(spans))
            .fetch_all(&self.reader)
            .await?
        {
            let i: i64 = r.try_get("i")?;
            if let Some(h) = out.get_mut(i as usize) {
                *h = HandoffSpan {
                    requests: r.try_get("requests")?,
                    served: r.try_get("served")?,
                    abandoned: r.try_get("abandoned")?,
                    unavailable: r.try_get("unavailable")?,
                    queue_waits: numbers(r.try_get("waits")?)?,
                };
            }
        }
        Ok(out)
    }

    /// The period's livechat sessions (an operator joined), per span (at the instant of
    /// the join), with the operator's first reply and the session's end.
    pub async fn stats_livechats(
        &self,
        scope: &StatsScope,
        spans: &[Span],
    ) -> Result<Vec<LivechatSpan>> {
        let sql = format!(
            "WITH l AS MATERIALIZED ( \
             SELECT s.i, m.created_at AS joined_at, \
             (SELECT MIN(r.created_at) FROM messages r WHERE r.conversation_id = m.conversation_id \
              AND r.stat_event = 'operator_text' AND r.seq > m.seq) AS first_reply_at, \
             (SELECT MIN(e.created_at) FROM messages e WHERE e.conversation_id = m.conversation_id \
              AND e.stat_event IN ('operator_left', 'transferred') AND e.seq > m.seq) AS left_at \
             FROM {} CROSS JOIN messages m WHERE m.stat_joined IS NOT NULL \
             AND m.created_at >= s.lo AND m.created_at < s.hi \
             AND m.created_at >= $1 AND m.created_at < $2{}) \
             SELECT l.i AS i, COUNT(*) AS sessions, {} AS first_responses, {} AS durations \
             FROM l GROUP BY l.i",
            self.spans_table(scope),
            bot_filter(scope, "m.bot_id", 3),
            // A reply after the session ended belongs to a later one.
            self.list_agg(
                "CASE WHEN l.left_at IS NULL OR l.first_reply_at <= l.left_at \
                 THEN l.first_reply_at - l.joined_at END"
            ),
            self.list_agg("l.left_at - l.joined_at"),
        );
        let mut out = vec![LivechatSpan::default(); spans.len()];
        for r in self
            .stats_query(&sql, scope)
            .bind(spans_json(spans))
            .fetch_all(&self.reader)
            .await?
        {
            let i: i64 = r.try_get("i")?;
            if let Some(l) = out.get_mut(i as usize) {
                *l = LivechatSpan {
                    sessions: r.try_get("sessions")?,
                    first_responses: numbers(r.try_get("first_responses")?)?,
                    durations: numbers(r.try_get("durations")?)?,
                };
            }
        }
        Ok(out)
    }

    /// Each operator's conversations of the period (those they took part in) and the
    /// satisfaction surveys about their livechats.
    pub async fn stats_operators(&self, scope: &StatsScope) -> Result<Vec<OperatorRow>> {
        // Each count once over the period (not once per operator), then joined to them.
        let sql = format!(
            "SELECT o.id, o.name, COALESCE(v.n, 0) AS conversations, COALESCE(f.n, 0) AS surveys, \
             COALESCE(f.total, 0) AS score_sum FROM operators o \
             LEFT JOIN (SELECT co.operator_id, COUNT(*) AS n FROM conversations c \
              JOIN conversation_operators co ON co.conversation_id = c.id \
              WHERE c.created_at >= $1 AND c.created_at < $2{} GROUP BY co.operator_id) v ON v.operator_id = o.id \
             LEFT JOIN (SELECT s.operator_id, COUNT(*) AS n, CAST(SUM(s.score) AS BIGINT) AS total \
              FROM satisfaction s WHERE s.created_at >= $1 AND s.created_at < $2{} GROUP BY s.operator_id) f \
              ON f.operator_id = o.id \
             ORDER BY o.name, o.id",
            bot_filter(scope, "c.bot_id", 3),
            bot_filter(scope, "s.bot_id", 3),
        );
        self.stats_query(&sql, scope)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| {
                Ok(OperatorRow {
                    operator_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    conversations: r.try_get("conversations")?,
                    surveys: r.try_get("surveys")?,
                    score_sum: r.try_get("score_sum")?,
                })
            })
            .collect()
    }

    /// The period's monitored conversations, by creator, step by step: created, link mailed
    /// (sent), link opened, the visitor wrote, help offered, help accepted.
    pub async fn stats_monitored(&self, scope: &StatsScope) -> Result<Vec<FunnelRow>> {
        let step = |cond: &str| format!("SUM(CASE WHEN EXISTS ({cond}) THEN 1 ELSE 0 END)");
        let event = |name: &str| {
            format!(
                "SELECT 1 FROM messages e WHERE e.conversation_id = m.conversation_id \
                 AND e.stat_event = '{name}'"
            )
        };
        let sql = format!(
            "SELECT COALESCE(o.name, '') AS creator, COUNT(*) AS created, {} AS mailed, {} AS opened, \
             {} AS replied, {} AS offered, {} AS accepted \
             FROM monitored_conversations m LEFT JOIN operators o ON o.id = m.creator_id \
             WHERE m.created_at >= $1 AND m.created_at < $2{} \
             GROUP BY m.creator_id, o.name ORDER BY created DESC, creator",
            step(
                "SELECT 1 FROM monitored_links l JOIN mail_outbox x ON x.id = l.mail_id \
                 WHERE l.monitored_id = m.id AND x.status = 'sent'"
            ),
            step("SELECT 1 FROM monitored_links l WHERE l.monitored_id = m.id AND l.opened_at IS NOT NULL"),
            step(
                "SELECT 1 FROM messages v WHERE v.conversation_id = m.conversation_id AND v.author = 'visitor'"
            ),
            step(&event("help_offered")),
            step(&event("help_accepted")),
            bot_filter(scope, "m.bot_id", 3),
        );
        self.stats_query(&sql, scope)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| {
                Ok(FunnelRow {
                    creator: r.try_get("creator")?,
                    created: r.try_get("created")?,
                    mailed: r.try_get("mailed")?,
                    opened: r.try_get("opened")?,
                    replied: r.try_get("replied")?,
                    offered: r.try_get("offered")?,
                    accepted: r.try_get("accepted")?,
                })
            })
            .collect()
    }

    /// The knowledge items the bot answered with most in the period (`limit` of them), with
    /// the visitors' thumbs on those answers.
    pub async fn stats_knowledge(
        &self,
        scope: &StatsScope,
        limit: i64,
    ) -> Result<Vec<KnowledgeRow>> {
        let sql = format!(
            "SELECT m.knowledge_id AS item, MAX(m.knowledge_title) AS title, COUNT(*) AS n \
             {} AND m.knowledge_id IS NOT NULL GROUP BY m.knowledge_id ORDER BY n DESC, item LIMIT {limit}",
            period_messages(scope)
        );
        let mut out: Vec<KnowledgeRow> = self
            .stats_query(&sql, scope)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| {
                Ok(KnowledgeRow {
                    id: r.try_get("item")?,
                    title: r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
                    answers: r.try_get("n")?,
                    helpful: 0,
                    unhelpful: 0,
                })
            })
            .collect::<Result<_>>()?;
        let sql = format!(
            "SELECT knowledge_id, CAST(helpful AS BIGINT) AS helpful, COUNT(*) AS n FROM answer_feedback \
             WHERE created_at >= $1 AND created_at < $2 AND knowledge_id IS NOT NULL{} \
             GROUP BY knowledge_id, helpful",
            bot_filter(scope, "bot_id", 3)
        );
        for r in self
            .stats_query(&sql, scope)
            .fetch_all(&self.reader)
            .await?
        {
            let item: String = r.try_get("knowledge_id")?;
            let n: i64 = r.try_get("n")?;
            if let Some(k) = out.iter_mut().find(|k| k.id == item) {
                if r.try_get::<i64, _>("helpful")? == 1 {
                    k.helpful += n;
                } else {
                    k.unhelpful += n;
                }
            }
        }
        Ok(out)
    }

    /// Satisfaction scores and answer thumbs of the period.
    pub async fn stats_feedback(&self, scope: &StatsScope) -> Result<FeedbackTotals> {
        let mut out = FeedbackTotals::default();
        let sql = format!(
            "SELECT CAST(score AS BIGINT) AS score, COUNT(*) AS n FROM satisfaction \
             WHERE created_at >= $1 AND created_at < $2{} GROUP BY score",
            bot_filter(scope, "bot_id", 3)
        );
        for r in self
            .stats_query(&sql, scope)
            .fetch_all(&self.reader)
            .await?
        {
            let score: i64 = r.try_get("score")?;
            if (1..=5).contains(&score) {
                out.scores[(score - 1) as usize] = r.try_get("n")?;
            }
        }
        let sql = format!(
            "SELECT CAST(helpful AS BIGINT) AS helpful, COUNT(*) AS n FROM answer_feedback \
             WHERE created_at >= $1 AND created_at < $2{} GROUP BY helpful",
            bot_filter(scope, "bot_id", 3)
        );
        for r in self
            .stats_query(&sql, scope)
            .fetch_all(&self.reader)
            .await?
        {
            let n: i64 = r.try_get("n")?;
            if r.try_get::<i64, _>("helpful")? == 1 {
                out.helpful = n;
            } else {
                out.unhelpful = n;
            }
        }
        Ok(out)
    }
}
