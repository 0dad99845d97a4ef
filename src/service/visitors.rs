//! Who the visitor is (issue 13, item 2): the embedding site's identity of its logged-in
//! user (checked against the bot's secret, so nobody can claim to be someone else), what
//! the chatbox reports about its pages, and the record an operator reads beside the
//! conversation. Admins read and renew the bot's secret.

use super::audit::{self, Actor};
use super::{ActionError, Core, OrNotFound};
use crate::auth::new_token;
use crate::bus::{Event, Topic};
use crate::domain::now_ms;
use crate::domain::visitor_context::{
    browser_and_system, verify, Context, Identity, IdentityProblem, PageView, ReportedContext,
    MAX_PAGES,
};
use crate::store::{MonitoredItem, StoreError, VisitorRecord};
use serde::Serialize;
use serde_json::json;

/// What came of the identity a `hello` claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityCheck {
    /// No identity was claimed.
    Anonymous,
    /// The hash is right: this is the site's user.
    Verified(Identity),
    /// Claimed with a wrong or missing hash (or the bot has no secret): not taken.
    Refused(IdentityProblem),
}

impl IdentityCheck {
    /// What `welcome` says of it: `verified`, `refused`, or nothing.
    pub fn wire(&self) -> Option<&'static str> {
        match self {
            IdentityCheck::Anonymous => None,
            IdentityCheck::Verified(_) => Some("verified"),
            IdentityCheck::Refused(_) => Some("refused"),
        }
    }
}

/// Checks the identity a `hello` claims for `bot_id`'s chatbox.
pub async fn check_identity(
    core: &Core,
    bot_id: i64,
    reported: Option<&ReportedContext>,
) -> Result<IdentityCheck, ActionError> {
    let Some((user, hash)) =
        reported.and_then(|r| Some((r.user.as_ref()?, r.user_hash.as_deref())))
    else {
        return Ok(IdentityCheck::Anonymous);
    };
    let secret = core.store.identity_secret(bot_id).await?;
    Ok(match verify(secret.as_deref(), user, hash) {
        Ok(identity) => IdentityCheck::Verified(identity),
        Err(problem) => {
            tracing::info!(
                bot_id,
                ?problem,
                "an identity claimed in a chatbox was refused"
            );
            IdentityCheck::Refused(problem)
        }
    })
}

/// Keeps what the chatbox reported at `hello` (cleaned and bounded) and tells the staff
/// following the conversation.
pub async fn record(
    core: &Core,
    visitor_id: i64,
    conversation_id: i64,
    reported: Option<&ReportedContext>,
    user_agent: Option<&str>,
) -> Result<(), ActionError> {
    keep(core, visitor_id, &cleaned(reported), user_agent).await?;
    changed(core, conversation_id).await
}

/// What the chatbox reported, cleaned and bounded: what `keep` stores (a session not
/// stored yet holds it in memory until its first write).
pub fn cleaned(reported: Option<&ReportedContext>) -> Context {
    reported.map(|r| r.cleaned(now_ms())).unwrap_or_default()
}

/// A page the visitor went to before anything was stored: added to the context held in
/// memory (the oldest dropped beyond what `cleaned` keeps).
pub fn remember_page(context: &mut Context, page: &PageView) {
    let Some(page) = page.cleaned(now_ms()) else {
        return;
    };
    if context
        .pages
        .last()
        .is_some_and(|p| p.url == page.url && p.at == page.at)
    {
        return;
    }
    context.pages.push(page);
    if context.pages.len() > MAX_PAGES {
        context.pages.drain(..context.pages.len() - MAX_PAGES);
    }
}

/// Stores a cleaned context on the visitor (no one is told: see `record`).
pub async fn keep(
    core: &Core,
    visitor_id: i64,
    context: &Context,
    user_agent: Option<&str>,
) -> Result<(), ActionError> {
    let user_agent = self::user_agent(user_agent);
    core.store
        .record_visitor_context(visitor_id, user_agent.as_deref(), context)
        .await?;
    Ok(())
}

/// The browser's `User-Agent` as kept (at most 512 characters).
pub fn user_agent(user_agent: Option<&str>) -> Option<String> {
    user_agent.map(|ua| ua.chars().take(512).collect())
}

/// A page the visitor went to with the chatbox open (`page` frame); an unusable URL is
/// ignored.
pub async fn page(
    core: &Core,
    visitor_id: i64,
    conversation_id: i64,
    page: &PageView,
) -> Result<(), ActionError> {
    let Some(page) = page.cleaned(now_ms()) else {
        return Ok(());
    };
    if core.store.add_visitor_page(visitor_id, &page).await? {
        changed(core, conversation_id).await?;
    }
    Ok(())
}

/// Tells the staff following the conversation (on every node) that its visitor's record
/// changed.
async fn changed(core: &Core, conversation_id: i64) -> Result<(), ActionError> {
    core.bus
        .publish(Topic::Conversation(conversation_id), Event::VisitorChanged);
    core.store.notify_visitor_changed(conversation_id).await?;
    Ok(())
}

/// What an operator reads beside a conversation.
#[derive(Debug, Serialize)]
pub struct Panel {
    #[serde(flatten)]
    pub record: VisitorRecord,
    pub browser: Option<String>,
    pub system: Option<String>,
    /// The address the visitor gave (a monitored conversation's, an offline message's).
    pub email: Option<String>,
    pub monitored: Option<MonitoredRecord>,
}

/// A monitored conversation's record, as the visitor panel shows it.
#[derive(Debug, Serialize)]
pub struct MonitoredRecord {
    pub name: String,
    pub email: String,
    pub strong: bool,
    pub creator: Option<String>,
    pub created_at: i64,
}

impl From<MonitoredItem> for MonitoredRecord {
    fn from(m: MonitoredItem) -> MonitoredRecord {
        MonitoredRecord {
            name: m.name,
            email: m.email,
            strong: m.strong,
            creator: m.creator.map(|c| c.name),
            created_at: m.created_at,
        }
    }
}

/// The visitor record of conversation `public_id`, for any operator.
pub async fn panel(core: &Core, public_id: &str) -> Result<Panel, ActionError> {
    let conv = core
        .store
        .conversation_by_public_id(public_id)
        .await
        .or_not_found("conversation")?;
    let visitor = conv.visitor_id.ok_or(ActionError::NotFound("visitor"))?;
    let record = core
        .store
        .visitor_record(visitor, conv.id)
        .await
        .or_not_found("visitor")?;
    let (browser, system) = record
        .user_agent
        .as_deref()
        .map(browser_and_system)
        .unwrap_or_default();
    let monitored = match core.store.monitored_by_conversation(conv.id).await {
        Ok(m) => Some(m.into()),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let email = core.store.visitor_email(conv.id).await?;
    Ok(Panel {
        record,
        browser,
        system,
        email,
        monitored,
    })
}

/// The bot's identity secret as an admin reads it (none: identities are refused).
pub async fn secret(core: &Core, bot: &str) -> Result<Option<String>, ActionError> {
    let bot = core.store.bot(bot).await.or_not_found("bot")?;
    Ok(core.store.identity_secret(bot.id).await?)
}

/// Makes a new secret for the bot (identities hashed with the old one are refused from
/// now on), audited.
pub async fn renew_secret(core: &Core, actor: &Actor, bot: &str) -> Result<String, ActionError> {
    let bot = core.store.bot(bot).await.or_not_found("bot")?;
    let secret = new_token("vis_");
    core.store
        .set_identity_secret(bot.id, Some(&secret))
        .await?;
    let target = format!("bot:{}", bot.slug);
    audit::record(
        core,
        actor,
        "bot.identity_secret_renewed",
        &target,
        json!({}),
    )
    .await;
    Ok(secret)
}

/// Removes the bot's secret: identities are refused, audited.
pub async fn remove_secret(core: &Core, actor: &Actor, bot: &str) -> Result<(), ActionError> {
    let bot = core.store.bot(bot).await.or_not_found("bot")?;
    core.store.set_identity_secret(bot.id, None).await?;
    let target = format!("bot:{}", bot.slug);
    audit::record(
        core,
        actor,
        "bot.identity_secret_removed",
        &target,
        json!({}),
    )
    .await;
    Ok(())
}
