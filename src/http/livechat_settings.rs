//! Livechat settings ("Paramètres Livechat > Général") and per-operator capacity.

use super::error::{ApiError, ApiResult};
use super::extract::{Admin, ApiJson, Authed, Peer};
use super::AppState;
use crate::domain::livechat_settings::{check_capacity, LivechatSettings, MailTemplate};
use crate::domain::OperatorId;
use crate::mail::template::Rendered;
use crate::service::audit;
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
    Admin(who): Admin,
    peer: Peer,
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
    let saved = livechat::save_settings(&state, settings).await?;
    // One entry for the settings, one per template: which fields changed (templates by name).
    let (before, after) = (
        serde_json::to_value(&current).expect("settings serialize"),
        serde_json::to_value(&saved).expect("settings serialize"),
    );
    let changed: Vec<&String> = after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| before.get(k.as_str()) != Some(v))
        .map(|(k, _)| k)
        .collect();
    let actor = peer.actor(&who);
    let (templates, plain): (Vec<&String>, Vec<&String>) =
        changed.into_iter().partition(|k| k.ends_with("_mail"));
    if !plain.is_empty() {
        let details: serde_json::Map<String, Value> = plain
            .iter()
            .map(|k| ((*k).clone(), json!([before[k.as_str()], after[k.as_str()]])))
            .collect();
        audit::record(
            &state,
            &actor,
            "settings.update",
            "livechat_settings",
            details.into(),
        )
        .await;
    }
    for t in templates {
        audit::record(
            &state,
            &actor,
            "template.update",
            &format!("template:{t}"),
            json!({}),
        )
        .await;
    }
    Ok(Json(saved))
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
    Admin(who): Admin,
    peer: Peer,
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
    audit::record(
        &state,
        &peer.actor(&who),
        "person.update",
        &format!("operator:{} {}", op.id, op.email),
        json!({"capacity": body.capacity}),
    )
    .await;
    Ok(Json(
        json!({"operator_id": op.id, "capacity": body.capacity.unwrap_or(default), "own": body.capacity.is_some()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    lang: String,
    template: MailTemplate,
    /// Which template: `monitored` (the default), `transcript`, `invite`, `reset`,
    /// `offline` or `offline_reply`.
    #[serde(default)]
    kind: Option<String>,
}

/// A mail template rendered with sample values (nothing is saved).
async fn preview(_who: Authed, ApiJson(body): ApiJson<PreviewBody>) -> ApiResult<Json<Rendered>> {
    match body.kind.as_deref() {
        None | Some("") | Some("monitored") => Ok(Json(crate::service::monitored::preview(
            &body.lang,
            &body.template,
        )?)),
        Some("transcript") => Ok(Json(crate::service::monitored::preview_transcript(
            &body.lang,
            &body.template,
        )?)),
        Some(kind @ ("offline" | "offline_reply")) => Ok(Json(
            crate::service::offline::preview(kind, &body.lang, &body.template)?,
        )),
        Some("invite") | Some("reset") => Ok(Json(crate::service::people::preview(
            &body.lang,
            &body.template,
        )?)),
        Some(other) => Err(ApiError::Invalid(vec![crate::domain::FieldError::new(
            "kind",
            format!("unknown template `{other}` (monitored, transcript, invite, reset, offline or offline_reply)"),
        )
        .code("bad_choice")
        .param("choices", "monitored, transcript, invite, reset, offline, offline_reply")])),
    }
}
