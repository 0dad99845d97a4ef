//! The conversation core: a visitor's session opening, and what happens when a visitor
//! writes, clicks a suggestion or asks for a human. Each action stores the visitor's
//! message and the bot's reply in ONE transaction (so a retry never produces a second
//! answer), then publishes them on the bus; operators' messages (`livechat`,
//! `monitored`) take the same path (`store_and_publish`).

use super::actions::{self, AskReply, ReplyKind};
use super::visitors::IdentityCheck;
use super::{invalid, ActionError, Core, OrNotFound};
use crate::auth::{new_token, token_hash};
use crate::bus::{Event, Topic};
use crate::domain::chatbox_config::Module;
use crate::domain::conversation::{
    check_text, Author, ConversationKind, KnowledgeLink, MessageBody, MessageKind, NewMessage,
    SystemEvent,
};
use crate::domain::Problem;
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
        ReplyKind::Answer => (
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
        ReplyKind::Suggestions => (
            MessageKind::Suggestions,
            MessageBody {
                text: reply.answer.clone(),
                suggestions,
                ..Default::default()
            },
        ),
        ReplyKind::Handoff => (
            MessageKind::Event,
            MessageBody {
                event: Some(SystemEvent::HandoffRequested),
                text: reply.answer.clone(),
                ..Default::default()
            },
        ),
        ReplyKind::NotUnderstood => (
            MessageKind::NotUnderstood,
            MessageBody {
                text: reply.answer.clone(),
                suggestions,
                ..Default::default()
            },
        ),
        ReplyKind::SmallTalk => (
            MessageKind::Text,
            MessageBody {
                text: reply.answer.clone(),
                small_talk: reply.small_talk.map(|k| k.as_str().to_string()),
                ..Default::default()
            },
        ),
    };
    NewMessage {
        author: Author::Bot,
        kind,
        body: MessageBody {
            lang: Some(reply.lang),
            ..body
        },
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
            lang: Some(k.lang),
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
    if !served.snapshot.config.module_on(Module::Suggestions) {
        m.body.suggestions.clear();
        m.body.related.clear();
    }
    m
}

/// Stores messages (idempotent under `client_id`) and, when new, publishes them: the one
/// path every author's messages take.
pub(crate) async fn store_and_publish(
    core: &Core,
    conv_id: i64,
    client_id: Option<&str>,
    messages: Vec<NewMessage>,
) -> Result<Appended, ActionError> {
    let appended = core.store.append(conv_id, client_id, &messages).await?;
    if !appended.duplicate {
        for m in &appended.messages {
            core.bus.publish(
                Topic::Conversation(conv_id),
                Event::Message(Arc::new(m.clone())),
            );
        }
        // The supervision page lists conversations by their last activity.
        core.bus.publish(Topic::Supervision, Event::LivechatChanged);
    }
    Ok(appended)
}

/// A visitor's text: stored with the bot's answer.
pub async fn visitor_text(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
    text: &str,
) -> Result<Appended, ActionError> {
    let text = check_text(text).map_err(|m| invalid("text", m))?;
    let visitor = NewMessage {
        author: Author::Visitor,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text.to_string()),
            ..Default::default()
        },
    };
    // The session's copy may be stale: another node or an operator may have changed it;
    // and a retry must not act twice. One read answers both.
    let (fresh, stored) = core
        .store
        .conversation_and_client(&conv.public_id, client_id)
        .await?;
    if stored.is_some() {
        return already_stored(core, conv, client_id)
            .await?
            .ok_or(ActionError::NotFound("message"));
    }
    let conv = &fresh;
    if conv.state.with_operator() {
        // An operator holds the conversation: the bot stays quiet.
        let appended = store_and_publish(core, conv.id, Some(client_id), vec![visitor]).await?;
        monitored_activity(core, conv);
        return Ok(appended);
    }
    let reply = actions::reply(served, text, Some(conv.lang));
    let answered = reply.kind == ReplyKind::Answer;
    let wants_human = reply.kind == ReplyKind::Handoff || (answered && reply.handoff);
    let mut messages = vec![visitor];
    if wants_human && served.snapshot.config.module_on(Module::Livechat) {
        let answer = answered.then(|| apply_modules(served, reply_message(&reply)));
        messages.extend(hand_over(core, served, conv, answer).await?);
    } else if wants_human {
        // No livechat here: the visitor is told plainly that no operator can be reached.
        messages.push(super::livechat::nobody_available(served, conv.lang));
    } else {
        messages.push(apply_modules(served, reply_message(&reply)));
    }
    let appended = store_and_publish(core, conv.id, Some(client_id), messages).await?;
    monitored_activity(core, conv);
    Ok(appended)
}

/// A message in a monitored conversation: the operators' lists show its last activity
/// live (their refresh is throttled, so a chatty visitor costs little).
pub(crate) fn monitored_activity(core: &Core, conv: &Conversation) {
    if conv.kind == ConversationKind::Monitored {
        super::livechat::changed(core);
    }
}

/// What an earlier attempt with this client id stored, if any (a retry must not act twice).
pub(crate) async fn already_stored(
    core: &Core,
    conv: &Conversation,
    client_id: &str,
) -> Result<Option<Appended>, ActionError> {
    if core
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
        core.store
            .append(conv.id, Some(client_id), &[probe])
            .await?,
    ))
}

/// A click on a suggestion or related knowledge: stored as the visitor's choice with the answer.
pub async fn visitor_choice(
    core: &Core,
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
    let handoff = served.item(knowledge_id).is_some_and(|k| k.handoff);
    if !handoff {
        let appended =
            store_and_publish(core, conv.id, Some(client_id), vec![visitor, answer]).await?;
        monitored_activity(core, conv);
        return Ok(appended);
    }
    // A knowledge flagged "hand over", clicked: the same path as the button.
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let conv = &core
        .store
        .conversation_by_public_id(&conv.public_id)
        .await?;
    let mut messages = vec![visitor];
    if served.snapshot.config.module_on(Module::Livechat) {
        messages.extend(hand_over(core, served, conv, Some(answer)).await?);
    } else {
        messages.push(super::livechat::nobody_available(served, conv.lang));
    }
    store_and_publish(core, conv.id, Some(client_id), messages).await
}

/// A knowledge flagged "hand over" (typed or clicked) puts the visitor through: its answer
/// ("je vous mets en relation…") then where the request went, on the button's path. When
/// nobody is available the answer is left out: the visitor reads only that nobody is.
async fn hand_over(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    answer: Option<NewMessage>,
) -> Result<Vec<NewMessage>, ActionError> {
    let (routed, outcome) = super::livechat::route(core, served, conv).await?;
    let mut messages = Vec::new();
    if outcome.reached() && outcome != super::livechat::Routed::Already {
        messages.extend(answer);
    }
    messages.extend(routed);
    Ok(messages)
}

/// The visitor asks for a human: recorded as an event (routing comes with the livechat).
/// Refused when the deployed chatbox has the livechat module off.
pub async fn visitor_handoff(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if !served.snapshot.config.module_on(Module::Livechat) {
        return Err(invalid(
            "handoff",
            Problem::new(
                "livechat_off",
                resource(served, "no_operator_available", conv.lang),
            ),
        ));
    }
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let conv = &core
        .store
        .conversation_by_public_id(&conv.public_id)
        .await?;
    let (messages, _) = super::livechat::route(core, served, conv).await?;
    store_and_publish(core, conv.id, Some(client_id), messages).await
}

/// The served matcher for a conversation's bot.
pub async fn served(core: &Core, bot_id: i64) -> Result<Arc<Served>, ActionError> {
    core.engines
        .current(&core.store, bot_id)
        .await
        .or_not_found("deployment of this bot")
}

/// What a visitor's `hello` asks for.
#[derive(Debug, Default)]
pub struct Opening<'a> {
    pub bot: &'a str,
    /// The chatbox's language; the conversation speaks it from now on.
    pub lang: Option<&'a str>,
    pub visitor_token: Option<&'a str>,
    /// A conversation to resume (it must be this visitor's).
    pub conversation: Option<&'a str>,
    /// A monitored conversation's link token (`vigie_mc`): the link is the credential.
    pub link: Option<&'a str>,
    /// The client's address (the chatbox connection's TCP peer): remembered on the
    /// visitor, and a blocked address may not start a conversation.
    pub address: Option<&'a str>,
    /// What the chatbox reports (the embedding site's identity among it).
    pub context: Option<&'a crate::domain::visitor_context::ReportedContext>,
}

/// A visitor's session: who they are and which conversation they are in.
pub struct Session {
    pub visitor_id: i64,
    pub conversation: Conversation,
    pub served: Arc<Served>,
    /// The visitor's token, to keep (a new one when none valid was presented); none for
    /// a monitored conversation's link.
    pub visitor_token: Option<String>,
    /// Opened by a monitored conversation's link: the name of the operator who created it.
    pub monitored_by: Option<Option<String>>,
    /// Opened by a monitored conversation's link: that link (id, expiry in ms), which the
    /// socket follows (`monitored::link_still_works`) and closes with once it is revoked
    /// or expired.
    pub link: Option<(i64, i64)>,
    /// The identity the embedding site claimed, checked.
    pub identity: IdentityCheck,
}

/// Why a `hello` opens no session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownBot(String),
    /// The bot was archived: its chatbox says it is unavailable.
    Archived,
    NotDeployed,
    /// The conversation to resume is not this visitor's (or the token is not valid).
    NotYours,
    Link(super::monitored::LinkProblem),
    /// A blocked visitor or address may not start a conversation (`visitor_blocked`).
    Blocked,
}

/// Opens a visitor's session: the visitor (the presented token if valid for this bot,
/// else a new one) and the conversation (the one to resume, or a new one); or, with a
/// link, the monitored conversation it opens and never another one.
pub async fn open_session(
    core: &Core,
    opening: &Opening<'_>,
) -> Result<Result<Session, Refusal>, ActionError> {
    if core.store.bot_archived(opening.bot).await? {
        return Ok(Err(Refusal::Archived));
    }
    if let Some(token) = opening.link {
        return open_monitored(core, opening, token).await;
    }
    let bot = match core.engines.bot(&core.store, opening.bot).await {
        Ok(b) => b,
        Err(crate::store::StoreError::NotFound) => {
            return Ok(Err(Refusal::UnknownBot(opening.bot.to_string())))
        }
        Err(e) => return Err(e.into()),
    };
    let served = match served(core, bot.id).await {
        Ok(s) => s,
        Err(ActionError::NotFound(_)) => return Ok(Err(Refusal::NotDeployed)),
        Err(e) => return Err(e),
    };
    let lang = opening
        .lang
        .and_then(Lang::parse)
        .unwrap_or(bot.default_lang);
    let known = match opening.visitor_token {
        Some(t) => match core.store.visitor_by_token(bot.id, &token_hash(t)).await {
            Ok(id) => Some(id),
            Err(crate::store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let identity = super::visitors::check_identity(core, bot.id, opening.context).await?;
    // The embedding site's user is one visitor on every device: theirs, whatever token
    // this browser holds.
    let user = match &identity {
        IdentityCheck::Verified(user) => Some(user),
        _ => None,
    };
    let by_user = match user {
        Some(user) => core.store.visitor_by_user(bot.id, &user.id).await?,
        None => None,
    };
    if known.is_none() && by_user.is_none() && opening.conversation.is_some() {
        return Ok(Err(Refusal::NotYours));
    }
    // A blocked visitor may come back to their conversation (the chatbox then says they
    // are blocked), never start a new one.
    let visitor_known = by_user.or(known);
    if opening.conversation.is_none()
        && super::blocks::in_force(core, bot.id, visitor_known, opening.address)
            .await?
            .is_some()
    {
        return Ok(Err(Refusal::Blocked));
    }
    let (mut visitor_id, mut visitor_token) = match (by_user, known) {
        // The token is kept only when it is this visitor's.
        (Some(id), known) => (
            id,
            opening
                .visitor_token
                .filter(|_| known == Some(id))
                .map(str::to_string),
        ),
        (None, Some(id)) => (id, opening.visitor_token.map(str::to_string)),
        (None, None) => {
            let token = new_token("vt_");
            let id = core
                .store
                .create_visitor(bot.id, &token_hash(&token))
                .await?;
            (id, Some(token))
        }
    };
    if let Some(user) = user {
        // The first time, this browser's visitor becomes the user's (their conversation
        // goes on); two first times at once: the other one won, use it.
        match core.store.set_visitor_user(visitor_id, user).await {
            Ok(()) => {}
            Err(crate::store::StoreError::Conflict(_)) => {
                if let Some(id) = core.store.visitor_by_user(bot.id, &user.id).await? {
                    (visitor_id, visitor_token) = (id, None);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(address) = opening.address {
        core.store.set_visitor_address(visitor_id, address).await?;
    }
    let resumed = match opening.conversation {
        Some(public_id) => match core.store.conversation_by_public_id(public_id).await {
            Ok(c) if c.visitor_id == Some(visitor_id) && c.bot_id == bot.id => Some(c),
            // An identified user's browser may hold another visitor's conversation (before
            // they logged in): theirs is opened instead.
            Ok(_) | Err(crate::store::StoreError::NotFound) if user.is_some() => None,
            Ok(_) | Err(crate::store::StoreError::NotFound) => return Ok(Err(Refusal::NotYours)),
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let resumed = match (resumed, user) {
        (Some(c), _) => Some(c),
        // From another device: the user's conversation still open.
        (None, Some(_)) => {
            core.store
                .latest_open_conversation(bot.id, visitor_id)
                .await?
        }
        (None, None) => None,
    };
    let mut conversation = match resumed {
        Some(c) => c,
        None => {
            core.store
                .create_conversation(bot.id, Some(visitor_id), ConversationKind::Bot, lang)
                .await?
        }
    };
    // This session speaks the language the chatbox asked for, even when resuming a
    // conversation started in the other one.
    if opening.lang.is_some() {
        conversation.lang = lang;
    }
    Ok(Ok(Session {
        visitor_id,
        conversation,
        served,
        visitor_token,
        monitored_by: None,
        link: None,
        identity,
    }))
}

/// `hello` with a monitored conversation's link: that conversation, or why not.
async fn open_monitored(
    core: &Core,
    opening: &Opening<'_>,
    token: &str,
) -> Result<Result<Session, Refusal>, ActionError> {
    let (mut conversation, link) = match super::monitored::open_link(core, token).await? {
        Ok(found) => found,
        Err(problem) => return Ok(Err(Refusal::Link(problem))),
    };
    let served = served(core, conversation.bot_id).await?;
    let Some(visitor_id) = conversation.visitor_id else {
        return Ok(Err(Refusal::Link(super::monitored::LinkProblem::Invalid)));
    };
    if let Some(lang) = opening.lang.and_then(Lang::parse) {
        conversation.lang = lang;
    }
    Ok(Ok(Session {
        visitor_id,
        conversation,
        served,
        visitor_token: None,
        link: Some((link.id, link.expires_at)),
        monitored_by: Some(link.creator_name),
        identity: IdentityCheck::Anonymous,
    }))
}
