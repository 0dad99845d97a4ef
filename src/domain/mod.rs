//! Domain types and rules: what an operator, a bot, a knowledge item is, and what makes
//! one valid. Knows nothing of HTTP or SQL: handlers and the CLI turn raw input into these
//! types once, at the edge ("parse, don't validate").

pub mod bot;
pub mod chatbox_config;
pub(crate) mod closed;
pub mod conversation;
pub mod deployment;
pub mod email;
pub mod ids;
pub mod knowledge;
pub mod knowledge_file;
pub mod livechat_settings;
pub mod mail;
pub mod markdown;
pub mod operator;

pub use bot::{BotSlug, NewBot};
pub use chatbox_config::ChatboxConfig;
pub use email::Email;
pub use ids::OperatorId;
pub use knowledge::{FieldError, KnowledgeItem};
pub use operator::{OperatorName, Role};

/// Milliseconds since the Unix epoch: the one time representation stored by both backends.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
