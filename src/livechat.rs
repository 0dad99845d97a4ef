//! Livechat: hand-over from the bot to a human, the queue, and what operators do in a
//! conversation (write, send knowledge, transfer, end).
//!
//! The database holds the state (presence, load, assignment); the bus carries hints. A
//! change that operators must see (queue, assignment, presence) publishes a hint on the
//! `LIVECHAT_TOPIC`; every operator connection then re-reads what it shows from the store.

use crate::actions::{self, ActionError};
use crate::app::AppState;
use crate::bus::Event;
use crate::chat::{self, already_stored, store_and_publish};
use crate::domain::conversation::{check_text, Author, MessageBody, MessageKind, NewMessage};
use crate::domain::livechat_settings::LivechatSettings;
use crate::domain::now_ms;
use crate::engines::Served;
use crate::store::{Appended, Conversation, Operator, StoreError};
use vigie_bot::Lang;

/// The bus topic of livechat-wide changes (queue, assignments, presence).
pub const LIVECHAT_TOPIC: i64 = -1;
/// How long a node trusts its copy of the livechat settings (other nodes' changes show
/// within this delay; this node's own changes at once).
const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// The livechat settings, from a short-lived cache.
pub async fn settings(state: &AppState) -> Result<LivechatSettings, ActionError> {
    if let Some((s, at)) = state
        .livechat_settings
        .read()
        .expect("settings lock")
        .clone()
    {
        if at.elapsed() < SETTINGS_TTL {
            return Ok(s);
        }
    }
    let s = state.store.livechat_settings().await?;
    *state.livechat_settings.write().expect("settings lock") =
        Some((s.clone(), std::time::Instant::now()));
    Ok(s)
}

pub async fn save_settings(
    state: &AppState,
    s: LivechatSettings,
) -> Result<LivechatSettings, ActionError> {
    s.validate().map_err(ActionError::Invalid)?;
    crate::monitored::check_templates(&s)?;
    state.store.save_livechat_settings(&s).await?;
    *state.livechat_settings.write().expect("settings lock") =
        Some((s.clone(), std::time::Instant::now()));
    changed(state);
    dispatch_queue(state).await?;
    Ok(s)
}

/// The oldest `last_seen_at` that still counts as connected.
pub async fn fresh_after(state: &AppState) -> Result<i64, ActionError> {
    Ok(now_ms() - settings(state).await?.presence_timeout_seconds * 1000)
}

pub(crate) fn text(lang: Lang, fr: String, en: String) -> String {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

pub(crate) fn event(name: &str, text: String, operator: Option<&str>) -> NewMessage {
    NewMessage {
        author: Author::System,
        kind: MessageKind::Event,
        body: MessageBody {
            event: Some(name.to_string()),
            text: Some(text),
            operator: operator.map(str::to_string),
            ..Default::default()
        },
    }
}

/// "Claire a rejoint la conversation."
pub(crate) fn joined(lang: Lang, name: &str) -> NewMessage {
    event(
        "operator_joined",
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
pub fn changed(state: &AppState) {
    state.bus.publish(LIVECHAT_TOPIC, Event::Stored { seq: 0 });
    if state.store.backend() == crate::store::Backend::Postgres {
        let store = state.store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.notify_nodes(LIVECHAT_TOPIC, 0).await {
                tracing::warn!(error = %e, "could not tell the other nodes of a livechat change");
            }
        });
    }
}

/// Routes a visitor who asked for a human: to an available operator under capacity
/// (longest idle first), else into the queue when operators are on duty but busy, else
/// the visitor is told plainly that nobody is available. Returns the messages saying so.
pub async fn route(
    state: &AppState,
    served: &Served,
    conv: &Conversation,
) -> Result<Vec<NewMessage>, ActionError> {
    let lang = conv.lang;
    if !served.snapshot.config.module_on("livechat") {
        return Err(actions::invalid(
            "handoff",
            chat::resource(served, "no_operator_available", lang),
        ));
    }
    let requested = event(
        "handoff_requested",
        chat::resource(served, "handoff_requested", lang),
        None,
    );
    if conv.state == "live" || conv.state == "queued" {
        return Ok(vec![requested]);
    }
    let fresh = fresh_after(state).await?;
    if let Some(op) = state.store.assign(conv.id, None, fresh).await? {
        changed(state);
        let joined = joined(lang, &op.name);
        return Ok(vec![requested, joined]);
    }
    if state.store.anyone_available(fresh).await? {
        let position = state.store.enqueue(conv.id).await?;
        changed(state);
        let queued = event(
            "queued",
            text(
                lang,
                format!("Tous nos conseillers sont occupés. Vous êtes en position {position} dans la file d'attente."),
                format!("All our operators are busy. You are number {position} in the queue."),
            ),
            None,
        );
        return Ok(vec![requested, queued]);
    }
    Ok(vec![
        requested,
        NewMessage {
            author: Author::Bot,
            kind: MessageKind::Text,
            body: MessageBody {
                text: Some(chat::resource(served, "no_operator_available", lang)),
                ..Default::default()
            },
        },
    ])
}

/// Gives waiting conversations, oldest first, to operators who can take them.
pub async fn dispatch_queue(state: &AppState) -> Result<(), ActionError> {
    let fresh = fresh_after(state).await?;
    for waiting in state.store.queue().await? {
        let Some(op) = state.store.assign(waiting.id, None, fresh).await? else {
            break;
        };
        let lang = state
            .store
            .conversation_by_public_id(&waiting.conversation)
            .await?
            .lang;
        let joined = joined(lang, &op.name);
        store_and_publish(state, waiting.id, None, vec![joined]).await?;
    }
    changed(state);
    Ok(())
}

/// Tells every visitor who has waited in the queue past the queue timeout that nobody
/// could take the request; their conversations go back to the bot.
pub async fn expire_queue(state: &AppState) -> Result<usize, ActionError> {
    let timeout = settings(state).await?.queue_timeout_seconds;
    let given_up = state
        .store
        .give_up_waiting(now_ms() - timeout * 1000)
        .await?;
    for (id, lang) in &given_up {
        let lang = Lang::parse(lang).unwrap_or(Lang::Fr);
        let told = event(
            "queue_timeout",
            text(
                lang,
                "Aucun conseiller n'a pu prendre votre demande à temps. L'assistant reste à votre disposition ; vous pourrez redemander un conseiller plus tard.".into(),
                "No operator could take your request in time. The assistant is still here for you; you can ask for an operator again later.".into(),
            ),
            None,
        );
        store_and_publish(state, *id, None, vec![told]).await?;
    }
    if !given_up.is_empty() {
        changed(state);
    }
    Ok(given_up.len())
}

/// Runs `expire_queue` every few seconds, for the life of the server.
pub fn spawn_queue_sweeper(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = expire_queue(&state).await {
                tracing::error!(error = %e, "queue sweeper");
            }
        }
    })
}

pub async fn set_availability(
    state: &AppState,
    operator: &Operator,
    status: &str,
) -> Result<(), ActionError> {
    if !matches!(status, "available" | "away" | "offline") {
        return Err(actions::invalid(
            "status",
            format!("unknown availability `{status}` (available, away or offline)"),
        ));
    }
    let default_capacity = settings(state).await?.default_capacity;
    state
        .store
        .set_presence(operator.id, status, default_capacity)
        .await?;
    changed(state);
    if status == "available" {
        dispatch_queue(state).await?;
    }
    Ok(())
}

fn must_hold(operator: &Operator, conv: &Conversation) -> Result<(), ActionError> {
    if conv.state == "live" && conv.operator_id == Some(operator.id) {
        Ok(())
    } else {
        Err(ActionError::Invalid(vec![crate::domain::FieldError::new(
            "conversation",
            "this conversation is not one of yours (take it from the queue first)",
        )]))
    }
}

pub async fn operator_text(
    state: &AppState,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
    text: &str,
) -> Result<Appended, ActionError> {
    must_hold(operator, conv)?;
    let text = check_text(text).map_err(|m| actions::invalid("text", m))?;
    let message = NewMessage {
        author: Author::Operator,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text.to_string()),
            operator: Some(operator.name.clone()),
            ..Default::default()
        },
    };
    store_and_publish(state, conv.id, Some(client_id), vec![message]).await
}

/// Sends a knowledge item's answer into the conversation (the visitor sees a bot answer).
pub async fn operator_knowledge(
    state: &AppState,
    served: &Served,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
    knowledge_id: &str,
) -> Result<Appended, ActionError> {
    // Guiding a monitored conversation needs no hold; livechat needs one.
    if !crate::monitored::may_guide(conv) {
        must_hold(operator, conv)?;
    }
    let Some(mut message) = chat::knowledge_message(served, knowledge_id) else {
        return Err(ActionError::NotFound("knowledge"));
    };
    message.body.operator = Some(operator.name.clone());
    store_and_publish(state, conv.id, Some(client_id), vec![message]).await
}

pub async fn take(
    state: &AppState,
    operator: &Operator,
    conv: &Conversation,
) -> Result<(), ActionError> {
    if conv.state != "queued" {
        return Err(actions::invalid(
            "conversation",
            "this conversation is not waiting in the queue",
        ));
    }
    match state
        .store
        .assign(conv.id, Some(operator.id), fresh_after(state).await?)
        .await?
    {
        Some(op) => {
            let joined = joined(conv.lang, &op.name);
            store_and_publish(state, conv.id, None, vec![joined]).await?;
            changed(state);
            Ok(())
        }
        None => Err(actions::invalid(
            "conversation",
            "you cannot take it: you are offline or at your capacity",
        )),
    }
}

pub async fn end(
    state: &AppState,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if state
        .store
        .find_client_message(conv.id, client_id)
        .await?
        .is_none()
    {
        must_hold(operator, conv)?;
        state
            .store
            .release(conv.id, operator.id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => {
                    actions::invalid("conversation", "this conversation is not one of yours")
                }
                other => other.into(),
            })?;
    }
    let ended = event(
        "operator_left",
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
    let appended = store_and_publish(state, conv.id, Some(client_id), vec![ended]).await?;
    dispatch_queue(state).await?;
    Ok(appended)
}

pub async fn transfer(
    state: &AppState,
    operator: &Operator,
    conv: &Conversation,
    to: i64,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if let Some(done) = already_stored(state, conv, client_id).await? {
        return Ok(done);
    }
    must_hold(operator, conv)?;
    let target = state
        .store
        .operator_by_id(to)
        .await
        .map_err(|_| ActionError::NotFound("operator"))?;
    if !state
        .store
        .transfer(conv.id, operator.id, target.id, fresh_after(state).await?)
        .await?
    {
        return Err(actions::invalid(
            "to",
            format!("{} is not available to take it", target.name),
        ));
    }
    let moved = event(
        "transferred",
        text(
            conv.lang,
            format!("{} vous a transféré à {}.", operator.name, target.name),
            format!("{} transferred you to {}.", operator.name, target.name),
        ),
        Some(&target.name),
    );
    let appended = store_and_publish(state, conv.id, Some(client_id), vec![moved]).await?;
    changed(state);
    Ok(appended)
}
