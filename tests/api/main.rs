//! One integration-test binary (compiles once), one module per feature.

mod helpers;

mod ask;
mod auth;
mod bots;
mod cli;
mod config;
mod errors;
mod feedback;
mod group_commit;
mod history;
mod hygiene;
mod knowledge;
mod learning;
mod livechat;
mod mail_sink;
mod monitored;
mod offline;
mod operations;
mod pending;
mod people;
mod privacy;
mod statistics;
mod statuses;
mod store;
mod supervision;
mod understanding;
mod visitors;
mod workspace;
mod ws;
