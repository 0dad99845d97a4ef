//! Conversations and messages.
//!
//! A conversation has a kind (`bot`, `livechat`, `monitored`) and a state: `bot` →
//! (visitor asks for a human) → `queued` → (an operator takes it) → `live` → back to
//! `bot` or `closed`. Every message has a sequence number, strictly increasing within its
//! conversation, given by the store in the transaction that saves it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Visitor,
    Bot,
    Operator,
    System,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Visitor => "visitor",
            Author::Bot => "bot",
            Author::Operator => "operator",
            Author::System => "system",
        }
    }
    pub fn parse(s: &str) -> Option<Author> {
        Some(match s {
            "visitor" => Author::Visitor,
            "bot" => Author::Bot,
            "operator" => Author::Operator,
            "system" => Author::System,
            _ => return None,
        })
    }
}

/// What a message is, which says which body fields are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Plain text (`text`).
    Text,
    /// A knowledge answer (`html`, `knowledge`, `related`).
    Knowledge,
    /// The bot hesitates between a few knowledge items (`text`, `suggestions`).
    Suggestions,
    /// The bot did not understand (`text`, maybe `suggestions`).
    NotUnderstood,
    /// Something happened (`event`, maybe `text`).
    Event,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Text => "text",
            MessageKind::Knowledge => "knowledge",
            MessageKind::Suggestions => "suggestions",
            MessageKind::NotUnderstood => "not_understood",
            MessageKind::Event => "event",
        }
    }
    pub fn parse(s: &str) -> Option<MessageKind> {
        Some(match s {
            "text" => MessageKind::Text,
            "knowledge" => MessageKind::Knowledge,
            "suggestions" => MessageKind::Suggestions,
            "not_understood" => MessageKind::NotUnderstood,
            "event" => MessageKind::Event,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeLink {
    pub id: String,
    pub title: String,
}

/// The kind-specific content of a message, stored as JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<KnowledgeLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<KnowledgeLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<KnowledgeLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
}

/// A message about to be stored.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub author: Author,
    pub kind: MessageKind,
    pub body: MessageBody,
}

/// A stored message.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub seq: i64,
    pub author: Author,
    pub kind: MessageKind,
    pub client_id: Option<String>,
    pub body: MessageBody,
    pub created_at: i64,
}

pub const MAX_MESSAGE_CHARS: usize = 1000;

/// A client id: what a client attaches to a message so that a retry is stored once.
pub fn check_client_id(id: &str) -> Result<(), String> {
    let ok = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("client_id must be 1 to 64 characters among letters, digits, - and _".into())
    }
}

/// Text typed by a visitor or an operator: trimmed, 1 to 1000 characters.
pub fn check_text(text: &str) -> Result<&str, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the message is empty".into());
    }
    if t.chars().count() > MAX_MESSAGE_CHARS {
        return Err(format!(
            "the message is too long ({MAX_MESSAGE_CHARS} characters at most)"
        ));
    }
    Ok(t)
}
