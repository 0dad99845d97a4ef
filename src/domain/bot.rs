//! Bots: a slug used in URLs, a name, the languages they answer in and the default one.

use super::{FieldError, Problem};
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
            errors.push(FieldError::of("name", Problem::required("the name")));
        } else if name_t.chars().count() > 100 {
            errors.push(FieldError::of("name", Problem::too_long("the name", 100)));
        } else if name_t.chars().any(char::is_control) {
            errors.push(FieldError::of(
                "name",
                Problem::new("single_line", "the name must be a single line"),
            ));
        }
        let default_lang = Lang::parse(lang.trim());
        if default_lang.is_none() {
            errors.push(FieldError::of("lang", Problem::bad_lang(lang)));
        }
        let mut parsed = Vec::new();
        for l in langs {
            match Lang::parse(l.trim()) {
                Some(l) if !parsed.contains(&l) => parsed.push(l),
                Some(_) => {}
                None => errors.push(FieldError::of("langs", Problem::bad_lang(l))),
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
        let slug = BotSlug::parse(slug).map_err(|p| errors.push(FieldError::of("slug", p)));
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
                ("lang", "lang_invalid"),
                ("langs", "lang_invalid")
            ]
        );
        let e = BotProfile::parse("A", "en", &["fr".into()]).unwrap_err();
        assert_eq!(e[0].code, "default_not_in_langs");
        let e = NewBot::parse("-x", "A", "fr").unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("slug", "slug_invalid"));
    }
}
