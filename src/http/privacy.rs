//! Personal data (issue 15, item 8), admins only: what is stored about a visitor (by email
//! address or visitor id), its erasure and its export as a JSON download. The retention of
//! each bot is set with the bot (`PUT /bots/{bot}`, `retention`).

use super::error::ApiResult;
use super::extract::{Admin, ApiJson, Peer};
use super::AppState;
use crate::domain::privacy::DataSubject;
use crate::service::{privacy, ActionError, Core};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/privacy/subject", get(preview))
        .route("/privacy/erase", post(erase))
        .route("/privacy/export", get(export))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectParams {
    email: Option<String>,
    visitor: Option<i64>,
}

impl SubjectParams {
    fn subject(&self) -> Result<DataSubject, ActionError> {
        DataSubject::parse(self.email.as_deref(), self.visitor)
            .map_err(|e| ActionError::Invalid(vec![e]))
    }
}

/// What would be erased: the rows of each table.
async fn preview(
    State(state): State<Core>,
    Admin(_who): Admin,
    query: Result<Query<SubjectParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let subject = q.subject()?;
    let counts = privacy::preview(&state, &subject).await?;
    Ok(Json(json!({"counts": counts, "empty": counts.is_empty()})))
}

async fn erase(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    ApiJson(body): ApiJson<SubjectParams>,
) -> ApiResult<Json<Value>> {
    let subject = body.subject()?;
    let counts = privacy::erase(&state, &peer.actor(&who), &subject).await?;
    Ok(Json(json!({"erased": counts})))
}

/// The JSON document of everything stored about the visitor, as a file.
async fn export(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    query: Result<Query<SubjectParams>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = query?;
    let subject = q.subject()?;
    let doc = privacy::export(&state, &peer.actor(&who), &subject).await?;
    let name = match &subject {
        DataSubject::Email(_) => "vigie-personal-data.json".to_string(),
        DataSubject::Visitor(id) => format!("vigie-personal-data-visitor-{id}.json"),
    };
    let body = serde_json::to_vec_pretty(&doc).expect("JSON serializes");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
