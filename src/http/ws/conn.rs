//! The connection loop both endpoints run: one task per connection `select!`s over the
//! socket, the events the connection follows and a heartbeat. Frames are checked
//! (`Wire::read`), read as the side's typed enum (`frames::parse`), `ping` and unknown
//! types answered here; the rest, and the events, go to the endpoint. Both endpoints
//! follow conversations with a [`Cursor`].

use super::frames::{self, Inbound, Outbound, Refusal};
use super::wire::{self, Closed, Step, Wire};
use crate::domain::conversation::Message;
use crate::service::{ActionError, Core};
use axum::extract::ws::{Message as WsMessage, WebSocket};
use std::future::Future;

/// What one side of the protocol does with its frames and events.
pub(super) trait Endpoint: Send {
    type Inbound: Inbound;
    type Event: Send;

    /// The next event the connection follows; never resolves while it follows nothing.
    fn next_event(&mut self) -> impl Future<Output = Self::Event> + Send;

    /// A frame of this side (or why it could not be read). `client_id` is the frame's,
    /// for errors about it.
    fn on_frame(
        &mut self,
        wire: &mut Wire,
        frame: Result<Self::Inbound, Refusal>,
        client_id: Option<String>,
    ) -> impl Future<Output = Step> + Send;

    fn on_event(
        &mut self,
        wire: &mut Wire,
        event: Self::Event,
    ) -> impl Future<Output = Step> + Send;

    /// After each heartbeat the peer is still there.
    fn on_heartbeat(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// The connection is over (the peer left or went silent).
    fn on_close(&mut self);
}

/// Runs a connection until the peer leaves or goes silent, or the server shuts down
/// (then the socket is closed with 1012 "service restart": the client reconnects, to
/// another node behind the load balancer).
pub(super) async fn run<E: Endpoint>(
    socket: WebSocket,
    mut endpoint: E,
    draining: crate::service::Draining,
    kind: &'static str,
) {
    let _live = draining.live(kind);
    let mut wire = Wire::new(socket);
    let mut heartbeat = wire::heartbeat().await;
    loop {
        let step = tokio::select! {
            biased;
            _ = draining.wait() => {
                wire.close_for_restart().await;
                break;
            }
            frame = wire.recv() => match frame {
                Some(frame) => on_frame(&mut wire, &mut endpoint, frame).await,
                None => Err(Closed),
            },
            event = endpoint.next_event() => endpoint.on_event(&mut wire, event).await,
            _ = heartbeat.tick() => match wire.ping().await {
                Ok(()) => {
                    endpoint.on_heartbeat().await;
                    Ok(())
                }
                dead => dead,
            },
        };
        if step.is_err() {
            break;
        }
    }
    endpoint.on_close();
}

async fn on_frame<E: Endpoint>(wire: &mut Wire, endpoint: &mut E, frame: WsMessage) -> Step {
    let Some(frame) = wire.read(frame).await? else {
        return Ok(());
    };
    let client_id = frame.client_id;
    let parsed = frames::parse::<E::Inbound>(&frame.kind, frame.value);
    match &parsed {
        Ok(f) if f.is_ping() => wire.send(&Outbound::Pong).await,
        Ok(f) if f.is_unknown() => {
            let refusal = Refusal::new(
                "unknown_type",
                format!("unknown frame type `{}`", frame.kind),
            );
            wire.refuse(refusal, client_id.as_deref()).await
        }
        _ => endpoint.on_frame(wire, parsed, client_id).await,
    }
}

/// Where a connection is in one conversation: the last `seq` it sent. Bus events are
/// hints: the next message is sent at once, a gap (or a lost hint) is read from the store.
///
/// A visitor's cursor (`staff == false`) passes over staff-only messages (private notes):
/// their `seq` is consumed without sending anything, so the visitor's sequence numbers
/// are increasing but may skip some (docs/protocol.md).
pub(super) struct Cursor {
    pub id: i64,
    pub public_id: String,
    pub last_sent: i64,
    /// An operator's console: it sees every message, notes included.
    pub staff: bool,
}

const REPLAY_PAGE: i64 = 500;

impl Cursor {
    /// Whether this connection may see the message (a visitor never sees a note).
    fn shows(&self, m: &Message) -> bool {
        self.staff || !m.kind.staff_only()
    }

    /// A stored message announced on the bus.
    pub async fn deliver(&mut self, wire: &mut Wire, core: &Core, m: &Message) -> Step {
        if m.seq <= self.last_sent {
            Ok(())
        } else if m.seq == self.last_sent + 1 {
            if self.shows(m) {
                wire.send(&Outbound::message(&self.public_id, m)).await?;
            }
            self.last_sent = m.seq;
            Ok(())
        } else {
            self.replay(wire, core).await
        }
    }

    /// Sends every stored message after the last one sent.
    pub async fn replay(&mut self, wire: &mut Wire, core: &Core) -> Step {
        loop {
            let page = match core
                .store
                .messages_after(self.id, self.last_sent, REPLAY_PAGE)
                .await
            {
                Ok(p) => p,
                Err(e) => return wire.refuse(ActionError::from(e).into(), None).await,
            };
            for m in &page {
                if self.shows(m) {
                    wire.send(&Outbound::message(&self.public_id, m)).await?;
                }
                self.last_sent = m.seq;
            }
            if (page.len() as i64) < REPLAY_PAGE {
                return Ok(());
            }
        }
    }
}
