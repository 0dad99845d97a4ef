//! Livechat settings ("Paramètres Livechat > Général"): applied without restart. The Misc
//! section holds the monitored-conversation fields: the prefix URL of the links sent to
//! visitors, how long a link stays valid, and the mail template (fr/en).

use super::{FieldError, Problem};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LivechatSettings {
    /// Conversations an operator holds at once, unless set for that operator.
    pub default_capacity: i64,
    /// An operator whose connections have been silent this long counts as offline.
    pub presence_timeout_seconds: i64,
    /// A visitor waiting in the queue this long is told plainly that nobody could take
    /// the request, and goes back to the bot.
    pub queue_timeout_seconds: i64,
    /// "Conversations monitorées – Prefix URL": the page the mailed links open (the bot's
    /// deployed URL, or a page of the customer's site that embeds the chatbox). Empty:
    /// not configured, monitored conversations cannot be created.
    pub monitored_prefix_url: String,
    /// A prefix URL per bot (by slug), which wins over `monitored_prefix_url` for that
    /// bot's conversations: each bot's links open its own chatbox.
    pub monitored_prefix_urls: std::collections::BTreeMap<String, String>,
    /// How long a monitored-conversation link works.
    pub monitored_link_days: i64,
    /// The "monitored dialog mail template", per language.
    pub monitored_mail: MailTemplates,
    /// The mail that carries a conversation's transcript to the visitor (asked from the
    /// chatbox's transcript module, or sent from the history), per language.
    pub transcript_mail: MailTemplates,
    /// The invitation mail a new colleague gets (variables: `mail::template::ACCOUNT_VARIABLES`).
    pub invite_mail: MailTemplates,
    /// The forgotten-password mail (same variables as the invitation).
    pub reset_mail: MailTemplates,
    /// The reasons an operator may give with the *Absent* status (shown to colleagues and
    /// supervisors, counted in the statistics).
    pub away_reasons: Vec<String>,
    /// Office hours and the offline form, per bot (by slug). A bot not listed has no hours:
    /// its livechat is open whenever an operator is on duty, and has no offline form.
    pub office_hours: std::collections::BTreeMap<String, super::office_hours::OfficeHours>,
    /// The mail the team address gets for a message left in the offline form.
    pub offline_mail: MailTemplates,
    /// The mail that carries an operator's answer to an offline message, with the link that
    /// opens the conversation.
    pub offline_reply_mail: MailTemplates,
}

/// A mail template: minijinja sources (see `mail::template` for the variables).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailTemplate {
    pub subject: String,
    pub html: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailTemplates {
    pub fr: MailTemplate,
    pub en: MailTemplate,
}

impl MailTemplates {
    pub fn get(&self, lang: vigie_bot::Lang) -> &MailTemplate {
        match lang {
            vigie_bot::Lang::Fr => &self.fr,
            vigie_bot::Lang::En => &self.en,
        }
    }
}

impl MailTemplates {
    /// The default transcript mail (see `mail::template::TRANSCRIPT_VARIABLES`).
    pub fn transcript() -> MailTemplates {
        MailTemplates {
            fr: MailTemplate {
                subject: "Votre conversation avec {{ bot_name }} du {{ conversation_date }}".into(),
                html: "<p>Bonjour,</p>\n<p>Voici la transcription de votre conversation avec {{ bot_name }} du {{ conversation_date }} :</p>\n<div>{{ transcript_html }}</div>\n<p style=\"color:#666\">Vous recevez ce mail parce que la transcription a été demandée pour cette adresse.</p>".into(),
                text: "Bonjour,\n\nVoici la transcription de votre conversation avec {{ bot_name }} du {{ conversation_date }} :\n\n{{ transcript }}\n\nVous recevez ce mail parce que la transcription a été demandée pour cette adresse.".into(),
            },
            en: MailTemplate {
                subject: "Your conversation with {{ bot_name }} on {{ conversation_date }}".into(),
                html: "<p>Hello,</p>\n<p>Here is the transcript of your conversation with {{ bot_name }} on {{ conversation_date }}:</p>\n<div>{{ transcript_html }}</div>\n<p style=\"color:#666\">You receive this mail because the transcript was requested for this address.</p>".into(),
                text: "Hello,\n\nHere is the transcript of your conversation with {{ bot_name }} on {{ conversation_date }}:\n\n{{ transcript }}\n\nYou receive this mail because the transcript was requested for this address.".into(),
            },
        }
    }
}

impl Default for MailTemplates {
    fn default() -> Self {
        MailTemplates {
            fr: MailTemplate {
                subject: "{{ operator_name }} vous a envoyé une réponse : {{ knowledge_title }}"
                    .into(),
                html: DEFAULT_HTML_FR.into(),
                text: DEFAULT_TEXT_FR.into(),
            },
            en: MailTemplate {
                subject: "{{ operator_name }} sent you an answer: {{ knowledge_title }}".into(),
                html: DEFAULT_HTML_EN.into(),
                text: DEFAULT_TEXT_EN.into(),
            },
        }
    }
}

const DEFAULT_HTML_FR: &str = r#"<p>Bonjour,</p>
<p>{{ operator_name }} vous a préparé une réponse avec {{ bot_name }} :</p>
<h2>{{ knowledge_title }}</h2>
<div>{{ knowledge_answer_html }}</div>
<p><a href="{{ link }}">Ouvrir la conversation</a> pour la lire et poser vos questions, quand vous le souhaitez.</p>
<p style="color:#666">Ce lien est personnel et reste valable jusqu'au {{ expires_at }}.</p>"#;

const DEFAULT_TEXT_FR: &str = r#"Bonjour,

{{ operator_name }} vous a préparé une réponse avec {{ bot_name }} :

{{ knowledge_title }}
{{ knowledge_answer }}

Ouvrez la conversation pour la lire et poser vos questions, quand vous le souhaitez :
{{ link }}

Ce lien est personnel et reste valable jusqu'au {{ expires_at }}."#;

const DEFAULT_HTML_EN: &str = r#"<p>Hello,</p>
<p>{{ operator_name }} prepared an answer for you with {{ bot_name }}:</p>
<h2>{{ knowledge_title }}</h2>
<div>{{ knowledge_answer_html }}</div>
<p><a href="{{ link }}">Open the conversation</a> to read it and ask your questions, whenever you like.</p>
<p style="color:#666">This link is personal and works until {{ expires_at }}.</p>"#;

const DEFAULT_TEXT_EN: &str = r#"Hello,

{{ operator_name }} prepared an answer for you with {{ bot_name }}:

{{ knowledge_title }}
{{ knowledge_answer }}

Open the conversation to read it and ask your questions, whenever you like:
{{ link }}

This link is personal and works until {{ expires_at }}."#;

impl MailTemplates {
    /// The default mail to the team for a message left in the offline form.
    pub fn offline_default() -> MailTemplates {
        MailTemplates {
            fr: MailTemplate {
                subject: "Message hors ligne pour {{ bot_name }} de {{ visitor_email }}".into(),
                html: OFFLINE_HTML_FR.into(),
                text: OFFLINE_TEXT_FR.into(),
            },
            en: MailTemplate {
                subject: "Offline message for {{ bot_name }} from {{ visitor_email }}".into(),
                html: OFFLINE_HTML_EN.into(),
                text: OFFLINE_TEXT_EN.into(),
            },
        }
    }

    /// The default mail carrying an operator's answer to an offline message.
    pub fn offline_reply_default() -> MailTemplates {
        MailTemplates {
            fr: MailTemplate {
                subject: "Réponse à votre message – {{ bot_name }}".into(),
                html: OFFLINE_REPLY_HTML_FR.into(),
                text: OFFLINE_REPLY_TEXT_FR.into(),
            },
            en: MailTemplate {
                subject: "Answer to your message – {{ bot_name }}".into(),
                html: OFFLINE_REPLY_HTML_EN.into(),
                text: OFFLINE_REPLY_TEXT_EN.into(),
            },
        }
    }

    /// The default invitation mail.
    pub fn invite_default() -> MailTemplates {
        MailTemplates {
            fr: MailTemplate {
                subject: "{{ inviter_name }} vous invite sur Vigie".into(),
                html: INVITE_HTML_FR.into(),
                text: INVITE_TEXT_FR.into(),
            },
            en: MailTemplate {
                subject: "{{ inviter_name }} invites you to Vigie".into(),
                html: INVITE_HTML_EN.into(),
                text: INVITE_TEXT_EN.into(),
            },
        }
    }

    /// The default forgotten-password mail.
    pub fn reset_default() -> MailTemplates {
        MailTemplates {
            fr: MailTemplate {
                subject: "Vigie : choisir un nouveau mot de passe".into(),
                html: RESET_HTML_FR.into(),
                text: RESET_TEXT_FR.into(),
            },
            en: MailTemplate {
                subject: "Vigie: choose a new password".into(),
                html: RESET_HTML_EN.into(),
                text: RESET_TEXT_EN.into(),
            },
        }
    }
}

const INVITE_HTML_FR: &str = r#"<p>Bonjour {{ name }},</p>
<p>{{ inviter_name }} vous a créé un compte sur Vigie ({{ email }}).</p>
<p><a href="{{ link }}">Choisir mon mot de passe</a></p>
<p style="color:#666">Ce lien ne sert qu'une fois et reste valable jusqu'au {{ expires_at }}.</p>"#;

const INVITE_TEXT_FR: &str = r#"Bonjour {{ name }},

{{ inviter_name }} vous a créé un compte sur Vigie ({{ email }}).
Choisissez votre mot de passe ici :
{{ link }}

Ce lien ne sert qu'une fois et reste valable jusqu'au {{ expires_at }}."#;

const OFFLINE_HTML_FR: &str = r#"<p>Un visiteur a laissé un message à {{ bot_name }} le {{ received_at }}, en dehors des horaires ou quand aucun conseiller n'était disponible.</p>
<p><strong>De :</strong> {{ visitor_email }}</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{ message_html }}</blockquote>
<p><a href="{{ conversation_link }}">Ouvrir la conversation et répondre</a></p>"#;

const OFFLINE_TEXT_FR: &str = r#"Un visiteur a laissé un message à {{ bot_name }} le {{ received_at }}.

De : {{ visitor_email }}

{{ message }}

Ouvrir la conversation et répondre : {{ conversation_link }}"#;

const OFFLINE_HTML_EN: &str = r#"<p>A visitor left a message for {{ bot_name }} on {{ received_at }}, outside office hours or when no operator was available.</p>
<p><strong>From:</strong> {{ visitor_email }}</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{ message_html }}</blockquote>
<p><a href="{{ conversation_link }}">Open the conversation and answer</a></p>"#;

const OFFLINE_TEXT_EN: &str = r#"A visitor left a message for {{ bot_name }} on {{ received_at }}.

From: {{ visitor_email }}

{{ message }}

Open the conversation and answer: {{ conversation_link }}"#;

const OFFLINE_REPLY_HTML_FR: &str = r#"<p>Bonjour,</p>
<p>{{ operator_name }} a répondu au message que vous avez laissé à {{ bot_name }} :</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{ reply_html }}</blockquote>
<p><a href="{{ link }}">Continuer la conversation</a></p>
<p style="color:#666">Votre message : « {{ message }} ». Ce lien est personnel et reste valable jusqu'au {{ expires_at }}.</p>"#;

const OFFLINE_REPLY_TEXT_FR: &str = r#"Bonjour,

{{ operator_name }} a répondu au message que vous avez laissé à {{ bot_name }} :

{{ reply }}

Continuer la conversation : {{ link }}

Votre message : « {{ message }} ». Ce lien est personnel et reste valable jusqu'au {{ expires_at }}."#;

const OFFLINE_REPLY_HTML_EN: &str = r#"<p>Hello,</p>
<p>{{ operator_name }} answered the message you left for {{ bot_name }}:</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{ reply_html }}</blockquote>
<p><a href="{{ link }}">Continue the conversation</a></p>
<p style="color:#666">Your message: “{{ message }}”. This link is personal and works until {{ expires_at }}.</p>"#;

const OFFLINE_REPLY_TEXT_EN: &str = r#"Hello,

{{ operator_name }} answered the message you left for {{ bot_name }}:

{{ reply }}

Continue the conversation: {{ link }}

Your message: “{{ message }}”. This link is personal and works until {{ expires_at }}."#;

const INVITE_HTML_EN: &str = r#"<p>Hello {{ name }},</p>
<p>{{ inviter_name }} created an account for you on Vigie ({{ email }}).</p>
<p><a href="{{ link }}">Choose my password</a></p>
<p style="color:#666">This link works once, until {{ expires_at }}.</p>"#;

const INVITE_TEXT_EN: &str = r#"Hello {{ name }},

{{ inviter_name }} created an account for you on Vigie ({{ email }}).
Choose your password here:
{{ link }}

This link works once, until {{ expires_at }}."#;

const RESET_HTML_FR: &str = r#"<p>Bonjour {{ name }},</p>
<p>Quelqu'un a demandé un nouveau mot de passe pour votre compte Vigie ({{ email }}).</p>
<p><a href="{{ link }}">Choisir un nouveau mot de passe</a></p>
<p style="color:#666">Ce lien ne sert qu'une fois et reste valable jusqu'au {{ expires_at }}. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.</p>"#;

const RESET_TEXT_FR: &str = r#"Bonjour {{ name }},

Quelqu'un a demandé un nouveau mot de passe pour votre compte Vigie ({{ email }}).
Choisissez-le ici :
{{ link }}

Ce lien ne sert qu'une fois et reste valable jusqu'au {{ expires_at }}.
Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas."#;

const RESET_HTML_EN: &str = r#"<p>Hello {{ name }},</p>
<p>Someone asked for a new password for your Vigie account ({{ email }}).</p>
<p><a href="{{ link }}">Choose a new password</a></p>
<p style="color:#666">This link works once, until {{ expires_at }}. If you did not ask, ignore this mail: your password does not change.</p>"#;

const RESET_TEXT_EN: &str = r#"Hello {{ name }},

Someone asked for a new password for your Vigie account ({{ email }}).
Choose it here:
{{ link }}

This link works once, until {{ expires_at }}.
If you did not ask, ignore this mail: your password does not change."#;

impl Default for LivechatSettings {
    fn default() -> Self {
        LivechatSettings {
            default_capacity: 3,
            presence_timeout_seconds: 60,
            queue_timeout_seconds: 300,
            monitored_prefix_url: String::new(),
            monitored_prefix_urls: Default::default(),
            monitored_link_days: 90,
            monitored_mail: MailTemplates::default(),
            transcript_mail: MailTemplates::transcript(),
            invite_mail: MailTemplates::invite_default(),
            reset_mail: MailTemplates::reset_default(),
            away_reasons: super::statuses::default_away_reasons(),
            office_hours: Default::default(),
            offline_mail: MailTemplates::offline_default(),
            offline_reply_mail: MailTemplates::offline_reply_default(),
        }
    }
}

impl LivechatSettings {
    /// `bot`'s office hours, when it has some.
    pub fn hours_for(&self, bot: &str) -> Option<&super::office_hours::OfficeHours> {
        self.office_hours.get(bot)
    }

    /// The prefix URL of `bot`'s monitored-conversation links: its own, else the global one
    /// (empty when neither is set).
    pub fn prefix_for(&self, bot: &str) -> &str {
        self.monitored_prefix_urls
            .get(bot)
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| self.monitored_prefix_url.trim())
    }
}

pub const MAX_CAPACITY: i64 = 20;
pub const MAX_TEMPLATE_LEN: usize = 20_000;

pub fn check_capacity(field: &str, c: i64) -> Result<(), FieldError> {
    if (1..=MAX_CAPACITY).contains(&c) {
        Ok(())
    } else {
        Err(FieldError::of(
            field,
            Problem::out_of_range(1, MAX_CAPACITY, ""),
        ))
    }
}

/// An absolute http(s) URL with a host, without a fragment (the link's query is appended).
pub fn check_prefix_url(raw: &str) -> Result<(), Problem> {
    let u = url::Url::parse(raw).map_err(|e| {
        Problem::new(
            "url_not_absolute",
            format!("`{raw}` is not an absolute URL ({e})"),
        )
        .param("value", raw)
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host().is_none() {
        return Err(Problem::new(
            "url_not_http",
            "must be an http:// or https:// URL with a host",
        )
        .param("value", raw));
    }
    if u.fragment().is_some() {
        return Err(Problem::new(
            "url_fragment",
            "must not have a #fragment (the link adds ?vigie_mc=… to it)",
        ));
    }
    Ok(())
}

impl LivechatSettings {
    /// Checks the plain fields; the mail templates are compiled by `mail::template::check`.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = check_capacity("default_capacity", self.default_capacity) {
            errors.push(e);
        }
        if !(30..=3600).contains(&self.presence_timeout_seconds) {
            errors.push(FieldError::of(
                "presence_timeout_seconds",
                Problem::out_of_range(30, 3600, "seconds"),
            ));
        }
        if !(30..=86_400).contains(&self.queue_timeout_seconds) {
            errors.push(FieldError::of(
                "queue_timeout_seconds",
                Problem::out_of_range(30, 86_400, "seconds"),
            ));
        }
        let prefix = self.monitored_prefix_url.trim();
        if !prefix.is_empty() {
            if let Err(m) = check_prefix_url(prefix) {
                errors.push(FieldError::of("monitored_prefix_url", m));
            }
        }
        for (bot, url) in &self.monitored_prefix_urls {
            let url = url.trim();
            if !url.is_empty() {
                if let Err(m) = check_prefix_url(url) {
                    errors.push(FieldError::of(format!("monitored_prefix_urls.{bot}"), m));
                }
            }
        }
        if let Err(e) = super::statuses::check_away_reasons("away_reasons", &self.away_reasons) {
            errors.push(e);
        }
        for (bot, hours) in &self.office_hours {
            errors.extend(hours.validate(&format!("office_hours.{bot}")));
        }
        if !(1..=3650).contains(&self.monitored_link_days) {
            errors.push(FieldError::of(
                "monitored_link_days",
                Problem::out_of_range(1, 3650, "days"),
            ));
        }
        for (name, lang, t) in [
            ("monitored_mail", "fr", &self.monitored_mail.fr),
            ("monitored_mail", "en", &self.monitored_mail.en),
            ("invite_mail", "fr", &self.invite_mail.fr),
            ("invite_mail", "en", &self.invite_mail.en),
            ("reset_mail", "fr", &self.reset_mail.fr),
            ("reset_mail", "en", &self.reset_mail.en),
            ("transcript_mail", "fr", &self.transcript_mail.fr),
            ("transcript_mail", "en", &self.transcript_mail.en),
            ("offline_mail", "fr", &self.offline_mail.fr),
            ("offline_mail", "en", &self.offline_mail.en),
            ("offline_reply_mail", "fr", &self.offline_reply_mail.fr),
            ("offline_reply_mail", "en", &self.offline_reply_mail.en),
        ] {
            for (part, src) in [
                ("subject", &t.subject),
                ("html", &t.html),
                ("text", &t.text),
            ] {
                let field = format!("{name}.{lang}.{part}");
                if src.trim().is_empty() {
                    errors.push(FieldError::new(&field, "must not be empty").code("required"));
                } else if src.len() > MAX_TEMPLATE_LEN {
                    errors.push(FieldError::of(
                        &field,
                        Problem::too_long("the template", MAX_TEMPLATE_LEN),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_settings_without_the_misc_fields_still_load() {
        let s: LivechatSettings =
            serde_json::from_str(r#"{"default_capacity": 4, "presence_timeout_seconds": 90}"#)
                .unwrap();
        assert_eq!(s.default_capacity, 4);
        assert_eq!(s.monitored_link_days, 90);
        assert!(s.monitored_prefix_url.is_empty());
        assert!(s.validate().is_ok());
    }

    #[test]
    fn prefix_url_must_be_absolute_http() {
        for bad in [
            "c/demo/",
            "ftp://x.org/",
            "http://x.org/#frag",
            "javascript:alert(1)",
        ] {
            let s = LivechatSettings {
                monitored_prefix_url: bad.into(),
                ..Default::default()
            };
            let e = s.validate().unwrap_err();
            assert_eq!(e[0].field, "monitored_prefix_url", "{bad}");
        }
        assert!(check_prefix_url("https://intranet.example.com/aide?x=1").is_ok());
    }
}
