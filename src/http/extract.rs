//! Extractors: JSON bodies with JSON errors, and who is calling.
//!
//! An operator is authenticated by the session cookie set at login (HttpOnly, SameSite=Lax)
//! or by an API token in `Authorization: Bearer`. Cookie-authenticated requests that change
//! anything must also carry the session's CSRF token in `X-CSRF-Token`: a browser sends the
//! cookie on its own, never that header. Bearer tokens are never sent implicitly, so they
//! need no CSRF token.

use super::error::ApiError;
use crate::auth::token_hash;
use crate::domain::Role;
use crate::service::Core;
use crate::store::{AuthRecord, StoreError};
use axum::extract::{FromRef, FromRequest, FromRequestParts};
use axum::http::{request::Parts, Method, StatusCode};

pub const SESSION_COOKIE: &str = "vigie_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// An authenticated operator (any role).
pub struct Authed(pub AuthRecord);

/// An authenticated admin.
pub struct Admin(pub AuthRecord);

pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

impl<S> FromRequestParts<S> for Authed
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = Core::from_ref(state);
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let Some(token) = bearer {
            return match state.store.api_token(&token_hash(token)).await {
                Ok(rec) => Ok(Authed(rec)),
                Err(StoreError::NotFound) => Err(ApiError::coded(
                    StatusCode::UNAUTHORIZED,
                    "token_invalid",
                    "invalid API token",
                )),
                Err(e) => Err(e.into()),
            };
        }
        let Some(cookie) = session_cookie(&parts.headers) else {
            return Err(ApiError::coded(
                StatusCode::UNAUTHORIZED,
                "login_required",
                "log in first",
            ));
        };
        let rec = match state.store.session(&token_hash(&cookie)).await {
            Ok(rec) => rec,
            Err(StoreError::NotFound) => {
                return Err(ApiError::coded(
                    StatusCode::UNAUTHORIZED,
                    "session_expired",
                    "session expired, log in again",
                ))
            }
            Err(e) => return Err(e.into()),
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            let expected = rec.csrf_token.as_deref();
            if sent.is_none() || sent != expected {
                return Err(ApiError::coded(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "missing or wrong CSRF token (X-CSRF-Token header)",
                ));
            }
        }
        Ok(Authed(rec))
    }
}

impl<S> FromRequestParts<S> for Admin
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Authed(rec) = Authed::from_request_parts(parts, state).await?;
        if rec.operator.role != Role::Admin {
            return Err(ApiError::coded(
                StatusCode::FORBIDDEN,
                "admin_only",
                "this needs the admin role",
            ));
        }
        Ok(Admin(rec))
    }
}
