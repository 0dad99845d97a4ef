//! `/api/v1/monitored-conversations`: create (console form, CRM, scripts), list, detail,
//! resend to another address, revoke. Any signed-in operator (session + CSRF, or token).

use super::error::ApiResult;
use super::extract::{ApiJson, Authed};
use super::views::MonitoredView;
use super::AppState;
use crate::domain::OperatorId;
use crate::service::monitored::{self, Created, Draft};
use crate::service::Core;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitored-conversations", post(create).get(list))
        .route("/monitored-conversations/{id}", get(show))
        .route("/monitored-conversations/{id}/resend", post(resend))
        .route("/monitored-conversations/{id}/revoke", post(revoke))
}

/// `POST /api/v1/monitored-conversations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    bot: Option<String>,
    name: Option<String>,
    starting_knowledge: Option<String>,
    email: Option<String>,
    #[serde(default = "yes")]
    strong_monitoring: bool,
    #[serde(default)]
    lang: Option<String>,
}

fn yes() -> bool {
    true
}

impl CreateRequest {
    fn draft(&self) -> Draft<'_> {
        Draft {
            bot: self.bot.as_deref(),
            name: self.name.as_deref(),
            starting_knowledge: self.starting_knowledge.as_deref(),
            email: self.email.as_deref(),
            strong_monitoring: self.strong_monitoring,
            lang: self.lang.as_deref(),
        }
    }
}

/// What a creation (or a resend) answers.
#[derive(Serialize)]
struct CreatedView<'a> {
    id: &'a str,
    conversation: &'a str,
    link: &'a str,
    expires_at: i64,
    item: MonitoredView<'a>,
}

fn created(status: StatusCode, c: &Created, reader_id: OperatorId) -> Response {
    let view = CreatedView {
        id: &c.id,
        conversation: &c.conversation,
        link: &c.link,
        expires_at: c.expires_at,
        item: MonitoredView::new(&c.item, reader_id),
    };
    (status, Json(view)).into_response()
}

async fn create(
    State(state): State<Core>,
    Authed(rec): Authed,
    ApiJson(body): ApiJson<CreateRequest>,
) -> ApiResult<Response> {
    let done = monitored::create(&state, &rec.operator, body.draft()).await?;
    Ok(created(StatusCode::CREATED, &done, rec.operator.id))
}

async fn list(State(state): State<Core>, Authed(rec): Authed) -> ApiResult<Json<Value>> {
    let items = monitored::items(&state).await?;
    Ok(Json(
        json!({ "items": MonitoredView::list(&items, rec.operator.id) }),
    ))
}

async fn show(
    State(state): State<Core>,
    Authed(rec): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (_, item) = monitored::find(&state, &id).await?;
    let links = state.store.monitored_links(item.id).await?;
    let mut v =
        serde_json::to_value(MonitoredView::new(&item, rec.operator.id)).expect("item serializes");
    v["links"] = serde_json::to_value(links).expect("links serialize");
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendBody {
    email: Option<String>,
}

async fn resend(
    State(state): State<Core>,
    Authed(rec): Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResendBody>,
) -> ApiResult<Response> {
    let done = monitored::resend(&state, &rec.operator, &id, body.email.as_deref()).await?;
    Ok(created(StatusCode::OK, &done, rec.operator.id))
}

async fn revoke(
    State(state): State<Core>,
    Authed(rec): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let item = monitored::revoke(&state, &id).await?;
    Ok(Json(
        json!({ "item": MonitoredView::new(&item, rec.operator.id) }),
    ))
}
