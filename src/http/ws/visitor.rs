//! `/ws/visitor`: the chatbox's realtime connection (protocol in docs/protocol.md).
//!
//! The connection remembers the last sequence number it sent; bus events are only hints:
//! an event that is not the next number (or a lagging subscription) makes it read the
//! missing messages from the store, so the visitor sees every message once, in order,
//! whatever the bus dropped. Who the visitor is and which conversation a `hello` opens is
//! decided by `service::chat::open_session`.

use super::conn::{self, Cursor, Endpoint};
use super::frames::{
    BlockedWelcome, Hello, MonitoredWelcome, Outbound, Refusal, VisitorFrame, Welcome,
    PROTOCOL_VERSION,
};
use super::wire::{self, Step, Wire};
use crate::bus::{Event, Topic};
use crate::domain::chatbox_config::Module;
use crate::domain::conversation::{check_client_id, Author};
use crate::http::extract::Peer;
use crate::http::serve::ClientSlot;
use crate::http::AppState;
use crate::service::chat::{self, Opened, Opening};
use crate::service::{blocks, feedback, history, monitored, offline, visitors, ActionError, Core};
use crate::store::Appended;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use tokio::sync::broadcast::{self, error::RecvError};

/// Frames a connection may send before `hello` (each answered `hello_first`).
const MAX_BEFORE_HELLO: u32 = 5;

pub(super) async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    slot: Option<Extension<ClientSlot>>,
    Peer(address): Peer,
    headers: axum::http::HeaderMap,
) -> Response {
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let draining = state.core.draining.clone();
    wire::configure(ws).on_upgrade(move |socket| async move {
        // Counted against the client's address for as long as the socket is open.
        let _slot = slot;
        conn::run(
            socket,
            Visitor {
                ip: address.as_deref().and_then(|a| a.parse().ok()),
                state,
                session: None,
                pending: None,
                before_hello: 0,
                address,
                user_agent,
            },
            draining,
            "visitor",
        )
        .await
    })
}

struct Session {
    open: chat::Session,
    events: broadcast::Receiver<Event>,
    cursor: Cursor,
}

struct Visitor {
    state: AppState,
    session: Option<Session>,
    /// A new conversation nothing of which is stored yet: stored by the first frame that
    /// must be (`chat::materialize`).
    pending: Option<Box<chat::Pending>>,
    before_hello: u32,
    /// The client's address (the TCP peer, as the audit log records it), for blocks.
    address: Option<String>,
    /// The same, parsed: `hello`s are limited per client address.
    ip: Option<std::net::IpAddr>,
    /// The browser's `User-Agent` (the visitor record shows its browser and system).
    user_agent: Option<String>,
}

/// What a visitor's connection follows: its conversation's bus events and, opened by a
/// monitored conversation's link, the moment that link expires.
enum Followed {
    Bus(Result<Event, RecvError>),
    LinkExpiry,
}

impl Endpoint for Visitor {
    type Inbound = VisitorFrame;
    type Event = Followed;

    async fn next_event(&mut self) -> Followed {
        let Some(s) = &mut self.session else {
            return std::future::pending().await;
        };
        let Some((_, expires_at)) = s.open.link else {
            return Followed::Bus(s.events.recv().await);
        };
        let left = (expires_at - crate::domain::now_ms()).max(0) as u64;
        tokio::select! {
            event = s.events.recv() => Followed::Bus(event),
            _ = tokio::time::sleep(std::time::Duration::from_millis(left)) => Followed::LinkExpiry,
        }
    }

    async fn on_frame(
        &mut self,
        wire: &mut Wire,
        frame: Result<VisitorFrame, Refusal>,
        client_id: Option<String>,
    ) -> Step {
        let client_id = client_id.as_deref();
        let frame = match frame {
            Ok(VisitorFrame::Hello(h)) => return self.on_hello(wire, h).await,
            Ok(f) => f,
            Err(refusal) => return wire.refuse(refusal, client_id).await,
        };
        if self.session.is_none() && self.pending.is_some() {
            if let Some(step) = self.on_pending(wire, &frame).await {
                return step;
            }
        }
        let Some(session) = &self.session else {
            self.before_hello += 1;
            if self.before_hello > MAX_BEFORE_HELLO {
                return wire.close(1008, "hello expected").await;
            }
            return wire.refuse(Refusal::hello_first(), client_id).await;
        };
        if self
            .state
            .visitor_frames
            .check_key(&session.open.visitor_id)
            .is_err()
        {
            let refusal =
                Refusal::new("rate_limited", "too many frames, slow down (10 per second)");
            return wire.refuse(refusal, client_id).await;
        }
        let core = &self.state.core;
        let (served, conv) = (&session.open.served, &session.open.conversation);
        // A blocked visitor (or address) writes nothing: `visitor_blocked`.
        if let VisitorFrame::Send { client_id, .. }
        | VisitorFrame::Choose { client_id, .. }
        | VisitorFrame::Handoff { client_id }
        | VisitorFrame::HelpReply { client_id, .. }
        | VisitorFrame::OfflineMessage { client_id, .. }
        | VisitorFrame::Feedback { client_id, .. }
        | VisitorFrame::Satisfaction { client_id, .. } = &frame
        {
            let visitor = Some(session.open.visitor_id);
            let address = self.address.as_deref();
            if let Err(e) = blocks::check(core, conv.bot_id, visitor, address).await {
                let shown: String = client_id.chars().take(64).collect();
                return wire.refuse(Refusal::from(e), Some(&shown)).await;
            }
        }
        let started = std::time::Instant::now();
        let (client_id, result) = match frame {
            VisitorFrame::Send { client_id, text } => {
                let act = chat::visitor_text(core, served, conv, &client_id, &text);
                let result = checked(&client_id, act).await;
                (client_id, result)
            }
            VisitorFrame::Choose {
                client_id,
                knowledge_id,
            } => {
                let act = chat::visitor_choice(core, served, conv, &client_id, &knowledge_id);
                let result = checked(&client_id, act).await;
                (client_id, result)
            }
            VisitorFrame::Handoff { client_id } => {
                let act = chat::visitor_handoff(core, served, conv, &client_id);
                let result = checked(&client_id, act).await;
                (client_id, result)
            }
            VisitorFrame::OfflineMessage {
                client_id,
                email,
                text,
            } => {
                let act = offline::leave_message(
                    core,
                    served,
                    conv,
                    &client_id,
                    email.as_deref(),
                    text.as_deref(),
                );
                let result = checked(&client_id, act).await;
                (client_id, result)
            }
            VisitorFrame::HelpReply { client_id, accept } => {
                let act = monitored::help_reply(core, served, conv, &client_id, accept);
                let result = checked(&client_id, act).await;
                (client_id, result)
            }
            VisitorFrame::Page { page } => {
                let visitor = session.open.visitor_id;
                if let Err(e) = visitors::page(core, visitor, conv.id, &page).await {
                    return wire.refuse(Refusal::from(e), None).await;
                }
                return Ok(());
            }
            VisitorFrame::Typing { on } => {
                let topic = Topic::Conversation(conv.id);
                let typing = Event::Typing {
                    author: Author::Visitor,
                    on,
                    name: None,
                };
                core.bus.publish(topic, typing);
                return Ok(());
            }
            VisitorFrame::Transcript { client_id, email } => {
                if let Err(p) = check_client_id(&client_id) {
                    return wire.refuse(Refusal::from(p), None).await;
                }
                let done =
                    history::mail(core, conv, email.as_deref(), history::Asker::Visitor).await;
                return match done {
                    Ok(mailed) => {
                        wire.send(&Outbound::TranscriptSent {
                            client_id: &client_id,
                            email: &mailed.email,
                        })
                        .await
                    }
                    // A field's own code (`email_invalid`, `required`), so that the
                    // chatbox says which.
                    Err(ActionError::Invalid(fields)) if !fields.is_empty() => {
                        let f = &fields[0];
                        wire.refuse(Refusal::new(f.code, f.message.clone()), Some(&client_id))
                            .await
                    }
                    Err(e) => wire.refuse(Refusal::from(e), Some(&client_id)).await,
                };
            }
            VisitorFrame::Feedback {
                client_id,
                seq,
                helpful,
            } => {
                if let Err(p) = check_client_id(&client_id) {
                    return wire.refuse(Refusal::from(p), None).await;
                }
                return match feedback::rate_answer(core, served, conv, seq, helpful).await {
                    Ok(()) => {
                        wire.send(&Outbound::FeedbackSaved {
                            client_id: &client_id,
                            seq,
                            helpful,
                        })
                        .await
                    }
                    Err(e) => wire.refuse(Refusal::from(e), Some(&client_id)).await,
                };
            }
            VisitorFrame::Satisfaction {
                client_id,
                ended_seq,
                score,
                comment,
            } => {
                if let Err(p) = check_client_id(&client_id) {
                    return wire.refuse(Refusal::from(p), None).await;
                }
                let done =
                    feedback::survey(core, served, conv, ended_seq, score, comment.as_deref())
                        .await;
                return match done {
                    Ok(s) => {
                        wire.send(&Outbound::SatisfactionSaved {
                            client_id: &client_id,
                            ended_seq: s.satisfaction.ended_seq,
                            score: s.satisfaction.score,
                        })
                        .await
                    }
                    Err(e) => wire.refuse(Refusal::from(e), Some(&client_id)).await,
                };
            }
            // Answered by the connection loop.
            VisitorFrame::Hello(_) | VisitorFrame::Ping | VisitorFrame::Unknown => return Ok(()),
        };
        let step = acknowledge(wire, &client_id, result).await;
        metrics::histogram!("vigie_ack_seconds").record(started.elapsed().as_secs_f64());
        step
    }

    async fn on_event(&mut self, wire: &mut Wire, event: Followed) -> Step {
        let event = match event {
            Followed::LinkExpiry => return self.check_link(wire).await,
            Followed::Bus(e) => e,
        };
        // A revoked link (or a lost hint that may have been one): still valid?
        if matches!(
            event,
            Ok(Event::LinksChanged | Event::Resync) | Err(RecvError::Lagged(_))
        ) {
            self.check_link(wire).await?;
        }
        let core = &self.state.core;
        let Some(s) = self.session.as_mut() else {
            return Ok(());
        };
        match event {
            Ok(Event::Message(m)) => s.cursor.deliver(wire, core, &m).await,
            Ok(Event::Typing { author, on, name }) => {
                if author == Author::Visitor {
                    return Ok(());
                }
                wire.send(&Outbound::Typing {
                    conversation: None,
                    author,
                    on,
                    name: Some(name.as_deref()),
                })
                .await
            }
            Ok(Event::Stored { seq }) if seq <= s.cursor.last_sent => Ok(()),
            Ok(Event::Stored { .. } | Event::Resync | Event::LivechatChanged)
            | Err(RecvError::Lagged(_)) => s.cursor.replay(wire, core).await,
            Ok(Event::LinksChanged | Event::VisitorChanged) | Err(RecvError::Closed) => Ok(()),
        }
    }

    fn on_close(&mut self) {
        self.leave();
    }
}

/// Runs a storing action unless its client id is malformed (then refused, echoed cut
/// to 64 characters).
async fn checked(
    client_id: &str,
    action: impl std::future::Future<Output = Result<Appended, ActionError>>,
) -> Result<Appended, Refusal> {
    check_client_id(client_id).map_err(Refusal::from)?;
    action.await.map_err(Refusal::from)
}

/// `ack` after commit, or the error frame.
async fn acknowledge(wire: &mut Wire, client_id: &str, result: Result<Appended, Refusal>) -> Step {
    match result {
        Ok(appended) => {
            let seq = appended.messages.first().map(|m| m.seq).unwrap_or(0);
            wire.send(&Outbound::Ack {
                client_id,
                seq,
                conversation: None,
                duplicate: appended.duplicate,
            })
            .await
        }
        Err(refusal) => {
            let shown: String = client_id.chars().take(64).collect();
            wire.refuse(refusal, Some(&shown)).await
        }
    }
}

impl Visitor {
    fn core(&self) -> &Core {
        &self.state.core
    }

    /// Drops the session's subscription (a new `hello`, or the end of the connection).
    fn leave(&mut self) {
        self.pending = None;
        if let Some(s) = self.session.take() {
            let topic = Topic::Conversation(s.open.conversation.id);
            drop(s);
            self.core().bus.release(topic);
        }
    }

    /// A session opened by a monitored conversation's link whose link was revoked (or
    /// replaced by a newer one) or expired: the visitor is told (`link_revoked`,
    /// `link_expired`) and the socket closed (4403, 4410); it no longer receives or
    /// posts anything. Sessions without a link, or with a link still valid, go on.
    async fn check_link(&mut self, wire: &mut Wire) -> Step {
        let Some((link_id, _)) = self.session.as_ref().and_then(|s| s.open.link) else {
            return Ok(());
        };
        let problem = match monitored::link_still_works(self.core(), link_id).await {
            Ok(None) => return Ok(()),
            Ok(Some(p)) => p,
            Err(e) => {
                tracing::warn!(error = %e, "could not check a monitored link");
                return Ok(());
            }
        };
        let message = problem.message();
        let (frame, code, reason) = match problem {
            monitored::LinkProblem::Expired => {
                (Outbound::LinkExpired { message }, 4410, "link expired")
            }
            _ => (Outbound::LinkRevoked { message }, 4403, "link revoked"),
        };
        self.leave();
        wire.send(&frame).await?;
        wire.close(code, reason).await
    }

    /// Opens the session (`service::chat::open_session`), then welcome, replay, live.
    async fn on_hello(&mut self, wire: &mut Wire, h: Hello) -> Step {
        if h.v.is_some_and(|v| v != PROTOCOL_VERSION) {
            let refusal = Refusal::malformed(format!("protocol version {PROTOCOL_VERSION} only"));
            return wire.refuse(refusal, None).await;
        }
        // `hello`s per client address (`VIGIE_HELLO_PER_MINUTE`): past it, `rate_limited`
        // and the socket is closed (1008: the chatbox does not reconnect at once).
        if let (Some(limiter), Some(ip)) = (&self.state.hellos, self.ip) {
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
            if limiter.check_key(&ip).is_err() {
                metrics::counter!("vigie_hellos_refused_total").increment(1);
                let refusal = Refusal::new(
                    "rate_limited",
                    "too many connections opened from this address, slow down",
                );
                wire.refuse(refusal, None).await?;
                return wire.close(1008, "too many hellos").await;
            }
        }
        let opening = Opening {
            bot: &h.bot,
            lang: h.lang.as_deref(),
            visitor_token: h.visitor_token.as_deref(),
            conversation: h.conversation.as_deref(),
            link: h.mc.as_deref(),
            address: self.address.as_deref(),
            context: h.context.as_deref(),
            user_agent: self.user_agent.as_deref(),
        };
        let open = match chat::open_session(self.core(), &opening).await {
            Ok(Ok(Opened::Stored(open))) => open,
            Ok(Ok(Opened::Pending(pending))) => return self.welcome_pending(wire, pending).await,
            Ok(Err(refused)) => return refuse_opening(wire, refused).await,
            Err(e) => return wire.refuse(e.into(), None).await,
        };
        let (visitor, conversation) = (open.visitor_id, open.conversation.id);
        let context = h.context.as_deref();
        let user_agent = self.user_agent.as_deref();
        if let Err(e) =
            visitors::record(self.core(), visitor, conversation, context, user_agent).await
        {
            return wire.refuse(e.into(), None).await;
        }
        // Subscribe before reading the replay so nothing falls between the two.
        let events = self
            .core()
            .bus
            .subscribe(Topic::Conversation(open.conversation.id));
        self.leave();
        let conv = &open.conversation;
        let blocked = match blocks::in_force(
            self.core(),
            conv.bot_id,
            Some(open.visitor_id),
            self.address.as_deref(),
        )
        .await
        {
            Ok(b) => b.map(|b| BlockedWelcome {
                until: b.expires_at,
            }),
            Err(e) => return wire.refuse(e.into(), None).await,
        };
        let welcome = Welcome {
            v: PROTOCOL_VERSION,
            visitor_token: open.visitor_token.as_deref(),
            conversation: &conv.public_id,
            lang: conv.lang,
            last_seq: conv.last_seq,
            deployment: open.served.version,
            bot_name: &open.served.snapshot.bot_name,
            config: open.served.snapshot.config.resolve(conv.lang),
            monitored: open.monitored_by.as_ref().map(|creator| MonitoredWelcome {
                operator: creator.as_deref(),
            }),
            blocked,
            identity: open.identity.wire(),
        };
        wire.send(&Outbound::Welcome(Box::new(welcome))).await?;
        let cursor = Cursor {
            id: open.conversation.id,
            public_id: open.conversation.public_id.clone(),
            last_sent: h.last_seq.max(0),
            staff: false,
        };
        let core = self.state.core.clone();
        let session = self.session.insert(Session {
            open,
            events,
            cursor,
        });
        session.cursor.replay(wire, &core).await?;
        wire.send(&Outbound::ReplayDone {
            last_seq: Some(session.cursor.last_sent),
        })
        .await
    }
}

impl Visitor {
    /// `welcome` for a new conversation nothing of which is stored: the token and the
    /// conversation id to keep, nothing to replay.
    async fn welcome_pending(&mut self, wire: &mut Wire, pending: Box<chat::Pending>) -> Step {
        self.leave();
        let p = &pending;
        let welcome = Welcome {
            v: PROTOCOL_VERSION,
            visitor_token: p.visitor_token.as_deref(),
            conversation: &p.public_id,
            lang: p.lang,
            last_seq: 0,
            deployment: p.served.version,
            bot_name: &p.served.snapshot.bot_name,
            config: p.served.snapshot.config.resolve(p.lang),
            monitored: None,
            blocked: None,
            identity: p.identity.wire(),
        };
        wire.send(&Outbound::Welcome(Box::new(welcome))).await?;
        self.pending = Some(pending);
        wire.send(&Outbound::ReplayDone { last_seq: Some(0) }).await
    }

    /// A frame on a pending session. A `page` updates the context held in memory,
    /// `typing` reaches nobody; a frame that must be stored stores the session first
    /// (`chat::materialize`, unless the frame would be refused anyway) and then takes the
    /// ordinary path (None); the frames that need stored messages are refused.
    async fn on_pending(&mut self, wire: &mut Wire, frame: &VisitorFrame) -> Option<Step> {
        let p = self.pending.as_mut()?;
        let core = &self.state.core;
        if self.state.visitor_frames.check_key(&p.rate_key()).is_err() {
            let refusal =
                Refusal::new("rate_limited", "too many frames, slow down (10 per second)");
            return Some(wire.refuse(refusal, frame_client_id(frame)).await);
        }
        let (served, lang) = (&p.served, p.lang);
        let (client_id, check) = match frame {
            VisitorFrame::Page { page } => {
                visitors::remember_page(&mut p.context, page);
                return Some(Ok(()));
            }
            VisitorFrame::Send { client_id, text } => (
                client_id,
                chat::check_first_write(served, lang, Some(text), None, false),
            ),
            VisitorFrame::Choose {
                client_id,
                knowledge_id,
            } => (
                client_id,
                chat::check_first_write(served, lang, None, Some(knowledge_id), false),
            ),
            VisitorFrame::Handoff { client_id } => (
                client_id,
                chat::check_first_write(served, lang, None, None, true),
            ),
            VisitorFrame::OfflineMessage { client_id, .. } => (client_id, Ok(())),
            // Nothing stored yet: no transcript (offered after an operator took part), no
            // answer to rate, no conversation end to survey, no operator's offer of help.
            VisitorFrame::Transcript { client_id, .. } => {
                let on = served.snapshot.config.module_on(Module::Transcript);
                let refusal = Refusal::from(history::transcript_refused(on));
                return Some(acknowledge(wire, client_id, Err(refusal)).await);
            }
            // As on a stored conversation: no such answer, no such end of a livechat.
            VisitorFrame::Feedback { client_id, seq, .. } => {
                let refusal = Refusal::from(feedback::not_an_answer(*seq));
                return Some(acknowledge(wire, client_id, Err(refusal)).await);
            }
            VisitorFrame::Satisfaction {
                client_id,
                ended_seq,
                ..
            } => {
                let refusal = Refusal::from(feedback::not_a_livechat_end(*ended_seq));
                return Some(acknowledge(wire, client_id, Err(refusal)).await);
            }
            VisitorFrame::HelpReply { client_id, .. } => {
                let refusal = Refusal::from(ActionError::NotFound("message"));
                return Some(acknowledge(wire, client_id, Err(refusal)).await);
            }
            VisitorFrame::Typing { .. }
            | VisitorFrame::Hello(_)
            | VisitorFrame::Ping
            | VisitorFrame::Unknown => return Some(Ok(())),
        };
        let checked = check_client_id(client_id)
            .map_err(Refusal::from)
            .and(check.map_err(Refusal::from));
        if let Err(refusal) = checked {
            return Some(acknowledge(wire, client_id, Err(refusal)).await);
        }
        // A blocked visitor (or address) writes nothing: `visitor_blocked`.
        let address = self.address.as_deref();
        if let Err(e) = blocks::check(core, p.bot_id, p.stored_visitor(), address).await {
            return Some(acknowledge(wire, client_id, Err(Refusal::from(e))).await);
        }
        let open = match chat::materialize(core, p).await {
            Ok(open) => open,
            Err(e) => return Some(acknowledge(wire, client_id, Err(Refusal::from(e))).await),
        };
        // Subscribed before the message is stored: its frames reach this socket.
        let events = core
            .bus
            .subscribe(Topic::Conversation(open.conversation.id));
        let cursor = Cursor {
            id: open.conversation.id,
            public_id: open.conversation.public_id.clone(),
            last_sent: 0,
            staff: false,
        };
        self.pending = None;
        self.session = Some(Session {
            open,
            events,
            cursor,
        });
        None
    }
}

/// The `client_id` a frame carries, for an error about it.
fn frame_client_id(frame: &VisitorFrame) -> Option<&str> {
    match frame {
        VisitorFrame::Send { client_id, .. }
        | VisitorFrame::Choose { client_id, .. }
        | VisitorFrame::Handoff { client_id }
        | VisitorFrame::HelpReply { client_id, .. }
        | VisitorFrame::OfflineMessage { client_id, .. }
        | VisitorFrame::Feedback { client_id, .. }
        | VisitorFrame::Satisfaction { client_id, .. }
        | VisitorFrame::Transcript { client_id, .. } => Some(client_id),
        _ => None,
    }
}

/// A `hello` that opens no session: the error frame, and for some the end of the socket.
async fn refuse_opening(wire: &mut Wire, refused: chat::Refusal) -> Step {
    let (refusal, close) = match refused {
        chat::Refusal::UnknownBot(bot) => {
            (Refusal::new("unknown_bot", format!("no bot `{bot}`")), true)
        }
        chat::Refusal::Archived => (
            Refusal::new(
                "bot_archived",
                "this bot is archived: it is no longer available",
            ),
            true,
        ),
        chat::Refusal::NotDeployed => (
            Refusal::new("not_deployed", "this bot has not been deployed yet"),
            true,
        ),
        chat::Refusal::NotYours => (
            Refusal::new(
                "forbidden",
                "this conversation is not yours; send hello without `conversation` to start one",
            ),
            false,
        ),
        chat::Refusal::Link(problem) => (Refusal::new(problem.code(), problem.message()), true),
        chat::Refusal::Blocked => (
            Refusal::new(
                "visitor_blocked",
                "you have been blocked from writing in this chat",
            ),
            false,
        ),
    };
    let code = refusal.code;
    let sent = wire.refuse(refusal, None).await;
    if close {
        sent?;
        // 1008 (policy violation): the chatbox does not retry at once.
        let reason = match code {
            "unknown_bot" => "unknown bot",
            "bot_archived" => "bot archived",
            "not_deployed" => "not deployed",
            _ => "link refused",
        };
        wire.close(1008, reason).await
    } else {
        sent
    }
}
