//! Personal data, on time (issue 15, item 8): each bot's retention (its old conversations
//! deleted or anonymized by a sweeper that runs on one node at a time), and an admin's
//! erasure or export of everything stored about one visitor. Every act is audited; the
//! audit and the logs name an address only masked and hashed.

use super::audit::{self, Actor};
use super::{ActionError, Core, OrNotFound};
use crate::domain::now_ms;
use crate::domain::privacy::{DataSubject, Retention, RetentionMode};
use crate::store::{Bot, PersonalCounts};
use serde::Serialize;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Conversations handled in one transaction: short enough that the writer (a visitor's
/// acknowledgement) never waits long behind a batch.
pub const BATCH: i64 = 50;
/// The pause between two batches, which lets the queued writes through.
const PAUSE: Duration = Duration::from_millis(20);
/// How often the sweeper runs (and once at start).
pub const EVERY: Duration = Duration::from_secs(3600);

/// Sets the bot's retention (`retention_days`: None keeps everything).
pub async fn set_retention(
    core: &Core,
    slug: &str,
    days: Option<i64>,
    mode: &str,
) -> Result<Bot, ActionError> {
    let bot = core.store.bot(slug).await.or_not_found("bot")?;
    let r = Retention::parse(days, mode).map_err(ActionError::Invalid)?;
    core.store
        .set_bot_retention(bot.id, r.days, r.mode)
        .await
        .or_not_found("bot")
}

/// What is stored about the subject (nothing changed).
pub async fn preview(core: &Core, subject: &DataSubject) -> Result<PersonalCounts, ActionError> {
    Ok(core.store.personal_counts(subject).await?)
}

/// Erases everything about the subject; audited with the counts (the address masked).
pub async fn erase(
    core: &Core,
    actor: &Actor,
    subject: &DataSubject,
) -> Result<PersonalCounts, ActionError> {
    let done = core.store.erase_personal_data(subject).await?;
    audit::record(
        core,
        actor,
        "privacy.erase",
        &subject.audit_name(),
        json!({ "counts": done }),
    )
    .await;
    tracing::info!(
        conversations = done.conversations,
        visitors = done.visitors,
        mails = done.mails,
        "personal data erased"
    );
    Ok(done)
}

/// Everything stored about the subject, as one JSON document; audited.
pub async fn export(
    core: &Core,
    actor: &Actor,
    subject: &DataSubject,
) -> Result<Value, ActionError> {
    let data = core.store.export_personal_data(subject).await?;
    let subject_json = match subject {
        DataSubject::Email(e) => json!({ "email": e }),
        DataSubject::Visitor(id) => json!({ "visitor": id }),
    };
    let doc = json!({
        "subject": subject_json,
        "exported_at": now_ms(),
        "visitors": data["visitors"],
        "conversations": data["conversations"],
        "mails": data["mails"],
        "blocks": data["blocks"],
    });
    let n = |k: &str| doc[k].as_array().map_or(0, Vec::len);
    audit::record(
        core,
        actor,
        "privacy.export",
        &subject.audit_name(),
        json!({
            "visitors": n("visitors"),
            "conversations": n("conversations"),
            "mails": n("mails"),
        }),
    )
    .await;
    Ok(doc)
}

/// What one bot's retention did in a sweep.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct BotSweep {
    pub bot: String,
    pub mode: RetentionMode,
    pub days: i64,
    pub conversations: i64,
    pub visitors: i64,
}

/// A sweep's outcome.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub enum Sweep {
    /// Another node holds the lock and sweeps (PostgreSQL).
    Skipped,
    /// The bots where something was done.
    Done(Vec<BotSweep>),
}

/// Applies every bot's retention now (if no other node is at it), in batches.
pub async fn sweep(core: &Core) -> Result<Sweep, ActionError> {
    let Some(lock) = core.store.try_sweep_lock().await? else {
        return Ok(Sweep::Skipped);
    };
    let done = sweep_locked(core).await;
    lock.release().await;
    done.map(Sweep::Done)
}

async fn sweep_locked(core: &Core) -> Result<Vec<BotSweep>, ActionError> {
    let mut out = Vec::new();
    for (bot_id, slug, days, mode) in core.store.bots_with_retention().await? {
        let before = now_ms() - days * 86_400_000;
        let started = Instant::now();
        let mut conversations = 0;
        loop {
            let due = core
                .store
                .retention_due(bot_id, before, mode, BATCH)
                .await?;
            if due.is_empty() {
                break;
            }
            conversations += match mode {
                RetentionMode::Delete => core.store.delete_conversations(&due).await?,
                RetentionMode::Anonymize => core.store.anonymize_conversations(&due).await?,
            };
            tokio::time::sleep(PAUSE).await;
        }
        let mut visitors = 0;
        loop {
            let due = core
                .store
                .retention_due_visitors(bot_id, before, mode, BATCH * 4)
                .await?;
            if due.is_empty() {
                break;
            }
            visitors += match mode {
                RetentionMode::Delete => core.store.delete_visitors(&due).await?,
                RetentionMode::Anonymize => core.store.anonymize_visitors(&due).await?,
            };
            tokio::time::sleep(PAUSE).await;
        }
        if conversations == 0 && visitors == 0 {
            continue;
        }
        let done = BotSweep {
            bot: slug,
            mode,
            days,
            conversations,
            visitors,
        };
        tracing::info!(
            bot = %done.bot,
            mode = %mode,
            days,
            conversations,
            visitors,
            ms = started.elapsed().as_millis() as u64,
            "retention applied"
        );
        audit::record(
            core,
            &Actor::system("retention"),
            &format!("privacy.retention.{}", mode.as_str()),
            &format!("bot:{}", done.bot),
            json!({"days": days, "conversations": conversations, "visitors": visitors}),
        )
        .await;
        out.push(done);
    }
    Ok(out)
}

/// Sweeps at start, then every hour.
pub fn spawn_sweeper(core: Core) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&core).await {
                tracing::error!(error = %e, "retention sweep failed");
            }
        }
    })
}
