//! Bots: create, rename (name, languages, default language), archive and bring back. An
//! archived bot leaves the lists, its chatbox says it is unavailable, and its conversations
//! stay in the history.

use super::{ActionError, Core, OrNotFound, Refusal};
use crate::domain::{BotProfile, NewBot, Problem};
use crate::store::Bot;

pub async fn create(
    core: &Core,
    slug: &str,
    name: &str,
    lang: &str,
    langs: &[String],
) -> Result<Bot, ActionError> {
    let new = NewBot::parse_with(slug, name, lang, langs).map_err(ActionError::Invalid)?;
    match core.store.create_bot(&new).await {
        Ok(bot) => Ok(bot),
        Err(crate::store::StoreError::Conflict(_)) => Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "slug_taken",
                format!("a bot with the slug `{}` already exists", new.slug.as_str()),
            )
            .param("slug", new.slug.as_str()),
        )),
        Err(e) => Err(e.into()),
    }
}

/// New name and languages for the bot `slug`.
pub async fn update(
    core: &Core,
    slug: &str,
    name: &str,
    lang: &str,
    langs: &[String],
) -> Result<Bot, ActionError> {
    let bot = core.store.bot(slug).await.or_not_found("bot")?;
    let p = BotProfile::parse(name, lang, langs).map_err(ActionError::Invalid)?;
    let bot = core
        .store
        .update_bot(bot.id, &p.name, p.default_lang, &p.langs)
        .await
        .or_not_found("bot")?;
    core.engines.forget_bot(&bot.slug);
    Ok(bot)
}

/// Archives (`true`) or brings back (`false`) the bot `slug`.
pub async fn set_archived(core: &Core, slug: &str, archived: bool) -> Result<Bot, ActionError> {
    let bot = core.store.bot(slug).await.or_not_found("bot")?;
    let bot = core
        .store
        .set_bot_archived(bot.id, archived)
        .await
        .or_not_found("bot")?;
    core.engines.forget_bot(&bot.slug);
    Ok(bot)
}
