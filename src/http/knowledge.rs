//! The knowledge base API: operators read and search, admins write, import and export.
//! API tokens of scope `knowledge:read` may read, `knowledge:write` (an admin's) also write.

use super::error::{ApiError, ApiResult};
use super::extract::{AdminScoped, ApiJson, KnowledgeRead, KnowledgeWrite, Peer, Scoped};
use super::AppState;
use crate::domain::{knowledge::KnowledgeDoc, markdown, KnowledgeItem};
use crate::service::actions::{self, FileFormat};
use crate::service::audit;
use crate::service::{Core, OrNotFound};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

/// Import files may be larger than ordinary requests.
const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bots/{bot}/knowledge", get(list).post(create))
        .route(
            "/bots/{bot}/knowledge/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/bots/{bot}/knowledge/export", get(export))
        .route(
            "/bots/{bot}/knowledge/{id}",
            get(show).put(update).delete(remove),
        )
}

fn item_json(item: &KnowledgeItem) -> Value {
    let mut v = serde_json::to_value(item.to_doc()).expect("doc serializes");
    v["answer_html"] = Value::String(markdown::render(&item.answer));
    v
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
    /// Only items in this language (`fr`, `en`): the console searches in the language of
    /// the conversation on screen.
    #[serde(default)]
    lang: Option<String>,
    /// Without `q`: the page after this id (a page's `next_cursor`).
    #[serde(default)]
    cursor: Option<String>,
}

/// Without `q`, the list comes in pages (`limit`, at most `MAX_PAGE`) in id order.
const DEFAULT_PAGE: usize = 200;
const MAX_PAGE: usize = 1000;

async fn list(
    State(state): State<Core>,
    _who: Scoped<KnowledgeRead>,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(query) = query?;
    let bot = actions::bot(&state, &slug).await?;
    let lang = match query.lang.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => Some(vigie_bot::Lang::parse(l).ok_or_else(|| {
            ApiError::Invalid(vec![crate::domain::FieldError::of(
                "lang",
                crate::domain::Problem::bad_lang(l),
            )])
        })?),
        None => None,
    };
    let q = query.q.as_deref().map(str::trim).unwrap_or("");
    if q.is_empty() {
        // A page at a time: a bot of 100,000 items is not read whole for each listing.
        let limit = query.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let cursor = query.cursor.as_deref().filter(|c| !c.is_empty());
        let (items, total) = state
            .store
            .knowledge_page(bot.id, lang, cursor, limit as i64)
            .await?;
        let next_cursor = (items.len() == limit)
            .then(|| items.last().map(|k| k.id.clone()))
            .flatten();
        let list: Vec<Value> = items.iter().map(item_json).collect();
        return Ok(Json(
            json!({"knowledge": list, "total": total, "next_cursor": next_cursor}),
        ));
    }
    let mut items = state.store.list_knowledge(bot.id).await?;
    if let Some(lang) = lang {
        items.retain(|k| k.lang == lang);
    }
    if q.chars().count() > actions::MAX_QUESTION_CHARS {
        return Err(ApiError::Invalid(vec![crate::domain::FieldError::of(
            "q",
            crate::domain::Problem::too_long("search text", actions::MAX_QUESTION_CHARS),
        )]));
    }
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let found: Vec<Value> = actions::search_knowledge(items, q, limit)
        .await?
        .into_iter()
        .map(|(k, score)| {
            let mut v = item_json(&k);
            v["score"] = json!(score);
            v
        })
        .collect();
    let total = found.len();
    Ok(Json(json!({"knowledge": found, "total": total})))
}

async fn show(
    State(state): State<Core>,
    _who: Scoped<KnowledgeRead>,
    Path((slug, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&state, &slug).await?;
    let item = actions::knowledge(&state, &bot, &id).await?;
    Ok(Json(item_json(&item)))
}

async fn create(
    State(state): State<Core>,
    AdminScoped(who, _): AdminScoped<KnowledgeWrite>,
    peer: Peer,
    Path(slug): Path<String>,
    ApiJson(doc): ApiJson<KnowledgeDoc>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let bot = actions::bot(&state, &slug).await?;
    let item = actions::create_knowledge(&state, &bot, &doc).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "knowledge.create",
        &format!("knowledge:{}/{}", bot.slug, item.id),
        json!({"title": item.title, "lang": item.lang}),
    )
    .await;
    Ok((StatusCode::CREATED, Json(item_json(&item))))
}

async fn update(
    State(state): State<Core>,
    AdminScoped(who, _): AdminScoped<KnowledgeWrite>,
    peer: Peer,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(doc): ApiJson<KnowledgeDoc>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&state, &slug).await?;
    let item = actions::update_knowledge(&state, &bot, &id, &doc).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "knowledge.update",
        &format!("knowledge:{}/{}", bot.slug, item.id),
        json!({"title": item.title, "published": item.published}),
    )
    .await;
    Ok(Json(item_json(&item)))
}

async fn remove(
    State(state): State<Core>,
    AdminScoped(who, _): AdminScoped<KnowledgeWrite>,
    peer: Peer,
    Path((slug, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let bot = actions::bot(&state, &slug).await?;
    state
        .store
        .delete_knowledge(bot.id, &id)
        .await
        .or_not_found("knowledge")?;
    audit::record(
        &state,
        &peer.actor(&who),
        "knowledge.delete",
        &format!("knowledge:{}/{id}", bot.slug),
        json!({}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

/// The body is the file itself: JSON (`Content-Type: application/json`) or CSV
/// (`text/csv`), or say which with `?format=json|csv`.
async fn import(
    State(state): State<Core>,
    AdminScoped(who, _): AdminScoped<KnowledgeWrite>,
    peer: Peer,
    Path(slug): Path<String>,
    query: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<Value>> {
    // Above the limit: the JSON error every API answer is, not axum's plain text.
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "the file is larger than {} MB",
                MAX_IMPORT_BYTES / (1024 * 1024)
            ))
        } else {
            ApiError::coded(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
        }
    })?;
    let Query(query) = query?;
    let format = match query.format.as_deref() {
        Some(f) => FileFormat::parse(f)?,
        None => {
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if ct.starts_with("text/csv") {
                FileFormat::Csv
            } else if ct.starts_with("application/json") {
                FileFormat::Json
            } else {
                return Err(ApiError::coded(
                    StatusCode::BAD_REQUEST,
                    "import_format",
                    "send the file as application/json or text/csv, or add ?format=json|csv",
                ));
            }
        }
    };
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::coded(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "the file is not UTF-8 text",
        )
    })?;
    let bot = actions::bot(&state, &slug).await?;
    let summary = actions::import_knowledge(&state, &bot, format, text).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "knowledge.import",
        &format!("bot:{}", bot.slug),
        json!({"summary": summary, "bytes": body.len()}),
    )
    .await;
    Ok(Json(json!({"imported": summary})))
}

async fn export(
    State(state): State<Core>,
    _who: Scoped<KnowledgeRead>,
    Path(slug): Path<String>,
    query: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(query) = query?;
    let format = FileFormat::parse(query.format.as_deref().unwrap_or("json"))?;
    let bot = actions::bot(&state, &slug).await?;
    let text = actions::export_knowledge(&state, &bot, format).await?;
    let (ct, ext) = match format {
        FileFormat::Json => ("application/json", "json"),
        FileFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    let disposition = format!("attachment; filename=\"{}-knowledge.{ext}\"", bot.slug);
    Ok((
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}
