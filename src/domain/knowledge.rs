//! Knowledge items ("connaissances"): a question (title), other ways to ask it
//! (formulations), a Markdown answer, related items, a hand-over flag, tags, and whether it
//! is published. This module holds the raw shape used by the API and import files, and the
//! validation that turns it into a `KnowledgeItem`.

use super::Problem;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use vigie_bot::Lang;

pub const MAX_ID: usize = 100;
pub const MAX_TITLE: usize = 300;
pub const MAX_FORMULATION: usize = 1000;
/// An intent data set imported as knowledge can have thousands of training
/// phrasings per intent (SNIPS: ~2,000).
pub const MAX_FORMULATIONS: usize = 5_000;
pub const MAX_ANSWER: usize = 20_000;
pub const MAX_TAGS: usize = 20;

/// A problem with one field: `field` is the input's id (the page shows its label), `code` a
/// stable reason the page translates with `params` (e.g. `too_long {max}`), `message` the
/// English sentence for API users.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub message: String,
}

impl FieldError {
    /// A field error with the generic code `invalid`: give it a real one with `.code()`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            code: "invalid",
            params: serde_json::Map::new(),
            message: message.into(),
        }
    }

    /// A field error from a parser's problem (`Email::parse`, `check_text`, …).
    pub fn of(field: impl Into<String>, problem: super::Problem) -> FieldError {
        FieldError {
            field: field.into(),
            code: problem.code,
            params: problem.params,
            message: problem.message,
        }
    }

    /// The stable reason, translated by the pages (see `web/shared/errors.js`).
    pub fn code(mut self, code: &'static str) -> FieldError {
        self.code = code;
        self
    }

    /// A parameter of the sentence (`{name}` in the translations).
    pub fn param(mut self, name: &str, value: impl Into<serde_json::Value>) -> FieldError {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

/// The wire shape of a knowledge item (API bodies, import and export files).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeDoc {
    pub id: String,
    pub title: String,
    pub lang: String,
    #[serde(default)]
    pub formulations: Vec<String>,
    pub answer: String,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub handoff: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Absent in a file means published; the API's create defaults it the same way.
    #[serde(default = "yes")]
    pub published: bool,
    /// The ids of this item's twins in other languages (`{"en": "password-reset"}`): one
    /// topic, answered in the visitor's language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// A validated knowledge item.
#[derive(Clone, Debug, PartialEq)]
pub struct KnowledgeItem {
    pub id: String,
    pub title: String,
    pub lang: Lang,
    pub formulations: Vec<String>,
    pub answer: String,
    pub related: Vec<String>,
    pub handoff: bool,
    pub tags: Vec<String>,
    pub published: bool,
    /// Twin ids by language (never this item's own language).
    pub translations: BTreeMap<Lang, String>,
}

impl KnowledgeItem {
    /// What the matcher indexes of this item.
    pub fn matcher_input(&self) -> vigie_bot::KnowledgeInput {
        vigie_bot::KnowledgeInput {
            id: self.id.clone(),
            title: self.title.clone(),
            lang: self.lang,
            formulations: self.formulations.clone(),
            related: self.related.clone(),
            handoff: self.handoff,
            answer: self.answer.clone(),
            tags: self.tags.clone(),
            translations: self.translations.clone(),
        }
    }

    pub fn to_doc(&self) -> KnowledgeDoc {
        KnowledgeDoc {
            id: self.id.clone(),
            title: self.title.clone(),
            lang: self.lang.as_str().to_string(),
            formulations: self.formulations.clone(),
            answer: self.answer.clone(),
            related: self.related.clone(),
            handoff: self.handoff,
            tags: self.tags.clone(),
            published: self.published,
            translations: self
                .translations
                .iter()
                .map(|(l, id)| (l.as_str().to_string(), id.clone()))
                .collect(),
        }
    }
}

pub fn check_id(id: &str) -> Result<(), Problem> {
    if id.is_empty() {
        return Err(Problem::required("id"));
    }
    if id.len() > MAX_ID {
        return Err(Problem::too_long("id", MAX_ID));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Problem::new(
            "id_invalid",
            format!("id `{id}` may only hold letters, digits, `-`, `_` and `.`"),
        )
        .param("value", id));
    }
    Ok(())
}

fn one_line(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError::of(field, Problem::required(field)));
    } else if v.chars().count() > max {
        errors.push(FieldError::of(field, Problem::too_long(field, max)));
    } else if v.chars().any(char::is_control) {
        errors.push(
            FieldError::new(field, format!("{field} must be a single line")).code("single_line"),
        );
    }
    v.to_string()
}

impl KnowledgeDoc {
    /// Checks every field and lists every problem. `related` ids are checked by the caller,
    /// which knows the other items of the bot.
    pub fn validate(&self) -> Result<KnowledgeItem, Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = self.id.trim().to_string();
        if let Err(m) = check_id(&id) {
            errors.push(FieldError::of("id", m));
        }
        let title = one_line("title", &self.title, MAX_TITLE, &mut errors);
        let lang = Lang::parse(self.lang.trim());
        if lang.is_none() {
            errors.push(FieldError::of("lang", Problem::bad_lang(&self.lang)));
        }
        if self.formulations.len() > MAX_FORMULATIONS {
            errors.push(
                FieldError::new(
                    "formulations",
                    format!("too many formulations ({MAX_FORMULATIONS} at most)"),
                )
                .code("too_many")
                .param("max", MAX_FORMULATIONS),
            );
        }
        let mut formulations = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, f) in self.formulations.iter().enumerate() {
            let f = one_line(
                &format!("formulations[{i}]"),
                f,
                MAX_FORMULATION,
                &mut errors,
            );
            if seen.insert(f.clone()) {
                formulations.push(f);
            }
        }
        let answer = self.answer.trim().to_string();
        if answer.is_empty() {
            errors.push(FieldError::of("answer", Problem::required("answer")));
        } else if answer.chars().count() > MAX_ANSWER {
            errors.push(FieldError::of(
                "answer",
                Problem::too_long("answer", MAX_ANSWER),
            ));
        }
        let mut related = Vec::new();
        for (i, r) in self.related.iter().enumerate() {
            let r = r.trim().to_string();
            if let Err(m) = check_id(&r) {
                errors.push(FieldError::of(format!("related[{i}]"), m));
            } else if r == id {
                errors.push(
                    FieldError::new(
                        format!("related[{i}]"),
                        "an item cannot be related to itself",
                    )
                    .code("related_self"),
                );
            } else if !related.contains(&r) {
                related.push(r);
            }
        }
        if self.tags.len() > MAX_TAGS {
            errors.push(
                FieldError::new("tags", format!("too many tags ({MAX_TAGS} at most)"))
                    .code("too_many")
                    .param("max", MAX_TAGS),
            );
        }
        let mut tags = Vec::new();
        for (i, t) in self.tags.iter().enumerate() {
            let t = one_line(&format!("tags[{i}]"), t, 50, &mut errors);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let mut translations = BTreeMap::new();
        for (l, twin) in &self.translations {
            let field = format!("translations.{l}");
            let twin = twin.trim().to_string();
            match Lang::parse(l.trim()) {
                None => errors.push(FieldError::of(field, Problem::bad_lang(l))),
                Some(tl) if Some(tl) == lang => errors.push(
                    FieldError::new(
                        field,
                        "a translation is in another language than the item's own",
                    )
                    .code("translation_same_lang"),
                ),
                Some(tl) => {
                    if let Err(m) = check_id(&twin) {
                        errors.push(FieldError::of(field, m));
                    } else if twin == id {
                        errors.push(
                            FieldError::new(field, "an item cannot be its own translation")
                                .code("translation_self"),
                        );
                    } else {
                        translations.insert(tl, twin);
                    }
                }
            }
        }
        match lang {
            Some(lang) if errors.is_empty() => Ok(KnowledgeItem {
                id,
                title,
                lang,
                formulations,
                answer,
                related,
                handoff: self.handoff,
                tags,
                published: self.published,
                translations,
            }),
            _ => Err(errors),
        }
    }
}

/// One problem in an import file, located by item index (0-based) or CSV line (1-based).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportError {
    /// "item 3" for JSON, "line 5" for CSV, or "file".
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub field: String,
    /// A stable reason with its parameters, as in [`FieldError`].
    pub code: &'static str,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub message: String,
}

impl ImportError {
    /// A located field error.
    pub fn at(location: impl Into<String>, id: Option<String>, e: FieldError) -> ImportError {
        ImportError {
            location: location.into(),
            id,
            field: e.field,
            code: e.code,
            params: e.params,
            message: e.message,
        }
    }
}

/// The problems of an item's translation links: each twin must exist and be in the
/// language it is named for. `lang_of(id)`: `None` when no such item exists, `Some(None)`
/// when it exists but its language is unknown (an unreadable line of a file).
pub fn translation_errors(
    item: &KnowledgeItem,
    lang_of: impl Fn(&str) -> Option<Option<Lang>>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (l, twin) in &item.translations {
        let field = format!("translations.{}", l.as_str());
        match lang_of(twin) {
            None => errors.push(
                FieldError::new(field, format!("translation id `{twin}` does not exist"))
                    .code("translation_unknown")
                    .param("id", twin.as_str()),
            ),
            Some(Some(tl)) if tl != *l => errors.push(
                FieldError::new(
                    field,
                    format!(
                        "translation `{twin}` is in `{}`, not in `{}`",
                        tl.as_str(),
                        l.as_str()
                    ),
                )
                .code("translation_lang")
                .param("id", twin.as_str())
                .param("found", tl.as_str())
                .param("expected", l.as_str()),
            ),
            Some(_) => {}
        }
    }
    errors
}

/// Validates a whole import: every item, ids unique in the file, and related ids and
/// translations that exist either in the file or among `existing` (id → language, `None`
/// when unknown). All or nothing: any error rejects the file and every error is listed.
pub fn validate_import(
    docs: &[(String, KnowledgeDoc)],
    existing: &HashMap<String, Option<Lang>>,
) -> Result<Vec<KnowledgeItem>, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let in_file: HashMap<String, Option<Lang>> = docs
        .iter()
        .map(|(_, d)| (d.id.trim().to_string(), Lang::parse(d.lang.trim())))
        .collect();
    let lang_of = |id: &str| in_file.get(id).or_else(|| existing.get(id)).copied();
    for (location, doc) in docs {
        let id = doc.id.trim().to_string();
        let id_opt = (!id.is_empty()).then(|| id.clone());
        if !id.is_empty() && !seen.insert(id.clone()) {
            errors.push(ImportError::at(
                location.clone(),
                id_opt.clone(),
                FieldError::new(
                    "id",
                    format!("id `{id}` appears more than once in the file"),
                )
                .code("id_repeated")
                .param("id", id.as_str()),
            ));
        }
        match doc.validate() {
            Ok(item) => {
                for (i, r) in item.related.iter().enumerate() {
                    if lang_of(r).is_none() {
                        errors.push(ImportError::at(
                            location.clone(),
                            id_opt.clone(),
                            FieldError::new(
                                format!("related[{i}]"),
                                format!("related id `{r}` does not exist"),
                            )
                            .code("related_unknown")
                            .param("id", r.as_str()),
                        ));
                    }
                }
                errors.extend(
                    translation_errors(&item, lang_of)
                        .into_iter()
                        .map(|e| ImportError::at(location.clone(), id_opt.clone(), e)),
                );
                items.push(item);
            }
            Err(field_errors) => errors.extend(
                field_errors
                    .into_iter()
                    .map(|e| ImportError::at(location.clone(), id_opt.clone(), e)),
            ),
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str) -> KnowledgeDoc {
        KnowledgeDoc {
            id: id.into(),
            title: "Imprimante".into(),
            lang: "fr".into(),
            formulations: vec!["imprimer".into()],
            answer: "Réponse".into(),
            related: vec![],
            handoff: false,
            tags: vec![],
            published: true,
            translations: BTreeMap::new(),
        }
    }

    #[test]
    fn an_intent_data_set_fits_in_one_item() {
        let mut big = doc("card_arrival");
        big.formulations = (0..3000).map(|i| format!("phrasing {i}")).collect();
        big.formulations.push("phrasing 7".into()); // duplicates are dropped
        assert_eq!(big.validate().unwrap().formulations.len(), 3000);
        big.formulations = (0..=MAX_FORMULATIONS).map(|i| format!("p {i}")).collect();
        let errs = big.validate().unwrap_err();
        assert_eq!(errs[0].field, "formulations");
        assert!(
            errs[0].message.contains("5000 at most"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn lists_every_error() {
        let mut bad = doc("");
        bad.lang = "de".into();
        bad.answer = " ".into();
        let errs = bad.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["id", "lang", "answer"]);
    }

    #[test]
    fn import_checks_duplicates_and_related() {
        let mut a = doc("a");
        a.related = vec!["b".into(), "ghost".into()];
        let docs = vec![
            ("item 0".to_string(), a),
            ("item 1".to_string(), doc("b")),
            ("item 2".to_string(), doc("b")),
        ];
        let errs = validate_import(&docs, &HashMap::new()).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().any(|e| e.message.contains("ghost")));
        assert!(errs
            .iter()
            .any(|e| e.location == "item 2" && e.field == "id"));
        let existing: HashMap<String, Option<Lang>> = [("ghost".to_string(), None)].into();
        let ok = validate_import(&docs[..2], &existing).unwrap();
        assert_eq!(ok.len(), 2);
    }

    #[test]
    fn translations_name_an_existing_twin_in_that_language() {
        let mut fr = doc("mdp");
        fr.translations = [("en".to_string(), "password".to_string())].into();
        let mut en = doc("password");
        en.lang = "en".into();
        let mut wrong = doc("wrong");
        wrong.translations = [("en".to_string(), "mdp".to_string())].into();
        let mut ghost = doc("ghost-link");
        ghost.translations = [("en".to_string(), "nowhere".to_string())].into();
        let docs = vec![
            ("item 0".to_string(), fr.clone()),
            ("item 1".to_string(), en),
        ];
        let ok = validate_import(&docs, &HashMap::new()).unwrap();
        assert_eq!(ok[0].translations[&Lang::En], "password");
        let docs = vec![
            ("item 0".to_string(), wrong),
            ("item 1".to_string(), ghost),
            ("item 2".to_string(), fr.clone()),
        ];
        let errs =
            validate_import(&docs, &[("password".to_string(), Some(Lang::En))].into()).unwrap_err();
        let found: Vec<_> = errs
            .iter()
            .map(|e| (e.location.as_str(), e.field.as_str()))
            .collect();
        assert_eq!(
            found,
            [("item 0", "translations.en"), ("item 1", "translations.en")]
        );
        assert!(errs[0].message.contains("is in `fr`"), "{errs:?}");
        assert!(errs[1].message.contains("does not exist"), "{errs:?}");
        // its own language, or an unknown one, is refused at once
        let mut own = doc("x");
        own.translations = [("fr".to_string(), "y".to_string())].into();
        assert_eq!(own.validate().unwrap_err()[0].field, "translations.fr");
        own.translations = [("de".to_string(), "y".to_string())].into();
        assert!(own.validate().unwrap_err()[0].message.contains("`de`"));
    }
}
