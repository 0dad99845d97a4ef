//! `/ws/visitor`: the chatbox's realtime connection (protocol in docs/protocol.md).
//!
//! One task per connection runs a `select!` over the socket, the conversation's bus
//! events and a heartbeat. The connection remembers the last sequence number it sent;
//! bus events are only hints: an event that is not the next number (or a lagging
//! subscription) makes it read the missing messages from the store, so the visitor sees
//! every message once, in order, whatever the bus dropped.

use super::ws_wire::{self as wire, Closed, Frame, Step, Wire};
use crate::actions::ActionError;
use crate::app::AppState;
use crate::auth::{new_token, token_hash};
use crate::bus::Event;
use crate::chat;
use crate::domain::conversation::{check_client_id, Message};
use crate::engines::Served;
use crate::store::{Conversation, StoreError};
use axum::extract::ws::{Message as WsMessage, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};
use vigie_bot::Lang;

pub const PROTOCOL_VERSION: u32 = 1;
const REPLAY_PAGE: i64 = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/ws/visitor", get(upgrade))
}

async fn upgrade(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    wire::configure(ws).on_upgrade(move |socket| async move {
        let mut conn = Conn {
            state,
            wire: Wire::new(socket),
            session: None,
            pre_hello_frames: 0,
        };
        conn.run().await;
    })
}

#[derive(Deserialize)]
struct Hello {
    #[serde(default)]
    v: Option<u32>,
    bot: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    visitor_token: Option<String>,
    #[serde(default)]
    conversation: Option<String>,
    #[serde(default)]
    last_seq: i64,
    /// A monitored conversation's link token (`vigie_mc`): the link is the credential.
    #[serde(default)]
    mc: Option<String>,
}

#[derive(Deserialize)]
struct SendFrame {
    client_id: String,
    text: String,
}

#[derive(Deserialize)]
struct Choose {
    client_id: String,
    knowledge_id: String,
}

#[derive(Deserialize)]
struct Handoff {
    client_id: String,
}

#[derive(Deserialize)]
struct HelpReply {
    client_id: String,
    accept: bool,
}

#[derive(Deserialize)]
struct Typing {
    on: bool,
}

struct Session {
    visitor_id: i64,
    conversation: Conversation,
    served: Arc<Served>,
    events: broadcast::Receiver<Event>,
    last_sent: i64,
}

struct Conn {
    state: AppState,
    wire: Wire,
    session: Option<Session>,
    pre_hello_frames: u32,
}
type ActionFuture = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<crate::store::Appended, ActionError>> + Send>,
>;

pub fn message_frame(conversation: &str, m: &Message) -> Value {
    json!({
        "type": "message",
        "conversation": conversation,
        "seq": m.seq,
        "author": m.author,
        "kind": m.kind,
        "created_at": m.created_at,
        "client_id": m.client_id,
        "text": m.body.text,
        "html": m.body.html,
        "knowledge": m.body.knowledge,
        "related": m.body.related,
        "suggestions": m.body.suggestions,
        "event": m.body.event,
        "operator": m.body.operator.as_ref().map(|name| json!({"name": name})),
    })
}

impl Conn {
    async fn run(&mut self) {
        let mut heartbeat = wire::heartbeat().await;
        loop {
            let step = tokio::select! {
                frame = self.wire.recv() => match frame {
                    Some(frame) => self.on_frame(frame).await,
                    None => Err(Closed),
                },
                event = next_event(&mut self.session) => self.on_event(event).await,
                _ = heartbeat.tick() => self.wire.ping().await,
            };
            if step.is_err() {
                break;
            }
        }
        if let Some(s) = self.session.take() {
            let id = s.conversation.id;
            drop(s);
            self.state.bus.release(id);
        }
    }

    async fn send(&mut self, v: Value) -> Step {
        self.wire.send(v).await
    }

    async fn error(
        &mut self,
        code: &str,
        message: impl Into<String>,
        client_id: Option<&str>,
    ) -> Step {
        self.wire.error(code, message, client_id).await
    }

    async fn on_frame(&mut self, frame: WsMessage) -> Step {
        let Some(Frame {
            kind,
            client_id,
            value,
        }) = self.wire.read(frame).await?
        else {
            return Ok(());
        };
        if kind == "hello" {
            return match serde_json::from_value::<Hello>(value) {
                Ok(h) => self.on_hello(h).await,
                Err(e) => self.error("malformed", format!("hello: {e}"), None).await,
            };
        }
        let Some(visitor_id) = self.session.as_ref().map(|s| s.visitor_id) else {
            self.pre_hello_frames += 1;
            if self.pre_hello_frames > 5 {
                return Err(Closed);
            }
            return self
                .error("hello_first", "send `hello` first", client_id.as_deref())
                .await;
        };
        if self.state.visitor_frames.check_key(&visitor_id).is_err() {
            return self
                .error(
                    "rate_limited",
                    "too many frames, slow down (10 per second)",
                    client_id.as_deref(),
                )
                .await;
        }
        match kind.as_str() {
            "send" => match serde_json::from_value::<SendFrame>(value) {
                Ok(f) => {
                    self.on_action(f.client_id, |state, served, conv, cid| {
                        let text = f.text.clone();
                        Box::pin(async move {
                            chat::visitor_text(&state, &served, &conv, &cid, &text).await
                        })
                    })
                    .await
                }
                Err(e) => {
                    self.error("malformed", format!("send: {e}"), client_id.as_deref())
                        .await
                }
            },
            "choose" => match serde_json::from_value::<Choose>(value) {
                Ok(f) => {
                    self.on_action(f.client_id, |state, served, conv, cid| {
                        let id = f.knowledge_id.clone();
                        Box::pin(async move {
                            chat::visitor_choice(&state, &served, &conv, &cid, &id).await
                        })
                    })
                    .await
                }
                Err(e) => {
                    self.error("malformed", format!("choose: {e}"), client_id.as_deref())
                        .await
                }
            },
            "handoff" => match serde_json::from_value::<Handoff>(value) {
                Ok(f) => {
                    self.on_action(f.client_id, |state, served, conv, cid| {
                        Box::pin(async move {
                            chat::visitor_handoff(&state, &served, &conv, &cid).await
                        })
                    })
                    .await
                }
                Err(e) => {
                    self.error("malformed", format!("handoff: {e}"), client_id.as_deref())
                        .await
                }
            },
            "help_reply" => match serde_json::from_value::<HelpReply>(value) {
                Ok(f) => {
                    self.on_action(f.client_id, |state, served, conv, cid| {
                        Box::pin(async move {
                            crate::monitored::help_reply(&state, &served, &conv, &cid, f.accept)
                                .await
                        })
                    })
                    .await
                }
                Err(e) => {
                    self.error(
                        "malformed",
                        format!("help_reply: {e}"),
                        client_id.as_deref(),
                    )
                    .await
                }
            },
            "typing" => match serde_json::from_value::<Typing>(value) {
                Ok(t) => {
                    let id = self
                        .session
                        .as_ref()
                        .map(|s| s.conversation.id)
                        .expect("session");
                    self.state.bus.publish(
                        id,
                        Event::Typing {
                            author: "visitor",
                            on: t.on,
                            name: None,
                        },
                    );
                    Ok(())
                }
                Err(e) => self.error("malformed", format!("typing: {e}"), None).await,
            },
            other => {
                self.error(
                    "unknown_type",
                    format!("unknown frame type `{other}`"),
                    client_id.as_deref(),
                )
                .await
            }
        }
    }

    /// Runs a storing action and acknowledges it after commit.
    async fn on_action<F>(&mut self, client_id: String, action: F) -> Step
    where
        F: FnOnce(AppState, Arc<Served>, Conversation, String) -> ActionFuture,
    {
        if let Err(m) = check_client_id(&client_id) {
            let shown: String = client_id.chars().take(64).collect();
            return self.error("invalid", m, Some(&shown)).await;
        }
        let session = self.session.as_ref().expect("checked by the caller");
        let result = action(
            self.state.clone(),
            session.served.clone(),
            session.conversation.clone(),
            client_id.clone(),
        )
        .await;
        match result {
            Ok(appended) => {
                let seq = appended.messages.first().map(|m| m.seq).unwrap_or(0);
                self.send(json!({"type": "ack", "client_id": client_id, "seq": seq, "duplicate": appended.duplicate})).await
            }
            Err(ActionError::Invalid(fields)) => {
                let msg = fields
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                self.error("invalid", msg, Some(&client_id)).await
            }
            Err(ActionError::NotFound(what)) => {
                self.error("invalid", format!("{what} not found"), Some(&client_id))
                    .await
            }
            Err(e) => {
                tracing::error!(error = %e, "visitor action failed");
                self.error(
                    "internal",
                    "the message could not be stored, send it again",
                    Some(&client_id),
                )
                .await
            }
        }
    }

    async fn on_hello(&mut self, h: Hello) -> Step {
        if h.v.is_some_and(|v| v != PROTOCOL_VERSION) {
            return self
                .error(
                    "malformed",
                    format!("protocol version {PROTOCOL_VERSION} only"),
                    None,
                )
                .await;
        }
        let state = self.state.clone();
        if let Some(token) = h.mc.clone() {
            return self.on_monitored_hello(h, &token).await;
        }
        let bot = match state.engines.bot(&state.store, &h.bot).await {
            Ok(b) => b,
            Err(StoreError::NotFound) => {
                let _ = self
                    .error("unknown_bot", format!("no bot `{}`", h.bot), None)
                    .await;
                return Err(Closed);
            }
            Err(e) => return self.internal(e.into()).await,
        };
        let served = match chat::served(&state, bot.id).await {
            Ok(s) => s,
            Err(ActionError::NotFound(_)) => {
                let _ = self
                    .error("not_deployed", "this bot has not been deployed yet", None)
                    .await;
                return Err(Closed);
            }
            Err(e) => return self.internal(e).await,
        };
        let lang = h
            .lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or(bot.default_lang);
        // The visitor: the presented token if it is valid for this bot, else a new one.
        let mut new_token_value = None;
        let visitor_id = match h.visitor_token.as_deref() {
            Some(t) => match state.store.visitor_by_token(bot.id, &token_hash(t)).await {
                Ok(id) => Some(id),
                Err(StoreError::NotFound) => None,
                Err(e) => return self.internal(e.into()).await,
            },
            None => None,
        };
        if visitor_id.is_none() && h.conversation.is_some() {
            return self
                .error("forbidden", "this conversation is not yours; send hello without `conversation` to start one", None)
                .await;
        }
        let visitor_id = match visitor_id {
            Some(id) => id,
            None => {
                let token = new_token("vt_");
                let id = match state
                    .store
                    .create_visitor(bot.id, &token_hash(&token))
                    .await
                {
                    Ok(id) => id,
                    Err(e) => return self.internal(e.into()).await,
                };
                new_token_value = Some(token);
                id
            }
        };
        let mut conversation = match h.conversation.as_deref() {
            Some(public_id) => match state.store.conversation_by_public_id(public_id).await {
                Ok(c) if c.visitor_id == Some(visitor_id) && c.bot_id == bot.id => c,
                Ok(_) | Err(StoreError::NotFound) => {
                    return self.error("forbidden", "this conversation is not yours; send hello without `conversation` to start one", None).await;
                }
                Err(e) => return self.internal(e.into()).await,
            },
            None => match state
                .store
                .create_conversation(bot.id, Some(visitor_id), "bot", lang)
                .await
            {
                Ok(c) => c,
                Err(e) => return self.internal(e.into()).await,
            },
        };
        // This connection speaks the language the chatbox asked for, even when resuming a
        // conversation started in the other one.
        if h.lang.is_some() {
            conversation.lang = lang;
        }
        let token = new_token_value.or(h.visitor_token);
        self.start(visitor_id, conversation, served, h.last_seq, token, None)
            .await
    }

    /// `hello` with a monitored conversation's link: that conversation, or a clear error
    /// (expired, revoked, unknown) and the socket closes; never another conversation.
    async fn on_monitored_hello(&mut self, h: Hello, token: &str) -> Step {
        let state = self.state.clone();
        let (mut conversation, link) = match crate::monitored::open_link(&state, token).await {
            Ok(Ok(found)) => found,
            Ok(Err(problem)) => {
                let _ = self.error(problem.code(), problem.message(), None).await;
                return Err(Closed);
            }
            Err(e) => return self.internal(e).await,
        };
        let served = match chat::served(&state, conversation.bot_id).await {
            Ok(s) => s,
            Err(e) => return self.internal(e).await,
        };
        let Some(visitor_id) = conversation.visitor_id else {
            let _ = self
                .error(
                    "link_invalid",
                    crate::monitored::LinkProblem::Invalid.message(),
                    None,
                )
                .await;
            return Err(Closed);
        };
        if let Some(lang) = h.lang.as_deref().and_then(Lang::parse) {
            conversation.lang = lang;
        }
        let monitored = json!({"operator": link.creator_name});
        self.start(
            visitor_id,
            conversation,
            served,
            h.last_seq,
            None,
            Some(monitored),
        )
        .await
    }

    /// Welcome, replay, then live: the end of every `hello`.
    async fn start(
        &mut self,
        visitor_id: i64,
        conversation: Conversation,
        served: Arc<Served>,
        last_seq: i64,
        visitor_token: Option<String>,
        monitored: Option<Value>,
    ) -> Step {
        let state = self.state.clone();
        // Subscribe before reading the replay so nothing falls between the two.
        let events = state.bus.subscribe(conversation.id);
        let last_seq = last_seq.max(0);
        let public_id = conversation.public_id.clone();
        let mut welcome = json!({
            "type": "welcome",
            "v": PROTOCOL_VERSION,
            "visitor_token": visitor_token,
            "conversation": public_id,
            "lang": conversation.lang,
            "last_seq": conversation.last_seq,
            "deployment": served.version,
            "bot_name": served.snapshot.bot_name,
            "config": served.snapshot.config.resolve(conversation.lang),
        });
        if let Some(m) = monitored {
            welcome["monitored"] = m;
        }
        if let Some(old) = self.session.take() {
            let id = old.conversation.id;
            drop(old);
            self.state.bus.release(id);
        }
        self.session = Some(Session {
            visitor_id,
            conversation,
            served,
            events,
            last_sent: last_seq,
        });
        self.send(welcome).await?;
        self.catch_up().await?;
        let last = self.session.as_ref().map(|s| s.last_sent).unwrap_or(0);
        self.send(json!({"type": "replay_done", "last_seq": last}))
            .await
    }

    /// Sends every stored message after the last one sent.
    async fn catch_up(&mut self) -> Step {
        loop {
            let (id, after, public_id) = match &self.session {
                Some(s) => (
                    s.conversation.id,
                    s.last_sent,
                    s.conversation.public_id.clone(),
                ),
                None => return Ok(()),
            };
            let page = match self
                .state
                .store
                .messages_after(id, after, REPLAY_PAGE)
                .await
            {
                Ok(p) => p,
                Err(e) => return self.internal(e.into()).await,
            };
            let n = page.len() as i64;
            for m in &page {
                self.send(message_frame(&public_id, m)).await?;
                if let Some(s) = self.session.as_mut() {
                    s.last_sent = m.seq;
                }
            }
            if n < REPLAY_PAGE {
                return Ok(());
            }
        }
    }

    async fn on_event(&mut self, event: Result<Event, RecvError>) -> Step {
        match event {
            Ok(Event::Message(m)) => {
                let Some(s) = self.session.as_ref() else {
                    return Ok(());
                };
                if m.seq <= s.last_sent {
                    Ok(())
                } else if m.seq == s.last_sent + 1 {
                    let frame = message_frame(&s.conversation.public_id, &m);
                    self.send(frame).await?;
                    if let Some(s) = self.session.as_mut() {
                        s.last_sent = m.seq;
                    }
                    Ok(())
                } else {
                    self.catch_up().await
                }
            }
            Ok(Event::Typing { author, on, name }) => {
                if author == "visitor" {
                    return Ok(());
                }
                self.send(
                    json!({"type": "typing", "author": author, "on": on, "name": name.as_deref()}),
                )
                .await
            }
            Ok(Event::Stored { seq }) => {
                if self.session.as_ref().is_some_and(|s| seq > s.last_sent) {
                    self.catch_up().await
                } else {
                    Ok(())
                }
            }
            Ok(Event::Resync) | Err(RecvError::Lagged(_)) => self.catch_up().await,
            Err(RecvError::Closed) => Ok(()),
        }
    }

    async fn internal(&mut self, e: ActionError) -> Step {
        tracing::error!(error = %e, "visitor connection error");
        self.error("internal", "internal error, try again", None)
            .await
    }
}

/// The next bus event of the session, or never when there is no session yet.
async fn next_event(session: &mut Option<Session>) -> Result<Event, RecvError> {
    match session {
        Some(s) => s.events.recv().await,
        None => std::future::pending().await,
    }
}
