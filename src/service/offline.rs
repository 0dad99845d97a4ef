//! Office hours and the offline form (issue 13, item 5).
//!
//! When a visitor asks for a human outside the bot's office hours, or when no operator is
//! on duty, the chatbox offers a form (email, message) instead of a dead end — when the bot
//! has a team address. The message is stored in the conversation, marked "message hors
//! ligne" in the history, and mailed to the team. An operator answers it from the history
//! by mail: the conversation becomes a (weakly) monitored one, and the mail carries its
//! link, which opens the conversation in the chatbox where the visitor may go on.

use super::chat::{self, already_stored, store_and_publish};
use super::livechat::{self, event};
use super::{invalid, ActionError, Core, OrNotFound, Refusal};
use crate::auth::{new_token, token_hash};
use crate::domain::conversation::{
    check_text, Author, MessageBody, MessageKind, NewMessage, SystemEvent,
};
use crate::domain::livechat_settings::LivechatSettings;
use crate::domain::office_hours::OfficeHours;
use crate::domain::{now_ms, Email, Problem};
use crate::engines::Served;
use crate::mail::template::{self, OfflineReplyVars, OfflineVars, Rendered};
use crate::store::{Appended, Conversation, NewLink, NewMail, NewOffline, Operator};
use vigie_bot::Lang;

/// The livechat cannot take the visitor now: why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// Outside the bot's office hours (or a closed day).
    Closed,
    /// Within hours (or none set), but no operator is on duty.
    Nobody,
}

/// The bot (its slug keys its hours) and the livechat settings.
async fn bot_and_settings(
    core: &Core,
    bot_id: i64,
) -> Result<(crate::store::Bot, LivechatSettings), ActionError> {
    let bot = core
        .engines
        .bot_by_id(&core.store, bot_id)
        .await
        .or_not_found("bot")?;
    Ok((bot, super::settings::livechat(core).await?))
}

/// The bot's office hours, when it has some.
pub async fn hours(core: &Core, bot_id: i64) -> Result<Option<OfficeHours>, ActionError> {
    let (bot, settings) = bot_and_settings(core, bot_id).await?;
    Ok(settings.hours_for(&bot.slug).cloned())
}

/// What the visitor is told when the livechat cannot take them: when to come back
/// (outside hours) and, when the bot has a team address, the offer of the offline form
/// (an `offline_offered` event the chatbox shows the form under).
pub fn unavailable_message(
    served: &Served,
    lang: Lang,
    hours: Option<&OfficeHours>,
    why: Unavailable,
) -> NewMessage {
    let text = match why {
        Unavailable::Closed => chat::resource(served, "offline_closed", lang).replace(
            "{hours}",
            &hours.map(|h| h.summary(lang)).unwrap_or_default(),
        ),
        Unavailable::Nobody if hours.is_some_and(OfficeHours::offline_form) => {
            chat::resource(served, "offline_intro", lang)
        }
        Unavailable::Nobody => return livechat::nobody_available(served, lang),
    };
    if hours.is_some_and(OfficeHours::offline_form) {
        let intro = if why == Unavailable::Closed {
            format!("{text} {}", chat::resource(served, "offline_intro", lang))
        } else {
            text
        };
        return event(SystemEvent::OfflineOffered, intro, None);
    }
    NewMessage {
        author: Author::Bot,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text),
            ..Default::default()
        },
    }
}

/// A message left in the offline form: stored in the conversation (the visitor's text and
/// the bot's "sent" event, acknowledged like any message), recorded as an offline message,
/// and mailed to the team; a retry with the same client id does nothing twice.
pub async fn leave_message(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    client_id: &str,
    email: Option<&str>,
    text: Option<&str>,
) -> Result<Appended, ActionError> {
    let mut errors = Vec::new();
    let email = match email.map(Email::parse) {
        None => {
            errors.push(crate::domain::FieldError::of(
                "email",
                Problem::required("the email address"),
            ));
            None
        }
        Some(Err(p)) => {
            errors.push(crate::domain::FieldError::of("email", p));
            None
        }
        Some(Ok(e)) => Some(e),
    };
    let text = match check_text(text.unwrap_or_default()) {
        Err(p) => {
            errors.push(crate::domain::FieldError::of("text", p));
            None
        }
        Ok(t) => Some(t.to_string()),
    };
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let (email, text) = (email.expect("checked"), text.expect("checked"));
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let (bot, settings) = bot_and_settings(core, conv.bot_id).await?;
    let Some(hours) = settings.hours_for(&bot.slug).filter(|h| h.offline_form()) else {
        return Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "offline_form_off",
                "this bot takes no offline messages (no team address is set)",
            ),
        ));
    };
    // The team reads the bot's language.
    let team_lang = bot.default_lang;
    let vars = OfflineVars {
        bot_name: served.snapshot.bot_name.clone(),
        visitor_email: email.as_str().to_string(),
        message: text.clone(),
        received_at: hours.local_time(now_ms(), team_lang),
        conversation_link: format!("{}/console/history#{}", core.public_url(), conv.public_id),
        lang: conv.lang.as_str().to_string(),
    };
    let mail = template::render_offline(
        settings.offline_mail.get(team_lang),
        &vars,
        &format!("offline_mail.{}", team_lang.as_str()),
    )
    .map_err(ActionError::Invalid)?;
    let domain = core.mail_domain();
    core.store
        .record_offline(NewOffline {
            conversation_id: conv.id,
            bot_id: conv.bot_id,
            client_id,
            email: email.as_str(),
            message: &text,
            lang: conv.lang.as_str(),
            team_mail: NewMail {
                to_addr: hours.offline_email.trim(),
                subject: &mail.subject,
                html: &mail.html,
                text: &mail.text,
            },
            mail_domain: &domain,
        })
        .await?;
    core.mailer.wake();
    let visitor = NewMessage {
        author: Author::Visitor,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text.clone()),
            ..Default::default()
        },
    };
    let sent = event(
        SystemEvent::OfflineSent,
        chat::resource(served, "offline_thanks", conv.lang).replace("{email}", email.as_str()),
        None,
    );
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![visitor, sent]).await?;
    tracing::info!(conversation = %conv.public_id, "offline message left");
    Ok(appended)
}

/// What an answer by mail produced.
#[derive(Debug)]
pub struct Answered {
    pub email: String,
    pub link: String,
    pub expires_at: i64,
}

/// An operator answers an offline message by mail: the answer is stored in the conversation
/// (as the operator's message, idempotent by `client_id`), and the visitor gets it by mail
/// with a link that opens the conversation — the conversation becomes a weakly monitored
/// one (no tab opens; the visitor's replies show in the monitored list).
pub async fn answer(
    core: &Core,
    operator: &Operator,
    public_id: &str,
    client_id: Option<&str>,
    text: &str,
) -> Result<Answered, ActionError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("text", Problem::required("the answer")));
    }
    check_text(text).map_err(|m| invalid("text", m))?;
    let conv = core
        .store
        .conversation_by_public_id(public_id)
        .await
        .or_not_found("conversation")?;
    let left = core.store.offline_messages(conv.id).await?;
    let Some(last) = left.last() else {
        return Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "not_offline",
                "this conversation has no offline message to answer",
            ),
        ));
    };
    let served = chat::served(core, conv.bot_id).await?;
    let (bot, settings) = bot_and_settings(core, conv.bot_id).await?;
    let lang = conv.lang;
    let prefix = match settings.prefix_for(&bot.slug) {
        "" => format!("{}/c/{}/", core.public_url(), bot.slug),
        p => p.to_string(),
    };
    let token = new_token("mc_");
    let link = super::monitored::link(&prefix, &token);
    let expires_at = now_ms() + settings.monitored_link_days * 86_400_000;
    let vars = OfflineReplyVars {
        bot_name: served.snapshot.bot_name.clone(),
        operator_name: operator.name.clone(),
        reply: text.to_string(),
        message: last.message.clone(),
        link: link.clone(),
        expires_at: crate::domain::long_date(expires_at, lang),
        lang: lang.as_str().to_string(),
    };
    let mail: Rendered = template::render_offline_reply(
        settings.offline_reply_mail.get(lang),
        &vars,
        &format!("offline_reply_mail.{}", lang.as_str()),
    )
    .map_err(ActionError::Invalid)?;
    // The answer first: when the visitor opens the link, it is there.
    let reply = NewMessage {
        author: Author::Operator,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(text.to_string()),
            operator: Some(operator.name.clone()),
            ..Default::default()
        },
    };
    store_and_publish(core, conv.id, client_id, vec![reply]).await?;
    let name = match lang {
        Lang::Fr => format!("Message hors ligne – {}", last.email),
        Lang::En => format!("Offline message – {}", last.email),
    };
    let domain = core.mail_domain();
    let hash = token_hash(&token);
    core.store
        .answer_offline(
            conv.id,
            conv.bot_id,
            &name,
            &last.email,
            operator.id,
            NewLink {
                token_hash: &hash,
                expires_at,
                mail: NewMail {
                    to_addr: &last.email,
                    subject: &mail.subject,
                    html: &mail.html,
                    text: &mail.text,
                },
                mail_domain: &domain,
            },
        )
        .await?;
    core.mailer.wake();
    livechat::changed(core);
    tracing::info!(conversation = %conv.public_id, "offline message answered by mail");
    Ok(Answered {
        email: last.email.clone(),
        link,
        expires_at,
    })
}

/// The offline mails rendered with sample values (the admin's preview).
pub fn preview(
    kind: &str,
    lang: &str,
    t: &crate::domain::livechat_settings::MailTemplate,
) -> Result<Rendered, ActionError> {
    let lang = Lang::parse(lang).ok_or_else(|| invalid("lang", Problem::bad_lang(lang)))?;
    let done = if kind == "offline_reply" {
        template::render_offline_reply(t, &OfflineReplyVars::sample(lang), "template")
    } else {
        template::render_offline(t, &OfflineVars::sample(lang), "template")
    };
    done.map_err(ActionError::Invalid)
}
