//! Mail: the templates (minijinja), the transports (SMTP through lettre, or `.eml` files
//! in a local outbox folder) and the outbox worker that sends what the store queued.

pub mod outbox;
pub mod template;
pub mod transport;

pub use outbox::Mailer;
pub use transport::Transport;
