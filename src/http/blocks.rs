//! Blocking abuse (issue 13, item 8): `POST /api/v1/conversations/{id}/block` (any
//! operator, from the conversation's tab), `GET /api/v1/blocks` and
//! `DELETE /api/v1/blocks/{id}` (supervisors and admins). Blocks and lifts are audited.

use super::error::ApiResult;
use super::extract::{ApiJson, Authed, Peer, Supervisor};
use super::AppState;
use crate::service::blocks::{self, Ask};
use crate::service::{Core, OrNotFound};
use crate::store::Block;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/block", post(block))
        .route("/blocks", get(list))
        .route("/blocks/{id}", delete(lift))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRequest {
    /// `1h`, `24h`, `7d` or `permanent`.
    duration: String,
    #[serde(default)]
    reason: String,
    /// Also the client address the visitor's chatbox last connected from (default true).
    #[serde(default = "yes")]
    by_address: bool,
}

fn yes() -> bool {
    true
}

async fn block(
    State(core): State<Core>,
    Authed(rec): Authed,
    peer: Peer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BlockRequest>,
) -> ApiResult<(StatusCode, Json<Block>)> {
    let conv = core
        .store
        .conversation_by_public_id(&id)
        .await
        .or_not_found("conversation")?;
    let ask = Ask {
        duration: &body.duration,
        reason: &body.reason,
        by_address: body.by_address,
    };
    let b = blocks::block(&core, &peer.actor(&rec), &rec.operator, &conv, &ask).await?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[derive(Deserialize)]
struct ListQuery {
    /// `1`: the expired and lifted blocks too.
    #[serde(default)]
    all: Option<String>,
}

async fn list(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let all = matches!(q.all.as_deref(), Some("1" | "true"));
    let list = blocks::list(&core, &rec.operator, all).await?;
    Ok(Json(json!({ "blocks": list })))
}

async fn lift(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
    peer: Peer,
    Path(id): Path<i64>,
) -> ApiResult<Json<Block>> {
    let b = blocks::lift(&core, &peer.actor(&rec), &rec.operator, id).await?;
    Ok(Json(b))
}
