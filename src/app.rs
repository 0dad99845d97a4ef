//! The composition root: `launch` wires the core to its background workers (mail outbox,
//! queue sweeper, PostgreSQL event listener) and to the HTTP edge. It is the seam both
//! `vigie serve` and the tests use (they seed with `first_start`, bind a listener, and the
//! app serves it until the shutdown future resolves). Nothing else depends on it.

use crate::http;
use crate::service::{livechat, Core};

pub use crate::service::first_start::{first_start, FirstStart};
use axum::serve::ListenerExt;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Serves the app on `listener` until `shutdown` resolves.
pub async fn launch(
    core: Core,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let events = if core.store.backend() == crate::store::Backend::Postgres {
        Some(
            core.bus
                .listen_postgres(&core.settings.database_url)
                .await
                .map_err(std::io::Error::other)?,
        )
    } else {
        None
    };
    let transport = crate::mail::Transport::new(
        core.settings.smtp_url.as_deref(),
        core.settings.smtp_ca_file.as_deref(),
        core.settings.data_dir.join("outbox"),
    )
    .map_err(std::io::Error::other)?;
    let worker = core.mailer.spawn(crate::mail::outbox::Worker {
        store: core.store.clone(),
        transport,
        from: core.settings.mail_from.clone(),
        retry_base: std::time::Duration::from_secs(core.settings.mail_retry_seconds),
        on_change: {
            let core = core.clone();
            Arc::new(move || livechat::changed(&core))
        },
    });
    let sweeper = livechat::spawn_queue_sweeper(core.clone());
    let audit_sweeper = crate::service::audit::spawn_sweeper(core.clone());
    let router = http::router(http::AppState::new(core));
    // Chat frames are small and often written back to back (ack, then messages): without
    // TCP_NODELAY, Nagle's algorithm holds the second write until the client's delayed ACK
    // (~40 ms).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    if let Some(events) = events {
        events.abort();
    }
    worker.abort();
    sweeper.abort();
    audit_sweeper.abort();
    Ok(())
}
