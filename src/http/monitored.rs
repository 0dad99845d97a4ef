//! `/api/v1/monitored-conversations`: create (console form, CRM, scripts), list, detail,
//! resend to another address, revoke. Any signed-in operator (session + CSRF, or token).

use super::error::ApiResult;
use super::extract::{ApiJson, Authed};
use crate::app::AppState;
use crate::monitored::{self, CreateRequest, Created};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitored-conversations", post(create).get(list))
        .route("/monitored-conversations/{id}", get(show))
        .route("/monitored-conversations/{id}/resend", post(resend))
        .route("/monitored-conversations/{id}/revoke", post(revoke))
}

async fn create(
    State(state): State<AppState>,
    Authed(rec): Authed,
    ApiJson(body): ApiJson<CreateRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let created = monitored::create(&state, &rec.operator, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list(State(state): State<AppState>, Authed(rec): Authed) -> ApiResult<Json<Value>> {
    let items = monitored::items_for(&state, rec.operator.id).await?;
    Ok(Json(json!({ "items": items })))
}

async fn show(
    State(state): State<AppState>,
    Authed(rec): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (_, mut item) = monitored::find(&state, &id).await?;
    item.mine = item
        .creator
        .as_ref()
        .is_some_and(|c| c.id == rec.operator.id);
    let links = state.store.monitored_links(item.id).await?;
    let mut v = serde_json::to_value(&item).expect("item serializes");
    v["links"] = serde_json::to_value(links).expect("links serialize");
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendBody {
    email: Option<String>,
}

async fn resend(
    State(state): State<AppState>,
    Authed(rec): Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResendBody>,
) -> ApiResult<Json<Created>> {
    Ok(Json(
        monitored::resend(&state, &rec.operator, &id, body.email.as_deref()).await?,
    ))
}

async fn revoke(
    State(state): State<AppState>,
    Authed(_rec): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let item = monitored::revoke(&state, &id).await?;
    Ok(Json(json!({ "item": item })))
}
