//! `/api/v1/monitored-conversations`: create (console form, CRM, scripts), list, detail,
//! resend to another address, revoke. Any signed-in operator (session + CSRF, or token).

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, Authed, MonitoredCreate, Peer, Scoped};
use super::views::MonitoredView;
use super::AppState;
use crate::domain::conversation::ConversationState;
use crate::domain::mail::MailStatus;
use crate::service::audit;
use crate::service::monitored::{self, Created, Draft};
use crate::service::Core;
use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
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

fn created(status: StatusCode, c: &Created, reader: &crate::store::Operator) -> Response {
    let view = CreatedView {
        id: &c.id,
        conversation: &c.conversation,
        link: &c.link,
        expires_at: c.expires_at,
        item: MonitoredView::new(&c.item, reader),
    };
    (status, Json(view)).into_response()
}

async fn create(
    State(state): State<Core>,
    Scoped(rec, _): Scoped<MonitoredCreate>,
    ApiJson(body): ApiJson<CreateRequest>,
) -> ApiResult<Response> {
    let done = monitored::create(&state, &rec.operator, body.draft()).await?;
    Ok(created(StatusCode::CREATED, &done, &rec.operator))
}

/// `GET /api/v1/monitored-conversations?whose=mine|all&state=&mail=&q=`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    whose: Option<String>,
    state: Option<String>,
    mail: Option<String>,
    q: Option<String>,
}

async fn list(
    State(state): State<Core>,
    Authed(rec): Authed,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let bad = |field: &str, message: &str| {
        ApiError::Invalid(vec![
            crate::domain::FieldError::new(field, message).code("filter_invalid")
        ])
    };
    let mine = match q.whose.as_deref() {
        None | Some("") | Some("all") => false,
        Some("mine") => true,
        Some(_) => return Err(bad("whose", "whose is mine or all")),
    };
    let conv_state = match q.state.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            ConversationState::parse(s)
                .ok_or_else(|| bad("state", "state is one of bot, queued, live, closed"))?,
        ),
    };
    let mail = match q.mail.as_deref() {
        None | Some("") => None,
        Some(s) => Some(MailStatus::parse(s).ok_or_else(|| {
            bad(
                "mail",
                "mail is one of queued, sending, retrying, sent, failed",
            )
        })?),
    };
    let text =
        q.q.as_deref()
            .map(|t| vigie_bot::normalize::fold(t.trim()))
            .filter(|t| !t.is_empty());
    let items = monitored::items(&state).await?;
    let shown: Vec<_> = items
        .iter()
        .filter(|it| !mine || it.creator.as_ref().is_some_and(|c| c.id == rec.operator.id))
        .filter(|it| conv_state.is_none_or(|s| it.state == s))
        .filter(|it| mail.is_none_or(|m| it.mail.as_ref().is_some_and(|r| r.status == m)))
        .filter(|it| {
            text.as_deref().is_none_or(|t| {
                let hay = [
                    it.name.as_str(),
                    it.email.as_str(),
                    it.starting_knowledge.title.as_str(),
                    it.creator.as_ref().map_or("", |c| c.name.as_str()),
                ]
                .join(" ");
                vigie_bot::normalize::fold(&hay).contains(t)
            })
        })
        .collect();
    let views: Vec<_> = shown
        .into_iter()
        .map(|it| MonitoredView::new(it, &rec.operator))
        .collect();
    Ok(Json(json!({ "items": views })))
}

async fn show(
    State(state): State<Core>,
    Authed(rec): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (_, item) = monitored::find(&state, &id).await?;
    let links = state.store.monitored_links(item.id).await?;
    let mut v =
        serde_json::to_value(MonitoredView::new(&item, &rec.operator)).expect("item serializes");
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
    peer: Peer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResendBody>,
) -> ApiResult<Response> {
    let done = monitored::resend(&state, &rec.operator, &id, body.email.as_deref()).await?;
    audit::record(
        &state,
        &peer.actor(&rec),
        "monitored.resend",
        &format!("monitored:{} {}", done.id, done.item.name),
        json!({"email": done.item.email}),
    )
    .await;
    Ok(created(StatusCode::OK, &done, &rec.operator))
}

async fn revoke(
    State(state): State<Core>,
    Authed(rec): Authed,
    peer: Peer,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let item = monitored::revoke(&state, &rec.operator, &id).await?;
    audit::record(
        &state,
        &peer.actor(&rec),
        "monitored.revoke",
        &format!("monitored:{id} {}", item.name),
        json!({"email": item.email}),
    )
    .await;
    Ok(Json(
        json!({ "item": MonitoredView::new(&item, &rec.operator) }),
    ))
}
