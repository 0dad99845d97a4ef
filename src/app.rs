//! The running application: shared state, first-start seeding, and `launch`, the seam
//! both `vigie serve` and the tests use (they bind a listener, the app serves it until
//! the shutdown future resolves).

use crate::actions;
use crate::config::Settings;
use crate::engines::Engines;
use crate::http;
use crate::store::Store;
use axum::serve::ListenerExt;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The demo knowledge base shipped in the binary and seeded on first start.
pub const DEMO_KNOWLEDGE: &str = include_str!("../data/demo/knowledge.json");

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub engines: Engines,
    pub settings: Arc<Settings>,
    pub login_by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub login_by_email: Arc<DefaultKeyedRateLimiter<String>>,
    pub bus: crate::bus::Bus,
    /// The livechat settings and when they were read (see `livechat::settings`).
    pub livechat_settings: Arc<
        std::sync::RwLock<
            Option<(
                crate::domain::livechat_settings::LivechatSettings,
                std::time::Instant,
            )>,
        >,
    >,
    /// Frames per visitor over the WebSocket (all of a visitor's connections together).
    pub visitor_frames: Arc<DefaultKeyedRateLimiter<i64>>,
    /// Wakes the mail worker when a mail is queued.
    pub mailer: crate::mail::Mailer,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> AppState {
        let per_minute =
            NonZeroU32::new(settings.login_attempts_per_minute).unwrap_or(NonZeroU32::MIN);
        AppState {
            store,
            engines: Engines::default(),
            settings: Arc::new(settings),
            login_by_ip: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            login_by_email: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            bus: crate::bus::Bus::default(),
            livechat_settings: Arc::default(),
            visitor_frames: Arc::new(RateLimiter::keyed(
                Quota::per_second(NonZeroU32::new(10).expect("non-zero"))
                    .allow_burst(NonZeroU32::new(20).expect("non-zero")),
            )),
            mailer: crate::mail::Mailer::default(),
        }
    }
}

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
pub async fn first_start(
    store: &Store,
    engines: &Engines,
    public_url: &str,
) -> anyhow::Result<FirstStart> {
    let mut done = FirstStart::default();
    if store.count_operators().await? == 0 {
        let password = crate::auth::generate_password();
        let email = "admin@vigie.localhost";
        actions::add_operator(store, email, "Admin", "admin", password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
        done.admin = Some((email.to_string(), password));
    }
    if store.list_bots().await?.is_empty() {
        let bot = actions::create_bot(store, "demo", "Vigie Helpdesk", "fr")
            .await
            .map_err(|e| anyhow::anyhow!("creating the demo bot: {e}"))?;
        actions::import_knowledge(store, &bot, actions::FileFormat::Json, DEMO_KNOWLEDGE)
            .await
            .map_err(|e| anyhow::anyhow!("importing the demo knowledge: {e:?}"))?;
        let mut config = crate::domain::ChatboxConfig::default();
        config
            .modules
            .insert(crate::monitored::MODULE.to_string(), true);
        store.save_chatbox_config(bot.id, &config, None).await?;
        actions::deploy(store, engines, &bot, None)
            .await
            .map_err(|e| anyhow::anyhow!("deploying the demo bot: {e}"))?;
        let mut settings = store.livechat_settings().await?;
        if settings.monitored_prefix_url.is_empty() {
            settings.monitored_prefix_url = actions::deployed_url(public_url, &bot);
            store.save_livechat_settings(&settings).await?;
        }
        done.demo_bot = true;
    }
    Ok(done)
}

/// Serves the app on `listener` until `shutdown` resolves.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let events = if state.store.backend() == crate::store::Backend::Postgres {
        Some(
            state
                .bus
                .listen_postgres(&state.settings.database_url)
                .await
                .map_err(std::io::Error::other)?,
        )
    } else {
        None
    };
    let transport = crate::mail::Transport::new(
        state.settings.smtp_url.as_deref(),
        state.settings.smtp_ca_file.as_deref(),
        state.settings.data_dir.join("outbox"),
    )
    .map_err(std::io::Error::other)?;
    let worker = state.mailer.spawn(crate::mail::outbox::Worker {
        store: state.store.clone(),
        transport,
        from: state.settings.mail_from.clone(),
        retry_base: std::time::Duration::from_secs(state.settings.mail_retry_seconds),
        on_change: {
            let state = state.clone();
            Arc::new(move || crate::livechat::changed(&state))
        },
    });
    let sweeper = crate::livechat::spawn_queue_sweeper(state.clone());
    let router = http::router(state);
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
