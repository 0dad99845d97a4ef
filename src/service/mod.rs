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
//! - `people`: invitations, roles, deactivation, one's own password and sessions,
//!   forgotten passwords, API tokens;
//! - `audit`: the audit log (`audit::record`, called after every admin or supervisor act);
//! - `settings`: the livechat settings and their short-lived cache;
//! - `first_start`: an empty database gets an admin and the demo bot.

pub mod actions;
pub mod audit;
pub mod chat;
mod error;
pub mod first_start;
pub mod livechat;
pub mod monitored;
pub mod people;
pub mod settings;

pub use error::{invalid, ActionError, OrNotFound, Refusal};

use crate::bus::Bus;
use crate::config::Settings;
use crate::engines::Engines;
use crate::mail::Mailer;
use crate::store::Store;
use std::sync::Arc;

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
        }
    }

    /// The base of every link Vigie builds, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.settings.public_url
    }
}
