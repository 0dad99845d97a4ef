//! Bots: a slug used in URLs, a name, the languages they answer in and the default one.

use super::FieldError;
use vigie_bot::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotSlug(String);

impl BotSlug {
    /// 2 to 40 characters of `a-z`, `0-9` and `-`, starting with a letter or digit.
    pub fn parse(raw: &str) -> Result<BotSlug, String> {
        let s = raw.trim();
        let ok = (2..=40).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-');
        if !ok {
            return Err(format!(
                "`{s}` is not a valid slug (2 to 40 characters among a-z, 0-9 and -)"
            ));
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
    pub langs: Vec<Lang>,
}

/// A bot's name, languages and default language, checked together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotProfile {
    pub name: String,
    pub default_lang: Lang,
    pub langs: Vec<Lang>,
}

impl BotProfile {
    /// `langs` empty means the default language alone.
    pub fn parse(name: &str, lang: &str, langs: &[String]) -> Result<BotProfile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name_t = name.trim();
        if name_t.is_empty() {
            errors.push(FieldError::new("name", "the name is required").code("required"));
        } else if name_t.chars().count() > 100 {
            errors.push(
                FieldError::new("name", "the name is too long (100 characters at most)")
                    .code("too_long")
                    .param("max", 100),
            );
        } else if name_t.chars().any(char::is_control) {
            errors.push(FieldError::new("name", "the name must be one line").code("one_line"));
        }
        let default_lang = Lang::parse(lang.trim());
        if default_lang.is_none() {
            errors.push(
                FieldError::new(
                    "lang",
                    format!("unknown language `{lang}` (expected fr or en)"),
                )
                .code("unknown_lang")
                .param("lang", lang),
            );
        }
        let mut parsed = Vec::new();
        for l in langs {
            match Lang::parse(l.trim()) {
                Some(l) if !parsed.contains(&l) => parsed.push(l),
                Some(_) => {}
                None => errors.push(
                    FieldError::new(
                        "langs",
                        format!("unknown language `{l}` (expected fr or en)"),
                    )
                    .code("unknown_lang")
                    .param("lang", l.as_str()),
                ),
            }
        }
        if let Some(d) = default_lang {
            if parsed.is_empty() {
                parsed.push(d);
            } else if !parsed.contains(&d) {
                errors.push(
                    FieldError::new(
                        "lang",
                        format!(
                            "the default language `{}` must be one of the bot's languages",
                            d.as_str()
                        ),
                    )
                    .code("default_not_in_langs")
                    .param("lang", d.as_str()),
                );
            }
        }
        // A stable order: fr then en.
        parsed.sort_by_key(|l| l.as_str() != "fr");
        match default_lang {
            Some(default_lang) if errors.is_empty() => Ok(BotProfile {
                name: name_t.to_string(),
                default_lang,
                langs: parsed,
            }),
            _ => Err(errors),
        }
    }
}

impl NewBot {
    pub fn parse(slug: &str, name: &str, lang: &str) -> Result<NewBot, Vec<FieldError>> {
        NewBot::parse_with(slug, name, lang, &[])
    }

    pub fn parse_with(
        slug: &str,
        name: &str,
        lang: &str,
        langs: &[String],
    ) -> Result<NewBot, Vec<FieldError>> {
        let mut errors = Vec::new();
        let slug = BotSlug::parse(slug).map_err(|m| {
            errors.push(
                FieldError::new("slug", m)
                    .code("bad_slug")
                    .param("min", 2)
                    .param("max", 40),
            )
        });
        let profile = BotProfile::parse(name, lang, langs).map_err(|e| errors.extend(e));
        match (slug, profile) {
            (Ok(slug), Ok(p)) if errors.is_empty() => Ok(NewBot {
                slug,
                name: p.name,
                default_lang: p.default_lang,
                langs: p.langs,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_rules() {
        let p = BotProfile::parse(" Aide ", "en", &["en".into(), "fr".into()]).unwrap();
        assert_eq!(p.name, "Aide");
        assert_eq!(p.langs, vec![Lang::Fr, Lang::En]);
        assert_eq!(
            BotProfile::parse("A", "fr", &[]).unwrap().langs,
            vec![Lang::Fr]
        );
        let e = BotProfile::parse("", "de", &["xx".into()]).unwrap_err();
        let codes: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("name", "required"),
                ("lang", "unknown_lang"),
                ("langs", "unknown_lang")
            ]
        );
        let e = BotProfile::parse("A", "en", &["fr".into()]).unwrap_err();
        assert_eq!(e[0].code, "default_not_in_langs");
        let e = NewBot::parse("-x", "A", "fr").unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("slug", "bad_slug"));
    }
}
