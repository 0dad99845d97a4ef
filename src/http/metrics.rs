//! Prometheus metrics on a listener of their own (`VIGIE_METRICS_LISTEN`, `GET /metrics`).
//!
//! The code records through the `metrics` facade (counters, gauges, histograms named
//! `vigie_*`, no-ops when no recorder is installed: the tests and the CLI pay nothing);
//! `metrics-exporter-prometheus` renders them. The facade keeps the store and the
//! service free of any registry handle (the layering forbids them the edge), and the
//! exporter is used without its HTTP server: this axum router serves the text, after
//! refreshing the few gauges that are counts in the database (queue, operators by
//! status, mails by status).

use crate::service::Core;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets, in seconds: 0.5 ms to 10 s.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
];
/// Writer batch sizes (jobs per transaction).
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// Installs the process-wide recorder (once; a second call returns the first handle).
pub fn install() -> anyhow::Result<PrometheusHandle> {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)?
        .set_buckets_for_metric(
            Matcher::Full("vigie_writer_batch_size".into()),
            BATCH_BUCKETS,
        )?
        .install_recorder()?;
    describe();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_gauge!(
        "vigie_connections",
        "Open WebSockets, by kind (visitor, operator)"
    );
    describe_counter!(
        "vigie_messages_stored_total",
        "Messages committed (all authors)"
    );
    describe_histogram!(
        "vigie_ack_seconds",
        Unit::Seconds,
        "A visitor's frame received to its ack sent (matcher and commit included)"
    );
    describe_histogram!(
        "vigie_append_seconds",
        Unit::Seconds,
        "A message queued for the writer to its commit"
    );
    describe_histogram!(
        "vigie_writer_commit_seconds",
        Unit::Seconds,
        "One group-commit transaction"
    );
    describe_histogram!(
        "vigie_writer_batch_size",
        "Messages appends per group-commit transaction"
    );
    describe_gauge!("vigie_writer_queue", "Appends waiting for the writer");
    describe_histogram!(
        "vigie_matcher_seconds",
        Unit::Seconds,
        "One question through the matcher"
    );
    describe_counter!("vigie_deploys_total", "Deployments made by this node");
    describe_gauge!(
        "vigie_queue_length",
        "Conversations waiting for an operator"
    );
    describe_gauge!("vigie_operators", "Operators by presence status");
    describe_gauge!("vigie_mail_outbox", "Outbox mails by status");
}

/// The metrics router.
pub fn router(core: Core, handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state((core, handle))
}

async fn scrape(State((core, handle)): State<(Core, PrometheusHandle)>) -> Response {
    match core.store.gauges().await {
        Ok(g) => {
            metrics::gauge!("vigie_queue_length").set(g.queued as f64);
            for status in ["available", "away", "offline"] {
                let n = g
                    .operators
                    .iter()
                    .find(|(s, _)| s == status)
                    .map_or(0, |x| x.1);
                metrics::gauge!("vigie_operators", "status" => status).set(n as f64);
            }
            for status in ["queued", "sending", "retrying", "sent", "failed"] {
                let n = g.mails.iter().find(|(s, _)| s == status).map_or(0, |x| x.1);
                metrics::gauge!("vigie_mail_outbox", "status" => status).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: database counts unavailable"),
    }
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}
