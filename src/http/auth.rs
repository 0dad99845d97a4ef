//! Login, logout, and who am I.

use super::error::{ApiError, ApiResult};
use super::extract::{session_cookie, ApiJson, Authed, SESSION_COOKIE};
use super::views::OperatorView;
use super::AppState;
use crate::auth::{new_token, token_hash, verify_password};
use crate::service::Core;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

impl std::fmt::Debug for LoginBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginBody")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

#[tracing::instrument(skip_all, fields(email = %body.email))]
async fn login(
    State(limits): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let email = body.email.trim().to_lowercase();
    if let Err(wait) = limits
        .login
        .attempt(peer.ip(), &email, std::time::Instant::now())
    {
        tracing::warn!(ip = %peer.ip(), "login locked for this address and account");
        return Err(ApiError::coded(
            StatusCode::TOO_MANY_REQUESTS,
            "login_locked",
            "too many wrong passwords from this address for this account: try again later",
        )
        .param("seconds", wait.as_secs().max(1)));
    }
    let state = &limits.core;
    if body.password.len() > 1000 {
        return Err(ApiError::coded(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "invalid email or password",
        ));
    }
    let operator = match state.store.operator_by_email(&email).await {
        Ok(op) => Some(op),
        Err(crate::store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let hash = operator.as_ref().map(|o| o.password_hash.clone());
    let ok = verify_password(body.password, hash).await;
    let Some(operator) = operator.filter(|_| ok) else {
        tracing::info!("login refused");
        return Err(ApiError::coded(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "invalid email or password",
        ));
    };
    if operator.deactivated_at.is_some() {
        tracing::info!(
            operator = operator.id.0,
            "login of a deactivated account refused"
        );
        return Err(ApiError::coded(
            axum::http::StatusCode::FORBIDDEN,
            "account_deactivated",
            "this account has been deactivated: ask an admin",
        ));
    }
    let token = new_token("vgs_");
    let csrf = new_token("");
    let ttl_ms = state.settings.session_hours as i64 * 3_600_000;
    state
        .store
        .create_session(&token_hash(&token), operator.id, &csrf, ttl_ms)
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        ttl_ms / 1000,
        if state.settings.is_https() {
            "; Secure"
        } else {
            ""
        }
    );
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("cookie is ASCII"),
    );
    limits.login.succeeded(peer.ip(), &email);
    tracing::info!(operator = operator.id.0, "logged in");
    Ok((
        headers,
        Json(json!({"operator": OperatorView::new(&operator), "csrf_token": csrf})),
    )
        .into_response())
}

async fn logout(
    State(state): State<Core>,
    _who: Authed,
    request_headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(cookie) = session_cookie(&request_headers) {
        state.store.delete_session(&token_hash(&cookie)).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_static("vigie_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok((headers, Json(json!({"status": "logged_out"}))).into_response())
}

/// Who is signed in: `{"operator": null}` (200) when nobody is, so that a page asks
/// without an error in the browser's console before its login form; a wrong API token is
/// still a 401.
async fn me(who: Result<Authed, ApiError>) -> ApiResult<Response> {
    // The answer holds the CSRF token: no cache (shared or the browser's) may keep it.
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    match who {
        Ok(Authed(rec)) => Ok((
            no_store,
            Json(
                json!({"operator": OperatorView::new(&rec.operator), "csrf_token": rec.csrf_token}),
            ),
        )
            .into_response()),
        Err(ApiError::Coded(StatusCode::UNAUTHORIZED, p))
            if matches!(p.code, "login_required" | "session_expired") =>
        {
            Ok((no_store, Json(json!({"operator": null}))).into_response())
        }
        Err(e) => Err(e),
    }
}
