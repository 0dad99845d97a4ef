//! HTTP, the edge: axum routers for the JSON API under `/api/v1`, the realtime endpoints
//! (`ws`), pages, health checks and the OpenAPI description. Each module exposes
//! `router()`; this one merges them and adds the layers (tracing, body limits, panic
//! catching). Handlers turn requests into domain input, call the use cases
//! (`crate::service`, through the `Core` in `AppState`), and turn results into JSON
//! (`views` for stored rows); request types live beside their handlers.

mod ask;
mod auth;
mod blocks;
mod bots;
mod canned;
mod config;
mod conversations;
pub mod error;
pub mod extract;
mod health;
mod knowledge;
mod learning;
mod livechat_settings;
mod lockout;
pub mod metrics;
mod monitored;
mod openapi;
mod pages;
mod people;
mod privacy;
pub mod serve;
mod state;
mod statistics;
mod statuses;
pub mod views;
mod visitors;
pub mod ws;

use axum::http::StatusCode;
use axum::Router;
use tower_http::{catch_panic::CatchPanicLayer, trace::TraceLayer};

pub use extract::{ApiJson, Authed, SESSION_COOKIE};
pub use state::AppState;

async fn nosniff(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    response
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(pages::router())
        .merge(ws::router())
        .nest(
            "/api/v1",
            Router::new()
                .merge(auth::router())
                .merge(blocks::router())
                .merge(bots::router())
                .merge(canned::router())
                .merge(conversations::router())
                .merge(knowledge::router())
                .merge(learning::router())
                .merge(livechat_settings::router())
                .merge(monitored::router())
                .merge(people::router())
                .merge(privacy::router())
                .merge(statuses::router())
                .merge(visitors::router())
                .merge(statistics::router())
                .merge(config::router())
                .merge(ask::router()),
        )
        .fallback(|| async { error::ApiError::coded(StatusCode::NOT_FOUND, "no_route", "no such route") })
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
        // JSON (and every other answer) is never sniffed into something else.
        .layer(axum::middleware::map_response(nosniff))
        .layer(CatchPanicLayer::new())
        // Spans name the path only: a query may hold a secret (a monitored conversation's
        // `vigie_mc` link token), and secrets never reach the logs.
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &axum::http::Request<axum::body::Body>| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            },
        ))
        .with_state(state)
}
