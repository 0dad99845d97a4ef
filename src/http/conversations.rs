//! Conversation history for operators: search (text, state, operator, visitor, dates), one
//! conversation with its messages, and a transcript export.

use super::error::{ApiError, ApiResult};
use super::extract::{ConversationsRead, Scoped};
use super::ws::frames::Outbound;
use super::AppState;
use crate::domain::conversation::Author;
use crate::domain::conversation::ConversationState;
use crate::service::{Core, OrNotFound};
use crate::store::HistoryQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(search))
        .route("/conversations/{id}", get(show))
        .route("/conversations/{id}/transcript", get(transcript))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    state: Option<String>,
    operator: Option<String>,
    /// Part of the visitor's email address (monitored conversations).
    visitor: Option<String>,
    /// Milliseconds since the epoch.
    from: Option<i64>,
    to: Option<i64>,
    limit: Option<i64>,
}

async fn search(
    State(state): State<Core>,
    _who: Scoped<ConversationsRead>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let state_filter = match q.state.as_deref() {
        None => None,
        Some(s) => Some(ConversationState::parse(s).ok_or_else(|| {
            ApiError::Invalid(vec![crate::domain::FieldError::new(
                "state",
                "state is one of bot, queued, live, closed",
            )])
        })?),
    };
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::Invalid(vec![crate::domain::FieldError::new(
            "q",
            "search text is too long (200 characters at most)",
        )]));
    }
    let found = state
        .store
        .history(&HistoryQuery {
            text,
            state: state_filter,
            operator: q.operator.filter(|o| !o.trim().is_empty()),
            visitor: q
                .visitor
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
            from_ms: q.from,
            to_ms: q.to,
            limit: q.limit.unwrap_or(50).clamp(1, 500),
        })
        .await?;
    Ok(Json(json!({"conversations": found})))
}

async fn load(
    state: &Core,
    id: &str,
) -> ApiResult<(
    crate::store::Conversation,
    Vec<crate::domain::conversation::Message>,
)> {
    let conv = state
        .store
        .conversation_by_public_id(id)
        .await
        .or_not_found("conversation")?;
    let mut messages = Vec::new();
    loop {
        let after = messages
            .last()
            .map(|m: &crate::domain::conversation::Message| m.seq)
            .unwrap_or(0);
        let page = state.store.messages_after(conv.id, after, 1000).await?;
        let n = page.len();
        messages.extend(page);
        if n < 1000 {
            break;
        }
    }
    Ok((conv, messages))
}

async fn show(
    State(state): State<Core>,
    _who: Scoped<ConversationsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (conv, messages) = load(&state, &id).await?;
    Ok(Json(json!({
        "conversation": conv.public_id,
        "kind": conv.kind,
        "state": conv.state,
        "lang": conv.lang,
        "messages": messages.iter().map(|m| Outbound::message(&conv.public_id, m)).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

/// The transcript as plain text (one line per message, HTML answers reduced to their
/// title) or JSON.
async fn transcript(
    State(state): State<Core>,
    _who: Scoped<ConversationsRead>,
    Path(id): Path<String>,
    query: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(f) = query?;
    let (conv, messages) = load(&state, &id).await?;
    let disposition = |ext: &str| format!("attachment; filename=\"{}.{ext}\"", conv.public_id);
    match f.format.as_deref().unwrap_or("txt") {
        "json" => {
            let body = json!({"conversation": conv.public_id, "messages": messages.iter().map(|m| Outbound::message(&conv.public_id, m)).collect::<Vec<_>>()});
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (header::CONTENT_DISPOSITION, disposition("json")),
                ],
                body.to_string(),
            )
                .into_response())
        }
        "txt" => {
            let mut out = format!(
                "Conversation {} ({}, {})\n\n",
                conv.public_id,
                conv.kind,
                conv.lang.as_str()
            );
            for m in &messages {
                let when = time::OffsetDateTime::from_unix_timestamp(m.created_at / 1000)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default();
                let who = match m.author {
                    Author::Visitor => "Visiteur".to_string(),
                    Author::Bot => "Assistant".to_string(),
                    Author::Operator => m
                        .body
                        .operator
                        .clone()
                        .unwrap_or_else(|| "Opérateur".into()),
                    Author::System => "—".to_string(),
                };
                let text = m
                    .body
                    .text
                    .clone()
                    .or_else(|| m.body.knowledge.as_ref().map(|k| k.title.clone()))
                    .unwrap_or_default();
                out.push_str(&format!("[{when}] #{} {who}: {text}\n", m.seq));
            }
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "text/plain; charset=utf-8".to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, disposition("txt")),
                ],
                out,
            )
                .into_response())
        }
        other => Err(ApiError::Invalid(vec![crate::domain::FieldError::new(
            "format",
            format!("unknown format `{other}` (txt or json)"),
        )])),
    }
}
