//! Canned answers (issue 13, item 1): `GET /api/v1/canned-answers?bot=&lang=` (every
//! operator: the composer's `/` list), and for supervisors and admins `POST`, `PUT` and
//! `DELETE /api/v1/canned-answers/{id}`, `GET …/export`, `POST …/import` (JSON).

use super::error::ApiResult;
use super::extract::{ApiJson, Authed, Peer, Supervisor};
use super::AppState;
use crate::domain::canned::CannedDoc;
use crate::service::canned::{self, CannedFile, CannedView, Imported};
use crate::service::Core;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/canned-answers", get(list).post(create))
        .route("/canned-answers/export", get(export))
        .route("/canned-answers/import", post(import))
        .route("/canned-answers/{id}", put(update).delete(delete))
}

#[derive(Deserialize)]
struct ListQuery {
    bot: Option<String>,
    lang: Option<String>,
}

async fn list(
    State(core): State<Core>,
    _who: Authed,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let items = canned::list(&core, q.bot.as_deref(), q.lang.as_deref()).await?;
    Ok(Json(json!({ "canned_answers": items })))
}

async fn create(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
    peer: Peer,
    ApiJson(doc): ApiJson<CannedDoc>,
) -> ApiResult<(StatusCode, Json<CannedView>)> {
    let a = canned::create(&core, &peer.actor(&rec), &rec.operator, &doc).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

async fn update(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
    peer: Peer,
    Path(id): Path<i64>,
    ApiJson(doc): ApiJson<CannedDoc>,
) -> ApiResult<Json<CannedView>> {
    let a = canned::update(&core, &peer.actor(&rec), &rec.operator, id, &doc).await?;
    Ok(Json(a))
}

async fn delete(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
    peer: Peer,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    canned::delete(&core, &peer.actor(&rec), &rec.operator, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn export(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
) -> ApiResult<Json<CannedFile>> {
    Ok(Json(canned::export(&core, &rec.operator).await?))
}

async fn import(
    State(core): State<Core>,
    Supervisor(rec): Supervisor,
    peer: Peer,
    ApiJson(file): ApiJson<CannedFile>,
) -> ApiResult<Json<Imported>> {
    Ok(Json(
        canned::import(&core, &peer.actor(&rec), &rec.operator, &file).await?,
    ))
}
