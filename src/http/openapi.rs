//! `GET /api/openapi.json`: the API description, written by hand next to the routes it
//! describes (a test checks every `/api/v1` route is in it).

use super::AppState;
use axum::http::header;
use axum::routing::get;
use axum::Router;

pub const OPENAPI: &str = include_str!("openapi.json");

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }),
    )
}
