//! Extractors: JSON bodies with JSON errors, and who is calling.
//!
//! An operator is authenticated by the session cookie set at login (HttpOnly, SameSite=Lax)
//! or by an API token in `Authorization: Bearer`. Cookie-authenticated requests that change
//! anything must also carry the session's CSRF token in `X-CSRF-Token`: a browser sends the
//! cookie on its own, never that header. Bearer tokens are never sent implicitly, so they
//! need no CSRF token.
//!
//! API tokens have a scope (`domain::operator::TokenScope`). The extractors are default-deny:
//! `Authed`, `Admin` and `Supervisor` accept sessions and full-rights tokens only; a route
//! that a narrow token may use says so with `Scoped<N>` / `AdminScoped<N>` (`N` one of the
//! markers below). Any other token gets 403 `token_scope`, on HTTP and on the WebSockets.

use super::error::ApiError;
use crate::auth::token_hash;
use crate::domain::operator::TokenScope;
use crate::domain::Role;
use crate::service::audit::Actor;
use crate::service::Core;
use crate::store::{AuthRecord, StoreError};
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts};
use axum::http::{request::Parts, Method, StatusCode};
use std::marker::PhantomData;

pub const SESSION_COOKIE: &str = "vigie_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// An authenticated operator (any role), by a session or a full-rights token.
pub struct Authed(pub AuthRecord);

/// An authenticated admin (session or full-rights token).
pub struct Admin(pub AuthRecord);

/// An authenticated admin or supervisor (session or full-rights token).
pub struct Supervisor(pub AuthRecord);

/// A route a narrow API token may also use.
pub trait Need: Send + Sync {
    const SCOPE: TokenScope;
}
macro_rules! needs {
    ($($name:ident => $scope:ident),* $(,)?) => {$(
        /// Marker: the route accepts tokens of this scope.
        pub struct $name;
        impl Need for $name {
            const SCOPE: TokenScope = TokenScope::$scope;
        }
    )*};
}
needs! {
    MonitoredCreate => MonitoredCreate,
    KnowledgeRead => KnowledgeRead,
    KnowledgeWrite => KnowledgeWrite,
    ConversationsRead => ConversationsRead,
}

/// Any role, by a session, a full-rights token, or a token of scope `N`.
pub struct Scoped<N: Need>(pub AuthRecord, pub PhantomData<N>);

/// An admin, by a session, a full-rights token, or a token of scope `N`.
pub struct AdminScoped<N: Need>(pub AuthRecord, pub PhantomData<N>);

/// The client's address, for the audit log (None when unknown).
pub struct Peer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

impl Peer {
    /// The audit log's actor: this operator, from this address.
    pub fn actor(&self, rec: &AuthRecord) -> Actor {
        Actor::operator(&rec.operator, self.0.clone())
    }
}

fn scope_refused(rec: &AuthRecord) -> ApiError {
    ApiError::coded(
        StatusCode::FORBIDDEN,
        "token_scope",
        format!(
            "this API token (scope `{}`) may not do this",
            rec.scope().as_str()
        ),
    )
    .param("scope", rec.scope().as_str())
}

/// Authenticates and checks the token's scope against what the route accepts.
async fn authenticate<S>(
    parts: &mut Parts,
    state: &S,
    route: Option<TokenScope>,
) -> Result<AuthRecord, ApiError>
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    let Authed(rec) = Authed::any_scope(parts, state).await?;
    if !rec.scope().allows(route) {
        return Err(scope_refused(&rec));
    }
    Ok(rec)
}

fn admin_only(rec: AuthRecord) -> Result<AuthRecord, ApiError> {
    if rec.operator.role != Role::Admin {
        return Err(ApiError::Forbidden("this needs the admin role"));
    }
    Ok(rec)
}

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
        authenticate(parts, state, None).await.map(Authed)
    }
}

impl Authed {
    /// Who calls, whatever their token's scope (the scope is checked by the caller).
    async fn any_scope<S>(parts: &mut Parts, state: &S) -> Result<Authed, ApiError>
    where
        Core: FromRef<S>,
        S: Send + Sync,
    {
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
        let rec = authenticate(parts, state, None).await?;
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

impl<S> FromRequestParts<S> for Supervisor
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let rec = authenticate(parts, state, None).await?;
        if !rec.operator.role.supervises() {
            return Err(ApiError::coded(
                StatusCode::FORBIDDEN,
                "supervisor_only",
                "this needs the admin or supervisor role",
            ));
        }
        Ok(Supervisor(rec))
    }
}

impl<S, N: Need> FromRequestParts<S> for Scoped<N>
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let rec = authenticate(parts, state, Some(N::SCOPE)).await?;
        Ok(Scoped(rec, PhantomData))
    }
}

impl<S, N: Need> FromRequestParts<S> for AdminScoped<N>
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let rec = admin_only(authenticate(parts, state, Some(N::SCOPE)).await?)?;
        Ok(AdminScoped(rec, PhantomData))
    }
}
