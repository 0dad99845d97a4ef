//! Livechat: hand-over from the bot to a human, the queue, and what operators do in a
//! conversation (write, send knowledge, transfer, end).
//!
//! The database holds the state (presence, load, assignment); the bus carries hints. A
//! change that operators must see (queue, assignment, presence) publishes a hint on the
//! `Topic::Livechat`; every operator connection then re-reads what it shows from the store.

use super::chat::{self, already_stored, store_and_publish};
use super::offline::Unavailable;
use super::{invalid, settings, ActionError, Core, OrNotFound};
use crate::bus::{Event, Topic};
use crate::domain::chatbox_config::Module;
use crate::domain::conversation::{
    check_text, Author, HandoffOutcome, MessageBody, MessageKind, NewMessage, SystemEvent,
};
use crate::domain::livechat_settings::LivechatSettings;
use crate::domain::now_ms;
use crate::domain::operator::Availability;
use crate::domain::{OperatorId, Problem};
use crate::engines::Served;
use crate::store::{
    Appended, Conversation, MonitoredItem, Operator, Presence, QueuedConversation, StoreError,
};
use vigie_bot::Lang;

/// Saves the livechat settings; operators see them at once, and a larger capacity may
/// take waiting visitors.
pub async fn save_settings(
    core: &Core,
    s: LivechatSettings,
) -> Result<LivechatSettings, ActionError> {
    settings::save_livechat(core, &s).await?;
    changed(core);
    dispatch_queue(core).await?;
    Ok(s)
}

/// The oldest `last_seen_at` that still counts as connected.
pub async fn fresh_after(core: &Core) -> Result<i64, ActionError> {
    Ok(now_ms() - settings::livechat(core).await?.presence_timeout_seconds * 1000)
}

pub(crate) fn text(lang: Lang, fr: String, en: String) -> String {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

pub(crate) fn event(name: SystemEvent, text: String, operator: Option<&str>) -> NewMessage {
    NewMessage {
        author: Author::System,
        kind: MessageKind::Event,
        body: MessageBody {
            event: Some(name),
            text: Some(text),
            operator: operator.map(str::to_string),
            ..Default::default()
        },
    }
}

/// "Claire a rejoint la conversation."
pub(crate) fn joined(lang: Lang, name: &str) -> NewMessage {
    event(
        SystemEvent::OperatorJoined,
        text(
            lang,
            format!("{name} a rejoint la conversation."),
            format!("{name} joined the conversation."),
        ),
        Some(name),
    )
}

/// Tells every operator connection, on this node and (PostgreSQL) on the others, to
/// re-read the livechat state.
pub fn changed(core: &Core) {
    core.bus.publish(Topic::Livechat, Event::LivechatChanged);
    if core.store.backend() == crate::store::Backend::Postgres {
        let store = core.store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.notify_nodes(Topic::Livechat, 0).await {
                tracing::warn!(error = %e, "could not tell the other nodes of a livechat change");
            }
        });
    }
}

/// Where a visitor who asked for a human went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    /// Already waiting or with an operator: nothing changed.
    Already,
    /// An operator took it at once.
    Assigned,
    /// Operators are on duty but busy: in the queue.
    Queued,
    /// Nobody is on duty: the visitor stays with the bot.
    Nobody,
}

impl Routed {
    /// Someone will answer (or already does).
    pub fn reached(self) -> bool {
        self != Routed::Nobody
    }
}

/// Routes a visitor who asked for a human: to an available operator under capacity
/// (longest idle first), else into the queue when operators are on duty but busy, else
/// the visitor is told plainly that nobody is available. Returns ONE message saying which
/// (the operator joined, the queue position, nobody available, or "already passed on"):
/// every path that puts a visitor through (the button, a question read as a request for a
/// human, a knowledge flagged "hand over", typed or clicked) comes here.
pub async fn route(
    core: &Core,
    served: &Served,
    conv: &Conversation,
) -> Result<(Vec<NewMessage>, Routed), ActionError> {
    let lang = conv.lang;
    if !served.snapshot.config.module_on(Module::Livechat) {
        return Err(invalid(
            "handoff",
            Problem::new(
                "livechat_off",
                chat::resource(served, "no_operator_available", lang),
            ),
        ));
    }
    if conv.state.handed_over() {
        let requested = event(
            SystemEvent::HandoffRequested,
            chat::resource(served, "handoff_requested", lang),
            None,
        );
        return Ok((vec![requested], Routed::Already));
    }
    // Outside office hours nobody is assigned, whoever is on duty.
    let hours = super::offline::hours(core, conv.bot_id).await?;
    if hours
        .as_ref()
        .is_some_and(|h| !h.is_open(crate::domain::now_ms()))
    {
        let closed = Unavailable::Closed;
        let said = super::offline::unavailable_message(served, lang, hours.as_ref(), closed);
        return Ok((
            vec![tagged(said, HandoffOutcome::Unavailable)],
            Routed::Nobody,
        ));
    }
    let fresh = fresh_after(core).await?;
    if let Some(op) = core.store.assign(conv.id, None, fresh).await? {
        changed(core);
        let joined = tagged(joined(lang, &op.name), HandoffOutcome::Assigned);
        return Ok((vec![joined], Routed::Assigned));
    }
    if core.store.anyone_available(fresh).await? {
        let position = core.store.enqueue(conv.id).await?;
        changed(core);
        let queued = event(
            SystemEvent::Queued,
            text(
                lang,
                format!("Votre demande a été transmise. Tous nos conseillers sont occupés : vous êtes en position {position} dans la file d'attente."),
                format!("Your request has been passed on. All our operators are busy: you are number {position} in the queue."),
            ),
            None,
        );
        return Ok((vec![tagged(queued, HandoffOutcome::Queued)], Routed::Queued));
    }
    let nobody = Unavailable::Nobody;
    let said = super::offline::unavailable_message(served, lang, hours.as_ref(), nobody);
    Ok((
        vec![tagged(said, HandoffOutcome::Unavailable)],
        Routed::Nobody,
    ))
}

/// The message answering a request for a human, marked with where the request went (the
/// statistics read it).
fn tagged(mut m: NewMessage, outcome: HandoffOutcome) -> NewMessage {
    m.body.handoff = Some(outcome);
    m
}

/// "Aucun conseiller n'est disponible…": the bot says it, the visitor stays with it.
pub(crate) fn nobody_available(served: &Served, lang: Lang) -> NewMessage {
    NewMessage {
        author: Author::Bot,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(chat::resource(served, "no_operator_available", lang)),
            ..Default::default()
        },
    }
}

/// Gives waiting conversations, oldest first, to operators who can take them.
pub async fn dispatch_queue(core: &Core) -> Result<(), ActionError> {
    let fresh = fresh_after(core).await?;
    for waiting in core.store.queue().await? {
        let Some(op) = core.store.assign(waiting.id, None, fresh).await? else {
            break;
        };
        let lang = core
            .store
            .conversation_by_public_id(&waiting.conversation)
            .await?
            .lang;
        let joined = joined(lang, &op.name);
        store_and_publish(core, waiting.id, None, vec![joined]).await?;
    }
    changed(core);
    Ok(())
}

/// Tells every visitor who has waited in the queue past the queue timeout that nobody
/// could take the request; their conversations go back to the bot.
pub async fn expire_queue(core: &Core) -> Result<usize, ActionError> {
    let timeout = settings::livechat(core).await?.queue_timeout_seconds;
    let given_up = core
        .store
        .give_up_waiting(now_ms() - timeout * 1000)
        .await?;
    for (id, lang) in &given_up {
        let lang = Lang::parse(lang).unwrap_or(Lang::Fr);
        let told = event(
            SystemEvent::QueueTimeout,
            text(
                lang,
                "Aucun conseiller n'a pu prendre votre demande à temps. L'assistant reste à votre disposition ; vous pourrez redemander un conseiller plus tard.".into(),
                "No operator could take your request in time. The assistant is still here for you; you can ask for an operator again later.".into(),
            ),
            None,
        );
        store_and_publish(core, *id, None, vec![told]).await?;
    }
    if !given_up.is_empty() {
        changed(core);
    }
    Ok(given_up.len())
}

/// Runs `expire_queue` every few seconds, for the life of the server.
pub fn spawn_queue_sweeper(core: Core) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = expire_queue(&core).await {
                tracing::error!(error = %e, "queue sweeper");
            }
        }
    })
}

/// An operator sets their status, with a reason from the admins' list when away. Returns
/// the reason as stored (trimmed, spelled as listed).
pub async fn set_availability(
    core: &Core,
    operator: &Operator,
    status: Availability,
    reason: Option<&str>,
) -> Result<Option<String>, ActionError> {
    let settings = settings::livechat(core).await?;
    let reason = crate::domain::statuses::check_reason(
        status == Availability::Away,
        reason,
        &settings.away_reasons,
    )
    .map_err(|p| invalid("reason", p))?;
    let fresh = fresh_after(core).await?;
    core.store
        .set_presence(
            operator.id,
            status,
            reason.as_deref(),
            settings.default_capacity,
            fresh,
        )
        .await?;
    changed(core);
    if status == Availability::Available {
        dispatch_queue(core).await?;
    }
    Ok(reason)
}

fn must_hold(operator: &Operator, conv: &Conversation) -> Result<(), ActionError> {
    if conv.state.with_operator() && conv.operator_id == Some(operator.id) {
        Ok(())
    } else {
        Err(invalid(
            "conversation",
            Problem::new(
                "not_yours",
                "this conversation is not one of yours (take it from the queue first)",
            ),
        ))
    }
}

pub async fn operator_text(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
    text: &str,
) -> Result<Appended, ActionError> {
    must_hold(operator, conv)?;
    let text = check_text(text).map_err(|m| invalid("text", m))?;
    let message = NewMessage {
        author: Author::Operator,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text.to_string()),
            operator: Some(operator.name.clone()),
            ..Default::default()
        },
    };
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![message]).await?;
    chat::monitored_activity(core, conv);
    Ok(appended)
}

/// Sends a knowledge item's answer into the conversation, as the operator's message.
/// A private note in a conversation, by any operator or supervisor who can open it (not
/// only the one holding it): stored as a `note` message, which the visitor's connection,
/// replay and mailed transcript leave out.
pub async fn operator_note(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
    text: &str,
) -> Result<Appended, ActionError> {
    let text = check_text(text).map_err(|m| invalid("text", m))?;
    let message = NewMessage {
        author: Author::Operator,
        kind: MessageKind::Note,
        body: MessageBody {
            text: Some(text.to_string()),
            operator: Some(operator.name.clone()),
            ..Default::default()
        },
    };
    store_and_publish(core, conv.id, Some(client_id), vec![message]).await
}

pub async fn operator_knowledge(
    core: &Core,
    served: &Served,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
    knowledge_id: &str,
) -> Result<Appended, ActionError> {
    // Guiding a monitored conversation needs no hold but its creator (or an admin);
    // livechat needs the hold.
    if super::monitored::may_guide(conv) {
        let (_, item) = super::monitored::find(core, &conv.public_id).await?;
        super::monitored::must_act(operator, &item)?;
    } else {
        must_hold(operator, conv)?;
    }
    let Some(mut message) = chat::knowledge_message(served, knowledge_id) else {
        return Err(ActionError::NotFound("knowledge"));
    };
    // The operator's act, not the bot's: shown as theirs in the console and the transcript.
    message.author = Author::Operator;
    message.body.operator = Some(operator.name.clone());
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![message]).await?;
    chat::monitored_activity(core, conv);
    Ok(appended)
}

pub async fn take(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
) -> Result<(), ActionError> {
    if !conv.state.may_take() {
        return Err(invalid(
            "conversation",
            Problem::new(
                "not_queued",
                "this conversation is not waiting in the queue",
            ),
        ));
    }
    match core
        .store
        .assign(conv.id, Some(operator.id), fresh_after(core).await?)
        .await?
    {
        Some(op) => {
            let joined = joined(conv.lang, &op.name);
            store_and_publish(core, conv.id, None, vec![joined]).await?;
            changed(core);
            Ok(())
        }
        None => Err(invalid(
            "conversation",
            Problem::new(
                "cannot_take",
                "you cannot take it: you are offline or at your capacity",
            ),
        )),
    }
}

pub async fn end(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if core
        .store
        .find_client_message(conv.id, client_id)
        .await?
        .is_none()
    {
        must_hold(operator, conv)?;
        core.store
            .release(conv.id, operator.id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => invalid(
                    "conversation",
                    Problem::new("not_yours", "this conversation is not one of yours"),
                ),
                other => other.into(),
            })?;
    }
    let ended = event(
        SystemEvent::OperatorLeft,
        text(
            conv.lang,
            format!(
                "{} a terminé la conversation. L'assistant reste à votre disposition.",
                operator.name
            ),
            format!(
                "{} ended the conversation. The assistant is still here for you.",
                operator.name
            ),
        ),
        Some(&operator.name),
    );
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![ended]).await?;
    dispatch_queue(core).await?;
    Ok(appended)
}

pub async fn transfer(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
    to: OperatorId,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    must_hold(operator, conv)?;
    let target = core
        .store
        .operator_by_id(to)
        .await
        .or_not_found("operator")?;
    if !core
        .store
        .transfer(conv.id, operator.id, target.id, fresh_after(core).await?)
        .await?
    {
        return Err(invalid(
            "to",
            Problem::new(
                "operator_unavailable",
                format!("{} is not available to take it", target.name),
            )
            .param("name", target.name.as_str()),
        ));
    }
    let mut moved = event(
        SystemEvent::Transferred,
        text(
            conv.lang,
            format!("{} vous a transféré à {}.", operator.name, target.name),
            format!("{} transferred you to {}.", operator.name, target.name),
        ),
        Some(&target.name),
    );
    // Each console says it from its side (docs/protocol.md): the text is the visitor's.
    moved.body.from = Some(operator.name.clone());
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![moved]).await?;
    changed(core);
    Ok(appended)
}

/// What an operator's console shows beside its tabs, read in one go.
pub struct Snapshot {
    /// The waiting conversations, oldest first.
    pub queue: Vec<QueuedConversation>,
    /// Every operator's presence (stale ones read as offline).
    pub presence: Vec<Presence>,
    /// The live conversations this operator holds: (id, public id).
    pub assigned: Vec<(i64, String)>,
    /// The monitored conversations.
    pub monitored: Vec<MonitoredItem>,
}

/// The console's snapshot for `operator_id`.
pub async fn snapshot(core: &Core, operator_id: OperatorId) -> Result<Snapshot, ActionError> {
    let fresh = fresh_after(core).await?;
    Ok(Snapshot {
        queue: core.store.queue().await?,
        presence: core.store.presences(fresh).await?,
        assigned: core.store.operator_conversations(operator_id).await?,
        monitored: super::monitored::items(core).await?,
    })
}

/// What a console needs when it connects, besides the snapshot.
#[derive(Clone, Debug)]
pub struct ConsoleStart {
    /// The operator's status (offline when they have none yet) and its reason.
    pub availability: Availability,
    pub reason: Option<String>,
    /// The reasons the admins listed for the away status.
    pub away_reasons: Vec<String>,
}

/// An operator's console connects: their presence is refreshed (a stale one starts a new
/// interval in the status log), and their status returned.
pub async fn console_opened(
    core: &Core,
    operator_id: OperatorId,
) -> Result<ConsoleStart, ActionError> {
    let fresh = fresh_after(core).await?;
    core.store.resume_presence(operator_id, fresh).await?;
    let mine = core
        .store
        .presences(fresh)
        .await?
        .into_iter()
        .find(|p| p.operator_id == operator_id);
    Ok(ConsoleStart {
        availability: mine.as_ref().map_or(Availability::Offline, |p| p.status),
        reason: mine.and_then(|p| p.reason),
        away_reasons: settings::livechat(core).await?.away_reasons,
    })
}

/// Seconds each operator spent in each status over `[from, to)` (ms), for supervisors and
/// admins (the statistics).
pub async fn status_times(
    core: &Core,
    from: i64,
    to: i64,
) -> Result<Vec<crate::store::StatusTime>, ActionError> {
    if from >= to {
        return Err(invalid(
            "to",
            Problem::new(
                "period_invalid",
                "the end of the period is before its start",
            ),
        ));
    }
    let fresh = fresh_after(core).await?;
    Ok(core.store.status_times(from, to, fresh).await?)
}

/// An operator's console preferences (sound, desktop notifications).
pub async fn preferences(
    core: &Core,
    operator_id: OperatorId,
) -> Result<crate::domain::statuses::ConsolePreferences, ActionError> {
    let json = core.store.operator_preferences(operator_id).await?;
    Ok(crate::domain::statuses::ConsolePreferences::from_stored(
        &json,
    ))
}

pub async fn set_preferences(
    core: &Core,
    operator_id: OperatorId,
    prefs: &crate::domain::statuses::ConsolePreferences,
) -> Result<(), ActionError> {
    let json = serde_json::to_string(prefs).map_err(|e| ActionError::Internal(e.into()))?;
    core.store
        .set_operator_preferences(operator_id, &json)
        .await?;
    Ok(())
}
