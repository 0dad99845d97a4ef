//! The learning page's API (issue 14, item 3), for admins and supervisors:
//!
//! - `GET /api/v1/bots/{bot}/learning?from=&to=`: the period's missed questions grouped by
//!   meaning, each group with its closest items (`from`, `to`: epoch ms; the last 30 days
//!   by default);
//! - `GET /api/v1/bots/{bot}/learning/measure?from=&to=`: the share of those questions the
//!   served deployment answers, and a matcher built from the current knowledge would;
//! - `POST /api/v1/bots/{bot}/learning/add` `{knowledge_id, questions}` (admins: it writes
//!   the knowledge): the questions become the item's formulations;
//! - `POST /api/v1/bots/{bot}/learning/dismiss` `{questions}`: off-topic, never shown again;
//! - `DELETE /api/v1/bots/{bot}/learning/dismissed/{id}`: takes one back.

use super::error::{ApiError, ApiResult};
use super::extract::{Admin, ApiJson, Peer, Supervisor};
use super::AppState;
use crate::domain::{now_ms, FieldError, Problem};
use crate::service::learning::{self, Added, Measure, Report};
use crate::service::{actions, Core};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bots/{bot}/learning", get(report))
        .route("/bots/{bot}/learning/measure", get(measure))
        .route("/bots/{bot}/learning/add", post(add))
        .route("/bots/{bot}/learning/dismiss", post(dismiss))
        .route("/bots/{bot}/learning/dismissed/{id}", delete(undismiss))
}

const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    from: Option<i64>,
    #[serde(default)]
    to: Option<i64>,
}

/// The period asked (`to` excluded), the last 30 days by default.
fn period(q: &PeriodQuery) -> Result<(i64, i64), ApiError> {
    let to = q.to.unwrap_or_else(|| now_ms() + 1);
    let from = q.from.unwrap_or(to - 30 * DAY_MS);
    if from >= to {
        return Err(ApiError::Invalid(vec![FieldError::of(
            "from",
            Problem::new(
                "period_invalid",
                "the end of the period is before its start",
            ),
        )]));
    }
    Ok((from, to))
}

async fn report(
    State(core): State<Core>,
    _who: Supervisor,
    Path(slug): Path<String>,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Json<Report>> {
    let Query(q) = query?;
    let (from, to) = period(&q)?;
    let bot = actions::bot(&core, &slug).await?;
    Ok(Json(learning::report(&core, &bot, from, to).await?))
}

async fn measure(
    State(core): State<Core>,
    _who: Supervisor,
    Path(slug): Path<String>,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Json<Measure>> {
    let Query(q) = query?;
    let (from, to) = period(&q)?;
    let bot = actions::bot(&core, &slug).await?;
    Ok(Json(learning::measure(&core, &bot, from, to).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddRequest {
    knowledge_id: String,
    questions: Vec<String>,
}

async fn add(
    State(core): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<AddRequest>,
) -> ApiResult<Json<Added>> {
    let bot = actions::bot(&core, &slug).await?;
    let done = learning::add(
        &core,
        &peer.actor(&who),
        &bot,
        &body.knowledge_id,
        &body.questions,
    )
    .await?;
    Ok(Json(done))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DismissRequest {
    questions: Vec<String>,
}

async fn dismiss(
    State(core): State<Core>,
    Supervisor(who): Supervisor,
    peer: Peer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<DismissRequest>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&core, &slug).await?;
    let n = learning::dismiss(&core, &peer.actor(&who), &bot, &body.questions).await?;
    Ok(Json(json!({"dismissed": n})))
}

async fn undismiss(
    State(core): State<Core>,
    Supervisor(who): Supervisor,
    peer: Peer,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let bot = actions::bot(&core, &slug).await?;
    learning::undismiss(&core, &peer.actor(&who), &bot, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
