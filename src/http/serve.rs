//! The accept loop: Vigie's own instead of `axum::serve`, so that no client can starve the
//! server of connections.
//!
//! - a client has `header_read_timeout` to send a request's headers (also the longest a
//!   kept-alive connection waits for its next request): silent sockets, half-sent headers
//!   and a byte every few seconds are closed;
//! - a connection that neither reads nor writes a byte for `idle_timeout` is closed
//!   (once upgraded, a WebSocket is watched by its own heartbeat instead);
//! - one client address holds at most `max_connections_per_address` open connections,
//!   WebSockets included (0: no cap). Behind a trusted proxy (`trusted_proxies`) the
//!   client's address is the one the proxy forwards (`X-Forwarded-For`), and that is
//!   also what handlers see as `ConnectInfo`;
//! - an accept error (out of file descriptors…) never stops the server: it is logged (at
//!   most once a second, with how many were not) and accepting resumes shortly after;
//! - when the shutdown starts (`Draining`), the loop stops accepting and every HTTP
//!   connection ends after its current request; the WebSockets are closed by their loop.

use crate::config::{IpBlock, Settings};
use crate::service::Draining;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// What the accept loop enforces (from `Settings`).
#[derive(Clone)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_per_address: usize,
    pub trusted_proxies: Arc<[IpBlock]>,
}

impl Limits {
    pub fn from_settings(s: &Settings) -> Limits {
        Limits {
            header_read_timeout: s.header_read_timeout,
            idle_timeout: s.idle_timeout,
            max_per_address: s.max_connections_per_address,
            trusted_proxies: s.trusted_proxies.clone().into(),
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|b| b.contains(ip))
    }

    /// The client's address: the peer's, or behind trusted proxies the right-most
    /// address of `X-Forwarded-For` that is not one of them.
    pub fn client_address(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let Some(list) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for item in list.rsplit(',') {
            let Ok(ip) = item.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct Counts {
    map: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One open connection of an address; counted until the last clone is dropped (the
/// connection's task holds one, and a WebSocket upgraded from it another).
pub struct Slot {
    counts: Counts,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.map.lock().expect("slot lock");
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

impl Counts {
    fn acquire(&self, ip: IpAddr, max: usize) -> Option<Arc<Slot>> {
        if max == 0 {
            return Some(Arc::new(Slot {
                counts: Counts::default(),
                ip,
            }));
        }
        let mut map = self.map.lock().expect("slot lock");
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Arc::new(Slot {
            counts: self.clone(),
            ip,
        }))
    }
}

/// The connection's place in its address's count, in every request's extensions: the
/// WebSocket endpoints keep it for as long as the socket is open.
#[derive(Clone)]
pub struct ClientSlot(#[allow(dead_code)] Option<Arc<Slot>>);

/// Serves `router` on `listener` until `draining` starts, then waits (up to `limit`) for
/// the HTTP connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    draining: Draining,
    limit: Duration,
) {
    let counts = Counts::default();
    let (close_tx, close_rx) = watch::channel(false);
    let mut errors = ErrorLog::default();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = draining.wait() => break,
            accepted = listener.accept() => accepted,
        };
        let (tcp, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                errors.record(&e);
                // Out of descriptors or memory: give the connections being served time
                // to end instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Chat frames are small and often written back to back (ack, then messages):
        // without TCP_NODELAY, Nagle holds the second until the delayed ACK (~40 ms).
        let _ = tcp.set_nodelay(true);
        let behind_proxy = limits.trusts(peer.ip());
        // Behind a proxy the address is only known from each request's headers.
        let slot = if behind_proxy {
            None
        } else {
            match counts.acquire(peer.ip(), limits.max_per_address) {
                Some(s) => Some(s),
                None => {
                    metrics::counter!("vigie_connections_refused_total").increment(1);
                    drop(tcp);
                    continue;
                }
            }
        };
        let conn = Conn {
            router: router.clone(),
            limits: limits.clone(),
            counts: counts.clone(),
            peer,
            slot,
        };
        tokio::spawn(conn.run(tcp, close_rx.clone()));
    }
    drop(close_rx);
    let _ = close_tx.send(true);
    let _ = tokio::time::timeout(limit, close_tx.closed()).await;
}

struct Conn {
    router: Router,
    limits: Limits,
    counts: Counts,
    peer: SocketAddr,
    slot: Option<Arc<Slot>>,
}

impl Conn {
    async fn run(self, tcp: TcpStream, mut close: watch::Receiver<bool>) {
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Tracked {
            inner: tcp,
            activity: activity.clone(),
        });
        let Conn {
            router,
            limits,
            counts,
            peer,
            slot,
        } = self;
        let idle_timeout = limits.idle_timeout;
        let header_read_timeout = limits.header_read_timeout;
        let in_flight = Arc::new(AtomicU64::new(0));
        let busy = in_flight.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let (router, limits, counts, slot) =
                (router.clone(), limits.clone(), counts.clone(), slot.clone());
            let working = Working::new(&busy);
            async move {
                let _working = working;
                let mut req = req.map(Body::new);
                let forwarded = req
                    .headers()
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok());
                let client = limits.client_address(peer.ip(), forwarded);
                let slot = match slot {
                    Some(s) => Some(s),
                    // Behind a proxy: the forwarded address's WebSockets are counted
                    // (plain requests are short and the proxy bounds them).
                    None if is_upgrade(&req) => {
                        match counts.acquire(client, limits.max_per_address) {
                            Some(s) => Some(s),
                            None => return Ok::<_, Infallible>(too_many()),
                        }
                    }
                    None => None,
                };
                let port = if client == peer.ip() { peer.port() } else { 0 };
                req.extensions_mut()
                    .insert(ConnectInfo(SocketAddr::new(client, port)));
                req.extensions_mut().insert(ClientSlot(slot));
                Ok(router.oneshot(req).await.unwrap_or_else(|e| match e {}))
            }
        });
        let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);
        let mut conn = pin!(builder.serve_connection_with_upgrades(io, service));
        let mut closing = *close.borrow();
        if closing {
            conn.as_mut().graceful_shutdown();
        }
        let mut watch = tokio::time::interval(idle_timeout.min(Duration::from_secs(1)));
        loop {
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended");
                    }
                    break;
                }
                changed = close.changed(), if !closing => {
                    closing = true;
                    if changed.is_ok() {
                        conn.as_mut().graceful_shutdown();
                    }
                }
                _ = watch.tick() => {
                    // A handler at work (a large import) is not idleness.
                    if activity.idle() >= idle_timeout && in_flight.load(Ordering::Relaxed) == 0 {
                        tracing::debug!(%peer, "idle connection closed");
                        break;
                    }
                }
            }
        }
    }
}

/// Counts a request in flight until its response is ready.
struct Working(Arc<AtomicU64>);

impl Working {
    fn new(count: &Arc<AtomicU64>) -> Working {
        count.fetch_add(1, Ordering::Relaxed);
        Working(count.clone())
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn is_upgrade(req: &Request<Body>) -> bool {
    req.headers()
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn too_many() -> Response {
    super::error::ApiError::coded(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_connections",
        "too many open connections from this address",
    )
    .into_response()
}

/// When a connection last read or wrote a byte.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last_ms.store(now, Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// A socket that records its activity.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Accept errors, logged at most once a second (a full descriptor table fails every
/// accept, and the log must not become the next thing to fill the disk).
#[derive(Default)]
struct ErrorLog {
    last: Option<Instant>,
    suppressed: u64,
}

impl ErrorLog {
    fn record(&mut self, e: &std::io::Error) {
        metrics::counter!("vigie_accept_errors_total").increment(1);
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
        {
            self.suppressed += 1;
            return;
        }
        tracing::error!(
            error = %e,
            suppressed = self.suppressed,
            "accept error (the server keeps serving; `suppressed`: errors not logged since the last line)"
        );
        self.last = Some(Instant::now());
        self.suppressed = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_address_only_from_trusted_proxies() {
        let limits = Limits {
            header_read_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            max_per_address: 1,
            trusted_proxies: vec![IpBlock::parse("10.0.0.0/8").unwrap()].into(),
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not a proxy: its header is the client's word, not believed.
        assert_eq!(
            limits.client_address(ip("1.2.3.4"), Some("5.6.7.8")),
            ip("1.2.3.4")
        );
        // A proxy: the right-most address it did not add itself.
        assert_eq!(
            limits.client_address(ip("10.0.0.1"), Some("9.9.9.9, 5.6.7.8, 10.0.0.2")),
            ip("5.6.7.8")
        );
        assert_eq!(limits.client_address(ip("10.0.0.1"), None), ip("10.0.0.1"));
        let counts = Counts::default();
        let first = counts.acquire(ip("1.2.3.4"), 1).unwrap();
        assert!(counts.acquire(ip("1.2.3.4"), 1).is_none());
        assert!(counts.acquire(ip("1.2.3.5"), 1).is_some());
        drop(first);
        assert!(counts.acquire(ip("1.2.3.4"), 1).is_some());
    }
}
