//! People (admin), one's own account (everyone), account links (public), API tokens and
//! the audit log.
//!
//! - `GET /people` (admin, supervisor), `POST /people`, `GET/PATCH /people/{id}`, `POST /people/{id}/deactivate|reactivate|invite`
//!   (admin);
//! - `PUT /me` (name), `PUT /me/password`, `POST /me/sessions/end` (anyone logged in);
//! - `POST /account/link`, `POST /account/password`, `POST /account/forgot` (public);
//! - `GET/POST /tokens`, `DELETE /tokens/{id}`;
//! - `GET /audit` (admin, supervisor).

use super::error::{ApiError, ApiResult};
use super::extract::{session_cookie, Admin, ApiJson, Authed, Peer, Supervisor};
use super::views::OperatorView;
use super::AppState;
use crate::domain::{now_ms, OperatorId};
use crate::service::people::{self, Change, Invite, Person};
use crate::service::{audit, Core};
use crate::store::{AuditQuery, TokenInfo};
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list).post(invite))
        .route("/people/{id}", get(show).patch(update))
        .route("/people/{id}/deactivate", post(deactivate))
        .route("/people/{id}/reactivate", post(reactivate))
        .route("/people/{id}/invite", post(resend_invite))
        .route("/me", put(rename_self))
        .route("/me/password", put(change_password))
        .route("/me/sessions/end", post(end_sessions))
        .route("/account/link", post(link_info))
        .route("/account/password", post(use_link))
        .route("/account/forgot", post(forgot))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/audit", get(audit_log))
}

/// Admins, and supervisors (read only: the audit page names the actors).
async fn list(State(core): State<Core>, _who: Supervisor) -> ApiResult<Json<Value>> {
    let people = people::list(&core).await?;
    let default = crate::service::settings::livechat(&core)
        .await?
        .default_capacity;
    Ok(Json(
        json!({"people": people, "default_capacity": default, "link_hours": core.settings.account_link_hours}),
    ))
}

async fn show(
    State(core): State<Core>,
    _admin: Admin,
    Path(id): Path<OperatorId>,
) -> ApiResult<Json<Person>> {
    Ok(Json(people::person(&core, id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteBody {
    email: String,
    name: String,
    #[serde(default = "operator_role")]
    role: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    capacity: Option<i64>,
    /// The invitation mail's language.
    #[serde(default = "fr")]
    lang: String,
}

fn operator_role() -> String {
    "operator".into()
}
fn fr() -> String {
    "fr".into()
}

async fn invite(
    State(core): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    ApiJson(b): ApiJson<InviteBody>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let person = people::invite(
        &core,
        &who.operator,
        &peer.actor(&who),
        &Invite {
            email: b.email,
            name: b.name,
            role: b.role,
            languages: b.languages,
            capacity: b.capacity,
            lang: b.lang,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(person)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LangBody {
    #[serde(default = "fr")]
    lang: String,
}

async fn resend_invite(
    State(core): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(id): Path<OperatorId>,
    ApiJson(b): ApiJson<LangBody>,
) -> ApiResult<Json<Person>> {
    Ok(Json(
        people::resend_invite(&core, &who.operator, &peer.actor(&who), id, &b.lang).await?,
    ))
}

/// Fields left out are unchanged; `"capacity": null` goes back to the default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    name: Option<String>,
    role: Option<String>,
    languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "serde_with_none::deserialize")]
    capacity: Option<Option<i64>>,
}

/// `Option<Option<T>>` from JSON: absent → None, null → Some(None), value → Some(Some(v)).
mod serde_with_none {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

async fn update(
    State(core): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(id): Path<OperatorId>,
    ApiJson(b): ApiJson<ChangeBody>,
) -> ApiResult<Json<Person>> {
    let change = Change {
        name: b.name,
        role: b.role,
        languages: b.languages,
        capacity: b.capacity,
    };
    Ok(Json(
        people::update(&core, &peer.actor(&who), id, &change).await?,
    ))
}

async fn deactivate(
    State(core): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(id): Path<OperatorId>,
) -> ApiResult<Json<Person>> {
    Ok(Json(
        people::deactivate(&core, &who.operator, &peer.actor(&who), id).await?,
    ))
}

async fn reactivate(
    State(core): State<Core>,
    Admin(who): Admin,
    peer: Peer,
    Path(id): Path<OperatorId>,
) -> ApiResult<Json<Person>> {
    Ok(Json(
        people::reactivate(&core, &peer.actor(&who), id).await?,
    ))
}

// ---- One's own account

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameBody {
    name: String,
}

async fn rename_self(
    State(core): State<Core>,
    Authed(rec): Authed,
    ApiJson(b): ApiJson<NameBody>,
) -> ApiResult<Json<Value>> {
    let op = people::rename_self(&core, &rec.operator, &b.name).await?;
    Ok(Json(
        json!({"operator": OperatorView::new(&op), "csrf_token": rec.csrf_token}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    current_password: String,
    password: String,
}

impl std::fmt::Debug for PasswordBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordBody { .. }")
    }
}

async fn change_password(
    State(core): State<Core>,
    Authed(rec): Authed,
    ApiJson(b): ApiJson<PasswordBody>,
) -> ApiResult<Json<Value>> {
    if b.current_password.len() > 1000 {
        return Err(ApiError::Unauthorized("invalid password"));
    }
    people::change_password(&core, &rec, b.current_password, b.password).await?;
    Ok(Json(json!({"status": "changed"})))
}

async fn end_sessions(
    State(core): State<Core>,
    Authed(rec): Authed,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let n = people::end_all_sessions(&core, &rec.operator).await?;
    let mut out = HeaderMap::new();
    if session_cookie(&headers).is_some() {
        out.insert(
            header::SET_COOKIE,
            HeaderValue::from_static("vigie_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
        );
    }
    Ok((out, Json(json!({"status": "signed_out", "sessions": n}))).into_response())
}

// ---- Account links (public)

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    token: String,
}

async fn link_info(
    State(core): State<Core>,
    ApiJson(b): ApiJson<TokenBody>,
) -> ApiResult<Json<people::LinkInfo>> {
    Ok(Json(people::link_info(&core, &b.token).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UseLinkBody {
    token: String,
    password: String,
    #[serde(default)]
    name: Option<String>,
}

async fn use_link(
    State(core): State<Core>,
    ApiJson(b): ApiJson<UseLinkBody>,
) -> ApiResult<Json<Value>> {
    let op = people::use_link(&core, &b.token, b.password, b.name.as_deref()).await?;
    Ok(Json(json!({"status": "password_set", "email": op.email})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForgotBody {
    email: String,
    #[serde(default = "fr")]
    lang: String,
}

/// Always the same answer (202), whether the address has an account or not; limited per
/// address and per client.
async fn forgot(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(b): ApiJson<ForgotBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let email = b.email.trim().to_lowercase();
    if app.forgot_by_ip.check_key(&peer.ip()).is_err()
        || app.forgot_by_email.check_key(&email).is_err()
    {
        tracing::warn!(ip = %peer.ip(), "password reset rate limit hit");
        return Err(ApiError::TooManyRequests);
    }
    people::forgot(&app.core, &email, &b.lang).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(
            json!({"status": "sent_if_known", "message": "if this address has an account, a link to choose a new password is on its way"}),
        ),
    ))
}

// ---- API tokens

#[derive(Deserialize)]
struct TokensQuery {
    /// `1`: every token (admins).
    all: Option<String>,
}

async fn tokens(
    State(core): State<Core>,
    Authed(rec): Authed,
    query: Result<Query<TokensQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query?;
    let all = matches!(q.all.as_deref(), Some("1") | Some("true"));
    let list = people::tokens(&core, &rec.operator, all).await?;
    Ok(Json(json!({"tokens": list})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTokenBody {
    name: String,
    #[serde(default = "full_scope")]
    scope: String,
}

fn full_scope() -> String {
    "operator".into()
}

async fn create_token(
    State(core): State<Core>,
    Authed(rec): Authed,
    peer: Peer,
    ApiJson(b): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (secret, info): (String, TokenInfo) =
        people::create_token(&core, &rec.operator, &peer.actor(&rec), &b.name, &b.scope).await?;
    let mut v = serde_json::to_value(info).expect("token serializes");
    v["token"] = Value::String(secret);
    Ok((StatusCode::CREATED, Json(v)))
}

async fn revoke_token(
    State(core): State<Core>,
    Authed(rec): Authed,
    peer: Peer,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    people::revoke_token(&core, &rec.operator, &peer.actor(&rec), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- Audit log

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    actor: Option<String>,
    action: Option<String>,
    /// Epoch milliseconds, or a day `YYYY-MM-DD` (its start, UTC).
    from: Option<String>,
    /// Epoch milliseconds, or a day `YYYY-MM-DD` (included, UTC).
    to: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// A bound of a period: epoch ms, or a day (`end`: the next day's start).
fn instant(field: &str, raw: &str, end: bool) -> Result<Option<i64>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(ms) = raw.parse::<i64>() {
        return Ok(Some(ms));
    }
    let parts: Vec<&str> = raw.split('-').collect();
    let day = match parts.as_slice() {
        [y, m, d] => match (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) {
            (Ok(y), Ok(m), Ok(d)) => time::Month::try_from(m)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(y, m, d).ok()),
            _ => None,
        },
        _ => None,
    };
    let day = day.ok_or_else(|| {
        ApiError::Invalid(vec![crate::domain::FieldError::new(
            field,
            format!("`{raw}` is not a day (YYYY-MM-DD)"),
        )
        .code("bad_date")
        .param("value", raw)])
    })?;
    let day = if end {
        day.next_day().unwrap_or(day)
    } else {
        day
    };
    Ok(Some(day.midnight().assume_utc().unix_timestamp() * 1000))
}

async fn audit_log(
    State(core): State<Core>,
    _who: Supervisor,
    query: Result<Query<AuditParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(p) = query?;
    let actor = match p.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(OperatorId(a.parse().map_err(|_| {
            ApiError::Invalid(vec![crate::domain::FieldError::new(
                "actor",
                "an operator id",
            )
            .code("bad_number")])
        })?)),
    };
    let q = AuditQuery {
        actor,
        action: p.action.map(|a| a.trim().to_string()),
        from: instant("from", p.from.as_deref().unwrap_or(""), false)?,
        to: instant("to", p.to.as_deref().unwrap_or(""), true)?,
        text: p.q,
        page: p.page.unwrap_or(1).max(1),
        per_page: p.per_page.unwrap_or(50).clamp(1, 200),
    };
    let (entries, total) = audit::search(&core, &q).await?;
    Ok(Json(json!({
        "entries": entries,
        "total": total,
        "page": q.page,
        "per_page": q.per_page,
        "retention_days": core.settings.audit_retention_days,
        "now": now_ms(),
    })))
}
