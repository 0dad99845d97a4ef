//! The composition root: `launch` wires the core to its background workers (mail outbox,
//! queue sweeper, PostgreSQL event listener) and to the HTTP edge. It is the seam both
//! `vigie serve` and the tests use (they seed with `first_start`, bind a listener, and the
//! app serves it until the shutdown future resolves). Nothing else depends on it.

use crate::http;
use crate::service::{livechat, Core};

pub use crate::service::first_start::{first_start, FirstStart};
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
    let mut worker = core.mailer.spawn_until(
        crate::mail::outbox::Worker {
            store: core.store.clone(),
            transport,
            from: core.settings.mail_from.clone(),
            retry_base: std::time::Duration::from_secs(core.settings.mail_retry_seconds),
            on_change: {
                let core = core.clone();
                Arc::new(move || livechat::changed(&core))
            },
        },
        core.draining.subscribe(),
    );
    let sweeper = livechat::spawn_queue_sweeper(core.clone());
    if let Some(addr) = core.settings.metrics_listen {
        let handle = http::metrics::install().map_err(std::io::Error::other)?;
        let metrics = TcpListener::bind(addr).await.map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot listen on {addr} (VIGIE_METRICS_LISTEN): {e}"),
            )
        })?;
        tracing::info!(listen = %metrics.local_addr()?, "metrics served at /metrics");
        let router = http::metrics::router(core.clone(), handle);
        let draining = core.draining.clone();
        tokio::spawn(async move {
            let _ = axum::serve(metrics, router)
                .with_graceful_shutdown(async move { draining.wait().await })
                .await;
        });
    }
    let draining = core.draining.clone();
    let store = core.store.clone();
    let audit_sweeper = crate::service::audit::spawn_sweeper(core.clone());
    let retention_sweeper = crate::service::privacy::spawn_sweeper(core.clone());
    let limits = http::serve::Limits::from_settings(&core.settings);
    let router = http::router(http::AppState::new(core));
    // The shutdown future starts the draining: the accept loop stops, every socket is
    // told to go.
    tokio::spawn({
        let draining = draining.clone();
        async move {
            shutdown.await;
            draining.start();
        }
    });
    http::serve::serve(listener, router, limits, draining.clone(), DRAIN_LIMIT).await;
    // Graceful shutdown: the sockets close with 1012 (their clients reconnect, to another
    // node behind a load balancer); a message being handled finishes and is acknowledged
    // first (the loops end between frames), then what the writer holds is committed and
    // the mail worker ends its round.
    draining.start();
    let deadline = tokio::time::Instant::now() + DRAIN_LIMIT;
    while draining.open() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    if draining.open() > 0 {
        tracing::warn!(open = draining.open(), "sockets still open at shutdown");
    }
    store.flush().await;
    sweeper.abort();
    if tokio::time::timeout(DRAIN_LIMIT, &mut worker)
        .await
        .is_err()
    {
        tracing::warn!("mail worker still busy at shutdown: stopped");
        worker.abort();
    }
    if let Some(events) = events {
        events.abort();
    }
    audit_sweeper.abort();
    retention_sweeper.abort();
    tracing::info!("stopped");
    Ok(())
}

/// How long the shutdown waits for sockets, then for the mail worker.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);
