//! Livechat settings ("Paramètres Livechat > Général") and per-operator capacity.

use super::error::{ApiError, ApiResult};
use super::extract::{Admin, ApiJson, Authed};
use crate::app::AppState;
use crate::domain::livechat_settings::{check_capacity, LivechatSettings};
use crate::livechat;
use crate::store::StoreError;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/settings", get(show).put(update))
        .route("/livechat/operators/{id}/capacity", put(capacity))
}

async fn show(State(state): State<AppState>, _who: Authed) -> ApiResult<Json<LivechatSettings>> {
    Ok(Json(livechat::settings(&state).await?))
}

async fn update(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(body): ApiJson<LivechatSettings>,
) -> ApiResult<Json<LivechatSettings>> {
    Ok(Json(livechat::save_settings(&state, body).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CapacityBody {
    /// null: back to the default capacity.
    capacity: Option<i64>,
}

async fn capacity(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CapacityBody>,
) -> ApiResult<Json<Value>> {
    if let Some(c) = body.capacity {
        check_capacity("capacity", c).map_err(|e| ApiError::Invalid(vec![e]))?;
    }
    let op = state.store.operator_by_id(id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::NotFound("operator not found".into()),
        other => other.into(),
    })?;
    let default = livechat::settings(&state).await?.default_capacity;
    state
        .store
        .set_own_capacity(op.id, body.capacity, default)
        .await?;
    livechat::changed(&state);
    livechat::dispatch_queue(&state).await?;
    Ok(Json(
        json!({"operator_id": op.id, "capacity": body.capacity.unwrap_or(default), "own": body.capacity.is_some()}),
    ))
}
