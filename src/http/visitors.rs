//! Who the visitor is (issue 13, item 2): `GET /api/v1/conversations/{id}/visitor` (any
//! operator: the record the console shows beside the conversation), and the bot's secret
//! for the embedding site's `user_hash`: `GET /api/v1/bots/{bot}/identity` (admins),
//! `POST /api/v1/bots/{bot}/identity/secret` (a new one) and `DELETE` (none: identities
//! refused), audited.

use super::error::ApiResult;
use super::extract::{Admin, Authed, Peer};
use super::AppState;
use crate::service::visitors::{self, Panel};
use crate::service::Core;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/visitor", get(panel))
        .route("/bots/{bot}/identity", get(identity))
        .route("/bots/{bot}/identity/secret", post(renew).delete(remove))
}

async fn panel(
    State(core): State<Core>,
    Authed(_): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Panel>> {
    Ok(Json(visitors::panel(&core, &id).await?))
}

async fn identity(
    State(core): State<Core>,
    Admin(_): Admin,
    Path(bot): Path<String>,
) -> ApiResult<Json<Value>> {
    let secret = visitors::secret(&core, &bot).await?;
    Ok(Json(json!({ "secret": secret })))
}

async fn renew(
    State(core): State<Core>,
    Admin(rec): Admin,
    peer: Peer,
    Path(bot): Path<String>,
) -> ApiResult<Json<Value>> {
    let secret = visitors::renew_secret(&core, &peer.actor(&rec), &bot).await?;
    Ok(Json(json!({ "secret": secret })))
}

async fn remove(
    State(core): State<Core>,
    Admin(rec): Admin,
    peer: Peer,
    Path(bot): Path<String>,
) -> ApiResult<StatusCode> {
    visitors::remove_secret(&core, &peer.actor(&rec), &bot).await?;
    Ok(StatusCode::NO_CONTENT)
}
