//! `POST /api/v1/bots/{bot}/ask`: the matcher, stateless, for integrations and
//! evaluations. Public like the chatbox it serves.

use super::error::ApiResult;
use super::extract::ApiJson;
use super::AppState;
use crate::service::actions::{self, AskReply};
use crate::service::{Core, OrNotFound};
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
    State(state): State<Core>,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<AskBody>,
) -> ApiResult<Json<AskReply>> {
    let bot = state
        .engines
        .bot(&state.store, &slug)
        .await
        .or_not_found("bot")?;
    if bot.archived() {
        return Err(super::error::ApiError::coded(
            axum::http::StatusCode::GONE,
            "bot_archived",
            "this bot is archived: it is no longer available",
        ));
    }
    let reply = actions::ask(&state, &bot, &body.text, body.lang.as_deref()).await?;
    Ok(Json(reply))
}
