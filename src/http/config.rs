//! The chatbox ("boîte de dialogue") configuration: the draft that admins edit, the
//! public view of what the latest deployment serves, and restoring an older deployment.

use super::error::{ApiError, ApiResult};
use super::extract::{Admin, ApiJson, Authed, Peer};
use super::AppState;
use crate::domain::{chatbox_config, chatbox_config::ConfigDoc, FieldError, Problem};
use crate::service::actions;
use crate::service::audit;
use crate::service::{Core, OrNotFound};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use vigie_bot::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bots/{bot}/config", get(show).put(save))
        .route("/bots/{bot}/chatbox", get(chatbox))
        .route("/bots/{bot}/deployments/{version}/restore", post(restore))
}

/// The draft, what is deployed, and whether they differ.
async fn draft_json(state: &Core, bot: &crate::store::Bot) -> ApiResult<Value> {
    let draft = actions::chatbox_draft(state, bot).await?;
    let deployed = match state.store.latest_deployed_config(bot.id).await {
        Ok(d) => Some(d),
        Err(crate::store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(json!({
        "config": draft.config,
        "updated_at": draft.updated_at,
        "updated_by": draft.updated_by,
        "deployed_version": deployed.as_ref().map(|(version, _)| version),
        "draft_differs": deployed.as_ref().is_none_or(|(_, config)| *config != draft.config),
        "deployed_url": actions::deployed_url(&state.settings.public_url, bot),
        "schema": chatbox_config::schema(),
    }))
}

async fn show(
    State(state): State<Core>,
    _who: Authed,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&state, &slug).await?;
    Ok(Json(draft_json(&state, &bot).await?))
}

async fn save(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(slug): Path<String>,
    ApiJson(doc): ApiJson<ConfigDoc>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&state, &slug).await?;
    actions::save_chatbox_config(&state, &bot, &doc, Some(who.operator.id)).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.config",
        &format!("bot:{}", bot.slug),
        json!({"modules": doc.modules}),
    )
    .await;
    tracing::info!(bot = %bot.slug, "chatbox configuration saved");
    Ok(Json(draft_json(&state, &bot).await?))
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

/// Public: the latest deployment's configuration for one language.
async fn chatbox(
    State(state): State<Core>,
    Path(slug): Path<String>,
    query: Result<Query<LangQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(query) = query?;
    let bot = state
        .engines
        .bot(&state.store, &slug)
        .await
        .or_not_found("bot")?;
    let served = state
        .engines
        .current(&state.store, bot.id)
        .await
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => ApiError::coded(
                StatusCode::NOT_FOUND,
                "not_deployed",
                "this bot has not been deployed yet",
            )
            .param("bot", slug.as_str()),
            other => other.into(),
        })?;
    let lang = match query.lang.as_deref() {
        None | Some("") => served.snapshot.default_lang,
        Some(l) => Lang::parse(l)
            .ok_or_else(|| ApiError::Invalid(vec![FieldError::of("lang", Problem::bad_lang(l))]))?,
    };
    let resolved = served.snapshot.config.resolve(lang);
    let body = json!({
        "modules": resolved.modules,
        "resources": resolved.resources,
        "lang": lang,
        "bot_name": served.snapshot.bot_name,
        "deployment": served.version,
    });
    Ok(([(header::CACHE_CONTROL, "no-cache")], Json(body)).into_response())
}

async fn restore(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path((slug, version)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let bot = actions::bot(&state, &slug).await?;
    let version: i64 = version.parse().map_err(|_| {
        ApiError::coded(StatusCode::NOT_FOUND, "not_found", "deployment not found")
            .param("what", "deployment")
    })?;
    let d = actions::restore(&state, &bot, version, Some(who.operator.id)).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.restore",
        &format!("bot:{}", bot.slug),
        json!({"restored_from": version, "version": d.version}),
    )
    .await;
    tracing::info!(bot = %bot.slug, from = version, version = d.version, "deployment restored");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "version": d.version,
            "restored_from": version,
            "created_at": d.created_at,
            "knowledge": d.snapshot.knowledge.len(),
            "deployed_url": actions::deployed_url(&state.settings.public_url, &bot),
        })),
    ))
}
