//! Canned answers ("réponses types", issue 13 item 1): a text an operator inserts in the
//! composer by its shortcut (`/vpn`), global or one bot's, in French or English, Markdown
//! (rendered and sanitized like knowledge answers for the previews), with variables
//! `{visitor_name}`, `{operator_name}`, `{conversation_name}` the console fills in.

use super::{FieldError, Problem};
use serde::{Deserialize, Serialize};
use vigie_bot::Lang;

pub const MAX_SHORTCUT: usize = 30;
pub const MAX_TITLE: usize = 100;
pub const MAX_BODY: usize = 4000;
/// The variables a canned answer may name.
pub const VARIABLES: &[&str] = &["visitor_name", "operator_name", "conversation_name"];

/// A canned answer as written (API body, import file entry).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CannedDoc {
    /// A bot's slug; absent or null: every bot.
    #[serde(default)]
    pub bot: Option<String>,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub shortcut: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// A checked canned answer (the bot still a slug: the service resolves it).
#[derive(Clone, Debug, PartialEq)]
pub struct Canned {
    pub bot: Option<String>,
    pub lang: Lang,
    /// With its leading `/`.
    pub shortcut: String,
    pub title: String,
    pub body: String,
}

/// `/vpn`: a slash, then 1 to 30 letters, digits, `-` or `_` (stored lowercase). The
/// slash may be left out.
pub fn check_shortcut(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    let name = t.strip_prefix('/').unwrap_or(t);
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_SHORTCUT
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(format!("/{}", name.to_lowercase()))
    } else {
        Err(Problem::new(
            "canned_shortcut_invalid",
            "a shortcut is / followed by 1 to 30 letters, digits, - or _",
        ))
    }
}

/// `{name}` placeholders that are not one of [`VARIABLES`].
fn unknown_variables(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !VARIABLES.contains(&name)
                {
                    out.push(name.to_string());
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

impl CannedDoc {
    /// Checks every field (all problems at once).
    pub fn validate(&self) -> Result<Canned, Vec<FieldError>> {
        let mut errors = Vec::new();
        let lang = Lang::parse(self.lang.trim());
        if lang.is_none() {
            errors.push(FieldError::of("lang", Problem::bad_lang(&self.lang)));
        }
        let shortcut = check_shortcut(&self.shortcut)
            .map_err(|p| errors.push(FieldError::of("shortcut", p)))
            .ok();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(FieldError::of("title", Problem::required("a title")));
        } else if title.chars().count() > MAX_TITLE {
            errors.push(FieldError::of(
                "title",
                Problem::too_long("the title", MAX_TITLE),
            ));
        }
        let body = self.body.trim();
        if body.is_empty() {
            errors.push(FieldError::of("body", Problem::required("a text")));
        } else if body.chars().count() > MAX_BODY {
            errors.push(FieldError::of(
                "body",
                Problem::too_long("the text", MAX_BODY),
            ));
        }
        if let Some(name) = unknown_variables(body).first() {
            errors.push(FieldError::of(
                "body",
                Problem::new(
                    "canned_variable_unknown",
                    format!(
                        "unknown variable {{{name}}} (visitor_name, operator_name, conversation_name)"
                    ),
                )
                .param("name", name.as_str()),
            ));
        }
        let bot = self
            .bot
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string);
        match (lang, shortcut, errors.is_empty()) {
            (Some(lang), Some(shortcut), true) => Ok(Canned {
                bot,
                lang,
                shortcut,
                title: title.to_string(),
                body: body.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_a_slash_and_a_word() {
        assert_eq!(check_shortcut("/VPN").unwrap(), "/vpn");
        assert_eq!(check_shortcut("mot-de-passe").unwrap(), "/mot-de-passe");
        assert!(check_shortcut("/").is_err());
        assert!(check_shortcut("/deux mots").is_err());
        assert!(check_shortcut(&format!("/{}", "a".repeat(31))).is_err());
    }

    #[test]
    fn only_known_variables() {
        let mut d = CannedDoc {
            lang: "fr".into(),
            shortcut: "/vpn".into(),
            title: "VPN".into(),
            body: "Bonjour {visitor_name}, ici {operator_name} ({conversation_name}).".into(),
            ..Default::default()
        };
        assert!(d.validate().is_ok());
        d.body = "Bonjour {prenom}".into();
        let e = d.validate().unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("body", "canned_variable_unknown")
        );
        d.body = "Un JSON {\"a\": 1} passe".into();
        assert!(d.validate().is_ok());
    }
}
