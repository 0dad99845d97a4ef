//! Pages and front-end files, embedded in the binary from `web/`.
//!
//! - `/c/{bot}/`: the chatbox, standalone at the bot's deployed URL (embeddable in any
//!   site's iframe, so no `frame-ancestors` restriction);
//! - `/c/{bot}/loader.js`: the small script a host page includes to get the launcher;
//! - `/admin/…`: the admin pages (never framed);
//! - `/account/`: the public page of invitation and password-reset links, and of the
//!   forgotten-password request (never framed);
//! - `/static/…`: the files these pages load.

use super::AppState;
use crate::service::Core;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};

static WEB: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{bot}", get(|Path(bot): Path<String>| async move { axum::response::Redirect::permanent(&format!("/c/{bot}/")) }))
        .route("/c/{bot}/", get(|State(s): State<Core>| async move { page(&s, "chatbox/index.html", Framing::Anywhere) }))
        .route("/c/{bot}/loader.js", get(|State(s): State<Core>| async move { file(&s, "chatbox/loader.js", Framing::Anywhere) }))
        .route("/admin", get(|| async { axum::response::Redirect::permanent("/admin/") }))
        .route("/admin/", get(|State(s): State<Core>| async move { page(&s, "admin/index.html", Framing::Never) }))
        .route("/account", get(|| async { axum::response::Redirect::permanent("/account/") }))
        .route("/account/", get(|State(s): State<Core>| async move { page(&s, "account/index.html", Framing::Never) }))
        .route("/console", get(|| async { axum::response::Redirect::permanent("/console/") }))
        .route("/console/", get(|State(s): State<Core>| async move { page(&s, "console/index.html", Framing::Never) }))
        .route("/console/history", get(|State(s): State<Core>| async move { page(&s, "console/history.html", Framing::Never) }))
        .route("/static/{*path}", get(|State(s): State<Core>, Path(path): Path<String>| async move { file(&s, &path, Framing::Never) }))
}

#[derive(Clone, Copy)]
enum Framing {
    Anywhere,
    Never,
}

fn csp(framing: Framing) -> &'static str {
    match framing {
        Framing::Anywhere => "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'",
        Framing::Never => "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    }
}

fn page(state: &Core, path: &str, framing: Framing) -> Response {
    let mut r = file(state, path, framing);
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// The file's bytes: from `web_dir` when set (development), else the embedded copy.
/// Paths with `..` or a leading `/` are refused before touching the disk.
fn contents(state: &Core, path: &str) -> Option<Vec<u8>> {
    if path.split('/').any(|p| p == ".." || p.is_empty()) || path.contains('\\') {
        return None;
    }
    match &state.settings.web_dir {
        Some(dir) => std::fs::read(dir.join(path)).ok(),
        None => WEB.get_file(path).map(|f| f.contents().to_vec()),
    }
}

fn file(state: &Core, path: &str, framing: Framing) -> Response {
    let Some(bytes) = contents(state, path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut r = (
        [(header::CONTENT_TYPE, mime.essence_str().to_string())],
        bytes,
    )
        .into_response();
    let h = r.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(csp(framing)),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if matches!(framing, Framing::Never) {
        h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
