//! `POST /api/v1/bots/{bot}/ask`: the matcher, stateless, for integrations and
//! evaluations. Public like the chatbox it serves.

use super::error::{ApiError, ApiResult};
use super::extract::ApiJson;
use crate::actions::{self, AskReply};
use crate::app::AppState;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/bots/{bot}/ask", post(ask))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AskBody {
    text: String,
    lang: Option<String>,
}

async fn ask(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<AskBody>,
) -> ApiResult<Json<AskReply>> {
    let bot = state
        .engines
        .bot(&state.store, &slug)
        .await
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => ApiError::NotFound("bot not found".into()),
            other => other.into(),
        })?;
    let reply = actions::ask(
        &state.store,
        &state.engines,
        &bot,
        &body.text,
        body.lang.as_deref(),
    )
    .await?;
    Ok(Json(reply))
}
