//! The livechat settings, read through a short-lived cache: every hand-over and every
//! console refresh needs them, and another node's change shows within `TTL`; this node's
//! own changes show at once.

use super::{ActionError, Core};
use crate::domain::livechat_settings::LivechatSettings;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a node trusts its copy of the livechat settings.
const TTL: Duration = Duration::from_secs(5);

/// The settings and when they were read.
#[derive(Clone, Default)]
pub struct Cache(Arc<RwLock<Option<(LivechatSettings, Instant)>>>);

impl Cache {
    fn fresh(&self) -> Option<LivechatSettings> {
        let cached = self.0.read().expect("settings lock");
        match &*cached {
            Some((s, at)) if at.elapsed() < TTL => Some(s.clone()),
            _ => None,
        }
    }

    fn put(&self, s: &LivechatSettings) {
        *self.0.write().expect("settings lock") = Some((s.clone(), Instant::now()));
    }
}

/// The livechat settings, from the cache when it is fresh.
pub async fn livechat(core: &Core) -> Result<LivechatSettings, ActionError> {
    if let Some(s) = core.livechat_settings.fresh() {
        return Ok(s);
    }
    let s = core.store.livechat_settings().await?;
    core.livechat_settings.put(&s);
    Ok(s)
}

/// Validates (the mail templates included) and saves the livechat settings; the cache
/// holds them at once. The caller tells operators (see `livechat::save_settings`).
pub(super) async fn save_livechat(core: &Core, s: &LivechatSettings) -> Result<(), ActionError> {
    s.validate().map_err(ActionError::Invalid)?;
    super::monitored::check_templates(s)?;
    super::people::check_templates(s)?;
    core.store.save_livechat_settings(s).await?;
    core.livechat_settings.put(s);
    Ok(())
}
