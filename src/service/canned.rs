//! Canned answers (issue 13, item 1): every operator reads them (the composer's `/` list);
//! supervisors and admins create, change, delete, import and export them (audited).

use super::audit::{self, Actor};
use super::{ActionError, Core, OrNotFound, Refusal};
use crate::domain::canned::{Canned, CannedDoc};
use crate::domain::{markdown, FieldError, Problem, Role};
use crate::store::{CannedAnswer, Operator, StoreError};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Most answers an import file may hold.
pub const MAX_IMPORT: usize = 2000;

/// A canned answer as the API shows it: the Markdown, its sanitized HTML (previews) and
/// its plain text (what the composer inserts: operator messages are plain text).
#[derive(Clone, Debug, Serialize)]
pub struct CannedView {
    #[serde(flatten)]
    pub answer: CannedAnswer,
    pub html: String,
    pub text: String,
}

impl From<CannedAnswer> for CannedView {
    fn from(answer: CannedAnswer) -> CannedView {
        CannedView {
            html: markdown::render(&answer.body),
            text: markdown::to_plain(&answer.body).trim().to_string(),
            answer,
        }
    }
}

fn must_manage(operator: &Operator) -> Result<(), ActionError> {
    if matches!(operator.role, Role::Admin | Role::Supervisor) {
        Ok(())
    } else {
        Err(ActionError::refused(
            Refusal::Forbidden,
            Problem::new(
                "supervisors_only",
                "only supervisors and admins may do this",
            ),
        ))
    }
}

/// The answers an operator may use: `bot` given, the global ones and that bot's; `lang`
/// given, only that language.
pub async fn list(
    core: &Core,
    bot: Option<&str>,
    lang: Option<&str>,
) -> Result<Vec<CannedView>, ActionError> {
    let all = core.store.list_canned().await?;
    Ok(all
        .into_iter()
        .filter(|a| bot.is_none_or(|b| a.bot.is_none() || a.bot.as_deref() == Some(b)))
        .filter(|a| lang.is_none_or(|l| a.lang == l))
        .map(CannedView::from)
        .collect())
}

async fn bot_id(core: &Core, slug: Option<&str>, field: &str) -> Result<Option<i64>, ActionError> {
    let Some(slug) = slug else { return Ok(None) };
    match core.store.bot(slug).await {
        Ok(b) => Ok(Some(b.id)),
        Err(StoreError::NotFound) => Err(ActionError::Invalid(vec![FieldError::new(
            field,
            format!("no bot `{slug}`"),
        )
        .code("unknown_bot")
        .param("bot", slug)])),
        Err(e) => Err(e.into()),
    }
}

fn taken(field: &str, c: &Canned) -> ActionError {
    ActionError::Invalid(vec![FieldError::of(
        field,
        Problem::new(
            "canned_shortcut_taken",
            format!(
                "the shortcut {} already exists for this bot and language",
                c.shortcut
            ),
        )
        .param("shortcut", c.shortcut.as_str()),
    )])
}

fn stored<T>(r: Result<T, StoreError>, c: &Canned) -> Result<T, ActionError> {
    match r {
        Err(StoreError::Conflict(_)) => Err(taken("shortcut", c)),
        other => other.or_not_found("canned answer"),
    }
}

pub async fn create(
    core: &Core,
    actor: &Actor,
    operator: &Operator,
    doc: &CannedDoc,
) -> Result<CannedView, ActionError> {
    must_manage(operator)?;
    let c = doc.validate().map_err(ActionError::Invalid)?;
    let bot = bot_id(core, c.bot.as_deref(), "bot").await?;
    let a = stored(core.store.insert_canned(bot, &c).await, &c)?;
    audit::record(
        core,
        actor,
        "canned.create",
        &format!("canned:{} {}", a.id, a.shortcut),
        json!({"bot": a.bot, "lang": a.lang, "title": a.title}),
    )
    .await;
    Ok(a.into())
}

pub async fn update(
    core: &Core,
    actor: &Actor,
    operator: &Operator,
    id: i64,
    doc: &CannedDoc,
) -> Result<CannedView, ActionError> {
    must_manage(operator)?;
    let c = doc.validate().map_err(ActionError::Invalid)?;
    let bot = bot_id(core, c.bot.as_deref(), "bot").await?;
    let a = stored(core.store.update_canned(id, bot, &c).await, &c)?;
    audit::record(
        core,
        actor,
        "canned.update",
        &format!("canned:{} {}", a.id, a.shortcut),
        json!({"bot": a.bot, "lang": a.lang, "title": a.title}),
    )
    .await;
    Ok(a.into())
}

pub async fn delete(
    core: &Core,
    actor: &Actor,
    operator: &Operator,
    id: i64,
) -> Result<(), ActionError> {
    must_manage(operator)?;
    let a = core
        .store
        .delete_canned(id)
        .await
        .or_not_found("canned answer")?;
    audit::record(
        core,
        actor,
        "canned.delete",
        &format!("canned:{} {}", a.id, a.shortcut),
        json!({"bot": a.bot, "lang": a.lang, "title": a.title}),
    )
    .await;
    Ok(())
}

/// The file an import reads: `{"canned_answers": [{bot, lang, shortcut, title, body}]}`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedFile {
    pub canned_answers: Vec<CannedDoc>,
}

pub async fn export(core: &Core, operator: &Operator) -> Result<CannedFile, ActionError> {
    must_manage(operator)?;
    let all = core.store.list_canned().await?;
    Ok(CannedFile {
        canned_answers: all
            .into_iter()
            .map(|a| CannedDoc {
                bot: a.bot,
                lang: a.lang,
                shortcut: a.shortcut,
                title: a.title,
                body: a.body,
            })
            .collect(),
    })
}

/// What an import did.
#[derive(Debug, Serialize)]
pub struct Imported {
    pub added: usize,
    pub replaced: usize,
}

/// Imports a whole file, all or nothing: every problem listed, its field named
/// `canned_answers[i].field`; an answer with the same bot, language and shortcut as a
/// stored one replaces it.
pub async fn import(
    core: &Core,
    actor: &Actor,
    operator: &Operator,
    file: &CannedFile,
) -> Result<Imported, ActionError> {
    must_manage(operator)?;
    let mut errors = Vec::new();
    if file.canned_answers.len() > MAX_IMPORT {
        errors.push(FieldError::of(
            "canned_answers",
            Problem::out_of_range(0, MAX_IMPORT as i64, ""),
        ));
        return Err(ActionError::Invalid(errors));
    }
    let mut bots: HashMap<String, i64> = HashMap::new();
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for (i, doc) in file.canned_answers.iter().enumerate() {
        let at = |f: &str| format!("canned_answers[{i}].{f}");
        let c = match doc.validate() {
            Ok(c) => c,
            Err(es) => {
                errors.extend(es.into_iter().map(|mut e| {
                    e.field = at(&e.field);
                    e
                }));
                continue;
            }
        };
        let bot = match &c.bot {
            None => None,
            Some(slug) => match bots.get(slug) {
                Some(id) => Some(*id),
                None => match bot_id(core, Some(slug), &at("bot")).await {
                    Ok(id) => {
                        bots.insert(slug.clone(), id.unwrap_or(0));
                        id
                    }
                    Err(ActionError::Invalid(es)) => {
                        errors.extend(es);
                        continue;
                    }
                    Err(e) => return Err(e),
                },
            },
        };
        if !seen.insert((bot, c.lang, c.shortcut.clone())) {
            if let ActionError::Invalid(es) = taken(&at("shortcut"), &c) {
                errors.extend(es);
            }
            continue;
        }
        items.push((bot, c));
    }
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let (added, replaced) = core.store.import_canned(&items).await?;
    audit::record(
        core,
        actor,
        "canned.import",
        "canned",
        json!({"added": added, "replaced": replaced}),
    )
    .await;
    Ok(Imported { added, replaced })
}
