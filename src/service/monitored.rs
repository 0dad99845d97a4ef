//! Monitored conversations: an operator creates a conversation for a visitor, who gets it
//! by mail as a link; the operator follows it (live in a tab with strong monitoring),
//! guides the visitor with knowledge, and may offer help, which turns it into livechat.
//!
//! The rules live here, shared by the API, the console (through the API) and the
//! WebSockets: what must be configured, what a request must hold, which link opens what.

use super::chat::{self, already_stored, store_and_publish};
use super::livechat::{self, event, text};
use super::{invalid, ActionError, Core, OrNotFound, Refusal};
use crate::auth::{new_token, token_hash};
use crate::bus::{Event, Topic};
use crate::domain::chatbox_config::Module;
use crate::domain::conversation::{ConversationKind, SystemEvent};
use crate::domain::now_ms;
use crate::domain::{Email, Problem};
use crate::engines::Served;
use crate::mail::template::{self, MailVars, Rendered};
use crate::store::{
    Appended, Conversation, FoundLink, MonitoredItem, NewLink, NewMail, NewMonitored, Operator,
    StoreError,
};
use vigie_bot::Lang;

const MAX_NAME: usize = 100;
const LIST_LIMIT: i64 = 200;

/// What an operator asks for (the API's body, read by `http`); checked by `create`.
#[derive(Debug, Default)]
pub struct Draft<'a> {
    pub bot: Option<&'a str>,
    pub name: Option<&'a str>,
    pub starting_knowledge: Option<&'a str>,
    pub email: Option<&'a str>,
    pub strong_monitoring: bool,
    pub lang: Option<&'a str>,
}

/// What a creation (or a resend) returns.
#[derive(Debug)]
pub struct Created {
    pub id: String,
    pub conversation: String,
    pub link: String,
    pub expires_at: i64,
    pub item: MonitoredItem,
}

/// Why a link does not open a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    Invalid,
    Revoked,
    Expired,
}

impl LinkProblem {
    pub fn code(self) -> &'static str {
        match self {
            LinkProblem::Invalid => "link_invalid",
            LinkProblem::Revoked => "link_revoked",
            LinkProblem::Expired => "link_expired",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            LinkProblem::Invalid => "this link is not valid",
            LinkProblem::Revoked => "this link was replaced by a newer one or revoked",
            LinkProblem::Expired => "this link has expired",
        }
    }
}

fn check_name(raw: Option<&str>) -> Result<String, Problem> {
    let name = raw.unwrap_or("").trim();
    if name.is_empty() {
        return Err(Problem::required("the conversation name"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Problem::too_long("the conversation name", MAX_NAME));
    }
    if name.chars().any(char::is_control) {
        return Err(Problem::new("single_line", "must be a single line of text"));
    }
    Ok(name.to_string())
}

/// `<prefix>?vigie_mc=<token>`, or `&vigie_mc=` when the prefix has a query already.
pub fn link(prefix: &str, token: &str) -> String {
    let sep = if prefix.contains('?') {
        if prefix.ends_with('?') || prefix.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    format!("{prefix}{sep}vigie_mc={token}")
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "French",
        Lang::En => "English",
    }
}

/// The served bot, checked to have the module on; and the prefix URL.
async fn configured(
    core: &Core,
    bot_id: i64,
    slug: &str,
) -> Result<
    (
        std::sync::Arc<Served>,
        String,
        i64,
        crate::domain::livechat_settings::MailTemplates,
    ),
    ActionError,
> {
    let served = chat::served(core, bot_id).await.map_err(|e| match e {
        ActionError::NotFound(_) => invalid(
            "bot",
            Problem::new(
                "not_deployed",
                format!("bot `{slug}` has not been deployed yet: deploy it first"),
            )
            .param("bot", slug),
        ),
        other => other,
    })?;
    let mut errors = Vec::new();
    if !served
        .snapshot
        .config
        .module_on(Module::MonitoredConversations)
    {
        errors.push(
            crate::domain::FieldError::new(
                "bot",
                format!("the module Monitored conversations is off for bot `{slug}`: switch it on in Integration > Web > Dialog box (advanced view), then deploy"),
            )
            .code("module_off")
            .param("bot", slug)
            .param("module", Module::MonitoredConversations.as_str()),
        );
    }
    let settings = super::settings::livechat(core).await?;
    let prefix = settings.prefix_for(slug).to_string();
    if prefix.is_empty() {
        errors.push(
            crate::domain::FieldError::new(
                "monitored_prefix_url",
                "no prefix URL is set: fill in Monitored conversations – Prefix URL in Livechat settings > General > Misc",
            )
            .code("prefix_url_missing"),
        );
    }
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    Ok((
        served,
        prefix,
        settings.monitored_link_days,
        settings.monitored_mail,
    ))
}

struct Prepared {
    token_hash: String,
    link: String,
    expires_at: i64,
    mail: Rendered,
}

impl Prepared {
    /// The link and its mail to `to`, as the store keeps them.
    fn link_to<'a>(&'a self, to: &'a str, mail_domain: &'a str) -> NewLink<'a> {
        NewLink {
            token_hash: &self.token_hash,
            expires_at: self.expires_at,
            mail: NewMail {
                to_addr: to,
                subject: &self.mail.subject,
                html: &self.mail.html,
                text: &self.mail.text,
            },
            mail_domain,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn prepare(
    served: &Served,
    prefix: &str,
    days: i64,
    templates: &crate::domain::livechat_settings::MailTemplates,
    lang: Lang,
    name: &str,
    operator: &Operator,
    knowledge_id: &str,
) -> Result<Prepared, ActionError> {
    let k = served.item(knowledge_id).ok_or_else(|| {
        invalid(
            "starting_knowledge",
            Problem::new(
                "knowledge_not_deployed",
                format!("no knowledge `{knowledge_id}` in the deployed bot"),
            )
            .param("id", knowledge_id),
        )
    })?;
    if k.lang != lang {
        // The visitor reads the conversation's language: the mail, the chatbox and the
        // starting answer must all be in it (translations are not there yet).
        return Err(invalid(
            "starting_knowledge",
            Problem::new(
                "knowledge_lang",
                format!(
                    "the knowledge `{}` is in {}, the conversation in {}: choose a knowledge item in {}",
                    k.id,
                    lang_name(k.lang),
                    lang_name(lang),
                    lang_name(lang)
                ),
            )
            .param("id", k.id.as_str())
            .param("found", k.lang.as_str())
            .param("expected", lang.as_str()),
        ));
    }
    let token = new_token("mc_");
    let link = link(prefix, &token);
    let expires_at = now_ms() + days * 86_400_000;
    let vars = MailVars {
        link: link.clone(),
        conversation_name: name.to_string(),
        operator_name: operator.name.clone(),
        knowledge_title: k.title.clone(),
        knowledge_answer: crate::domain::markdown::to_plain(&k.answer),
        knowledge_answer_html: k.answer_html.clone(),
        bot_name: served.snapshot.bot_name.clone(),
        expires_at: crate::domain::long_date(expires_at, lang),
        lang: lang.as_str().to_string(),
    };
    let mail = template::render(
        templates.get(lang),
        &vars,
        &format!("monitored_mail.{}", lang.as_str()),
    )
    .map_err(|errors| {
        // Saved templates were checked; a failure here is still the template's.
        ActionError::Invalid(errors)
    })?;
    Ok(Prepared {
        token_hash: token_hash(&token),
        link,
        expires_at,
        mail,
    })
}

/// Creates a monitored conversation and queues its mail.
pub async fn create(
    core: &Core,
    operator: &Operator,
    req: Draft<'_>,
) -> Result<Created, ActionError> {
    let slug = req.bot.unwrap_or_default();
    if slug.trim().is_empty() {
        return Err(invalid("bot", Problem::required("the bot")));
    }
    // Field errors first, all at once.
    let mut errors = Vec::new();
    let name = check_name(req.name)
        .map_err(|m| errors.push(crate::domain::FieldError::of("name", m)))
        .ok();
    let email = match req.email {
        None => {
            errors.push(crate::domain::FieldError::of(
                "email",
                Problem::required("the visitor's email address"),
            ));
            None
        }
        Some(raw) => Email::parse(raw)
            .map_err(|m| errors.push(crate::domain::FieldError::of("email", m)))
            .ok(),
    };
    let knowledge_id = req.starting_knowledge.unwrap_or_default();
    if knowledge_id.trim().is_empty() {
        errors.push(crate::domain::FieldError::of(
            "starting_knowledge",
            Problem::required("the starting knowledge"),
        ));
    }
    let lang = match req.lang {
        None | Some("") => None,
        Some(l) => match Lang::parse(l) {
            Some(l) => Some(l),
            None => {
                errors.push(crate::domain::FieldError::of("lang", Problem::bad_lang(l)));
                None
            }
        },
    };
    let bot = core
        .engines
        .bot(&core.store, slug.trim())
        .await
        .or_not_found("bot")?;
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let (name, email) = (name.expect("checked"), email.expect("checked"));
    let lang = lang.unwrap_or(bot.default_lang);
    let (served, prefix, days, templates) = configured(core, bot.id, &bot.slug).await?;
    let p = prepare(
        &served,
        &prefix,
        days,
        &templates,
        lang,
        &name,
        operator,
        knowledge_id.trim(),
    )?;
    let k = served
        .item(knowledge_id.trim())
        .expect("checked by prepare");
    let first = chat::knowledge_message(&served, &k.id).expect("checked by prepare");
    let domain = core.mail_domain();
    let public_id = core
        .store
        .create_monitored(NewMonitored {
            bot_id: bot.id,
            lang,
            name: &name,
            knowledge_id: &k.id,
            knowledge_title: &k.title,
            email: email.as_str(),
            strong: req.strong_monitoring,
            creator_id: operator.id,
            first_message: first,
            link: p.link_to(email.as_str(), &domain),
        })
        .await?;
    core.mailer.wake();
    livechat::changed(core);
    let conv = core.store.conversation_by_public_id(&public_id).await?;
    let item = core.store.monitored_by_conversation(conv.id).await?;
    tracing::info!(conversation = %public_id, strong = req.strong_monitoring, "monitored conversation created");
    Ok(Created {
        id: public_id.clone(),
        conversation: public_id,
        link: p.link,
        expires_at: p.expires_at,
        item,
    })
}

/// The monitored conversation behind a public id.
pub async fn find(
    core: &Core,
    public_id: &str,
) -> Result<(Conversation, MonitoredItem), ActionError> {
    let conv = core
        .store
        .conversation_by_public_id(public_id)
        .await
        .or_not_found("monitored conversation")?;
    let item = core
        .store
        .monitored_by_conversation(conv.id)
        .await
        .or_not_found("monitored conversation")?;
    Ok((conv, item))
}

/// A new link to `email` (the previous ones stop working) and a new mail.
pub async fn resend(
    core: &Core,
    operator: &Operator,
    public_id: &str,
    email: Option<&str>,
) -> Result<Created, ActionError> {
    let (conv, item) = find(core, public_id).await?;
    must_manage_links(operator, &item)?;
    let email = Email::parse(email.unwrap_or("")).map_err(|m| invalid("email", m))?;
    let (served, prefix, days, templates) = configured(core, item.bot_id, &item.bot).await?;
    let p = prepare(
        &served,
        &prefix,
        days,
        &templates,
        conv.lang,
        &item.name,
        operator,
        &item.starting_knowledge.id,
    )?;
    let domain = core.mail_domain();
    core.store
        .resend_monitored(item.id, email.as_str(), p.link_to(email.as_str(), &domain))
        .await?;
    links_changed(core, conv.id).await;
    core.mailer.wake();
    livechat::changed(core);
    let item = core.store.monitored_by_conversation(conv.id).await?;
    Ok(Created {
        id: conv.public_id.clone(),
        conversation: conv.public_id,
        link: p.link,
        expires_at: p.expires_at,
        item,
    })
}

pub async fn revoke(
    core: &Core,
    operator: &Operator,
    public_id: &str,
) -> Result<MonitoredItem, ActionError> {
    let (conv, item) = find(core, public_id).await?;
    must_manage_links(operator, &item)?;
    core.store.revoke_monitored_links(item.id).await?;
    links_changed(core, conv.id).await;
    livechat::changed(core);
    Ok(core.store.monitored_by_conversation(conv.id).await?)
}

/// Tells the sockets of this conversation, on every node, that its links changed: those
/// opened by a link that no longer works say so to their visitor and close.
async fn links_changed(core: &Core, conversation_id: i64) {
    core.bus
        .publish(Topic::Conversation(conversation_id), Event::LinksChanged);
    if let Err(e) = core.store.notify_links_changed(conversation_id).await {
        tracing::warn!(error = %e, "could not tell the other nodes of a revoked link");
    }
}

/// Whether the link a socket was opened with still works: `None`, or why not.
pub async fn link_still_works(
    core: &Core,
    link_id: i64,
) -> Result<Option<LinkProblem>, ActionError> {
    let (expires_at, revoked_at) = match core.store.link_state(link_id).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Ok(Some(LinkProblem::Revoked)),
        Err(e) => return Err(e.into()),
    };
    Ok(if revoked_at.is_some() {
        Some(LinkProblem::Revoked)
    } else if expires_at <= now_ms() {
        Some(LinkProblem::Expired)
    } else {
        None
    })
}

/// The list operators see, most recent first.
pub async fn items(core: &Core) -> Result<Vec<MonitoredItem>, ActionError> {
    Ok(core.store.list_monitored(LIST_LIMIT).await?)
}

/// The conversation a visitor's link opens, or why it does not. Records the first opening.
pub async fn open_link(
    core: &Core,
    token: &str,
) -> Result<Result<(Conversation, FoundLink), LinkProblem>, ActionError> {
    if !token.starts_with("mc_") || token.len() > 100 {
        return Ok(Err(LinkProblem::Invalid));
    }
    let link = match core.store.link_by_token_hash(&token_hash(token)).await {
        Ok(l) => l,
        Err(StoreError::NotFound) => return Ok(Err(LinkProblem::Invalid)),
        Err(e) => return Err(e.into()),
    };
    let dead = if link.revoked_at.is_some() {
        Some(LinkProblem::Revoked)
    } else if link.expires_at <= now_ms() {
        Some(LinkProblem::Expired)
    } else {
        None
    };
    if let Some(problem) = dead {
        // The operators see the attempt (list and tab), with the resend at hand.
        core.store
            .dead_link_tried(link.monitored_id, problem.code())
            .await?;
        livechat::changed(core);
        return Ok(Err(problem));
    }
    let conv = core.store.conversation_by_id(link.conversation_id).await?;
    if link.opened_at.is_none() && core.store.link_opened(link.id).await? {
        livechat::changed(core);
    }
    Ok(Ok((conv, link)))
}

/// "Proposer de l'aide": the visitor sees an offer to accept or decline.
pub async fn offer_help(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let (conv, item) = find(core, &conv.public_id).await?;
    must_act(operator, &item)?;
    if !conv.state.with_bot() {
        return Err(invalid(
            "conversation",
            Problem::new(
                "already_livechat",
                "the visitor is already in livechat (or waiting for an operator)",
            ),
        ));
    }
    if !core.store.offer_help(item.id, operator.id).await? {
        return Err(invalid(
            "conversation",
            Problem::new(
                "offer_pending",
                "an offer of help is already waiting for the visitor's answer",
            ),
        ));
    }
    let name = &operator.name;
    let offer = event(
        SystemEvent::HelpOffered,
        text(
            conv.lang,
            format!("{name} vous propose son aide. Souhaitez-vous échanger avec {name} ?"),
            format!("{name} offers to help you. Would you like to chat with {name}?"),
        ),
        Some(name),
    );
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![offer]).await?;
    livechat::changed(core);
    Ok(appended)
}

fn no_offer() -> Problem {
    Problem::new("no_offer", "no offer of help is waiting for an answer")
}

/// The visitor's answer to an offer of help.
pub async fn help_reply(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
    accept: bool,
) -> Result<Appended, ActionError> {
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let (conv, item) = find(core, &conv.public_id)
        .await
        .map_err(|_| invalid("help_reply", no_offer()))?;
    let Some(operator_id) = core.store.take_offer(item.id).await? else {
        return Err(invalid("help_reply", no_offer()));
    };
    let name = core
        .store
        .operator_by_id(operator_id)
        .await
        .map(|o| o.name)
        .unwrap_or_default();
    let lang = conv.lang;
    let mut messages = Vec::new();
    if accept {
        messages.push(event(
            SystemEvent::HelpAccepted,
            text(
                lang,
                format!(
                    "Vous avez accepté l'aide {}.",
                    crate::domain::de_name(&name)
                ),
                format!("You accepted {name}'s help."),
            ),
            Some(&name),
        ));
        let fresh = livechat::fresh_after(core).await?;
        match core.store.assign(conv.id, Some(operator_id), fresh).await? {
            Some(op) => messages.push(livechat::joined(lang, &op.name)),
            // That operator went offline or is full: the usual hand-over.
            None => messages.extend(livechat::route(core, served, &conv).await?.0),
        }
    } else {
        messages.push(event(
            SystemEvent::HelpDeclined,
            text(
                lang,
                "Vous avez décliné l'aide proposée. L'assistant reste à votre disposition.".into(),
                "You declined the offer of help. The assistant is still here for you.".into(),
            ),
            Some(&name),
        ));
    }
    let appended = store_and_publish(core, conv.id, Some(client_id), messages).await?;
    livechat::changed(core);
    Ok(appended)
}

/// Renders a template with sample values (the admin's preview).
pub fn preview(
    lang: &str,
    t: &crate::domain::livechat_settings::MailTemplate,
) -> Result<Rendered, ActionError> {
    let lang = Lang::parse(lang).ok_or_else(|| invalid("lang", Problem::bad_lang(lang)))?;
    template::check(t, lang, "template").map_err(ActionError::Invalid)
}

/// The transcript mail template rendered with sample values (nothing is saved).
pub fn preview_transcript(
    lang: &str,
    t: &crate::domain::livechat_settings::MailTemplate,
) -> Result<Rendered, ActionError> {
    let lang = Lang::parse(lang).ok_or_else(|| invalid("lang", Problem::bad_lang(lang)))?;
    template::check_transcript(t, lang, "template").map_err(ActionError::Invalid)
}

/// Checks both mail templates of the settings (before they are saved).
pub fn check_templates(
    s: &crate::domain::livechat_settings::LivechatSettings,
) -> Result<(), ActionError> {
    let mut errors = Vec::new();
    for (lang, t) in [
        (Lang::Fr, &s.monitored_mail.fr),
        (Lang::En, &s.monitored_mail.en),
    ] {
        if let Err(e) = template::check(t, lang, &format!("monitored_mail.{}", lang.as_str())) {
            errors.extend(e);
        }
    }
    for (lang, t) in [
        (Lang::Fr, &s.transcript_mail.fr),
        (Lang::En, &s.transcript_mail.en),
    ] {
        let prefix = format!("transcript_mail.{}", lang.as_str());
        if let Err(e) = template::check_transcript(t, lang, &prefix) {
            errors.extend(e);
        }
    }
    for lang in [Lang::Fr, Lang::En] {
        let l = lang.as_str();
        let offline = template::OfflineVars::sample(lang);
        if let Err(e) = template::render_offline(
            s.offline_mail.get(lang),
            &offline,
            &format!("offline_mail.{l}"),
        ) {
            errors.extend(e);
        }
        let reply = template::OfflineReplyVars::sample(lang);
        if let Err(e) = template::render_offline_reply(
            s.offline_reply_mail.get(lang),
            &reply,
            &format!("offline_reply_mail.{l}"),
        ) {
            errors.extend(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ActionError::Invalid(errors))
    }
}

/// An operator opened a monitored conversation (a tab in some browser): seen by them, so
/// their other browsers do not show it as new.
pub async fn seen(
    core: &Core,
    operator: &Operator,
    conv: &Conversation,
) -> Result<(), ActionError> {
    if conv.kind != ConversationKind::Monitored {
        return Ok(());
    }
    let item = core.store.monitored_by_conversation(conv.id).await?;
    core.store.monitored_seen(item.id, operator.id).await?;
    Ok(())
}

/// Who may act on a monitored conversation (guide it, offer help, resend, revoke): its
/// creator, an admin or a supervisor, and the operator who holds it once it is handed
/// over. Every operator sees the list; the others only read. Once handed over, writing,
/// transferring and ending follow the livechat rule (the holder only).
pub fn may_act(operator: &Operator, item: &MonitoredItem) -> bool {
    operator.role.supervises()
        || item.creator.as_ref().is_some_and(|c| c.id == operator.id)
        || item.operator.as_ref().is_some_and(|o| o.id == operator.id)
}

/// `may_act`, as an error saying who may.
pub fn must_act(operator: &Operator, item: &MonitoredItem) -> Result<(), ActionError> {
    if may_act(operator, item) {
        Ok(())
    } else {
        Err(ActionError::refused(
            Refusal::Forbidden,
            Problem::new(
                "monitored_not_yours",
                "only its creator, an admin or the operator it was handed over to may act on this monitored conversation",
            ),
        ))
    }
}

/// Who may resend or revoke a monitored conversation's link: its creator, an admin or a
/// supervisor. Not the operator it was handed over to: the link is the visitor's
/// credential, and sending it to another address would let its holder post as the
/// visitor.
pub fn may_manage_links(operator: &Operator, item: &MonitoredItem) -> bool {
    operator.role.supervises() || item.creator.as_ref().is_some_and(|c| c.id == operator.id)
}

/// `may_manage_links`, as an error saying who may.
pub fn must_manage_links(operator: &Operator, item: &MonitoredItem) -> Result<(), ActionError> {
    if may_manage_links(operator, item) {
        Ok(())
    } else {
        Err(ActionError::refused(
            Refusal::Forbidden,
            Problem::new(
                "monitored_links_not_yours",
                "only its creator, an admin or a supervisor may resend or revoke this monitored conversation's link",
            ),
        ))
    }
}

/// Whether an operator may send knowledge into this conversation without holding it:
/// guiding a monitored conversation that no operator holds.
pub fn may_guide(conv: &Conversation) -> bool {
    conv.kind == ConversationKind::Monitored && !conv.state.with_operator()
}
