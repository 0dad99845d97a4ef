//! The realtime protocol's frames, typed (docs/protocol.md describes them for clients).
//!
//! - [`VisitorFrame`] and [`OperatorFrame`]: what each side may send, one enum per side,
//!   read with `#[serde(tag = "type")]`: a frame missing a required field is `malformed`,
//!   an unknown `type` is `unknown_type`, on both sides alike;
//! - [`Outbound`]: every frame the server sends;
//! - [`Refusal`]: an `error` frame's code and message; use-case errors become refusals in
//!   one place (`From<ActionError>`).
//!
//! Outbound frames are written through `serde_json::Value` (see `wire::Wire::send`), so
//! their JSON is the same, key for key, as the `json!` literals they replaced.

use crate::domain::chatbox_config::ResolvedConfig;
use crate::domain::conversation::{
    Author, ConversationKind, ConversationState, KnowledgeLink, Message, MessageKind, SystemEvent,
};
use crate::domain::operator::Availability;
use crate::domain::OperatorId;
use crate::service::ActionError;
use crate::store::{OpenConversation, Presence};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use vigie_bot::Lang;

use crate::http::views::{MonitoredView, OperatorView, QueuedView};

pub const PROTOCOL_VERSION: u32 = 1;

/// What both sides' inbound enums have in common: the connection loop answers `ping`
/// and unknown types itself.
pub(super) trait Inbound: DeserializeOwned + Send {
    fn is_ping(&self) -> bool;
    fn is_unknown(&self) -> bool;
}

/// A frame a visitor's chatbox sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorFrame {
    Hello(Hello),
    Send {
        client_id: String,
        text: String,
    },
    /// A click on a suggestion or related knowledge.
    Choose {
        client_id: String,
        knowledge_id: String,
    },
    /// The visitor asks for a human.
    Handoff {
        client_id: String,
    },
    /// The answer to an operator's offer of help (monitored conversations).
    HelpReply {
        client_id: String,
        accept: bool,
    },
    Typing {
        on: bool,
    },
    /// The visitor asks for the conversation's transcript by mail (the `transcript`
    /// module); `email` when Vigie does not know the visitor's address.
    Transcript {
        client_id: String,
        #[serde(default)]
        email: Option<String>,
    },
    /// A message left in the offline form (office hours closed or nobody on duty): stored
    /// in the conversation and mailed to the bot's team; acknowledged like `send`.
    OfflineMessage {
        client_id: String,
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        text: Option<String>,
    },
    /// The embedding page went to another page with the chatbox open (a single-page
    /// site's navigation, reported by the loader): kept in the visitor's record.
    Page {
        page: crate::domain::visitor_context::PageView,
    },
    /// A rating of the bot answer `seq` (the `answer_feedback` module): answered
    /// `feedback_saved`; a second rating of the same answer replaces the first.
    Feedback {
        client_id: String,
        seq: i64,
        helpful: bool,
    },
    /// The satisfaction survey at the end of the livechat that the `operator_left` event
    /// `ended_seq` ended (the `satisfaction` module): answered `satisfaction_saved`.
    Satisfaction {
        client_id: String,
        ended_seq: i64,
        score: i64,
        #[serde(default)]
        comment: Option<String>,
    },
    Ping,
    #[serde(other)]
    Unknown,
}

/// The visitor's opening frame.
#[derive(Debug, Deserialize)]
pub struct Hello {
    #[serde(default)]
    pub v: Option<u32>,
    pub bot: String,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub visitor_token: Option<String>,
    #[serde(default)]
    pub conversation: Option<String>,
    #[serde(default)]
    pub last_seq: i64,
    /// A monitored conversation's link token (`vigie_mc`): the link is the credential.
    #[serde(default)]
    pub mc: Option<String>,
    /// What the chatbox knows of its page and visitor (the host page, the pages before,
    /// the embedding site's attributes and identity): `docs/protocol.md`.
    #[serde(default)]
    pub context: Option<Box<crate::domain::visitor_context::ReportedContext>>,
}

impl Inbound for VisitorFrame {
    fn is_ping(&self) -> bool {
        matches!(self, VisitorFrame::Ping)
    }
    fn is_unknown(&self) -> bool {
        matches!(self, VisitorFrame::Unknown)
    }
}

/// A frame an operator's console sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OperatorFrame {
    Hello {
        /// The conversations the console shows, with the last `seq` it displayed.
        #[serde(default)]
        conversations: BTreeMap<String, Option<i64>>,
    },
    Availability {
        /// Read as `Availability` by the handler, so that an unknown value is `invalid`
        /// (with the known ones listed) rather than `malformed`.
        status: String,
        /// With `away`: one of the reasons the admins listed (`away_reasons` in `welcome`).
        #[serde(default)]
        reason: Option<String>,
    },
    /// Follow any conversation in a tab.
    Open {
        conversation: String,
        #[serde(default)]
        last_seq: i64,
    },
    CloseTab {
        conversation: String,
    },
    Take {
        conversation: String,
    },
    Typing {
        conversation: String,
        on: bool,
    },
    Send {
        client_id: String,
        conversation: String,
        text: String,
    },
    Knowledge {
        client_id: String,
        conversation: String,
        knowledge_id: String,
    },
    /// A private note: staff only, never sent to the visitor.
    Note {
        client_id: String,
        conversation: String,
        text: String,
    },
    End {
        client_id: String,
        conversation: String,
    },
    Transfer {
        client_id: String,
        conversation: String,
        /// The receiving operator's id.
        to: OperatorId,
    },
    OfferHelp {
        client_id: String,
        conversation: String,
    },
    /// Supervisors and admins: receive (`on`) or stop receiving the `supervision` list.
    Supervise {
        on: bool,
    },
    /// Supervisors and admins: a message only staff see, to the operator holding the
    /// conversation.
    Whisper {
        client_id: String,
        conversation: String,
        text: String,
    },
    /// Supervisors and admins: the conversation becomes theirs.
    TakeOver {
        client_id: String,
        conversation: String,
    },
    /// Supervisors and admins: the conversation goes to this operator.
    Reassign {
        client_id: String,
        conversation: String,
        to: OperatorId,
    },
    Ping,
    #[serde(other)]
    Unknown,
}

impl Inbound for OperatorFrame {
    fn is_ping(&self) -> bool {
        matches!(self, OperatorFrame::Ping)
    }
    fn is_unknown(&self) -> bool {
        matches!(self, OperatorFrame::Unknown)
    }
}

/// A frame the server sends. Variants sent to one side only say so.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outbound<'a> {
    /// To a visitor, answering `hello`.
    Welcome(Box<Welcome<'a>>),
    /// To an operator, answering `hello`.
    #[serde(rename = "welcome")]
    OperatorWelcome {
        v: u32,
        operator: OperatorView<'a>,
        availability: Availability,
        /// The away reason, when away with one.
        reason: Option<&'a str>,
        /// The reasons the admins listed for the away status.
        away_reasons: &'a [String],
    },
    /// The replay is over, live from now on (`last_seq`: visitor side only).
    ReplayDone {
        #[serde(skip_serializing_if = "Option::is_none")]
        last_seq: Option<i64>,
    },
    Message(MessageFrame<'a>),
    Typing {
        /// Operator side only.
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation: Option<&'a str>,
        author: Author,
        on: bool,
        /// Visitor side only: the operator's name (`null` when unknown).
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<Option<&'a str>>,
    },
    /// A storing action is committed.
    Ack {
        client_id: &'a str,
        seq: i64,
        /// Operator side only.
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation: Option<&'a str>,
        duplicate: bool,
    },
    Error {
        code: &'static str,
        message: &'a str,
        client_id: Option<&'a str>,
    },
    Pong,
    /// Visitor side, opened by a monitored conversation's link: the link was revoked or
    /// replaced by a newer one; the socket closes (4403).
    LinkRevoked {
        message: &'a str,
    },
    /// Visitor side, opened by a monitored conversation's link: the link expired; the
    /// socket closes (4410).
    LinkExpired {
        message: &'a str,
    },
    /// Operator side: the visitor record of a followed conversation changed (a page, the
    /// chatbox opened again): `GET /api/v1/conversations/{id}/visitor` reads it.
    VisitorChanged {
        conversation: &'a str,
    },
    /// Visitor side: the transcript asked with `client_id` is queued for `email`.
    TranscriptSent {
        client_id: &'a str,
        email: &'a str,
    },
    /// Visitor side: the rating asked with `client_id` is stored.
    FeedbackSaved {
        client_id: &'a str,
        seq: i64,
        helpful: bool,
    },
    /// Visitor side: the survey answer asked with `client_id` is stored.
    SatisfactionSaved {
        client_id: &'a str,
        ended_seq: i64,
        score: i64,
    },
    /// Operator side: a followed conversation's bot, language, kind and state.
    Conversation {
        conversation: &'a str,
        bot: Option<&'a str>,
        lang: Lang,
        kind: ConversationKind,
        state: ConversationState,
    },
    Queue {
        items: Vec<QueuedView<'a>>,
    },
    Presence {
        operators: &'a [Presence],
    },
    /// The live conversations this operator holds.
    Assigned {
        conversations: Vec<&'a str>,
    },
    Monitored {
        items: Vec<MonitoredView<'a>>,
    },
    Availability {
        status: Availability,
        reason: Option<String>,
    },
    /// To supervisors who sent `supervise`: every open conversation (`now`: the server's
    /// clock, ms, for the durations shown).
    Supervision {
        now: i64,
        conversations: &'a [OpenConversation],
    },
    /// To an operator: a supervisor took one of their conversations over (`take_over`),
    /// reassigned it (`reassign`) or ended it (`end`); it is no longer theirs.
    TakenOver {
        conversation: &'a str,
        action: &'a str,
        /// The supervisor's name.
        by: &'a str,
        /// Who holds it now (`null` once ended).
        to: Option<&'a str>,
    },
}

/// A visitor's `welcome`.
#[derive(Serialize)]
pub struct Welcome<'a> {
    pub v: u32,
    pub visitor_token: Option<&'a str>,
    pub conversation: &'a str,
    pub lang: Lang,
    pub last_seq: i64,
    pub deployment: i64,
    pub bot_name: &'a str,
    pub config: ResolvedConfig,
    /// Opened by a monitored conversation's link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitored: Option<MonitoredWelcome<'a>>,
    /// The visitor (or its address) is blocked: the chatbox says so and offers no input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<BlockedWelcome>,
    /// The identity the embedding site claimed: `verified`, or `refused` (a wrong
    /// `user_hash`: the conversation goes on, anonymous).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<&'static str>,
}

#[derive(Serialize)]
pub struct BlockedWelcome {
    /// When the block ends (ms), `null` when permanent.
    pub until: Option<i64>,
}

#[derive(Serialize)]
pub struct MonitoredWelcome<'a> {
    /// The operator who created it.
    pub operator: Option<&'a str>,
}

/// A stored message, as both sides see it.
#[derive(Serialize)]
pub struct MessageFrame<'a> {
    conversation: &'a str,
    seq: i64,
    author: Author,
    kind: MessageKind,
    created_at: i64,
    client_id: Option<&'a str>,
    text: Option<&'a str>,
    html: Option<&'a str>,
    knowledge: Option<&'a KnowledgeLink>,
    related: &'a [KnowledgeLink],
    suggestions: &'a [KnowledgeLink],
    event: Option<SystemEvent>,
    operator: Option<Named<'a>>,
    /// The language of a bot message's text, when known.
    lang: Option<vigie_bot::Lang>,
    /// A transfer: the operator who handed the conversation on (`operator` took it).
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<Named<'a>>,
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
}

impl<'a> Outbound<'a> {
    pub fn message(conversation: &'a str, m: &'a Message) -> Outbound<'a> {
        Outbound::Message(MessageFrame {
            conversation,
            seq: m.seq,
            author: m.author,
            kind: m.kind,
            created_at: m.created_at,
            client_id: m.client_id.as_deref(),
            text: m.body.text.as_deref(),
            html: m.body.html.as_deref(),
            knowledge: m.body.knowledge.as_ref(),
            related: &m.body.related,
            suggestions: &m.body.suggestions,
            event: m.body.event,
            operator: m.body.operator.as_deref().map(|name| Named { name }),
            lang: m.body.lang,
            from: m.body.from.as_deref().map(|name| Named { name }),
        })
    }
}

/// Why a frame was not acted on: an `error` frame's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }

    /// Not JSON, no `type`, or a field missing or of the wrong type.
    pub fn malformed(message: impl Into<String>) -> Refusal {
        Refusal::new("malformed", message)
    }

    pub fn invalid(message: impl Into<String>) -> Refusal {
        Refusal::new("invalid", message)
    }

    pub fn hello_first() -> Refusal {
        Refusal::new("hello_first", "send `hello` first")
    }

    pub fn internal() -> Refusal {
        Refusal::new("internal", "internal error, try again")
    }
}

impl From<crate::domain::Problem> for Refusal {
    fn from(p: crate::domain::Problem) -> Refusal {
        Refusal::new(p.code, p.message)
    }
}

impl From<ActionError> for Refusal {
    fn from(e: ActionError) -> Refusal {
        match e {
            // The first field's reason is the frame's code (a frame has one problem).
            ActionError::Invalid(fields) => Refusal::new(
                fields.first().map_or("invalid", |f| f.code),
                fields
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ActionError::NotFound(what) => Refusal::new("not_found", format!("{what} not found")),
            ActionError::Refused(_, problem) => Refusal::new(problem.code, problem.message),
            other => {
                tracing::error!(error = %other, "realtime connection error");
                Refusal::internal()
            }
        }
    }
}

/// Text frames above this get a `too_large` error (the WebSocket layer closes the socket
/// far above it, see `wire`).
pub const MAX_FRAME: usize = 16 * 1024;

/// A checked frame: a JSON object with a `type`, not read as a typed frame yet.
pub struct Frame {
    /// The `type`, for error messages (frames are told apart by their typed enum).
    pub kind: String,
    /// The frame's `client_id`, if any: errors about it name it.
    pub client_id: Option<String>,
    pub value: serde_json::Value,
}

/// The first checks of a text frame, whichever side sent it: its size, JSON, and a
/// string `type`. Pure, so that it is fuzzed (`fuzz/fuzz_targets/frame.rs`).
pub fn check(text: &str) -> Result<Frame, Refusal> {
    if text.len() > MAX_FRAME {
        let message = format!("frames are limited to {MAX_FRAME} bytes");
        return Err(Refusal::new("too_large", message));
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Err(Refusal::malformed("the frame is not valid JSON"));
    };
    let Some(kind) = value
        .get("type")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
    else {
        return Err(Refusal::malformed("the frame has no `type`"));
    };
    let client_id = value
        .get("client_id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    Ok(Frame {
        kind,
        client_id,
        value,
    })
}

/// A visitor's text frame as the server reads it: [`check`], then [`VisitorFrame`].
pub fn decode_visitor(text: &str) -> Result<VisitorFrame, Refusal> {
    let frame = check(text)?;
    parse(&frame.kind, frame.value)
}

/// An operator's text frame as the server reads it: [`check`], then [`OperatorFrame`].
pub fn decode_operator(text: &str) -> Result<OperatorFrame, Refusal> {
    let frame = check(text)?;
    parse(&frame.kind, frame.value)
}

/// Reads a checked frame (a JSON object with a `type`) as one side's inbound enum.
pub(super) fn parse<T: Inbound>(kind: &str, value: serde_json::Value) -> Result<T, Refusal> {
    serde_json::from_value(value).map_err(|e| Refusal::malformed(format!("{kind}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn visitor(v: serde_json::Value) -> Result<VisitorFrame, Refusal> {
        parse("test", v)
    }

    fn operator(v: serde_json::Value) -> Result<OperatorFrame, Refusal> {
        parse("test", v)
    }

    #[test]
    fn a_missing_field_is_malformed_on_both_sides() {
        let e = visitor(json!({"type": "send", "client_id": "a"})).unwrap_err();
        assert_eq!(e.code, "malformed");
        assert!(e.message.contains("text"), "{e:?}");
        let e =
            operator(json!({"type": "send", "client_id": "a", "conversation": "c"})).unwrap_err();
        assert_eq!(e.code, "malformed");
        assert!(operator(
            json!({"type": "transfer", "client_id": "a", "conversation": "c", "to": "x"})
        )
        .is_err());
    }

    #[test]
    fn unknown_types_and_pings_are_recognised() {
        assert!(visitor(json!({"type": "dance"})).unwrap().is_unknown());
        assert!(operator(json!({"type": "ping"})).unwrap().is_ping());
        assert!(matches!(
            operator(json!({"type": "hello", "v": 1, "conversations": {"c_1": 3, "c_2": null}})),
            Ok(OperatorFrame::Hello { conversations }) if conversations.len() == 2
        ));
    }

    #[test]
    fn outbound_frames_keep_their_wire_form() {
        let v = serde_json::to_value(Outbound::Ack {
            client_id: "a",
            seq: 3,
            conversation: None,
            duplicate: false,
        })
        .unwrap();
        assert_eq!(
            v,
            json!({"type": "ack", "client_id": "a", "seq": 3, "duplicate": false})
        );
        let v = serde_json::to_value(Outbound::ReplayDone { last_seq: None }).unwrap();
        assert_eq!(v, json!({"type": "replay_done"}));
        let v = serde_json::to_value(Outbound::Typing {
            conversation: None,
            author: Author::Operator,
            on: true,
            name: Some(None),
        })
        .unwrap();
        assert_eq!(
            v,
            json!({"type": "typing", "author": "operator", "on": true, "name": null})
        );
    }
}
