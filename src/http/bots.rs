//! Bots and their deployments.

use super::error::ApiResult;
use super::extract::{Admin, ApiJson, Authed, KnowledgeRead, Peer, Scoped};
use super::AppState;
use crate::service::audit;
use crate::service::Core;
use crate::service::{actions, bots};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bots", get(list).post(create))
        .route("/bots/{bot}", get(show).put(update))
        .route("/bots/{bot}/archive", post(archive))
        .route("/bots/{bot}/unarchive", post(unarchive))
        .route("/bots/{bot}/deployments", get(deployments).post(deploy))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBotBody {
    slug: String,
    name: String,
    #[serde(default = "default_lang")]
    lang: String,
    /// The languages the bot answers in; the default language alone when absent.
    #[serde(default)]
    langs: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BotChangeBody {
    name: String,
    lang: String,
    #[serde(default)]
    langs: Vec<String>,
    /// The retention of its conversations; unchanged when absent.
    #[serde(default)]
    retention: Option<RetentionBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionBody {
    /// Days after the last activity; null keeps them forever.
    days: Option<i64>,
    /// `delete` or `anonymize`.
    mode: String,
}

#[derive(Deserialize)]
struct ListQuery {
    /// `true`: archived bots too.
    archived: Option<bool>,
}

fn default_lang() -> String {
    "fr".into()
}

fn bot_json(state: &Core, bot: &crate::store::Bot) -> Value {
    json!({
        "slug": bot.slug,
        "name": bot.name,
        "default_lang": bot.default_lang,
        "langs": bot.langs,
        "archived": bot.archived(),
        "archived_at": bot.archived_at,
        "retention": {"days": bot.retention_days, "mode": bot.retention_mode},
        "deployed_url": actions::deployed_url(&state.settings.public_url, bot),
    })
}

async fn list(
    State(state): State<Core>,
    _who: Scoped<KnowledgeRead>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let bots = state
        .store
        .list_bots_with(q.archived.unwrap_or(false))
        .await?;
    Ok(Json(
        json!({"bots": bots.iter().map(|b| bot_json(&state, b)).collect::<Vec<_>>()}),
    ))
}

async fn create(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    ApiJson(body): ApiJson<NewBotBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let bot = bots::create(&state, &body.slug, &body.name, &body.lang, &body.langs).await?;
    tracing::info!(bot = %bot.slug, "bot created");
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.create",
        &format!("bot:{}", bot.slug),
        json!({"name": bot.name, "lang": body.lang, "langs": body.langs}),
    )
    .await;
    Ok((StatusCode::CREATED, Json(bot_json(&state, &bot))))
}

/// Renames the bot and sets its languages (the slug, used in URLs, stays).
async fn update(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<BotChangeBody>,
) -> ApiResult<Json<Value>> {
    if let Some(r) = &body.retention {
        // Checked first: a refused retention changes nothing.
        crate::domain::privacy::Retention::parse(r.days, &r.mode)
            .map_err(crate::service::ActionError::Invalid)?;
    }
    let mut bot = bots::update(&state, &slug, &body.name, &body.lang, &body.langs).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.update",
        &format!("bot:{}", bot.slug),
        json!({"name": bot.name, "lang": body.lang, "langs": body.langs}),
    )
    .await;
    if let Some(r) = &body.retention {
        let before = (bot.retention_days, bot.retention_mode);
        bot = crate::service::privacy::set_retention(&state, &slug, r.days, &r.mode).await?;
        if before != (bot.retention_days, bot.retention_mode) {
            audit::record(
                &state,
                &peer.actor(&who),
                "bot.retention",
                &format!("bot:{}", bot.slug),
                json!({"days": bot.retention_days, "mode": bot.retention_mode}),
            )
            .await;
        }
    }
    Ok(Json(bot_json(&state, &bot)))
}

async fn archive(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    let bot = bots::set_archived(&state, &slug, true).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.archive",
        &format!("bot:{}", bot.slug),
        json!({}),
    )
    .await;
    tracing::info!(bot = %bot.slug, "bot archived");
    Ok(Json(bot_json(&state, &bot)))
}

async fn unarchive(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    let bot = bots::set_archived(&state, &slug, false).await?;
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.unarchive",
        &format!("bot:{}", bot.slug),
        json!({}),
    )
    .await;
    tracing::info!(bot = %bot.slug, "bot brought back from the archive");
    Ok(Json(bot_json(&state, &bot)))
}

async fn show(
    State(state): State<Core>,
    _who: Authed,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&state, &slug).await?;
    Ok(Json(bot_json(&state, &bot)))
}

async fn deployments(
    State(state): State<Core>,
    _who: Authed,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    let bot = actions::bot(&state, &slug).await?;
    let list = state.store.list_deployments(bot.id).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|d| json!({"version": d.version, "created_at": d.created_at, "created_by": d.created_by, "knowledge": d.knowledge}))
        .collect();
    Ok(Json(json!({"deployments": items})))
}

async fn deploy(
    State(state): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(slug): Path<String>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let bot = actions::bot(&state, &slug).await?;
    let done = actions::deploy(&state, &bot, Some(who.operator.id)).await?;
    let d = &done.deployment;
    audit::record(
        &state,
        &peer.actor(&who),
        "bot.deploy",
        &format!("bot:{}", bot.slug),
        json!({"version": d.version, "knowledge": d.snapshot.knowledge.len()}),
    )
    .await;
    tracing::info!(bot = %bot.slug, version = d.version, "deployed");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "version": d.version,
            "created_at": d.created_at,
            "knowledge": d.snapshot.knowledge.len(),
            "deployed_url": actions::deployed_url(&state.settings.public_url, &bot),
            "build": done.report,
        })),
    ))
}
