//! Rendering the admin-edited mail templates with minijinja.
//!
//! User-edited templates run in a locked-down environment: strict undefined (a typo in a
//! variable name is an error, not an empty string), fuel (no template can loop forever),
//! HTML auto-escaping in the HTML part only. `check` compiles each part, refuses variables
//! that are not offered, and renders with sample values, so a template that is saved will
//! render; every error names the part and the line.

use crate::domain::livechat_settings::MailTemplate;
use crate::domain::FieldError;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use vigie_bot::Lang;

/// The variables a template may use.
pub const VARIABLES: &[&str] = &[
    "link",
    "conversation_name",
    "operator_name",
    "knowledge_title",
    "knowledge_answer",
    "knowledge_answer_html",
    "bot_name",
    "expires_at",
    "lang",
];

/// What a template is rendered with.
#[derive(Clone, Debug)]
pub struct MailVars {
    pub link: String,
    pub conversation_name: String,
    pub operator_name: String,
    pub knowledge_title: String,
    pub knowledge_answer: String,
    /// Already sanitized (ammonia): printed as is in the HTML part.
    pub knowledge_answer_html: String,
    pub bot_name: String,
    /// The day, written out in the mail's language ("2 mars 2027").
    pub expires_at: String,
    pub lang: String,
}

impl MailVars {
    pub fn sample(lang: Lang) -> MailVars {
        let fr = lang == Lang::Fr;
        MailVars {
            link: "https://chat.example.com/c/demo/?vigie_mc=mc_EXAMPLE".into(),
            conversation_name: if fr { "Appel de M. Martin" } else { "Call from Mr Martin" }.into(),
            operator_name: "Claire".into(),
            knowledge_title: if fr { "Mot de passe oublié" } else { "Forgotten password" }.into(),
            knowledge_answer: if fr {
                "Rendez-vous sur le portail et cliquez sur « Mot de passe oublié »."
            } else {
                "Go to the portal and click \"Forgotten password\"."
            }
            .into(),
            knowledge_answer_html: if fr {
                "<p>Rendez-vous sur le portail et cliquez sur <strong>Mot de passe oublié</strong>.</p>"
            } else {
                "<p>Go to the portal and click <strong>Forgotten password</strong>.</p>"
            }
            .into(),
            bot_name: "Assistant".into(),
            expires_at: if fr { "23 février 2027" } else { "23 February 2027" }.into(),
            lang: lang.as_str().into(),
        }
    }

    fn context(&self) -> Value {
        minijinja::context! {
            link => &self.link,
            conversation_name => &self.conversation_name,
            operator_name => &self.operator_name,
            knowledge_title => &self.knowledge_title,
            knowledge_answer => &self.knowledge_answer,
            knowledge_answer_html => Value::from_safe_string(self.knowledge_answer_html.clone()),
            bot_name => &self.bot_name,
            expires_at => &self.expires_at,
            lang => &self.lang,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(50_000));
    env.set_recursion_limit(50);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// The line of `source` where `name` first appears.
fn line_of(source: &str, name: &str) -> Option<usize> {
    source.lines().position(|l| l.contains(name)).map(|i| i + 1)
}

/// A template error for `field`: code `template_error` with the line (when known) and
/// minijinja's own words (`detail`, English) as parameters.
fn describe(field: String, e: &minijinja::Error) -> FieldError {
    let what = match e.detail() {
        Some(d) => format!("{d} ({})", e.kind()),
        None => e.kind().to_string(),
    };
    let message = match e.line() {
        Some(l) => format!("line {l}: {what}"),
        None => what.clone(),
    };
    let mut error = FieldError::new(field, message)
        .code("template_error")
        .param("detail", what);
    if let Some(l) = e.line() {
        error = error.param("line", l);
    }
    error
}

/// Renders the three parts; errors are named `{prefix}.subject|html|text`.
pub fn render(
    t: &MailTemplate,
    vars: &MailVars,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_with(t, VARIABLES, vars.context(), prefix)
}

/// The variables of the account mails (invitation, password reset).
pub const ACCOUNT_VARIABLES: &[&str] = &[
    "link",
    "name",
    "email",
    "inviter_name",
    "expires_at",
    "lang",
];

/// What an account mail (invitation, password reset) is rendered with.
#[derive(Clone, Debug)]
pub struct AccountVars {
    /// The single-use link that sets the password.
    pub link: String,
    /// The person's display name.
    pub name: String,
    pub email: String,
    /// Who invited them (the admin), or who asked (themselves) for a reset.
    pub inviter_name: String,
    /// When the link stops working, written out in the mail's language with the hour.
    pub expires_at: String,
    pub lang: String,
}

impl AccountVars {
    pub fn sample(lang: Lang) -> AccountVars {
        let fr = lang == Lang::Fr;
        AccountVars {
            link: "https://chat.example.com/account/#invite=vgi_EXAMPLE".into(),
            name: "Claire Martin".into(),
            email: "claire.martin@example.com".into(),
            inviter_name: "Ada".into(),
            expires_at: if fr {
                "5 mars 2027 à 14:00 UTC"
            } else {
                "5 March 2027 at 14:00 UTC"
            }
            .into(),
            lang: lang.as_str().into(),
        }
    }

    fn context(&self) -> Value {
        minijinja::context! {
            link => &self.link,
            name => &self.name,
            email => &self.email,
            inviter_name => &self.inviter_name,
            expires_at => &self.expires_at,
            lang => &self.lang,
        }
    }
}

/// Renders an account mail; errors are named `{prefix}.subject|html|text`.
pub fn render_account(
    t: &MailTemplate,
    vars: &AccountVars,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_with(t, ACCOUNT_VARIABLES, vars.context(), prefix)
}

/// `check` for the account mails.
pub fn check_account(
    t: &MailTemplate,
    lang: Lang,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_account(t, &AccountVars::sample(lang), prefix)
}

/// Renders a template that may use only `variables`, with `ctx`.
pub fn render_with(
    t: &MailTemplate,
    variables: &[&str],
    ctx: Value,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    let env = environment();
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (part, name, src) in [
        ("subject", "subject.txt", &t.subject),
        ("html", "body.html", &t.html),
        ("text", "body.txt", &t.text),
    ] {
        let field = format!("{prefix}.{part}");
        let tpl = match env.template_from_named_str(name, src) {
            Ok(tpl) => tpl,
            Err(e) => {
                errors.push(describe(field, &e));
                out.push(String::new());
                continue;
            }
        };
        let mut unknown: Vec<String> = tpl
            .undeclared_variables(false)
            .into_iter()
            .filter(|v| !variables.contains(&v.as_str()))
            .collect();
        unknown.sort();
        if let Some(v) = unknown.first() {
            let line = line_of(src, v);
            let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
            let mut error = FieldError::new(
                field,
                format!(
                    "{at}unknown variable `{v}` (available: {})",
                    variables.join(", ")
                ),
            )
            .code("template_variable")
            .param("name", v.as_str())
            .param("available", variables.join(", "));
            if let Some(l) = line {
                error = error.param("line", l);
            }
            errors.push(error);
            out.push(String::new());
            continue;
        }
        match tpl.render(ctx.clone()) {
            Ok(s) => out.push(s),
            Err(e) => {
                errors.push(describe(field, &e));
                out.push(String::new());
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = out.pop().unwrap_or_default();
    let html = out.pop().unwrap_or_default();
    let subject = out.pop().unwrap_or_default();
    let subject = subject.trim().to_string();
    if subject.contains(['\r', '\n']) {
        return Err(vec![FieldError::new(
            format!("{prefix}.subject"),
            "the subject must be a single line (it renders with a line break)",
        )
        .code("subject_multiline")]);
    }
    if subject.is_empty() {
        return Err(vec![FieldError::new(
            format!("{prefix}.subject"),
            "the subject renders empty",
        )
        .code("subject_empty")]);
    }
    Ok(Rendered {
        subject,
        html: sanitize_html(&html),
        text,
    })
}

/// The HTML part as mail clients should get it: what an admin wrote is cleaned like any
/// HTML shown to someone else (no script, no event handler, no `javascript:` link),
/// keeping the inline styles mails rely on.
fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["style", "align", "width", "height"])
        .add_tags(["center", "font"])
        .add_tag_attributes("font", ["color", "size", "face"])
        .clean(html)
        .to_string()
}

/// The variables a transcript template may use.
pub const TRANSCRIPT_VARIABLES: &[&str] = &[
    "bot_name",
    "conversation_date",
    "transcript",
    "transcript_html",
    "lang",
];

/// What a transcript mail is rendered with.
#[derive(Clone, Debug)]
pub struct TranscriptVars {
    pub bot_name: String,
    /// The day the conversation began, written out in the mail's language.
    pub conversation_date: String,
    /// The transcript as plain text.
    pub transcript: String,
    /// The transcript as HTML, built by Vigie with every text escaped.
    pub transcript_html: String,
    pub lang: String,
}

impl TranscriptVars {
    pub fn sample(lang: Lang) -> TranscriptVars {
        let fr = lang == Lang::Fr;
        let (v, a) = if fr {
            ("Visiteur", "mon VPN ne se connecte pas")
        } else {
            ("Visitor", "my VPN does not connect")
        };
        TranscriptVars {
            bot_name: "Assistant".into(),
            conversation_date: if fr {
                "23 février 2027"
            } else {
                "23 February 2027"
            }
            .into(),
            transcript: format!("10:02 {v} : {a}\n10:03 Claire : …"),
            transcript_html: format!(
                "<p><strong>10:02 {v}</strong> : {a}</p><p><strong>10:03 Claire</strong> : …</p>"
            ),
            lang: lang.as_str().into(),
        }
    }

    pub fn context(&self) -> Value {
        minijinja::context! {
            bot_name => &self.bot_name,
            conversation_date => &self.conversation_date,
            transcript => &self.transcript,
            transcript_html => Value::from_safe_string(self.transcript_html.clone()),
            lang => &self.lang,
        }
    }
}

/// Renders a transcript template.
pub fn render_transcript(
    t: &MailTemplate,
    vars: &TranscriptVars,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_with(t, TRANSCRIPT_VARIABLES, vars.context(), prefix)
}

/// Compiles and renders a transcript template with sample values.
pub fn check_transcript(
    t: &MailTemplate,
    lang: Lang,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_transcript(t, &TranscriptVars::sample(lang), prefix)
}

/// Plain text as HTML: every character escaped, line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The variables of the mail the team gets for a message left in the offline form.
pub const OFFLINE_VARIABLES: &[&str] = &[
    "bot_name",
    "visitor_email",
    "message",
    "message_html",
    "received_at",
    "conversation_link",
    "lang",
];

/// What the team's offline-message mail is rendered with.
#[derive(Clone, Debug)]
pub struct OfflineVars {
    pub bot_name: String,
    pub visitor_email: String,
    /// What the visitor wrote (plain text; escaped in the HTML part).
    pub message: String,
    /// When, written out in the mail's language.
    pub received_at: String,
    /// The conversation's record in the console.
    pub conversation_link: String,
    /// The visitor's language.
    pub lang: String,
}

impl OfflineVars {
    pub fn sample(lang: Lang) -> OfflineVars {
        let fr = lang == Lang::Fr;
        OfflineVars {
            bot_name: "Assistant".into(),
            visitor_email: "marie.martin@example.com".into(),
            message: if fr {
                "Bonjour, mon badge ne fonctionne plus depuis ce matin."
            } else {
                "Hello, my badge has not worked since this morning."
            }
            .into(),
            received_at: if fr {
                "3 décembre 2026 à 21:14"
            } else {
                "3 December 2026 at 21:14"
            }
            .into(),
            conversation_link: "https://chat.example.com/console/history#c_EXAMPLE".into(),
            lang: lang.as_str().into(),
        }
    }

    pub fn context(&self) -> Value {
        minijinja::context! {
            bot_name => &self.bot_name,
            visitor_email => &self.visitor_email,
            message => &self.message,
            message_html => Value::from_safe_string(text_to_html(&self.message)),
            received_at => &self.received_at,
            conversation_link => &self.conversation_link,
            lang => &self.lang,
        }
    }
}

/// The variables of the mail carrying an operator's answer to an offline message.
pub const OFFLINE_REPLY_VARIABLES: &[&str] = &[
    "bot_name",
    "operator_name",
    "reply",
    "reply_html",
    "message",
    "link",
    "expires_at",
    "lang",
];

/// What the answer to an offline message is rendered with.
#[derive(Clone, Debug)]
pub struct OfflineReplyVars {
    pub bot_name: String,
    pub operator_name: String,
    /// The operator's answer (plain text; escaped in the HTML part).
    pub reply: String,
    /// The visitor's message it answers.
    pub message: String,
    /// Opens the conversation in the chatbox (like a monitored conversation's link).
    pub link: String,
    pub expires_at: String,
    pub lang: String,
}

impl OfflineReplyVars {
    pub fn sample(lang: Lang) -> OfflineReplyVars {
        let fr = lang == Lang::Fr;
        OfflineReplyVars {
            bot_name: "Assistant".into(),
            operator_name: "Claire".into(),
            reply: if fr {
                "Bonjour, votre badge est réactivé : passez-le deux fois sur le lecteur."
            } else {
                "Hello, your badge is active again: swipe it twice on the reader."
            }
            .into(),
            message: if fr {
                "Mon badge ne fonctionne plus depuis ce matin."
            } else {
                "My badge has not worked since this morning."
            }
            .into(),
            link: "https://chat.example.com/c/demo/?vigie_mc=mc_EXAMPLE".into(),
            expires_at: if fr { "3 mars 2027" } else { "3 March 2027" }.into(),
            lang: lang.as_str().into(),
        }
    }

    pub fn context(&self) -> Value {
        minijinja::context! {
            bot_name => &self.bot_name,
            operator_name => &self.operator_name,
            reply => &self.reply,
            reply_html => Value::from_safe_string(text_to_html(&self.reply)),
            message => &self.message,
            link => &self.link,
            expires_at => &self.expires_at,
            lang => &self.lang,
        }
    }
}

/// Renders the team's offline-message mail.
pub fn render_offline(
    t: &MailTemplate,
    vars: &OfflineVars,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_with(t, OFFLINE_VARIABLES, vars.context(), prefix)
}

/// Renders the answer to an offline message.
pub fn render_offline_reply(
    t: &MailTemplate,
    vars: &OfflineReplyVars,
    prefix: &str,
) -> Result<Rendered, Vec<FieldError>> {
    render_with(t, OFFLINE_REPLY_VARIABLES, vars.context(), prefix)
}

/// Compiles and renders with sample values: what the admin's preview shows, and the
/// check a template passes before it is saved.
pub fn check(t: &MailTemplate, lang: Lang, prefix: &str) -> Result<Rendered, Vec<FieldError>> {
    render(t, &MailVars::sample(lang), prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::livechat_settings::MailTemplates;

    #[test]
    fn the_default_templates_render_and_escape() {
        let d = MailTemplates::default();
        let mut vars = MailVars::sample(Lang::Fr);
        vars.conversation_name = "<script>x</script>".into();
        vars.operator_name = "Claire <b>".into();
        let r = render(&d.fr, &vars, "fr").unwrap();
        assert!(
            r.subject.starts_with("Claire <b> vous a envoyé"),
            "{}",
            r.subject
        );
        assert!(r.html.contains("Claire &lt;b&gt;"), "{}", r.html);
        assert!(
            r.html.contains("<strong>Mot de passe oublié</strong>"),
            "sanitized answer kept"
        );
        assert!(r.text.contains(&vars.link));
        assert!(check(&d.en, Lang::En, "en").is_ok());
    }

    #[test]
    fn errors_name_the_part_and_the_line() {
        let t = MailTemplate {
            subject: "Hello".into(),
            html: "<p>a</p>\n<p>{{ nope }}</p>".into(),
            text: "ok {{ link }}".into(),
        };
        let e = check(&t, Lang::Fr, "monitored_mail.fr").unwrap_err();
        assert_eq!(e[0].field, "monitored_mail.fr.html");
        assert!(
            e[0].message.starts_with("line 2: unknown variable `nope`"),
            "{}",
            e[0].message
        );

        let t = MailTemplate {
            subject: "Hello".into(),
            html: "<p>ok</p>".into(),
            text: "one\n{% if link %}\nunclosed".into(),
        };
        let e = check(&t, Lang::Fr, "x").unwrap_err();
        assert_eq!(e[0].field, "x.text");
        assert!(e[0].message.contains("line"), "{}", e[0].message);
    }

    #[test]
    fn a_subject_with_a_line_break_is_refused() {
        let t = MailTemplate {
            subject: "Hello{{ '\\n' }}Bcc: victim@example.com".into(),
            html: "<p>ok</p>".into(),
            text: "ok".into(),
        };
        let e = check(&t, Lang::Fr, "x").unwrap_err();
        assert_eq!(e[0].field, "x.subject");
        let mut vars = MailVars::sample(Lang::Fr);
        vars.conversation_name = "a\r\nBcc: victim@example.com".into();
        let t = MailTemplate {
            subject: "{{ conversation_name }}".into(),
            html: "<p>ok</p>".into(),
            text: "ok".into(),
        };
        assert!(render(&t, &vars, "x").is_err());
    }

    #[test]
    fn the_html_part_is_sanitized_but_keeps_styles() {
        let t = MailTemplate {
            subject: "s".into(),
            html: r#"<p style="color:#666" onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">a</a><a href="{{ link }}">b</a>"#.into(),
            text: "t".into(),
        };
        let r = check(&t, Lang::Fr, "x").unwrap();
        assert!(
            r.html.contains(r#"<p style="color:#666">Hi</p>"#),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains("script")
                && !r.html.contains("onclick")
                && !r.html.contains("javascript"),
            "{}",
            r.html
        );
        assert!(r.html.contains("vigie_mc=mc_EXAMPLE"), "{}", r.html);
    }

    #[test]
    fn endless_loops_run_out_of_fuel() {
        let t = MailTemplate {
            subject: "s".into(),
            html:
                "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
                    .into(),
            text: "t".into(),
        };
        let e = check(&t, Lang::Fr, "x").unwrap_err();
        assert_eq!(e[0].field, "x.html");
    }
}
