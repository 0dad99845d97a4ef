//! The composition root: first-start seeding, and `launch`, which wires the core to its
//! background workers (mail outbox, queue sweeper, PostgreSQL event listener) and to the
//! HTTP edge. It is the seam both `vigie serve` and the tests use (they bind a listener,
//! the app serves it until the shutdown future resolves). Nothing else depends on it.

use crate::domain::chatbox_config::Module;
use crate::http;
use crate::service::{actions, livechat, Core};
use axum::serve::ListenerExt;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The demo knowledge base shipped in the binary and seeded on first start.
pub const DEMO_KNOWLEDGE: &str = include_str!("../data/demo/knowledge.json");

/// What the first start created, for the caller to show once.
#[derive(Debug, Default)]
pub struct FirstStart {
    pub admin: Option<(String, String)>,
    pub demo_bot: bool,
}

/// On an empty database: creates an admin with a generated password, and the demo bot
/// with its knowledge base, deployed. Does nothing on later starts.
///
/// The demo bot is ready for monitored conversations at once: its chatbox has the module
/// on, and the livechat settings' prefix URL is its deployed URL under `public_url`.
pub async fn first_start(core: &Core) -> anyhow::Result<FirstStart> {
    let store = &core.store;
    let mut done = FirstStart::default();
    if store.count_operators().await? == 0 {
        let password = crate::auth::generate_password();
        let email = "admin@vigie.localhost";
        actions::add_operator(core, email, "Admin", "admin", password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
        done.admin = Some((email.to_string(), password));
    }
    if store.list_bots().await?.is_empty() {
        let bot = actions::create_bot(core, "demo", "Vigie Helpdesk", "fr")
            .await
            .map_err(|e| anyhow::anyhow!("creating the demo bot: {e}"))?;
        actions::import_knowledge(core, &bot, actions::FileFormat::Json, DEMO_KNOWLEDGE)
            .await
            .map_err(|e| anyhow::anyhow!("importing the demo knowledge: {e:?}"))?;
        let mut config = crate::domain::ChatboxConfig::default();
        config.set_module(Module::MonitoredConversations, true);
        store.save_chatbox_config(bot.id, &config, None).await?;
        actions::deploy(core, &bot, None)
            .await
            .map_err(|e| anyhow::anyhow!("deploying the demo bot: {e}"))?;
        let mut settings = store.livechat_settings().await?;
        if settings.monitored_prefix_url.is_empty() {
            settings.monitored_prefix_url = actions::deployed_url(core.public_url(), &bot);
            store.save_livechat_settings(&settings).await?;
        }
        done.demo_bot = true;
    }
    Ok(done)
}

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
    Ok(())
}
