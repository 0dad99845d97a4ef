//! Vigie: a self-hosted chatbot and live-chat platform.
//!
//! Layers, from the inside out: `domain` (types and rules), `vigie_bot` (the matching
//! engine, its own crate with no I/O), `store` (SQLite/PostgreSQL), `engines` (the
//! matchers being served), `actions` (what the app does, shared by HTTP and CLI),
//! `http` (axum), `cli` (the `vigie` command). Beside them: `chat`, `livechat` and
//! `monitored` (the conversation rules), `bus` (events), `mail` (templates, transports,
//! the outbox worker).

pub mod actions;
pub mod app;
pub mod auth;
pub mod bus;
pub mod chat;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engines;
pub mod http;
pub mod livechat;
pub mod mail;
pub mod monitored;
pub mod store;
