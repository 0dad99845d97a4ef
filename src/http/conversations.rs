//! Conversation history for operators (issue 12, item 4): the search (text, bot, state,
//! kind, operator, visitor's email, period; keyset pages), its CSV export, one conversation's
//! whole record read-only, its transcript (txt, json) and the transcript sent by mail.

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, Authed, ConversationsRead, Peer, Scoped};
use super::views::MonitoredView;
use super::ws::frames::Outbound;
use super::AppState;
use crate::service::history::{self, Asker, Search};
use crate::service::{Core, OrNotFound};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use vigie_bot::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(search))
        .route("/conversations/export", get(export))
        .route("/conversations/{id}", get(show))
        .route("/conversations/{id}/transcript", get(transcript))
        .route("/conversations/{id}/transcript/mail", post(mail))
        .route("/conversations/{id}/offline-reply", post(offline_reply))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    bot: Option<String>,
    state: Option<String>,
    kind: Option<String>,
    /// An operator's id, or exact name.
    operator: Option<String>,
    /// Part of the visitor's email address.
    visitor: Option<String>,
    /// Milliseconds since the epoch: last activity at or after.
    from: Option<i64>,
    /// Milliseconds since the epoch: last activity at or before.
    to: Option<i64>,
    /// The `next` of the previous page.
    cursor: Option<String>,
    limit: Option<i64>,
    /// Export only: `csv`.
    format: Option<String>,
}

impl SearchQuery {
    fn search(&self) -> Search<'_> {
        Search {
            q: self.q.as_deref(),
            bot: self.bot.as_deref(),
            state: self.state.as_deref(),
            kind: self.kind.as_deref(),
            operator: self.operator.as_deref(),
            visitor: self.visitor.as_deref(),
            from: self.from,
            to: self.to,
            cursor: self.cursor.as_deref(),
            limit: self.limit,
        }
    }
}

async fn search(
    State(state): State<Core>,
    _who: Scoped<ConversationsRead>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let page = history::search(&state, &q.search()).await?;
    Ok(Json(json!({
        "conversations": page.conversations,
        "next": page.next.map(|c| c.encode()),
    })))
}

/// Rows a CSV export holds at most.
const EXPORT_MAX: usize = 10_000;

/// The search as CSV (one line per conversation, at most 10,000), walked page by page.
async fn export(
    State(state): State<Core>,
    _who: Scoped<ConversationsRead>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(mut q) = query?;
    match q.format.as_deref().unwrap_or("csv") {
        "csv" => {}
        other => {
            return Err(ApiError::Invalid(vec![crate::domain::FieldError::of(
                "format",
                crate::domain::Problem::new(
                    "format_invalid",
                    format!("unknown format `{other}` (csv)"),
                )
                .param("value", other),
            )]))
        }
    }
    q.limit = Some(history::MAX_LIMIT);
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| ApiError::Internal(format!("csv: {e}"));
    w.write_record([
        "conversation",
        "bot",
        "kind",
        "state",
        "lang",
        "operator",
        "visitor",
        "monitored",
        "messages",
        "created_at",
        "updated_at",
    ])
    .map_err(io)?;
    let mut written = 0;
    loop {
        let page = history::search(&state, &q.search()).await?;
        for c in &page.conversations {
            w.write_record([
                c.conversation.as_str(),
                c.bot.as_str(),
                c.kind.as_str(),
                c.state.as_str(),
                c.lang.as_str(),
                c.operator.as_deref().unwrap_or(""),
                c.visitor.as_deref().unwrap_or(""),
                c.monitored.as_deref().unwrap_or(""),
                &c.messages.to_string(),
                &iso(c.created_at),
                &iso(c.updated_at),
            ])
            .map_err(io)?;
            written += 1;
        }
        match page.next {
            Some(next) if written < EXPORT_MAX => q.cursor = Some(next.encode()),
            _ => break,
        }
    }
    let body = w
        .into_inner()
        .map_err(|e| ApiError::Internal(format!("csv: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"conversations.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn record_json(r: &history::Record, reader: &crate::store::Operator) -> Value {
    let conv = &r.conversation;
    json!({
        "conversation": conv.public_id,
        "bot": {"slug": r.bot.slug, "name": r.bot.name, "archived": r.bot.archived()},
        "kind": conv.kind,
        "state": conv.state,
        "lang": conv.lang,
        "created_at": r.created_at,
        "operators": r.operators,
        "visitor": r.visitor_email,
        "monitored": r.monitored.as_ref().map(|(item, links)| {
            let mut v = serde_json::to_value(MonitoredView::new(item, reader)).expect("item serializes");
            v["links"] = serde_json::to_value(links).expect("links serialize");
            v
        }),
        "transcript_mails": r.transcript_mails,
        "offline": r.offline,
        "satisfaction": r.satisfaction,
        "ratings": r.ratings,
        "messages": r.messages.iter().map(|m| Outbound::message(&conv.public_id, m)).collect::<Vec<_>>(),
    })
}

async fn show(
    State(state): State<Core>,
    Scoped(who, _): Scoped<ConversationsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let r = history::record(&state, &id).await?;
    Ok(Json(record_json(&r, &who.operator)))
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
    /// The language of the text transcript's words (the conversation's by default).
    lang: Option<String>,
}

/// The transcript as plain text (one line per message) or JSON (the whole record).
async fn transcript(
    State(state): State<Core>,
    Scoped(who, _): Scoped<ConversationsRead>,
    Path(id): Path<String>,
    query: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(f) = query?;
    let format = f.format.as_deref().unwrap_or("txt");
    if !matches!(format, "txt" | "json") {
        return Err(ApiError::Invalid(vec![crate::domain::FieldError::of(
            "format",
            crate::domain::Problem::new(
                "format_invalid",
                format!("unknown format `{format}` (txt or json)"),
            )
            .param("value", format),
        )]));
    }
    let lang = match f.lang.as_deref() {
        None | Some("") => None,
        Some(l) => Some(Lang::parse(l).ok_or_else(|| {
            ApiError::Invalid(vec![crate::domain::FieldError::of(
                "lang",
                crate::domain::Problem::bad_lang(l),
            )])
        })?),
    };
    let r = history::record(&state, &id).await?;
    let disposition = |ext: &str| {
        format!(
            "attachment; filename=\"{}.{ext}\"",
            r.conversation.public_id
        )
    };
    let (content_type, ext, body) = if format == "json" {
        (
            "application/json",
            "json",
            record_json(&r, &who.operator).to_string(),
        )
    } else {
        (
            "text/plain; charset=utf-8",
            "txt",
            history::text(&r, lang.unwrap_or(r.conversation.lang)),
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition(ext)),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MailBody {
    /// Another address than the visitor's known one (required when none is known).
    #[serde(default)]
    email: Option<String>,
}

/// Sends the transcript by mail to the visitor (through the outbox).
async fn mail(
    State(state): State<Core>,
    Authed(who): Authed,
    peer: Peer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MailBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let conv = state
        .store
        .conversation_by_public_id(&id)
        .await
        .or_not_found("conversation")?;
    let done = history::mail(
        &state,
        &conv,
        body.email.as_deref(),
        Asker::Operator(&who.operator),
    )
    .await?;
    tracing::info!(conversation = %conv.public_id, "transcript queued by mail");
    crate::service::audit::record(
        &state,
        &peer.actor(&who),
        "transcript.mail",
        &format!("conversation:{}", conv.public_id),
        json!({}),
    )
    .await;
    Ok((StatusCode::ACCEPTED, Json(json!(done))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfflineReplyBody {
    text: String,
    /// Makes a retry harmless: the answer is stored once.
    #[serde(default)]
    client_id: Option<String>,
}

/// Answers a message left in the offline form, by mail (through the outbox), with a link
/// that opens the conversation in the chatbox.
async fn offline_reply(
    State(state): State<Core>,
    Authed(who): Authed,
    peer: Peer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OfflineReplyBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if let Some(c) = body.client_id.as_deref() {
        crate::domain::conversation::check_client_id(c)
            .map_err(|p| ApiError::Invalid(vec![crate::domain::FieldError::of("client_id", p)]))?;
    }
    let done = crate::service::offline::answer(
        &state,
        &who.operator,
        &id,
        body.client_id.as_deref(),
        &body.text,
    )
    .await?;
    crate::service::audit::record(
        &state,
        &peer.actor(&who),
        "offline.answer",
        &format!("conversation:{id}"),
        json!({}),
    )
    .await;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"email": done.email, "expires_at": done.expires_at})),
    ))
}
