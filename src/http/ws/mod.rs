//! The realtime endpoints: `/ws/visitor` (the chatbox) and `/ws/operator` (the console),
//! described for clients in docs/protocol.md.
//!
//! - `frames`: the protocol's types: what each side may send (one enum per side), what
//!   the server sends (one enum), and how a refusal becomes an `error` frame;
//! - `wire`: the socket, its liveness and the first checks of an incoming frame;
//! - `conn`: the connection loop both endpoints run (socket, events, heartbeat);
//! - `visitor`, `operator`: what each side does with its frames and events. The use cases
//!   they call (opening a visitor's session, the console's snapshot, every action) live
//!   in `crate::service`.

mod conn;
pub mod frames;
mod operator;
mod visitor;
mod wire;

use super::AppState;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ws/visitor", get(visitor::upgrade))
        .route("/ws/operator", get(operator::upgrade))
}
