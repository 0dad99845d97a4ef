//! Operator statuses and console preferences (issue 13): the time each operator spent in
//! each status over a period (supervisors and admins), and the signed-in operator's own
//! console preferences (sound, desktop notifications).

use super::error::ApiResult;
use super::extract::{ApiJson, Authed, Supervisor};
use super::AppState;
use crate::domain::now_ms;
use crate::domain::statuses::ConsolePreferences;
use crate::service::{livechat, Core};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/status-times", get(status_times))
        .route("/me/preferences", get(preferences).put(set_preferences))
}

#[derive(Deserialize)]
struct Period {
    /// Milliseconds since the epoch; default: 24 hours before `to`.
    from: Option<i64>,
    /// Milliseconds since the epoch; default: now.
    to: Option<i64>,
}

/// `{"from", "to", "operators": [{operator_id, name, status, reason, seconds}]}`.
async fn status_times(
    State(core): State<Core>,
    _who: Supervisor,
    query: Result<Query<Period>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(p) = query?;
    let to = p.to.unwrap_or_else(now_ms);
    let from = p.from.unwrap_or(to - 86_400_000);
    let times = livechat::status_times(&core, from, to).await?;
    Ok(Json(json!({"from": from, "to": to, "operators": times})))
}

async fn preferences(
    State(core): State<Core>,
    Authed(rec): Authed,
) -> ApiResult<Json<ConsolePreferences>> {
    Ok(Json(livechat::preferences(&core, rec.operator.id).await?))
}

/// Replaces the preferences (fields left out take their default).
async fn set_preferences(
    State(core): State<Core>,
    Authed(rec): Authed,
    ApiJson(prefs): ApiJson<ConsolePreferences>,
) -> ApiResult<Json<ConsolePreferences>> {
    livechat::set_preferences(&core, rec.operator.id, &prefs).await?;
    Ok(Json(prefs))
}
