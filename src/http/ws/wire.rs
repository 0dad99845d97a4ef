//! The socket both realtime endpoints (`/ws/visitor`, `/ws/operator`) speak through: its
//! liveness (a ping every `HEARTBEAT`, dropped after `DEAD_AFTER` of silence), typed
//! frames out, and the first checks of a frame in (text, size, JSON, `type`), each refused
//! with the same error frame (docs/protocol.md).

pub(super) use super::frames::Frame;
use super::frames::{Outbound, Refusal};
use axum::extract::ws::{Message as WsMessage, Utf8Bytes, WebSocket, WebSocketUpgrade};
use std::time::{Duration, Instant};

/// Frames above `frames::MAX_FRAME` get a `too_large` error; far above it (`HARD_LIMIT`)
/// the socket is closed by the WebSocket layer itself.
const HARD_LIMIT: usize = 64 * 1024;
const HEARTBEAT: Duration = Duration::from_secs(20);
const DEAD_AFTER: Duration = Duration::from_secs(60);

/// Why a connection's loop stops: the peer is gone or judged dead.
pub(super) struct Closed;

pub(super) type Step = Result<(), Closed>;

/// The upgrade with small buffers (an idle chatbox costs a few KB instead of
/// tungstenite's 128 KiB default) and the hard size limit.
pub(super) fn configure(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(HARD_LIMIT)
        .max_frame_size(HARD_LIMIT)
}

/// The heartbeat of a connection's loop, its first (immediate) tick consumed.
pub(super) async fn heartbeat() -> tokio::time::Interval {
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    beat
}

pub(super) struct Wire {
    socket: WebSocket,
    last_heard: Instant,
}

impl Wire {
    pub fn new(socket: WebSocket) -> Wire {
        Wire {
            socket,
            last_heard: Instant::now(),
        }
    }

    /// The next frame from the peer; `None` once it is gone. A frame above `HARD_LIMIT`
    /// ends the connection with close code 1009 (message too big).
    pub async fn recv(&mut self) -> Option<WsMessage> {
        match self.socket.recv().await {
            Some(Ok(frame)) => {
                self.last_heard = Instant::now();
                Some(frame)
            }
            Some(Err(e)) => {
                let too_big = e
                    .into_inner()
                    .downcast_ref::<tungstenite::Error>()
                    .is_some_and(|e| matches!(e, tungstenite::Error::Capacity(_)));
                if too_big {
                    let _ = self.close(1009, "frame too large").await;
                }
                None
            }
            None => None,
        }
    }

    /// On a heartbeat tick: the peer silent for too long is dropped, else pinged.
    pub async fn ping(&mut self) -> Step {
        if self.last_heard.elapsed() > DEAD_AFTER {
            return Err(Closed);
        }
        self.socket
            .send(WsMessage::Ping(Default::default()))
            .await
            .map_err(|_| Closed)
    }

    /// The server is going away: close frame 1012 (service restart), then the peer's
    /// close is not waited for.
    pub async fn close_for_restart(&mut self) {
        let frame = axum::extract::ws::CloseFrame {
            code: 1012,
            reason: Utf8Bytes::from_static("server restarting, reconnect"),
        };
        let _ = self.socket.send(WsMessage::Close(Some(frame))).await;
    }

    /// Sends a frame. Written through `Value`, whose keys are ordered, so the JSON text is
    /// what the protocol's `json!` literals always produced.
    pub async fn send(&mut self, frame: &Outbound<'_>) -> Step {
        let text = serde_json::to_value(frame)
            .expect("frames serialize")
            .to_string();
        self.socket
            .send(WsMessage::Text(Utf8Bytes::from(text)))
            .await
            .map_err(|_| Closed)
    }

    /// An `error` frame, naming the frame's `client_id` when there is one.
    pub async fn refuse(&mut self, refusal: Refusal, client_id: Option<&str>) -> Step {
        self.send(&Outbound::Error {
            code: refusal.code,
            message: &refusal.message,
            client_id,
        })
        .await
    }

    /// Ends the connection with a WebSocket close frame (`code`, `reason`).
    pub async fn close(&mut self, code: u16, reason: &'static str) -> Step {
        let _ = self
            .socket
            .send(WsMessage::Close(Some(axum::extract::ws::CloseFrame {
                code,
                reason: Utf8Bytes::from_static(reason),
            })))
            .await;
        Err(Closed)
    }

    /// The first checks of an incoming frame. `Ok(Some(frame))`: a frame to read;
    /// `Ok(None)`: handled here (control frames, or refused with an error frame); `Err`:
    /// the peer closed.
    pub async fn read(&mut self, frame: WsMessage) -> Result<Option<Frame>, Closed> {
        let text = match frame {
            WsMessage::Text(t) => t,
            WsMessage::Binary(_) => {
                self.refuse(Refusal::malformed("frames are JSON text"), None)
                    .await?;
                return Ok(None);
            }
            WsMessage::Close(_) => return Err(Closed),
            WsMessage::Ping(_) | WsMessage::Pong(_) => return Ok(None),
        };
        match super::frames::check(text.as_str()) {
            Ok(frame) => Ok(Some(frame)),
            Err(refusal) => {
                self.refuse(refusal, None).await?;
                Ok(None)
            }
        }
    }
}
