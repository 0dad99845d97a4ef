//! Conversations and messages.
//!
//! A conversation has a kind (`bot`, `livechat`, `monitored`) and a state: `bot` →
//! (visitor asks for a human) → `queued` → (an operator takes it) → `live` → back to
//! `bot` or `closed` (the store makes each move in one conditional UPDATE). Every message has a sequence number, strictly increasing within its
//! conversation, given by the store in the transaction that saves it.

use super::closed::closed_set;
use serde::{Deserialize, Serialize};

closed_set! {
    /// Who wrote a message.
    pub enum Author {
        Visitor = "visitor",
        Bot = "bot",
        Operator = "operator",
        System = "system",
    }
}

closed_set! {
    /// What a message is, which says which body fields are set.
    pub enum MessageKind {
        /// Plain text (`text`).
        Text = "text",
        /// A knowledge answer (`html`, `knowledge`, `related`).
        Knowledge = "knowledge",
        /// The bot hesitates between a few knowledge items (`text`, `suggestions`).
        Suggestions = "suggestions",
        /// The bot did not understand (`text`, maybe `suggestions`).
        NotUnderstood = "not_understood",
        /// Something happened (`event`, maybe `text`).
        Event = "event",
        /// A private note an operator or supervisor wrote in the conversation (`text`):
        /// staff only, never sent to the visitor nor in the visitor's transcript.
        Note = "note",
        /// A supervisor's whisper to the operator holding the conversation (`text`): staff
        /// only, like a note, and shown in the operator's tab as the supervisor's.
        Whisper = "whisper",
    }
}

impl MessageKind {
    /// Staff only: never on the visitor's socket, replay or mailed transcript.
    pub fn staff_only(self) -> bool {
        matches!(self, MessageKind::Note | MessageKind::Whisper)
    }
}

closed_set! {
    /// How a conversation began.
    pub enum ConversationKind {
        /// A visitor opened the chatbox.
        Bot = "bot",
        Livechat = "livechat",
        /// An operator created it for a visitor and sent the link by mail.
        Monitored = "monitored",
    }
}

closed_set! {
    /// Who answers the visitor now.
    pub enum ConversationState {
        /// The bot.
        Bot = "bot",
        /// Waiting in the queue for an operator.
        Queued = "queued",
        /// An operator holds it.
        Live = "live",
        Closed = "closed",
    }
}

impl ConversationState {
    /// Handed over already (waiting or with an operator): asking again changes nothing.
    pub fn handed_over(self) -> bool {
        matches!(self, ConversationState::Queued | ConversationState::Live)
    }

    /// An operator may take it from the queue.
    pub fn may_take(self) -> bool {
        self == ConversationState::Queued
    }

    /// An operator holds it: the bot stays quiet.
    pub fn with_operator(self) -> bool {
        self == ConversationState::Live
    }

    /// Still with the bot: an operator may offer help.
    pub fn with_bot(self) -> bool {
        self == ConversationState::Bot
    }
}

closed_set! {
    /// What a system (or bot) event message says happened.
    pub enum SystemEvent {
        HandoffRequested = "handoff_requested",
        Queued = "queued",
        QueueTimeout = "queue_timeout",
        OperatorJoined = "operator_joined",
        OperatorLeft = "operator_left",
        Transferred = "transferred",
        HelpOffered = "help_offered",
        HelpAccepted = "help_accepted",
        HelpDeclined = "help_declined",
        /// The livechat cannot take the visitor (outside hours, nobody on duty): the
        /// chatbox offers the offline form under this event.
        OfflineOffered = "offline_offered",
        /// The visitor's offline message was passed on to the team.
        OfflineSent = "offline_sent",
        /// A supervisor took the conversation over from the operator holding it
        /// (`operator`: the supervisor, `from`: the operator who held it).
        TakenOver = "taken_over",
    }
}

closed_set! {
    /// Where a visitor's request for a human went (the statistics count requests, those
    /// served and those abandoned in the queue by it): set on the first message answering
    /// the request.
    pub enum HandoffOutcome {
        /// An operator took it at once (on the `operator_joined` event).
        Assigned = "assigned",
        /// It waits in the queue (on the `queued` event).
        Queued = "queued",
        /// Nobody could take it: outside office hours, nobody on duty (on what the visitor
        /// is told).
        Unavailable = "unavailable",
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
    pub event: Option<SystemEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The language of a bot message's text (the answer follows the question's language,
    /// which may differ from the chatbox's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<vigie_bot::Lang>,
    /// A transfer: the operator who handed the conversation on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// A supervisor took the conversation over or reassigned it: the id of the operator
    /// who held it, whose console is told (never sent in a frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<crate::domain::OperatorId>,
    /// A bot reply to small talk: which kind (`greeting`, `thanks`…), so that the statistics
    /// tell it from the bot's other plain texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_talk: Option<String>,
    /// The first message answering a visitor's request for a human: where it went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<HandoffOutcome>,
}

impl MessageBody {
    /// What the history's text search finds this message by: its text and the title of
    /// the knowledge item it carries.
    pub fn search_text(&self) -> String {
        let mut out = String::new();
        for part in [
            self.text.as_deref(),
            self.knowledge.as_ref().map(|k| k.title.as_str()),
        ]
        .into_iter()
        .flatten()
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part.trim());
        }
        out
    }
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
pub fn check_client_id(id: &str) -> Result<(), super::Problem> {
    let ok = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(super::Problem::new(
            "client_id_invalid",
            "client_id must be 1 to 64 characters among letters, digits, - and _",
        ))
    }
}

/// Text typed by a visitor or an operator: trimmed, 1 to 1000 characters.
pub fn check_text(text: &str) -> Result<&str, super::Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(super::Problem::new("message_empty", "the message is empty"));
    }
    if t.chars().count() > MAX_MESSAGE_CHARS {
        return Err(super::Problem::new(
            "message_too_long",
            format!("the message is too long ({MAX_MESSAGE_CHARS} characters at most)"),
        )
        .param("max", MAX_MESSAGE_CHARS));
    }
    Ok(t)
}
