//! `/ws/operator`: the operator console's realtime connection (docs/protocol.md,
//! "Operator side"). Authenticated by the session cookie (or an API token); the
//! `Origin` must be Vigie's own, so another site cannot ride on the operator's cookie.
//!
//! The connection follows several conversations (its tabs) plus the livechat topic.
//! Each followed topic has a small forwarding task that moves bus events into the
//! connection's channel; as on the visitor side, events are hints and the store is the
//! truth, so a gap or a lag makes the connection read what it missed. What the console
//! shows beside its tabs comes from `service::livechat::snapshot`.

use super::conn::{self, Cursor, Endpoint};
use super::frames::{OperatorFrame, Outbound, Refusal, PROTOCOL_VERSION};
use super::wire::{self, Step, Wire};
use crate::bus::{Event, Topic};
use crate::domain::conversation::{check_client_id, Author};
use crate::domain::operator::Availability;
use crate::domain::{OperatorId, Problem};
use crate::http::extract::{Authed, Peer};
use crate::http::serve::ClientSlot;
use crate::http::views::{MonitoredView, OperatorView, QueuedView};
use crate::service::audit::Actor;
use crate::service::{
    chat, invalid, livechat, monitored, supervision, ActionError, Core, OrNotFound,
};
use crate::store::{Appended, Conversation, Credential, Operator};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

/// Livechat-wide changes (queue, assignments, presence) come in bursts (a hundred
/// visitors asking for a human at once): a connection re-reads the livechat state at
/// once for the first change, then at most every `REFRESH_GAP`, never missing the last.
const REFRESH_GAP: Duration = Duration::from_millis(250);

/// The supervision list follows every conversation's activity: sent at once for the first
/// change, then at most every `SUPERVISION_GAP`, never missing the last.
const SUPERVISION_GAP: Duration = Duration::from_millis(500);

/// A held conversation that left this operator is looked at on this many refreshes for a
/// supervisor's act (its event message may be stored just after the move).
const TOLD_TRIES: u8 = 3;

/// Same-origin check for the WebSocket handshake (browsers always send `Origin`).
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return true; // not a browser: the cookie or token alone authenticates
    };
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // The Host header alone would let `http://vigie.example` ride on a cookie meant for
    // `https://vigie.example`: the scheme must be Vigie's own too.
    let scheme = public_url.split_once("://").map(|(s, _)| s);
    origin == public_url
        || origin
            .split_once("://")
            .is_some_and(|(s, h)| Some(s) == scheme && h == host)
}

pub(super) async fn upgrade(
    ws: WebSocketUpgrade,
    State(core): State<Core>,
    headers: HeaderMap,
    slot: Option<Extension<ClientSlot>>,
    peer: Peer,
    Authed(rec): Authed,
) -> Response {
    if !same_origin(&headers, core.public_url()) {
        return (StatusCode::FORBIDDEN, "cross-origin WebSocket refused").into_response();
    }
    let draining = core.draining.clone();
    wire::configure(ws).on_upgrade(move |socket| async move {
        // Counted against the client's address for as long as the socket is open.
        let _slot = slot;
        let (tx, rx) = mpsc::channel(256);
        conn::run(
            socket,
            Console {
                core,
                actor: peer.actor(&rec),
                operator: rec.operator,
                credential: rec.credential,
                follows: HashMap::new(),
                tx,
                rx,
                hello: false,
                last_refresh: None,
                refresh_due: None,
                supervising: false,
                last_supervision: None,
                supervision_due: None,
                held: HashMap::new(),
            },
            draining,
            "operator",
        )
        .await
    })
}

/// A followed topic: its forwarding task, and for a conversation where the console is.
struct Follow {
    cursor: Option<Cursor>,
    task: tokio::task::JoinHandle<()>,
}

type BusEvent = (Topic, Result<Event, RecvError>);

/// What wakes the connection besides its socket.
enum Wake {
    Bus(BusEvent),
    /// A livechat refresh held back by `REFRESH_GAP` is due.
    RefreshDue,
    /// A supervision list held back by `SUPERVISION_GAP` is due.
    SupervisionDue,
}

struct Console {
    core: Core,
    operator: Operator,
    /// The session or token the connection was opened with: once it ends (sign-out
    /// everywhere, deactivation, revocation) the connection is closed.
    credential: Credential,
    follows: HashMap<Topic, Follow>,
    tx: mpsc::Sender<BusEvent>,
    rx: mpsc::Receiver<BusEvent>,
    hello: bool,
    last_refresh: Option<Instant>,
    /// A livechat change arrived within `REFRESH_GAP` of the last refresh: refresh then.
    refresh_due: Option<tokio::time::Instant>,
    /// The audit log's actor (supervisors' acts).
    actor: Actor,
    /// A supervisor asked for the supervision list (`supervise`).
    supervising: bool,
    last_supervision: Option<Instant>,
    supervision_due: Option<tokio::time::Instant>,
    /// The conversations this operator held at the last refresh (id → public id), and for
    /// one that left them, how many refreshes remain to find a supervisor's act.
    held: HashMap<i64, (String, Option<u8>)>,
}

impl Endpoint for Console {
    type Inbound = OperatorFrame;
    type Event = Wake;

    async fn next_event(&mut self) -> Wake {
        tokio::select! {
            Some(event) = self.rx.recv() => Wake::Bus(event),
            _ = sleep_until(self.refresh_due) => Wake::RefreshDue,
            _ = sleep_until(self.supervision_due) => Wake::SupervisionDue,
        }
    }

    async fn on_frame(
        &mut self,
        wire: &mut Wire,
        frame: Result<OperatorFrame, Refusal>,
        client_id: Option<String>,
    ) -> Step {
        let frame = match frame {
            Ok(f) => f,
            Err(refusal) => return wire.refuse(refusal, client_id.as_deref()).await,
        };
        match frame {
            OperatorFrame::Hello { conversations } => {
                self.hello = true;
                let start = match livechat::console_opened(&self.core, self.operator.id).await {
                    Ok(a) => a,
                    Err(e) => return wire.refuse(e.into(), None).await,
                };
                wire.send(&Outbound::OperatorWelcome {
                    v: PROTOCOL_VERSION,
                    operator: OperatorView::new(&self.operator),
                    availability: start.availability,
                    reason: start.reason.as_deref(),
                    away_reasons: &start.away_reasons,
                })
                .await?;
                self.follow(wire, Topic::Livechat, String::new(), 0).await?;
                // Resume the tabs the console had, from what it saw.
                for (public_id, last) in conversations {
                    if let Ok(c) = self.core.store.conversation_by_public_id(&public_id).await {
                        let topic = Topic::Conversation(c.id);
                        self.follow(wire, topic, c.public_id, last.unwrap_or(0))
                            .await?;
                    }
                }
                self.refresh(wire).await?;
                wire.send(&Outbound::ReplayDone { last_seq: None }).await
            }
            _ if !self.hello => wire.refuse(Refusal::hello_first(), None).await,
            OperatorFrame::Availability { status, reason } => {
                let set = match Availability::parse(&status) {
                    Some(a) => {
                        livechat::set_availability(&self.core, &self.operator, a, reason.as_deref())
                            .await
                            .map(|reason| (a, reason))
                    }
                    None => Err(invalid(
                        "status",
                        Problem::new(
                            "availability_invalid",
                            format!("unknown availability `{status}` (available, away or offline)"),
                        )
                        .param("value", status.as_str()),
                    )),
                };
                match set {
                    Ok((status, reason)) => {
                        wire.send(&Outbound::Availability { status, reason }).await
                    }
                    Err(e) => wire.refuse(e.into(), None).await,
                }
            }
            OperatorFrame::Open {
                conversation,
                last_seq,
            } => {
                let Some(c) = self
                    .conversation(wire, &conversation, client_id.as_deref())
                    .await?
                else {
                    return Ok(());
                };
                self.follow(wire, Topic::Conversation(c.id), c.public_id, last_seq)
                    .await
            }
            OperatorFrame::CloseTab { conversation } => {
                let Some(c) = self
                    .conversation(wire, &conversation, client_id.as_deref())
                    .await?
                else {
                    return Ok(());
                };
                if let Some(f) = self.follows.remove(&Topic::Conversation(c.id)) {
                    f.task.abort();
                }
                Ok(())
            }
            OperatorFrame::Take { conversation } => {
                let Some(c) = self
                    .conversation(wire, &conversation, client_id.as_deref())
                    .await?
                else {
                    return Ok(());
                };
                match livechat::take(&self.core, &self.operator, &c).await {
                    Ok(()) => {
                        self.follow(wire, Topic::Conversation(c.id), c.public_id, 0)
                            .await
                    }
                    Err(e) => wire.refuse(e.into(), None).await,
                }
            }
            OperatorFrame::Typing { conversation, on } => {
                let Some(c) = self
                    .conversation(wire, &conversation, client_id.as_deref())
                    .await?
                else {
                    return Ok(());
                };
                let typing = Event::Typing {
                    author: Author::Operator,
                    on,
                    name: Some(self.operator.name.as_str().into()),
                };
                self.core.bus.publish(Topic::Conversation(c.id), typing);
                Ok(())
            }
            OperatorFrame::Send {
                client_id: id,
                conversation: c,
                text,
            } => self.act(wire, &id, &c, Act::Send(text)).await,
            OperatorFrame::Knowledge {
                client_id: id,
                conversation: c,
                knowledge_id,
            } => self.act(wire, &id, &c, Act::Knowledge(knowledge_id)).await,
            OperatorFrame::Note {
                client_id: id,
                conversation: c,
                text,
            } => self.act(wire, &id, &c, Act::Note(text)).await,
            OperatorFrame::End {
                client_id: id,
                conversation: c,
            } => self.act(wire, &id, &c, Act::End).await,
            OperatorFrame::Transfer {
                client_id: id,
                conversation: c,
                to,
            } => self.act(wire, &id, &c, Act::Transfer(to)).await,
            OperatorFrame::OfferHelp {
                client_id: id,
                conversation: c,
            } => self.act(wire, &id, &c, Act::OfferHelp).await,
            OperatorFrame::Supervise { on } => {
                if let Err(e) = supervision::must_supervise(&self.operator) {
                    return wire.refuse(e.into(), None).await;
                }
                self.supervising = on;
                if on {
                    self.follow(wire, Topic::Supervision, String::new(), 0)
                        .await?;
                    self.send_supervision(wire).await
                } else {
                    if let Some(f) = self.follows.remove(&Topic::Supervision) {
                        f.task.abort();
                    }
                    self.supervision_due = None;
                    Ok(())
                }
            }
            OperatorFrame::Whisper {
                client_id: id,
                conversation: c,
                text,
            } => self.act(wire, &id, &c, Act::Whisper(text)).await,
            OperatorFrame::TakeOver {
                client_id: id,
                conversation: c,
            } => self.act(wire, &id, &c, Act::TakeOver).await,
            OperatorFrame::Reassign {
                client_id: id,
                conversation: c,
                to,
            } => self.act(wire, &id, &c, Act::Reassign(to)).await,
            // Answered by the connection loop.
            OperatorFrame::Ping | OperatorFrame::Unknown => Ok(()),
        }
    }

    async fn on_event(&mut self, wire: &mut Wire, wake: Wake) -> Step {
        let (topic, event) = match wake {
            Wake::RefreshDue => {
                self.refresh_due = None;
                return self.refresh(wire).await;
            }
            Wake::SupervisionDue => {
                self.supervision_due = None;
                return self.send_supervision(wire).await;
            }
            Wake::Bus(e) => e,
        };
        if matches!(event, Err(RecvError::Closed)) {
            return Ok(());
        }
        if topic == Topic::Supervision {
            return match self.last_supervision {
                Some(at) if at.elapsed() < SUPERVISION_GAP => {
                    if self.supervision_due.is_none() {
                        self.supervision_due = Some((at + SUPERVISION_GAP).into());
                    }
                    Ok(())
                }
                _ => self.send_supervision(wire).await,
            };
        }
        if topic == Topic::Livechat {
            return match self.last_refresh {
                Some(at) if at.elapsed() < REFRESH_GAP => {
                    if self.refresh_due.is_none() {
                        self.refresh_due = Some((at + REFRESH_GAP).into());
                    }
                    Ok(())
                }
                _ => self.refresh(wire).await,
            };
        }
        let Some(cursor) = self.follows.get_mut(&topic).and_then(|f| f.cursor.as_mut()) else {
            return Ok(());
        };
        match event {
            Ok(Event::Message(m)) => cursor.deliver(wire, &self.core, &m).await,
            Ok(Event::Typing { author, on, .. }) => {
                if author == Author::Operator {
                    return Ok(());
                }
                wire.send(&Outbound::Typing {
                    conversation: Some(&cursor.public_id),
                    author,
                    on,
                    name: None,
                })
                .await
            }
            Ok(Event::VisitorChanged) => {
                wire.send(&Outbound::VisitorChanged {
                    conversation: &cursor.public_id,
                })
                .await
            }
            _ => cursor.replay(wire, &self.core).await,
        }
    }

    async fn on_heartbeat(&mut self) {
        let _ = self.core.store.touch_presence(self.operator.id).await;
    }

    fn on_close(&mut self) {
        for (_, f) in self.follows.drain() {
            f.task.abort();
        }
    }
}

/// What an operator does to a conversation that stores a message (and gets an `ack`).
enum Act {
    Send(String),
    /// A private note (staff only).
    Note(String),
    /// A knowledge item's answer, by id.
    Knowledge(String),
    End,
    /// To the operator with this id.
    Transfer(OperatorId),
    OfferHelp,
    /// Supervisors: a message only staff see.
    Whisper(String),
    /// Supervisors: the conversation becomes theirs.
    TakeOver,
    /// Supervisors: to the operator with this id.
    Reassign(OperatorId),
}

impl Act {
    async fn perform(
        self,
        core: &Core,
        actor: &Actor,
        operator: &Operator,
        c: &Conversation,
        client_id: &str,
    ) -> Result<Appended, ActionError> {
        match self {
            Act::Send(text) => livechat::operator_text(core, operator, c, client_id, &text).await,
            Act::Note(text) => livechat::operator_note(core, operator, c, client_id, &text).await,
            Act::Knowledge(id) => {
                let served = chat::served(core, c.bot_id).await?;
                livechat::operator_knowledge(core, &served, operator, c, client_id, &id).await
            }
            // A supervisor may end a conversation someone else holds.
            Act::End if operator.role.supervises() && c.operator_id != Some(operator.id) => {
                supervision::end(core, actor, operator, c, client_id).await
            }
            Act::End => livechat::end(core, operator, c, client_id).await,
            Act::Transfer(to) => livechat::transfer(core, operator, c, to, client_id).await,
            Act::OfferHelp => monitored::offer_help(core, operator, c, client_id).await,
            Act::Whisper(text) => supervision::whisper(core, operator, c, client_id, &text).await,
            Act::TakeOver => supervision::take_over(core, actor, operator, c, client_id).await,
            Act::Reassign(to) => {
                supervision::reassign(core, actor, operator, c, to, client_id).await
            }
        }
    }
}

impl Console {
    /// Runs a storing action on a conversation and acknowledges it after commit.
    async fn act(
        &mut self,
        wire: &mut Wire,
        client_id: &str,
        conversation: &str,
        act: Act,
    ) -> Step {
        if let Err(m) = check_client_id(client_id) {
            let shown: String = client_id.chars().take(64).collect();
            return wire.refuse(Refusal::from(m), Some(&shown)).await;
        }
        let Some(c) = self
            .conversation(wire, conversation, Some(client_id))
            .await?
        else {
            return Ok(());
        };
        let result = act
            .perform(&self.core, &self.actor, &self.operator, &c, client_id)
            .await;
        match result {
            Ok(a) => {
                wire.send(&Outbound::Ack {
                    client_id,
                    seq: a.messages.first().map(|m| m.seq).unwrap_or(0),
                    conversation: Some(&c.public_id),
                    duplicate: a.duplicate,
                })
                .await
            }
            Err(e) => wire.refuse(e.into(), Some(client_id)).await,
        }
    }

    /// The conversation a frame names, or the error frame saying it is unknown.
    async fn conversation(
        &mut self,
        wire: &mut Wire,
        public_id: &str,
        client_id: Option<&str>,
    ) -> Result<Option<Conversation>, super::wire::Closed> {
        match self
            .core
            .store
            .conversation_by_public_id(public_id)
            .await
            .or_not_found("conversation")
        {
            Ok(c) => Ok(Some(c)),
            Err(ActionError::NotFound(_)) => {
                wire.refuse(
                    Refusal::new("conversation_unknown", "unknown conversation"),
                    client_id,
                )
                .await?;
                Ok(None)
            }
            Err(e) => {
                wire.refuse(e.into(), None).await?;
                Ok(None)
            }
        }
    }

    /// Starts following the livechat topic, or a conversation from `last_seq`.
    async fn follow(
        &mut self,
        wire: &mut Wire,
        topic: Topic,
        public_id: String,
        last_seq: i64,
    ) -> Step {
        if self.follows.contains_key(&topic) {
            return Ok(());
        }
        let mut events = self.core.bus.subscribe(topic);
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            loop {
                let e = events.recv().await;
                let closed = matches!(e, Err(RecvError::Closed));
                if tx.send((topic, e)).await.is_err() || closed {
                    break;
                }
            }
        });
        let cursor = match topic {
            Topic::Conversation(id) => Some(Cursor {
                id,
                public_id,
                last_sent: last_seq,
                staff: true,
            }),
            Topic::Livechat | Topic::Supervision => None,
        };
        self.follows.insert(topic, Follow { cursor, task });
        let Topic::Conversation(id) = topic else {
            return Ok(());
        };
        self.describe(wire, id).await?;
        match self.follows.get_mut(&topic).and_then(|f| f.cursor.as_mut()) {
            Some(cursor) => cursor.replay(wire, &self.core).await,
            None => Ok(()),
        }
    }

    /// What the console shows beside a conversation: its bot and language (the knowledge
    /// search uses them), its kind and state.
    async fn describe(&mut self, wire: &mut Wire, id: i64) -> Step {
        let (conv, bots) = match (
            self.core.store.conversation_by_id(id).await,
            self.core.store.list_bots_with(true).await,
        ) {
            (Ok(c), Ok(b)) => (c, b),
            (Err(e), _) | (_, Err(e)) => {
                return wire.refuse(ActionError::from(e).into(), None).await
            }
        };
        if let Err(e) = monitored::seen(&self.core, &self.operator, &conv).await {
            tracing::warn!(error = %e, "could not record a monitored conversation as seen");
        }
        let bot = bots.iter().find(|b| b.id == conv.bot_id);
        wire.send(&Outbound::Conversation {
            conversation: &conv.public_id,
            bot: bot.map(|b| b.slug.as_str()),
            lang: conv.lang,
            kind: conv.kind,
            state: conv.state,
        })
        .await
    }

    /// Sends the queue, the colleagues' presence and the operator's conversations (and
    /// follows any conversation newly assigned to this operator), then the monitored list.
    async fn refresh(&mut self, wire: &mut Wire) -> Step {
        self.last_refresh = Some(Instant::now());
        // Every account change (deactivation, sign-out everywhere, a revoked token)
        // announces itself as a livechat change: a credential that no longer works ends
        // the connection, saying why.
        if let Ok(false) = self.core.store.credential_alive(&self.credential).await {
            tracing::info!(
                operator = self.operator.id.0,
                "credential ended: console closed"
            );
            wire.refuse(
                Refusal::new(
                    "signed_out",
                    "you have been signed out (session ended or account deactivated)",
                ),
                None,
            )
            .await?;
            return wire.close(4401, "signed out").await;
        }
        let snap = match livechat::snapshot(&self.core, self.operator.id).await {
            Ok(s) => s,
            Err(e) => return wire.refuse(e.into(), None).await,
        };
        wire.send(&Outbound::Queue {
            items: QueuedView::list(&snap.queue),
        })
        .await?;
        wire.send(&Outbound::Presence {
            operators: &snap.presence,
        })
        .await?;
        let conversations = snap.assigned.iter().map(|(_, p)| p.as_str()).collect();
        wire.send(&Outbound::Assigned { conversations }).await?;
        self.tell_taken(wire, &snap.assigned).await?;
        for (id, public_id) in &snap.assigned {
            self.follow(wire, Topic::Conversation(*id), public_id.clone(), 0)
                .await?;
        }
        let items = MonitoredView::list(&snap.monitored, &self.operator);
        wire.send(&Outbound::Monitored { items }).await?;
        if self.supervising {
            self.send_supervision(wire).await?;
        }
        Ok(())
    }

    /// The supervision list (supervisors who sent `supervise`).
    async fn send_supervision(&mut self, wire: &mut Wire) -> Step {
        if !self.supervising {
            return Ok(());
        }
        self.last_supervision = Some(Instant::now());
        match supervision::overview(&self.core, &self.operator).await {
            Ok(list) => {
                wire.send(&Outbound::Supervision {
                    now: crate::domain::now_ms(),
                    conversations: &list,
                })
                .await
            }
            Err(e) => wire.refuse(e.into(), None).await,
        }
    }

    /// A conversation this operator held and no longer holds: if a supervisor took it
    /// over, reassigned or ended it, the console is told (`taken_over`). Its event message
    /// may be stored just after the move: looked for on a few refreshes.
    async fn tell_taken(&mut self, wire: &mut Wire, assigned: &[(i64, String)]) -> Step {
        let mut next: HashMap<i64, (String, Option<u8>)> = assigned
            .iter()
            .map(|(id, p)| (*id, (p.clone(), None)))
            .collect();
        let lost: Vec<(i64, String, u8)> = self
            .held
            .iter()
            .filter(|(id, _)| !next.contains_key(id))
            .map(|(id, (p, tries))| (*id, p.clone(), tries.unwrap_or(TOLD_TRIES)))
            .collect();
        for (id, public_id, tries) in lost {
            match supervision::told_of(&self.core, id, self.operator.id).await {
                Ok(Some(told)) => {
                    wire.send(&Outbound::TakenOver {
                        conversation: &public_id,
                        action: told.action,
                        by: &told.by,
                        to: told.to.as_deref(),
                    })
                    .await?;
                }
                Ok(None) if tries > 1 => {
                    next.insert(id, (public_id, Some(tries - 1)));
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not read a conversation's last acts"),
            }
        }
        self.held = next;
        Ok(())
    }
}

/// Sleeps until `due`, or forever when nothing is due.
async fn sleep_until(due: Option<tokio::time::Instant>) {
    match due {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}
