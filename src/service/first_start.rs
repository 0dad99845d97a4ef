//! The first start: an empty database gets an admin and the demo bot.

use super::{actions, Core};
use crate::domain::chatbox_config::Module;

/// The demo knowledge base shipped in the binary and seeded on first start.
pub const DEMO_KNOWLEDGE: &str = include_str!("../../data/demo/knowledge.json");

/// The first admin's address when none is chosen (`--admin-email`, `VIGIE_ADMIN_EMAIL`).
pub const DEMO_ADMIN_EMAIL: &str = "admin@vigie.localhost";

/// What the first start created, for the caller to show once.
#[derive(Debug, Default)]
pub struct FirstStart {
    pub admin: Option<(String, String)>,
    /// The admin got the demo default address (`DEMO_ADMIN_EMAIL`): anyone can guess it.
    pub admin_email_is_default: bool,
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
        let email = core
            .settings
            .admin_email
            .as_deref()
            .map(str::trim)
            .unwrap_or(DEMO_ADMIN_EMAIL);
        done.admin_email_is_default = email == DEMO_ADMIN_EMAIL;
        actions::add_operator(core, email, "Admin", "admin", password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
        done.admin = Some((email.to_string(), password));
    }
    // Archived bots count: a database whose bots are all archived is not empty.
    if store.list_bots_with(true).await?.is_empty() {
        let langs = ["fr".to_string(), "en".to_string()];
        let bot = super::bots::create(core, "demo", "Vigie Helpdesk", "fr", &langs)
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
