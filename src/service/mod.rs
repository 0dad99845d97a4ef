//! The use cases: what Vigie does, shared by every entry point (the HTTP API, the two
//! WebSockets, the CLI and the background workers). Each one takes the [`Core`] — the
//! store, the served matchers, the bus, the mailer, the livechat-settings cache and the
//! settings — and returns domain values or an [`ActionError`]. Nothing here knows HTTP,
//! frames or the terminal: `crate::http` and `crate::cli` call in, never the reverse.
//!
//! - `actions`: accounts, bots, knowledge, import/export, deploy, ask;
//! - `chat`: the conversation core (a visitor writes, chooses, asks for a human) and the
//!   opening of a visitor's session;
//! - `livechat`: hand-over, queue, presence, what operators do in a conversation, and the
//!   console's snapshot;
//! - `monitored`: monitored conversations (creation, links, guide, offer of help);
//! - `offline`: office hours and the offline form (messages left, answered by mail);
//! - `bots`: creating, renaming and archiving bots;
//! - `history`: the conversation history (search, transcripts, transcripts by mail);
//! - `people`: invitations, roles, deactivation, one's own password and sessions,
//!   forgotten passwords, API tokens;
//! - `audit`: the audit log (`audit::record`, called after every admin or supervisor act);
//! - `supervision`: live supervision (the open conversations, whisper, take over,
//!   reassign, end), for supervisors and admins;
//! - `settings`: the livechat settings and their short-lived cache;
//! - `first_start`: an empty database gets an admin and the demo bot.

pub mod actions;
pub mod audit;
pub mod blocks;
pub mod bots;
pub mod canned;
pub mod chat;
mod error;
pub mod feedback;
pub mod first_start;
pub mod history;
pub mod learning;
pub mod livechat;
pub mod monitored;
pub mod offline;
pub mod people;
pub mod privacy;
pub mod settings;
pub mod statistics;
pub mod supervision;
pub mod visitors;

pub use error::{invalid, ActionError, OrNotFound, Refusal};

use crate::bus::Bus;
use crate::config::Settings;
use crate::engines::Engines;
use crate::mail::Mailer;
use crate::store::Store;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// What every use case works with; cheap to clone (everything inside is shared).
#[derive(Clone)]
pub struct Core {
    pub store: Store,
    /// The matchers being served, one per deployed bot.
    pub engines: Engines,
    /// Conversation and livechat events (hints; the store is the truth).
    pub bus: Bus,
    /// Wakes the mail worker when a mail is queued.
    pub mailer: Mailer,
    /// The livechat settings, cached for a few seconds.
    pub livechat_settings: settings::Cache,
    /// The validated settings (`public_url` is the base of every link Vigie builds).
    pub settings: Arc<Settings>,
    /// Set when the server is shutting down: live sockets close (to reconnect elsewhere).
    pub draining: Draining,
}

/// The shutdown signal the long-lived connections follow, and their count.
#[derive(Clone, Default)]
pub struct Draining {
    tx: Arc<watch::Sender<bool>>,
    live: Arc<AtomicUsize>,
}

/// Held by a live connection; counts it until dropped.
pub struct Live {
    live: Arc<AtomicUsize>,
    kind: &'static str,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
        metrics::gauge!("vigie_connections", "kind" => self.kind).decrement(1.0);
    }
}

impl Draining {
    /// From now on every connection is told to go.
    pub fn start(&self) {
        self.tx.send_replace(true);
    }

    pub fn started(&self) -> bool {
        *self.tx.borrow()
    }

    /// A receiver that turns true when the shutdown starts.
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.tx.subscribe()
    }

    /// Resolves once the shutdown started (at once if it has).
    pub async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|d| *d).await;
    }

    /// Registers a live connection of `kind` (`visitor`, `operator`).
    pub fn live(&self, kind: &'static str) -> Live {
        self.live.fetch_add(1, Ordering::SeqCst);
        metrics::gauge!("vigie_connections", "kind" => kind).increment(1.0);
        Live {
            live: self.live.clone(),
            kind,
        }
    }

    /// How many connections are still open.
    pub fn open(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }
}

impl Core {
    pub fn new(store: Store, settings: Settings) -> Core {
        Core {
            store,
            engines: Engines::new(settings.model.clone()),
            bus: Bus::default(),
            mailer: Mailer::default(),
            livechat_settings: settings::Cache::default(),
            settings: Arc::new(settings),
            draining: Draining::default(),
        }
    }

    /// The base of every link Vigie builds, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.settings.public_url
    }

    /// The domain of the Message-IDs of the mails Vigie sends: the public URL's host.
    pub fn mail_domain(&self) -> String {
        url::Url::parse(self.public_url())
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "vigie.localhost".into())
    }
}
