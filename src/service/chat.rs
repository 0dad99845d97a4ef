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
use crate::store::{is_public_id, new_public_id, Appended, Conversation};
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
        return Err(livechat_off(served, conv.lang));
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

/// Why a pending session's first frame would be refused, checked before anything is
/// stored (a refused frame creates no visitor and no conversation): a text that is
/// empty or too long, an unknown knowledge item, a hand-over with the livechat off.
/// A hand-over asked of a chatbox whose livechat module is off: the dialog box's own
/// sentence for "no operator available", in the conversation's language.
fn livechat_off(served: &Served, lang: Lang) -> ActionError {
    invalid(
        "handoff",
        Problem::new(
            "livechat_off",
            resource(served, "no_operator_available", lang),
        ),
    )
}

pub fn check_first_write(
    served: &Served,
    lang: Lang,
    text: Option<&str>,
    knowledge_id: Option<&str>,
    handoff: bool,
) -> Result<(), ActionError> {
    if let Some(text) = text {
        check_text(text).map_err(|m| invalid("text", m))?;
    }
    if knowledge_id.is_some_and(|id| served.item(id).is_none()) {
        return Err(ActionError::NotFound("knowledge"));
    }
    if handoff && !served.snapshot.config.module_on(Module::Livechat) {
        return Err(livechat_off(served, lang));
    }
    Ok(())
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
    /// A conversation to resume (it must be this visitor's), or the id a session not
    /// stored yet was given (a reconnection before the first message).
    pub conversation: Option<&'a str>,
    /// A monitored conversation's link token (`vigie_mc`): the link is the credential.
    pub link: Option<&'a str>,
    /// The client's address (the chatbox connection's TCP peer): remembered on the
    /// visitor, and a blocked address may not start a conversation.
    pub address: Option<&'a str>,
    /// What the chatbox reports (the embedding site's identity among it).
    pub context: Option<&'a crate::domain::visitor_context::ReportedContext>,
    /// The browser's `User-Agent`.
    pub user_agent: Option<&'a str>,
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

/// A session of which nothing is stored yet (issue 15, item 2): opening the chatbox
/// writes no row. The visitor (when new), the conversation, the token's hash, the
/// identity, the address and the context are written by `materialize`, on the first
/// frame that must be stored (a message, a choice, a hand-over, the offline form).
pub struct Pending {
    pub bot_id: i64,
    pub served: Arc<Served>,
    pub lang: Lang,
    /// The conversation's id, given in `welcome` before the row exists (a reconnection
    /// presenting it gets it again, and after a crash the first message's retry lands in
    /// the conversation its first attempt created).
    pub public_id: String,
    pub visitor: PendingVisitor,
    /// The token `welcome` gives (kept by the chatbox).
    pub visitor_token: Option<String>,
    pub identity: IdentityCheck,
    pub address: Option<String>,
    /// What the chatbox reported, cleaned, and the pages (`page` frames) since.
    pub context: crate::domain::visitor_context::Context,
    pub user_agent: Option<String>,
}

/// Who a pending session's visitor is.
pub enum PendingVisitor {
    /// A visitor already stored (a returning one starting a new conversation).
    Stored(i64),
    /// A new visitor: the token `welcome` gives, stored (hashed) on the first write.
    New(String),
}

impl Pending {
    /// The session once its rows exist.
    fn session(&self, visitor_id: i64, conversation: Conversation) -> Session {
        Session {
            visitor_id,
            conversation,
            served: self.served.clone(),
            visitor_token: self.visitor_token.clone(),
            monitored_by: None,
            link: None,
            identity: self.identity.clone(),
        }
    }

    /// The visitor, when stored already (blocks are checked against it).
    pub fn stored_visitor(&self) -> Option<i64> {
        match self.visitor {
            PendingVisitor::Stored(id) => Some(id),
            PendingVisitor::New(_) => None,
        }
    }

    /// A key for the per-visitor frame limit: the visitor's id, or for a new visitor a
    /// negative number taken from its token.
    pub fn rate_key(&self) -> i64 {
        match &self.visitor {
            PendingVisitor::Stored(id) => *id,
            PendingVisitor::New(token) => {
                let hash = token_hash(token);
                let n = i64::from_str_radix(&hash[..15], 16).unwrap_or(0);
                -(n + 1)
            }
        }
    }
}

/// What a `hello` opened (one per `hello`, moved once: its size does not matter).
#[allow(clippy::large_enum_variant)]
pub enum Opened {
    /// A conversation that is stored (resumed, or a monitored conversation's link).
    Stored(Session),
    /// A new conversation, not stored until the visitor writes.
    Pending(Box<Pending>),
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

/// Whether a token presented for a visitor the database does not know has the shape of
/// the ones `new_token("vt_")` makes (then a pending session keeps it).
fn token_shape(token: &str) -> bool {
    token.strip_prefix("vt_").is_some_and(|t| {
        t.len() == 43
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Opens a visitor's session: the visitor (the presented token if valid for this bot,
/// else a new one) and the conversation (the one to resume, or a new one, pending until
/// the visitor writes); or, with a link, the monitored conversation it opens and never
/// another one. Opening a new conversation writes nothing.
pub async fn open_session(
    core: &Core,
    opening: &Opening<'_>,
) -> Result<Result<Opened, Refusal>, ActionError> {
    if core.store.bot_archived(opening.bot).await? {
        return Ok(Err(Refusal::Archived));
    }
    if let Some(token) = opening.link {
        return Ok(open_monitored(core, opening, token)
            .await?
            .map(Opened::Stored));
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
    let visitor = by_user.or(known);
    // The token is kept only when it is this visitor's.
    let mut visitor_token = opening
        .visitor_token
        .filter(|_| known.is_some() && known == visitor)
        .map(str::to_string);
    // The conversation presented: this visitor's is resumed; one that does not exist
    // (yet) is a pending session's, reconnecting; another's is refused.
    let mut resumed = None;
    let mut pending_id = None;
    if let Some(public_id) = opening.conversation {
        match core.store.conversation_by_public_id(public_id).await {
            Ok(c) if visitor.is_some() && c.visitor_id == visitor && c.bot_id == bot.id => {
                resumed = Some(c)
            }
            // An identified user's browser may hold another visitor's conversation (before
            // they logged in): theirs is opened instead.
            Ok(_) if user.is_some() => {}
            Ok(_) => return Ok(Err(Refusal::NotYours)),
            Err(crate::store::StoreError::NotFound) if is_public_id(public_id) => {
                pending_id = Some(public_id.to_string())
            }
            Err(crate::store::StoreError::NotFound) if user.is_some() => {}
            Err(crate::store::StoreError::NotFound) => return Ok(Err(Refusal::NotYours)),
            Err(e) => return Err(e.into()),
        }
    }
    if let (None, Some(_), Some(v)) = (&resumed, user, visitor) {
        // From another device: the user's conversation still open.
        resumed = core.store.latest_open_conversation(bot.id, v).await?;
    }
    let Some(mut conversation) = resumed else {
        // A new conversation: nothing is written until the visitor writes. A blocked
        // visitor or address may not start one.
        if super::blocks::in_force(core, bot.id, visitor, opening.address)
            .await?
            .is_some()
        {
            return Ok(Err(Refusal::Blocked));
        }
        let pending_visitor = match visitor {
            Some(id) => PendingVisitor::Stored(id),
            None => {
                // A token this browser was given before its first write (a reconnection)
                // is kept; any other one is replaced.
                let kept = match opening.visitor_token {
                    Some(t)
                        if token_shape(t)
                            && !core.store.visitor_token_taken(&token_hash(t)).await? =>
                    {
                        Some(t.to_string())
                    }
                    _ => None,
                };
                let token = kept.unwrap_or_else(|| new_token("vt_"));
                visitor_token = Some(token.clone());
                PendingVisitor::New(token)
            }
        };
        return Ok(Ok(Opened::Pending(Box::new(Pending {
            bot_id: bot.id,
            served,
            lang,
            public_id: pending_id.unwrap_or_else(new_public_id),
            visitor: pending_visitor,
            visitor_token,
            identity,
            address: opening.address.map(str::to_string),
            context: super::visitors::cleaned(opening.context),
            user_agent: opening.user_agent.map(str::to_string),
        }))));
    };
    // A stored conversation: what hello tells of the visitor is kept now (the address
    // written only when it changed). The first time, this browser's visitor becomes the
    // user's (their conversation goes on); two first times at once: the other one won,
    // use it.
    let mut visitor_id = visitor.expect("a stored conversation has its visitor");
    if let Some(user) = user {
        match core.store.set_visitor_user(visitor_id, user).await {
            Ok(()) => {}
            Err(crate::store::StoreError::Conflict(_)) => {
                if let Some(id) = core.store.visitor_by_user(bot.id, &user.id).await? {
                    (visitor_id, visitor_token) = (id, None);
                    if conversation.visitor_id != Some(id) {
                        // Resumed from another visitor's browser: the user's own is opened.
                        match core.store.latest_open_conversation(bot.id, id).await? {
                            Some(c) => conversation = c,
                            None => return Ok(Err(Refusal::NotYours)),
                        }
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(address) = opening.address {
        core.store.set_visitor_address(visitor_id, address).await?;
    }
    // This session speaks the language the chatbox asked for, even when resuming a
    // conversation started in the other one.
    if opening.lang.is_some() {
        conversation.lang = lang;
    }
    Ok(Ok(Opened::Stored(Session {
        visitor_id,
        conversation,
        served,
        visitor_token,
        monitored_by: None,
        link: None,
        identity,
    })))
}

/// Stores a pending session (its first write): the visitor (when new, with its token's
/// hash, or the identified user's visitor if another device stored it meanwhile), the
/// identity, the address, the context held in memory, then the conversation. Each step
/// is idempotent: a retry after a crash (same token, same conversation id) finds what
/// the first attempt stored. The caller then stores the message and acknowledges it.
pub async fn materialize(core: &Core, p: &Pending) -> Result<Session, ActionError> {
    let user = match &p.identity {
        IdentityCheck::Verified(user) => Some(user),
        _ => None,
    };
    if user.is_none() {
        // An anonymous visitor: every row in one write, batched with other sessions'.
        let (visitor_id, mut conversation) = core
            .store
            .materialize_session(crate::store::NewSession {
                bot_id: p.bot_id,
                visitor: match &p.visitor {
                    PendingVisitor::Stored(id) => crate::store::SessionVisitor::Stored(*id),
                    PendingVisitor::New(token) => crate::store::SessionVisitor::New {
                        token_hash: token_hash(token),
                    },
                },
                address: p.address.clone(),
                user_agent: super::visitors::user_agent(p.user_agent.as_deref()),
                context: p.context.clone(),
                public_id: p.public_id.clone(),
                lang: p.lang,
            })
            .await?;
        conversation.lang = p.lang;
        return Ok(p.session(visitor_id, conversation));
    }
    let mut visitor_id = match &p.visitor {
        PendingVisitor::Stored(id) => *id,
        PendingVisitor::New(token) => {
            let by_user = match user {
                Some(u) => core.store.visitor_by_user(p.bot_id, &u.id).await?,
                None => None,
            };
            match by_user {
                Some(id) => id,
                None => {
                    core.store
                        .ensure_visitor(p.bot_id, &token_hash(token))
                        .await?
                }
            }
        }
    };
    if let Some(user) = user {
        match core.store.set_visitor_user(visitor_id, user).await {
            Ok(()) => {}
            Err(crate::store::StoreError::Conflict(_)) => {
                if let Some(id) = core.store.visitor_by_user(p.bot_id, &user.id).await? {
                    visitor_id = id;
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(address) = &p.address {
        core.store.set_visitor_address(visitor_id, address).await?;
    }
    super::visitors::keep(core, visitor_id, &p.context, p.user_agent.as_deref()).await?;
    let mut conversation = core
        .store
        .ensure_conversation(&p.public_id, p.bot_id, visitor_id, p.lang)
        .await?;
    conversation.lang = p.lang;
    Ok(p.session(visitor_id, conversation))
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
