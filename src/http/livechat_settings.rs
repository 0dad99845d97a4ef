//! Livechat settings ("Paramètres Livechat > Général") and per-operator capacity.

use super::error::{ApiError, ApiResult};
use super::extract::{Admin, ApiJson, Authed};
use super::AppState;
use crate::domain::livechat_settings::{check_capacity, LivechatSettings, MailTemplate};
use crate::domain::OperatorId;
use crate::mail::template::Rendered;
use crate::service::{livechat, settings};
use crate::service::{Core, OrNotFound};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/settings", get(show).put(update))
        .route("/livechat/operators/{id}/capacity", put(capacity))
        .route("/livechat/mail-preview", post(preview))
}

async fn show(State(state): State<Core>, _who: Authed) -> ApiResult<Json<LivechatSettings>> {
    Ok(Json(settings::livechat(&state).await?))
}

/// Fields left out keep their current value (objects merge key by key), so a client that
/// only knows some settings cannot wipe the others; unknown fields are refused.
async fn update(
    State(state): State<Core>,
    _admin: Admin,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<LivechatSettings>> {
    if !body.is_object() {
        return Err(ApiError::coded(
            StatusCode::BAD_REQUEST,
            "json_object_expected",
            "the body must be a JSON object",
        ));
    }
    let current = settings::livechat(&state).await?;
    let mut merged = serde_json::to_value(&current).expect("settings serialize");
    merge(&mut merged, body);
    let settings: LivechatSettings = serde_json::from_value(merged).map_err(|e| {
        ApiError::Invalid(vec![crate::domain::FieldError::new(
            "settings",
            e.to_string(),
        )
        .code("body_invalid")
        .param("detail", e.to_string())])
    })?;
    Ok(Json(livechat::save_settings(&state, settings).await?))
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CapacityBody {
    /// null: back to the default capacity.
    capacity: Option<i64>,
}

async fn capacity(
    State(state): State<Core>,
    _admin: Admin,
    Path(id): Path<OperatorId>,
    ApiJson(body): ApiJson<CapacityBody>,
) -> ApiResult<Json<Value>> {
    if let Some(c) = body.capacity {
        check_capacity("capacity", c).map_err(|e| ApiError::Invalid(vec![e]))?;
    }
    let op = state
        .store
        .operator_by_id(id)
        .await
        .or_not_found("operator")?;
    let default = settings::livechat(&state).await?.default_capacity;
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    lang: String,
    template: MailTemplate,
    /// `monitored` (the default) or `transcript`.
    #[serde(default)]
    kind: Option<String>,
}

/// The monitored-dialog mail template rendered with sample values (nothing is saved).
async fn preview(_who: Authed, ApiJson(body): ApiJson<PreviewBody>) -> ApiResult<Json<Rendered>> {
    match body.kind.as_deref() {
        None | Some("monitored") => Ok(Json(crate::service::monitored::preview(
            &body.lang,
            &body.template,
        )?)),
        Some("transcript") => Ok(Json(crate::service::monitored::preview_transcript(
            &body.lang,
            &body.template,
        )?)),
        Some(other) => Err(ApiError::Invalid(vec![crate::domain::FieldError::new(
            "kind",
            format!("unknown template `{other}` (monitored or transcript)"),
        )
        .code("filter_invalid")])),
    }
}
