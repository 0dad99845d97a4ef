//! `/ws/operator`: the operator console's realtime connection (docs/protocol.md,
//! "Operator side"). Authenticated by the session cookie (or an API token); the
//! `Origin` must be Vigie's own, so another site cannot ride on the operator's cookie.
//!
//! The connection follows several conversations (its tabs) plus the livechat topic.
//! Each followed conversation has a small forwarding task that moves bus events into the
//! connection's channel; as on the visitor side, events are hints and the store is the
//! truth, so a gap or a lag makes the connection read what it missed.

use super::ws_wire::{self as wire, Closed, Frame, Step, Wire};
use crate::actions::ActionError;
use crate::app::AppState;
use crate::bus::Event;
use crate::chat;
use crate::domain::conversation::check_client_id;
use crate::http::extract::Authed;
use crate::livechat::{self, LIVECHAT_TOPIC};
use crate::store::{Appended, Conversation, Operator, StoreError};
use axum::extract::ws::{Message as WsMessage, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use super::ws_visitor::message_frame;

/// Livechat-wide changes (queue, assignments, presence) come in bursts (a hundred
/// visitors asking for a human at once): a connection re-reads the livechat state at
/// once for the first change, then at most every `REFRESH_GAP`, never missing the last.
const REFRESH_GAP: Duration = Duration::from_millis(250);

pub fn router() -> Router<AppState> {
    Router::new().route("/ws/operator", get(upgrade))
}

/// Same-origin check for the WebSocket handshake (browsers always send `Origin`).
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return true; // not a browser: the cookie or token alone authenticates
    };
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin == public_url || origin.split_once("://").map(|(_, h)| h) == Some(host)
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    headers: HeaderMap,
    Authed(rec): Authed,
) -> Response {
    if !same_origin(&headers, &state.settings.public_url) {
        return (StatusCode::FORBIDDEN, "cross-origin WebSocket refused").into_response();
    }
    wire::configure(ws).on_upgrade(move |socket| async move {
        let (tx, rx) = mpsc::channel(256);
        let mut conn = Conn {
            state,
            wire: Wire::new(socket),
            operator: rec.operator,
            follows: HashMap::new(),
            tx,
            rx,
            hello: false,
            last_refresh: None,
            refresh_due: None,
        };
        conn.run().await;
        for (_, f) in conn.follows.drain() {
            f.task.abort();
        }
    })
}

struct Follow {
    public_id: String,
    last_sent: i64,
    task: tokio::task::JoinHandle<()>,
}

struct Conn {
    state: AppState,
    wire: Wire,
    operator: Operator,
    follows: HashMap<i64, Follow>,
    tx: mpsc::Sender<(i64, Result<Event, RecvError>)>,
    rx: mpsc::Receiver<(i64, Result<Event, RecvError>)>,
    hello: bool,
    last_refresh: Option<Instant>,
    /// A livechat change arrived within `REFRESH_GAP` of the last refresh: refresh then.
    refresh_due: Option<tokio::time::Instant>,
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
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
                Some((conv, event)) = self.rx.recv() => self.on_event(conv, event).await,
                _ = sleep_until(self.refresh_due) => {
                    self.refresh_due = None;
                    self.refresh().await
                }
                _ = heartbeat.tick() => match self.wire.ping().await {
                    Ok(()) => {
                        let _ = self.state.store.touch_presence(self.operator.id).await;
                        Ok(())
                    }
                    dead => dead,
                },
            };
            if step.is_err() {
                break;
            }
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

    /// Starts following a conversation (or the livechat topic) from `last_seq`.
    async fn follow(&mut self, id: i64, public_id: String, last_seq: i64) -> Step {
        if self.follows.contains_key(&id) {
            return Ok(());
        }
        let mut events = self.state.bus.subscribe(id);
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            loop {
                let e = events.recv().await;
                let closed = matches!(e, Err(RecvError::Closed));
                if tx.send((id, e)).await.is_err() || closed {
                    break;
                }
            }
        });
        self.follows.insert(
            id,
            Follow {
                public_id,
                last_sent: last_seq,
                task,
            },
        );
        if id != LIVECHAT_TOPIC {
            self.describe(id).await?;
            self.catch_up(id).await?;
        }
        Ok(())
    }

    /// What the console shows beside a conversation: its bot and language (the knowledge
    /// search uses them), its kind and state.
    async fn describe(&mut self, id: i64) -> Step {
        let (conv, bots) = match (
            self.state.store.conversation_by_id(id).await,
            self.state.store.list_bots().await,
        ) {
            (Ok(c), Ok(b)) => (c, b),
            (Err(e), _) | (_, Err(e)) => return self.internal(e.into()).await,
        };
        let bot = bots
            .iter()
            .find(|b| b.id == conv.bot_id)
            .map(|b| b.slug.clone());
        self.send(json!({
            "type": "conversation", "conversation": conv.public_id, "bot": bot,
            "lang": conv.lang, "kind": conv.kind, "state": conv.state,
        }))
        .await
    }

    async fn catch_up(&mut self, id: i64) -> Step {
        loop {
            let Some(f) = self.follows.get(&id) else {
                return Ok(());
            };
            let (after, public_id) = (f.last_sent, f.public_id.clone());
            let page = match self.state.store.messages_after(id, after, 500).await {
                Ok(p) => p,
                Err(e) => return self.internal(e.into()).await,
            };
            let n = page.len();
            for m in &page {
                self.send(message_frame(&public_id, m)).await?;
                if let Some(f) = self.follows.get_mut(&id) {
                    f.last_sent = m.seq;
                }
            }
            if n < 500 {
                return Ok(());
            }
        }
    }

    /// Sends the queue, the colleagues' presence and the operator's conversations, and
    /// follows any conversation newly assigned to this operator.
    async fn refresh(&mut self) -> Step {
        self.last_refresh = Some(Instant::now());
        let fresh = match livechat::fresh_after(&self.state).await {
            Ok(f) => f,
            Err(e) => return self.internal(e).await,
        };
        let (queue, presence, mine) = match (
            self.state.store.queue().await,
            self.state.store.presences(fresh).await,
            self.state
                .store
                .operator_conversations(self.operator.id)
                .await,
        ) {
            (Ok(q), Ok(p), Ok(m)) => (q, p, m),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                return self.internal(e.into()).await
            }
        };
        self.send(json!({"type": "queue", "items": queue})).await?;
        self.send(json!({"type": "presence", "operators": presence}))
            .await?;
        let ids: Vec<&String> = mine.iter().map(|(_, p)| p).collect();
        self.send(json!({"type": "assigned", "conversations": ids}))
            .await?;
        for (id, public_id) in mine {
            self.follow(id, public_id, 0).await?;
        }
        let monitored = match crate::monitored::items_for(&self.state, self.operator.id).await {
            Ok(items) => items,
            Err(e) => return self.internal(e).await,
        };
        self.send(json!({"type": "monitored", "items": monitored}))
            .await
    }

    async fn conversation(&mut self, v: &Value) -> Result<Option<Conversation>, Closed> {
        let Some(public_id) = str_field(v, "conversation") else {
            self.error(
                "malformed",
                "missing `conversation`",
                str_field(v, "client_id"),
            )
            .await?;
            return Ok(None);
        };
        match self.state.store.conversation_by_public_id(public_id).await {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::NotFound) => {
                self.error("invalid", "unknown conversation", str_field(v, "client_id"))
                    .await?;
                Ok(None)
            }
            Err(e) => {
                self.internal(e.into()).await?;
                Ok(None)
            }
        }
    }

    async fn on_frame(&mut self, frame: WsMessage) -> Step {
        let Some(Frame {
            kind,
            client_id,
            value: v,
        }) = self.wire.read(frame).await?
        else {
            return Ok(());
        };
        if kind != "hello" && !self.hello {
            return self.error("hello_first", "send `hello` first", None).await;
        }
        match kind.as_str() {
            "hello" => {
                self.hello = true;
                let _ = self.state.store.touch_presence(self.operator.id).await;
                let fresh = match livechat::fresh_after(&self.state).await {
                    Ok(f) => f,
                    Err(e) => return self.internal(e).await,
                };
                let status = match self.state.store.presences(fresh).await {
                    Ok(list) => list
                        .into_iter()
                        .find(|p| p.operator_id == self.operator.id)
                        .map(|p| p.status)
                        .unwrap_or_else(|| "offline".into()),
                    Err(e) => return self.internal(e.into()).await,
                };
                self.send(json!({"type": "welcome", "v": 1, "operator": self.operator, "availability": status})).await?;
                self.follow(LIVECHAT_TOPIC, String::new(), 0).await?;
                // Resume the tabs the console had, from what it saw.
                if let Some(seen) = v.get("conversations").and_then(Value::as_object) {
                    for (public_id, last) in seen.clone() {
                        if let Ok(c) = self.state.store.conversation_by_public_id(&public_id).await
                        {
                            self.follow(c.id, c.public_id, last.as_i64().unwrap_or(0))
                                .await?;
                        }
                    }
                }
                self.refresh().await?;
                self.send(json!({"type": "replay_done"})).await
            }
            "availability" => {
                let status = str_field(&v, "status").unwrap_or("").to_string();
                match livechat::set_availability(&self.state, &self.operator, &status).await {
                    Ok(()) => {
                        self.send(json!({"type": "availability", "status": status}))
                            .await
                    }
                    Err(e) => self.action_error(e, None).await,
                }
            }
            "open" => {
                let Some(c) = self.conversation(&v).await? else {
                    return Ok(());
                };
                let last = v.get("last_seq").and_then(Value::as_i64).unwrap_or(0);
                self.follow(c.id, c.public_id, last).await
            }
            "close_tab" => {
                let Some(c) = self.conversation(&v).await? else {
                    return Ok(());
                };
                if let Some(f) = self.follows.remove(&c.id) {
                    f.task.abort();
                }
                Ok(())
            }
            "take" => {
                let Some(c) = self.conversation(&v).await? else {
                    return Ok(());
                };
                match livechat::take(&self.state, &self.operator, &c).await {
                    Ok(()) => self.follow(c.id, c.public_id, 0).await,
                    Err(e) => self.action_error(e, None).await,
                }
            }
            "typing" => {
                let Some(c) = self.conversation(&v).await? else {
                    return Ok(());
                };
                let on = v.get("on").and_then(Value::as_bool).unwrap_or(false);
                self.state.bus.publish(
                    c.id,
                    Event::Typing {
                        author: "operator",
                        on,
                        name: Some(self.operator.name.as_str().into()),
                    },
                );
                Ok(())
            }
            "send" | "knowledge" | "end" | "transfer" | "offer_help" => {
                let Some(cid) = client_id else {
                    return self.error("malformed", "missing `client_id`", None).await;
                };
                if let Err(m) = check_client_id(&cid) {
                    return self
                        .error(
                            "invalid",
                            m,
                            Some(&cid.chars().take(64).collect::<String>()),
                        )
                        .await;
                }
                let Some(c) = self.conversation(&v).await? else {
                    return Ok(());
                };
                let result = act(&self.state, &self.operator, &kind, &v, &c, &cid).await;
                match result {
                    Ok(a) => {
                        let seq = a.messages.first().map(|m| m.seq).unwrap_or(0);
                        self.send(json!({"type": "ack", "client_id": cid, "seq": seq, "conversation": c.public_id, "duplicate": a.duplicate})).await
                    }
                    Err(e) => self.action_error(e, Some(&cid)).await,
                }
            }
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

    async fn action_error(&mut self, e: ActionError, client_id: Option<&str>) -> Step {
        match e {
            ActionError::Invalid(fields) => {
                let msg = fields
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                self.error("invalid", msg, client_id).await
            }
            ActionError::NotFound(what) => {
                self.error("invalid", format!("{what} not found"), client_id)
                    .await
            }
            other => self.internal(other).await,
        }
    }

    async fn on_event(&mut self, id: i64, event: Result<Event, RecvError>) -> Step {
        if id == LIVECHAT_TOPIC {
            if matches!(event, Err(RecvError::Closed)) {
                return Ok(());
            }
            return match self.last_refresh {
                Some(at) if at.elapsed() < REFRESH_GAP => {
                    if self.refresh_due.is_none() {
                        self.refresh_due = Some((at + REFRESH_GAP).into());
                    }
                    Ok(())
                }
                _ => self.refresh().await,
            };
        }
        let Some(f) = self.follows.get(&id) else {
            return Ok(());
        };
        match event {
            Ok(Event::Message(m)) => {
                if m.seq <= f.last_sent {
                    Ok(())
                } else if m.seq == f.last_sent + 1 {
                    let frame = message_frame(&f.public_id, &m);
                    self.send(frame).await?;
                    if let Some(f) = self.follows.get_mut(&id) {
                        f.last_sent = m.seq;
                    }
                    Ok(())
                } else {
                    self.catch_up(id).await
                }
            }
            Ok(Event::Typing { author, on, .. }) => {
                if author == "operator" {
                    return Ok(());
                }
                let public_id = f.public_id.clone();
                self.send(json!({"type": "typing", "conversation": public_id, "author": author, "on": on})).await
            }
            Ok(Event::Stored { .. }) | Ok(Event::Resync) | Err(RecvError::Lagged(_)) => {
                self.catch_up(id).await
            }
            Err(RecvError::Closed) => Ok(()),
        }
    }

    async fn internal(&mut self, e: ActionError) -> Step {
        tracing::error!(error = %e, "operator connection error");
        self.error("internal", "internal error, try again", None)
            .await
    }
}

/// Sleeps until `due`, or forever when nothing is due.
async fn sleep_until(due: Option<tokio::time::Instant>) {
    match due {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

async fn act(
    state: &AppState,
    operator: &Operator,
    kind: &str,
    v: &Value,
    c: &Conversation,
    cid: &str,
) -> Result<Appended, ActionError> {
    match kind {
        "send" => {
            livechat::operator_text(state, operator, c, cid, str_field(v, "text").unwrap_or(""))
                .await
        }
        "knowledge" => {
            let served = chat::served(state, c.bot_id).await?;
            livechat::operator_knowledge(
                state,
                &served,
                operator,
                c,
                cid,
                str_field(v, "knowledge_id").unwrap_or(""),
            )
            .await
        }
        "end" => livechat::end(state, operator, c, cid).await,
        "offer_help" => crate::monitored::offer_help(state, operator, c, cid).await,
        _ => {
            let to = v
                .get("to")
                .and_then(Value::as_i64)
                .ok_or_else(|| crate::actions::invalid("to", "missing operator id `to`"))?;
            livechat::transfer(state, operator, c, to, cid).await
        }
    }
}
