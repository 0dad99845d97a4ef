//! Bots: a slug used in URLs, a name, a default language.

use super::Problem;
use vigie_bot::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotSlug(String);

impl BotSlug {
    /// 2 to 40 characters of `a-z`, `0-9` and `-`, starting with a letter or digit.
    pub fn parse(raw: &str) -> Result<BotSlug, Problem> {
        let s = raw.trim();
        let ok = (2..=40).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-');
        if !ok {
            return Err(Problem::new(
                "slug_invalid",
                format!("`{s}` is not a valid slug (2 to 40 characters among a-z, 0-9 and -)"),
            )
            .param("value", s));
        }
        Ok(BotSlug(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug)]
pub struct NewBot {
    pub slug: BotSlug,
    pub name: String,
    pub default_lang: Lang,
}

impl NewBot {
    pub fn parse(slug: &str, name: &str, lang: &str) -> Result<NewBot, Vec<super::FieldError>> {
        let mut errors = Vec::new();
        let slug = BotSlug::parse(slug).map_err(|m| errors.push(super::FieldError::of("slug", m)));
        let name_t = name.trim();
        if name_t.is_empty() || name_t.chars().count() > 100 || name_t.chars().any(char::is_control)
        {
            errors.push(
                super::FieldError::new(
                    "name",
                    "name is required (100 characters at most, no line breaks)",
                )
                .code("name_invalid")
                .param("max", 100),
            );
        }
        let lang = Lang::parse(lang).ok_or_else(|| {
            errors.push(super::FieldError::of(
                "lang",
                super::Problem::bad_lang(lang),
            ))
        });
        match (slug, lang) {
            (Ok(slug), Ok(default_lang)) if errors.is_empty() => Ok(NewBot {
                slug,
                name: name_t.to_string(),
                default_lang,
            }),
            _ => Err(errors),
        }
    }
}
