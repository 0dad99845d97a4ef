//! The conversation core: what happens when a visitor writes, clicks a suggestion or asks
//! for a human. Each action stores the visitor's message and the bot's reply in ONE
//! transaction (so a retry never produces a second answer), then publishes them on the
//! bus. Shared by every transport (the visitor WebSocket today, operators next).

use crate::actions::{self, ActionError, AskReply};
use crate::app::AppState;
use crate::bus::Event;
use crate::domain::conversation::{
    check_text, Author, KnowledgeLink, MessageBody, MessageKind, NewMessage,
};
use crate::engines::Served;
use crate::store::{Appended, Conversation};
use std::sync::Arc;
use vigie_bot::Lang;

fn link(id: &str, title: &str) -> KnowledgeLink {
    KnowledgeLink {
        id: id.to_string(),
        title: title.to_string(),
    }
}

/// The bot's message for a matcher reply.
pub fn reply_message(reply: &AskReply) -> NewMessage {
    let suggestions = reply
        .suggestions
        .iter()
        .map(|s| link(&s.id, &s.title))
        .collect();
    let (kind, body) = match reply.kind {
        "answer" => (
            MessageKind::Knowledge,
            MessageBody {
                text: reply.title.clone(),
                html: reply.answer.clone(),
                knowledge: reply
                    .knowledge_id
                    .as_deref()
                    .zip(reply.title.as_deref())
                    .map(|(i, t)| link(i, t)),
                related: reply
                    .related
                    .iter()
                    .map(|r| link(&r.id, &r.title))
                    .collect(),
                ..Default::default()
            },
        ),
        "suggestions" => (
            MessageKind::Suggestions,
            MessageBody {
                text: reply.answer.clone(),
                suggestions,
                ..Default::default()
            },
        ),
        "handoff" => (
            MessageKind::Event,
            MessageBody {
                event: Some("handoff_requested".into()),
                text: reply.answer.clone(),
                ..Default::default()
            },
        ),
        _ => (
            MessageKind::NotUnderstood,
            MessageBody {
                text: reply.answer.clone(),
                suggestions,
                ..Default::default()
            },
        ),
    };
    NewMessage {
        author: Author::Bot,
        kind,
        body,
    }
}

/// The bot's message giving one knowledge item's answer.
pub fn knowledge_message(served: &Served, id: &str) -> Option<NewMessage> {
    let k = served.item(id)?;
    Some(NewMessage {
        author: Author::Bot,
        kind: MessageKind::Knowledge,
        body: MessageBody {
            text: Some(k.title.clone()),
            html: Some(k.answer_html.clone()),
            knowledge: Some(link(&k.id, &k.title)),
            related: k
                .related
                .iter()
                .filter_map(|r| served.item(r))
                .map(|r| link(&r.id, &r.title))
                .collect(),
            ..Default::default()
        },
    })
}

/// A text of the deployed chatbox configuration, in `lang`.
pub fn resource(served: &Served, key: &str, lang: Lang) -> String {
    served
        .snapshot
        .config
        .resources
        .get(key)
        .map(|t| t.get(lang).to_string())
        .unwrap_or_default()
}

/// Applies the deployed modules to a bot message: without the `suggestions` module no
/// suggestion or related knowledge is offered.
fn apply_modules(served: &Served, mut m: NewMessage) -> NewMessage {
    if !served.snapshot.config.module_on("suggestions") {
        m.body.suggestions.clear();
        m.body.related.clear();
    }
    m
}

/// Stores messages (idempotent under `client_id`) and, when new, publishes them: the one
/// path every author's messages take.
pub(crate) async fn store_and_publish(
    state: &AppState,
    conv_id: i64,
    client_id: Option<&str>,
    messages: Vec<NewMessage>,
) -> Result<Appended, ActionError> {
    let appended = state.store.append(conv_id, client_id, &messages).await?;
    if !appended.duplicate {
        for m in &appended.messages {
            state
                .bus
                .publish(conv_id, Event::Message(Arc::new(m.clone())));
        }
    }
    Ok(appended)
}

/// A visitor's text: stored with the bot's answer.
pub async fn visitor_text(
    state: &AppState,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
    text: &str,
) -> Result<Appended, ActionError> {
    let text = check_text(text).map_err(|m| actions::invalid("text", m))?;
    let visitor = NewMessage {
        author: Author::Visitor,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text.to_string()),
            ..Default::default()
        },
    };
    if let Some(done) = already_stored(state, conv, client_id).await? {
        return Ok(done);
    }
    // The session's copy may be stale: another node or an operator may have changed it.
    let conv = &state
        .store
        .conversation_by_public_id(&conv.public_id)
        .await?;
    if conv.state == "live" {
        // An operator holds the conversation: the bot stays quiet.
        return store_and_publish(state, conv.id, Some(client_id), vec![visitor]).await;
    }
    let reply = actions::reply(served, text, Some(conv.lang));
    let wants_human = reply.kind == "handoff" || (reply.kind == "answer" && reply.handoff);
    let mut messages = vec![visitor];
    if wants_human && served.snapshot.config.module_on("livechat") {
        if reply.kind == "answer" {
            messages.push(apply_modules(served, reply_message(&reply)));
        }
        messages.extend(crate::livechat::route(state, served, conv).await?);
    } else if wants_human {
        // No livechat here: the visitor is told plainly that no operator can be reached.
        messages.push(NewMessage {
            author: Author::Bot,
            kind: MessageKind::Text,
            body: MessageBody {
                text: Some(resource(served, "no_operator_available", conv.lang)),
                ..Default::default()
            },
        });
    } else {
        messages.push(apply_modules(served, reply_message(&reply)));
    }
    store_and_publish(state, conv.id, Some(client_id), messages).await
}

/// What an earlier attempt with this client id stored, if any (a retry must not act twice).
pub(crate) async fn already_stored(
    state: &AppState,
    conv: &Conversation,
    client_id: &str,
) -> Result<Option<Appended>, ActionError> {
    if state
        .store
        .find_client_message(conv.id, client_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let probe = NewMessage {
        author: Author::System,
        kind: MessageKind::Event,
        body: MessageBody::default(),
    };
    Ok(Some(
        state
            .store
            .append(conv.id, Some(client_id), &[probe])
            .await?,
    ))
}

/// A click on a suggestion or related knowledge: stored as the visitor's choice with the answer.
pub async fn visitor_choice(
    state: &AppState,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
    knowledge_id: &str,
) -> Result<Appended, ActionError> {
    let Some(answer) = knowledge_message(served, knowledge_id).map(|m| apply_modules(served, m))
    else {
        return Err(ActionError::NotFound("knowledge"));
    };
    let title = answer.body.text.clone().unwrap_or_default();
    let visitor = NewMessage {
        author: Author::Visitor,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(title.clone()),
            knowledge: Some(link(knowledge_id, &title)),
            ..Default::default()
        },
    };
    store_and_publish(state, conv.id, Some(client_id), vec![visitor, answer]).await
}

/// The visitor asks for a human: recorded as an event (routing comes with the livechat).
/// Refused when the deployed chatbox has the livechat module off.
pub async fn visitor_handoff(
    state: &AppState,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if !served.snapshot.config.module_on("livechat") {
        return Err(actions::invalid(
            "handoff",
            resource(served, "no_operator_available", conv.lang),
        ));
    }
    if let Some(done) = already_stored(state, conv, client_id).await? {
        return Ok(done);
    }
    let conv = &state
        .store
        .conversation_by_public_id(&conv.public_id)
        .await?;
    let messages = crate::livechat::route(state, served, conv).await?;
    store_and_publish(state, conv.id, Some(client_id), messages).await
}

/// The served matcher for a conversation's bot.
pub async fn served(state: &AppState, bot_id: i64) -> Result<Arc<Served>, ActionError> {
    state
        .engines
        .current(&state.store, bot_id)
        .await
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => ActionError::NotFound("deployment of this bot"),
            other => other.into(),
        })
}
