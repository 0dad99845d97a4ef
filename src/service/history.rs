//! The conversation history: the search (filters checked here, each refusal with its code),
//! a conversation's whole record (messages, operators, the monitored record and its mails,
//! the transcripts mailed), its transcript as text, JSON or a mail, and the visitor's own
//! request for the transcript (the chatbox's `transcript` module).

use super::{ActionError, Core, OrNotFound, Refusal};
use crate::domain::chatbox_config::Module;
use crate::domain::conversation::{
    Author, ConversationKind, ConversationState, Message, MessageKind,
};
use crate::domain::{now_ms, Email, FieldError, OperatorId, Problem};
use crate::mail::template::{self, TranscriptVars};
use crate::store::{
    Conversation, HistoryCursor, HistoryPage, HistoryQuery, LinkInfo, MonitoredItem, NewMail,
    Operator, TranscriptMail,
};
use vigie_bot::Lang;

/// Shortest text searched (the trigram indexes find 3 characters or more).
pub const MIN_TEXT: usize = 3;
pub const MAX_TEXT: usize = 200;
pub const MAX_LIMIT: i64 = 200;
/// Transcripts a visitor may have mailed for one conversation in an hour.
pub const VISITOR_MAILS_PER_HOUR: i64 = 3;

/// The search as received (query string values, unchecked).
#[derive(Debug, Default)]
pub struct Search<'a> {
    pub q: Option<&'a str>,
    pub bot: Option<&'a str>,
    pub state: Option<&'a str>,
    pub kind: Option<&'a str>,
    /// An operator's id or exact name.
    pub operator: Option<&'a str>,
    pub visitor: Option<&'a str>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub cursor: Option<&'a str>,
    pub limit: Option<i64>,
}

fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// Checks the filters (every problem at once) into the store's query.
pub async fn query(core: &Core, s: &Search<'_>) -> Result<HistoryQuery, ActionError> {
    let mut errors = Vec::new();
    let text = present(s.q).map(str::to_string);
    if let Some(t) = &text {
        let n = t.chars().count();
        if n < MIN_TEXT {
            errors.push(
                FieldError::new("q", format!("search at least {MIN_TEXT} characters"))
                    .code("too_short")
                    .param("min", MIN_TEXT),
            );
        } else if n > MAX_TEXT {
            errors.push(
                FieldError::new("q", format!("search at most {MAX_TEXT} characters"))
                    .code("too_long")
                    .param("max", MAX_TEXT),
            );
        }
    }
    let mut bot_id = None;
    if let Some(slug) = present(s.bot) {
        match core.store.bot(slug).await {
            Ok(b) => bot_id = Some(b.id),
            Err(crate::store::StoreError::NotFound) => errors.push(
                FieldError::new("bot", format!("no bot `{slug}`"))
                    .code("unknown_bot")
                    .param("bot", slug),
            ),
            Err(e) => return Err(e.into()),
        }
    }
    let state = match present(s.state) {
        None => None,
        Some(v) => match ConversationState::parse(v) {
            Some(st) => Some(st),
            None => {
                errors.push(FieldError::of(
                    "state",
                    Problem::new(
                        "filter_invalid",
                        "state is one of bot, queued, live, closed",
                    ),
                ));
                None
            }
        },
    };
    // "offline": a message left in the offline form (a mark, not a kind of its own).
    let offline = present(s.kind) == Some("offline");
    let kind = match present(s.kind).filter(|_| !offline) {
        None => None,
        Some(v) => match ConversationKind::parse(v) {
            Some(k) => Some(k),
            None => {
                errors.push(FieldError::of(
                    "kind",
                    Problem::new(
                        "filter_invalid",
                        "kind is one of bot, livechat, monitored, offline",
                    ),
                ));
                None
            }
        },
    };
    let mut operator_id = None;
    if let Some(o) = present(s.operator) {
        let found = match o.parse::<i64>() {
            Ok(id) => core.store.operator_by_id(OperatorId(id)).await.ok(),
            Err(_) => core
                .store
                .list_operators()
                .await?
                .into_iter()
                .find(|op| op.name == o),
        };
        match found {
            Some(op) => operator_id = Some(op.id),
            None => errors.push(
                FieldError::new("operator", format!("no operator `{o}`"))
                    .code("unknown_operator")
                    .param("operator", o),
            ),
        }
    }
    let visitor = present(s.visitor).map(str::to_string);
    if visitor.as_ref().is_some_and(|v| v.len() > 254) {
        errors.push(
            FieldError::new("visitor", "at most 254 characters")
                .code("too_long")
                .param("max", 254),
        );
    }
    for (field, v) in [("from", s.from), ("to", s.to)] {
        if v.is_some_and(|v| v < 0) {
            errors.push(
                FieldError::new(field, "a date is a positive number of milliseconds")
                    .code("date_invalid"),
            );
        }
    }
    if let (Some(f), Some(t)) = (s.from, s.to) {
        if f > t {
            errors.push(
                FieldError::new("to", "the end of the period is before its start")
                    .code("period_invalid"),
            );
        }
    }
    let after = match present(s.cursor) {
        None => None,
        Some(c) => match HistoryCursor::decode(c) {
            Some(c) => Some(c),
            None => {
                errors.push(
                    FieldError::new("cursor", "not a cursor this search gave")
                        .code("cursor_invalid"),
                );
                None
            }
        },
    };
    let limit = s.limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) {
        errors.push(FieldError::of(
            "limit",
            Problem::out_of_range(1, MAX_LIMIT, ""),
        ));
    }
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    Ok(HistoryQuery {
        text,
        bot_id,
        state,
        kind,
        offline,
        operator_id,
        visitor,
        from_ms: s.from,
        to_ms: s.to,
        after,
        limit,
    })
}

pub async fn search(core: &Core, s: &Search<'_>) -> Result<HistoryPage, ActionError> {
    let q = query(core, s).await?;
    Ok(core.store.history(&q).await?)
}

/// Everything Vigie knows of one conversation, read-only.
pub struct Record {
    pub conversation: Conversation,
    pub bot: crate::store::Bot,
    pub messages: Vec<Message>,
    pub operators: Vec<String>,
    pub visitor_email: Option<String>,
    pub monitored: Option<(MonitoredItem, Vec<LinkInfo>)>,
    pub transcript_mails: Vec<TranscriptMail>,
    /// Messages left in the offline form, with their answers.
    pub offline: Vec<crate::store::OfflineMessage>,
    /// The satisfaction surveys answered at the end of its livechats.
    pub satisfaction: Vec<crate::store::Satisfaction>,
    /// The visitor's ratings of the bot's answers.
    pub ratings: Vec<crate::store::AnswerRating>,
    pub created_at: i64,
}

pub async fn record(core: &Core, public_id: &str) -> Result<Record, ActionError> {
    let conversation = core
        .store
        .conversation_by_public_id(public_id)
        .await
        .or_not_found("conversation")?;
    let bot = core
        .store
        .list_bots_with(true)
        .await?
        .into_iter()
        .find(|b| b.id == conversation.bot_id)
        .ok_or(ActionError::NotFound("bot"))?;
    let mut messages: Vec<Message> = Vec::new();
    loop {
        let after = messages.last().map(|m| m.seq).unwrap_or(0);
        let page = core
            .store
            .messages_after(conversation.id, after, 1000)
            .await?;
        let n = page.len();
        messages.extend(page);
        if n < 1000 {
            break;
        }
    }
    let monitored = if conversation.kind == ConversationKind::Monitored {
        match core.store.monitored_by_conversation(conversation.id).await {
            Ok(item) => {
                let links = core.store.monitored_links(item.id).await?;
                Some((item, links))
            }
            Err(crate::store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let created_at = core.store.conversation_created_at(conversation.id).await?;
    Ok(Record {
        operators: core.store.conversation_operators(conversation.id).await?,
        visitor_email: core.store.visitor_email(conversation.id).await?,
        transcript_mails: core.store.transcript_mails(conversation.id).await?,
        offline: core.store.offline_messages(conversation.id).await?,
        satisfaction: core.store.satisfactions(conversation.id).await?,
        ratings: core.store.answer_ratings(conversation.id).await?,
        monitored,
        created_at,
        bot,
        messages,
        conversation,
    })
}

/// "10:02" (UTC).
fn clock(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_default()
}

/// Who wrote a message, in `lang`.
fn who(m: &Message, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    match m.author {
        Author::Visitor => if fr { "Visiteur" } else { "Visitor" }.into(),
        Author::Bot => "Assistant".into(),
        Author::Operator => m
            .body
            .operator
            .clone()
            .unwrap_or_else(|| if fr { "Conseiller" } else { "Operator" }.into()),
        Author::System => "—".into(),
    }
}

/// "[Note privée] " before a private note (staff transcripts only).
fn note_mark(m: &Message, lang: Lang) -> &'static str {
    match (m.kind.staff_only(), lang) {
        (false, _) => "",
        (true, Lang::Fr) if m.kind == MessageKind::Whisper => "[Chuchotement du superviseur] ",
        (true, _) if m.kind == MessageKind::Whisper => "[Supervisor's whisper] ",
        (true, Lang::Fr) => "[Note privée] ",
        (true, _) => "[Private note] ",
    }
}

/// What a message says, as one line of text.
fn said(m: &Message) -> String {
    let mut out = m.body.text.clone().unwrap_or_default();
    if let Some(k) = &m.body.knowledge {
        if out.trim() == k.title.trim() {
            out.clear();
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("[{}]", k.title));
        if let Some(html) = &m.body.html {
            let plain = crate::domain::markdown::html_to_plain(html);
            if !plain.trim().is_empty() {
                out.push_str(&format!(" {}", plain.trim()));
            }
        }
    }
    if !m.body.suggestions.is_empty() {
        let titles: Vec<&str> = m
            .body
            .suggestions
            .iter()
            .map(|k| k.title.as_str())
            .collect();
        out.push_str(&format!(" ({})", titles.join(" | ")));
    }
    out
}

/// The transcript as plain text, one line per message.
pub fn text(r: &Record, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let mut out = format!(
        "Conversation {} — {} ({}) — {}\n",
        r.conversation.public_id,
        r.bot.name,
        r.bot.slug,
        crate::domain::long_date(r.created_at, lang),
    );
    if let Some((item, _)) = &r.monitored {
        out.push_str(&format!(
            "{} : {} <{}>\n",
            if fr {
                "Conversation monitorée"
            } else {
                "Monitored conversation"
            },
            item.name,
            item.email
        ));
    }
    out.push('\n');
    for m in &r.messages {
        if m.author == Author::System {
            out.push_str(&format!("{} — {}\n", clock(m.created_at), said(m)));
            continue;
        }
        out.push_str(&format!(
            "{} {} : {}{}\n",
            clock(m.created_at),
            who(m, lang),
            note_mark(m, lang),
            said(m)
        ));
    }
    out
}

/// The transcript as HTML for a mail: every text escaped.
pub fn html(r: &Record, lang: Lang) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::new();
    for m in &r.messages {
        if m.author == Author::System {
            out.push_str(&format!(
                "<p style=\"color:#666\"><em>{} — {}</em></p>\n",
                clock(m.created_at),
                esc(&said(m))
            ));
            continue;
        }
        out.push_str(&format!(
            "<p><strong>{} {}</strong> : {}{}</p>\n",
            clock(m.created_at),
            esc(&who(m, lang)),
            esc(note_mark(m, lang)),
            esc(&said(m))
        ));
    }
    out
}

/// Who asks for a transcript by mail.
pub enum Asker<'a> {
    /// The visitor, from the chatbox (the module must be on, the conversation must have
    /// had a livechat; a few an hour).
    Visitor,
    /// An operator, from the history.
    Operator(&'a Operator),
}

/// Where a transcript mail went.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Mailed {
    pub email: String,
    pub mail_id: i64,
}

/// Queues the transcript's mail to `email`, else to the visitor's known address.
pub async fn mail(
    core: &Core,
    conversation: &Conversation,
    email: Option<&str>,
    asker: Asker<'_>,
) -> Result<Mailed, ActionError> {
    let email = match present(email) {
        Some(raw) => Email::parse(raw)
            .map_err(|p| ActionError::Invalid(vec![FieldError::of("email", p)]))?
            .as_str()
            .to_string(),
        None => match core.store.visitor_email(conversation.id).await? {
            Some(known) => known,
            None => {
                return Err(ActionError::Invalid(vec![FieldError::of(
                    "email",
                    Problem::required("the visitor's address (not known)"),
                )]))
            }
        },
    };
    if let Asker::Visitor = asker {
        let served = super::chat::served(core, conversation.bot_id).await?;
        if !served.snapshot.config.module_on(Module::Transcript) {
            return Err(transcript_refused(false));
        }
        if core
            .store
            .conversation_operators(conversation.id)
            .await?
            .is_empty()
        {
            return Err(transcript_refused(true));
        }
        let sent = core
            .store
            .transcript_mails_since(conversation.id, now_ms() - 3_600_000)
            .await?;
        if sent >= VISITOR_MAILS_PER_HOUR {
            return Err(ActionError::refused(
                Refusal::TooMany,
                Problem::new(
                    "too_many_transcripts",
                    "too many transcripts asked for this conversation: try again later",
                )
                .param("max", VISITOR_MAILS_PER_HOUR),
            ));
        }
    }
    let mut r = record(core, &conversation.public_id).await?;
    // A mailed transcript leaves the staff: never the private notes.
    r.messages.retain(|m| !m.kind.staff_only());
    let lang = conversation.lang;
    let settings = super::settings::livechat(core).await?;
    let vars = TranscriptVars {
        bot_name: r.bot.name.clone(),
        conversation_date: crate::domain::long_date(r.created_at, lang),
        transcript: text(&r, lang),
        transcript_html: html(&r, lang),
        lang: lang.as_str().to_string(),
    };
    let rendered = template::render_transcript(
        settings.transcript_mail.get(lang),
        &vars,
        &format!("transcript_mail.{}", lang.as_str()),
    )
    .map_err(ActionError::Invalid)?;
    let operator_id = match asker {
        Asker::Operator(op) => Some(op.id),
        Asker::Visitor => None,
    };
    let mail_id = core
        .store
        .queue_transcript_mail(
            conversation.id,
            &NewMail {
                to_addr: &email,
                subject: &rendered.subject,
                html: &rendered.html,
                text: &rendered.text,
            },
            &core.mail_domain(),
            operator_id,
        )
        .await?;
    core.mailer.wake();
    Ok(Mailed { email, mail_id })
}

/// Why a visitor gets no transcript: the module is off (`module_on` false), or no operator
/// took part in the conversation (also said to a chatbox whose conversation is not stored
/// yet).
pub fn transcript_refused(module_on: bool) -> ActionError {
    let problem = if module_on {
        Problem::new(
            "no_livechat",
            "the transcript is offered at the end of a conversation with an operator",
        )
    } else {
        Problem::new(
            "transcript_off",
            "the transcript module is off for this bot",
        )
    };
    ActionError::refused(Refusal::Forbidden, problem)
}
