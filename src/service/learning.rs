//! The learning loop (issue 14, item 3): what a bot missed over a period, grouped by
//! meaning, turned into formulations of its knowledge items.
//!
//! - [`report`]: the questions the bot did not understand or only suggested for, and the
//!   answers its visitors rated 👎, grouped by meaning (`vigie_bot::learn`: sentence
//!   vectors of the shipped model plus the overlap of stems and synonym groups, average
//!   linkage), each group with the item the served matcher thinks closest.
//! - [`add`]: adds chosen questions as formulations of an item (the knowledge write path,
//!   audited); the next deploy serves them.
//! - [`dismiss`]: an off-topic group's questions are dismissed for good. A collected
//!   question is hidden when its normalized text ([`vigie_bot::learn::key`]) is a
//!   dismissed one's, or when it is a near-duplicate of one (similarity at least
//!   [`NEAR_DUPLICATE`], stricter than grouping): so it never comes back, even asked
//!   again later by another visitor in slightly different words.
//! - [`measure`]: the share of the period's questions answered by the served deployment
//!   and by a trial matcher built from the current (maybe undeployed) knowledge, as
//!   `vigie eval` measures.

use super::actions;
use super::audit::{self, Actor};
use super::{invalid, ActionError, Core};
use crate::domain::conversation::check_text;
use crate::domain::deployment::Snapshot;
use crate::domain::{FieldError, Problem};
use crate::engines::Served;
use crate::store::{Bot, Collected, CollectedSource, Dismissed, StoreError};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use vigie_bot::learn::{self, Grouping};
use vigie_bot::{Lang, Outcome};

/// Similarity from which a collected question counts as a dismissed one asked again.
pub const NEAR_DUPLICATE: f32 = 0.6;

/// Most questions of each source read for a period.
const MAX_COLLECTED: i64 = 2000;

/// Examples shown per group.
const EXAMPLES: usize = 20;

/// Most questions added at once.
pub const MAX_ADD: usize = 50;

/// One distinct question of a group.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub question: String,
    /// How many times it was asked over the period.
    pub count: usize,
    pub conversation: String,
    pub seq: i64,
    pub source: CollectedSource,
    pub last_at: i64,
}

/// A knowledge item the matcher thinks close.
#[derive(Clone, Debug, Serialize)]
pub struct Closest {
    pub id: String,
    pub title: String,
    pub score: f32,
}

/// Questions that ask for the same thing.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// The normalized text of its most asked question (stable while the group is).
    pub key: String,
    /// How many questions (occurrences) it holds.
    pub count: usize,
    pub not_understood: usize,
    pub suggestions: usize,
    pub unhelpful: usize,
    /// Distinct questions, most asked first (at most 20; `distinct` says how many).
    pub examples: Vec<Example>,
    pub distinct: usize,
    /// The items the served matcher ranks first for these questions, closest first.
    pub closest: Vec<Closest>,
    pub last_at: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub from: i64,
    pub to: i64,
    /// Questions collected over the period (dismissed ones included).
    pub collected: usize,
    /// Of them, hidden as dismissed.
    pub hidden: usize,
    pub groups: Vec<Group>,
    pub dismissed: Vec<Dismissed>,
    /// The served deployment's version (`null` before the first deploy).
    pub deployment: Option<i64>,
}

/// The collected questions not dismissed, and how many were hidden.
async fn collect(
    core: &Core,
    bot: &Bot,
    from: i64,
    to: i64,
) -> Result<(Vec<Collected>, usize, Vec<Dismissed>), ActionError> {
    let collected = core
        .store
        .missed_questions(bot.id, from, to, MAX_COLLECTED)
        .await?;
    let dismissed = core.store.dismissed_questions(bot.id).await?;
    let total = collected.len();
    let model = core.engines.model().clone();
    let dismissed_keys: Vec<(String, String)> = dismissed
        .iter()
        .map(|d| (d.question.clone(), d.normalized.clone()))
        .collect();
    let kept = tokio::task::spawn_blocking(move || {
        hide_dismissed(&Grouping::new(model), collected, &dismissed_keys)
    })
    .await
    .map_err(|e| ActionError::Internal(anyhow::anyhow!("learning task: {e}")))?;
    let hidden = total - kept.len();
    Ok((kept, hidden, dismissed))
}

/// Drops the questions whose normalized text is dismissed, or which are near-duplicates
/// of a dismissed one.
fn hide_dismissed(
    g: &Grouping,
    collected: Vec<Collected>,
    dismissed: &[(String, String)],
) -> Vec<Collected> {
    if dismissed.is_empty() {
        return collected;
    }
    let keys: HashSet<&str> = dismissed.iter().map(|(_, k)| k.as_str()).collect();
    let mut dis: Vec<learn::Repr> = dismissed.iter().map(|(q, _)| g.represent(q)).collect();
    g.center(&mut dis);
    let mut verdict: HashMap<String, bool> = HashMap::new();
    collected
        .into_iter()
        .filter(|c| {
            let k = learn::key(&c.question);
            if keys.contains(k.as_str()) {
                return false;
            }
            if let Some(&keep) = verdict.get(&k) {
                return keep;
            }
            let mut r = vec![g.represent(&c.question)];
            g.center(&mut r);
            let keep = !dis.iter().any(|d| g.similarity(&r[0], d) >= NEAR_DUPLICATE);
            verdict.insert(k, keep);
            keep
        })
        .collect()
}

/// The served matcher, or none before the first deploy.
async fn served(core: &Core, bot: &Bot) -> Result<Option<Arc<Served>>, ActionError> {
    match core.engines.current(&core.store, bot.id).await {
        Ok(s) => Ok(Some(s)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn report(core: &Core, bot: &Bot, from: i64, to: i64) -> Result<Report, ActionError> {
    let (kept, hidden, dismissed) = collect(core, bot, from, to).await?;
    let served = served(core, bot).await?;
    let model = core.engines.model().clone();
    let deployment = served.as_ref().map(|s| s.version);
    let collected = kept.len() + hidden;
    let groups =
        tokio::task::spawn_blocking(move || group(&Grouping::new(model), &kept, served.as_deref()))
            .await
            .map_err(|e| ActionError::Internal(anyhow::anyhow!("learning task: {e}")))?;
    Ok(Report {
        from,
        to,
        collected,
        hidden,
        groups,
        dismissed,
        deployment,
    })
}

fn lang_of(c: &Collected) -> Option<Lang> {
    Lang::parse(&c.lang)
}

/// Groups the questions and finds each group's closest items.
fn group(g: &Grouping, collected: &[Collected], served: Option<&Served>) -> Vec<Group> {
    // Distinct questions (by normalized text), with their occurrences.
    let mut order: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, Vec<&Collected>> = HashMap::new();
    for c in collected {
        let k = learn::key(&c.question);
        if k.is_empty() {
            continue;
        }
        by_key
            .entry(k.clone())
            .or_insert_with(|| {
                order.push(k);
                Vec::new()
            })
            .push(c);
    }
    let texts: Vec<&str> = order
        .iter()
        .map(|k| by_key[k][0].question.as_str())
        .collect();
    let clusters = g.group(&texts);
    let mut out: Vec<Group> = clusters
        .into_iter()
        .map(|members| {
            let mut examples: Vec<Example> = members
                .iter()
                .map(|&i| {
                    let occ = &by_key[&order[i]];
                    let last = occ.iter().max_by_key(|c| c.created_at).expect("one");
                    Example {
                        question: last.question.clone(),
                        count: occ.len(),
                        conversation: last.conversation.clone(),
                        seq: last.seq,
                        source: last.source,
                        last_at: last.created_at,
                    }
                })
                .collect();
            examples.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_at.cmp(&a.last_at)));
            let occurrences: Vec<&Collected> = members
                .iter()
                .flat_map(|&i| by_key[&order[i]].iter().copied())
                .collect();
            let count_of =
                |s: CollectedSource| occurrences.iter().filter(|c| c.source == s).count();
            let closest = served.map_or_else(Vec::new, |s| closest(s, &examples, &occurrences));
            let distinct = examples.len();
            let key = learn::key(&examples[0].question);
            let last_at = examples.iter().map(|e| e.last_at).max().unwrap_or(0);
            examples.truncate(EXAMPLES);
            Group {
                key,
                count: occurrences.len(),
                not_understood: count_of(CollectedSource::NotUnderstood),
                suggestions: count_of(CollectedSource::Suggestions),
                unhelpful: count_of(CollectedSource::Unhelpful),
                examples,
                distinct,
                closest,
                last_at,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_at.cmp(&a.last_at)));
    out
}

/// The items the served matcher ranks first for a group's questions: each question's top
/// three, their scores summed (weighted by how often it was asked).
fn closest(served: &Served, examples: &[Example], occ: &[&Collected]) -> Vec<Closest> {
    let lang = occ.first().and_then(|c| lang_of(c));
    let mut score: BTreeMap<String, f32> = BTreeMap::new();
    for e in examples.iter().take(10) {
        for c in served.index.ranked(&e.question, lang, 3) {
            *score.entry(c.id).or_default() += c.score * e.count as f32;
        }
    }
    let total: f32 = examples.iter().take(10).map(|e| e.count as f32).sum();
    let mut ranked: Vec<(String, f32)> = score.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .into_iter()
        .filter_map(|(id, s)| {
            served.item(&id).map(|k| Closest {
                id: k.id.clone(),
                title: k.title.clone(),
                score: if total > 0.0 { s / total } else { 0.0 },
            })
        })
        .take(3)
        .collect()
}

/// What [`add`] did.
#[derive(Clone, Debug, Serialize)]
pub struct Added {
    pub id: String,
    pub title: String,
    /// The item's formulations after the addition.
    pub formulations: Vec<String>,
    /// The questions that became formulations (those the item already had are skipped).
    pub added: Vec<String>,
}

fn check_questions(questions: &[String]) -> Result<Vec<String>, ActionError> {
    if questions.is_empty() {
        return Err(invalid(
            "questions",
            Problem::new("required", "choose at least one question"),
        ));
    }
    if questions.len() > MAX_ADD {
        return Err(invalid(
            "questions",
            Problem::new("too_many", format!("at most {MAX_ADD} questions at once"))
                .param("max", MAX_ADD),
        ));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        match check_text(q) {
            Ok(t) => out.push(t.to_string()),
            Err(p) => errors.push(FieldError::of(format!("questions[{i}]"), p)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ActionError::Invalid(errors))
    }
}

/// Adds questions as formulations of the item `knowledge_id` (an admin's knowledge write,
/// audited `learning.add`). Questions it already has (same normalized text) are skipped.
pub async fn add(
    core: &Core,
    actor: &Actor,
    bot: &Bot,
    knowledge_id: &str,
    questions: &[String],
) -> Result<Added, ActionError> {
    let questions = check_questions(questions)?;
    let item = actions::knowledge(core, bot, knowledge_id).await?;
    let mut doc = item.to_doc();
    let mut known: HashSet<String> = doc
        .formulations
        .iter()
        .chain(std::iter::once(&doc.title))
        .map(|f| learn::key(f))
        .collect();
    let mut added = Vec::new();
    for q in questions {
        if known.insert(learn::key(&q)) {
            doc.formulations.push(q.clone());
            added.push(q);
        }
    }
    let item = if added.is_empty() {
        item
    } else {
        actions::update_knowledge(core, bot, &item.id, &doc).await?
    };
    audit::record(
        core,
        actor,
        "learning.add",
        &format!("knowledge:{}/{}", bot.slug, item.id),
        json!({"added": added}),
    )
    .await;
    Ok(Added {
        id: item.id,
        title: item.title,
        formulations: item.formulations,
        added,
    })
}

/// Dismisses questions (a group judged off-topic), audited `learning.dismiss`. How many
/// were not dismissed yet.
pub async fn dismiss(
    core: &Core,
    actor: &Actor,
    bot: &Bot,
    questions: &[String],
) -> Result<usize, ActionError> {
    let questions = check_questions(questions)?;
    let keyed: Vec<(String, String)> = questions
        .iter()
        .map(|q| (q.clone(), learn::key(q)))
        .filter(|(_, k)| !k.is_empty())
        .collect();
    let n = core
        .store
        .dismiss_questions(bot.id, &keyed, actor.id)
        .await?;
    audit::record(
        core,
        actor,
        "learning.dismiss",
        &format!("bot:{}", bot.slug),
        json!({"questions": questions}),
    )
    .await;
    Ok(n)
}

/// Takes a dismissed question back (audited `learning.undismiss`).
pub async fn undismiss(core: &Core, actor: &Actor, bot: &Bot, id: i64) -> Result<(), ActionError> {
    core.store
        .undismiss_question(bot.id, id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ActionError::NotFound("dismissed question"),
            other => other.into(),
        })?;
    audit::record(
        core,
        actor,
        "learning.undismiss",
        &format!("bot:{}", bot.slug),
        json!({"id": id}),
    )
    .await;
    Ok(())
}

/// The share of questions one matcher answers.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Share {
    pub answered: usize,
    pub total: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    /// The served deployment ("answered now"); `null` before the first deploy.
    pub deployment: Option<i64>,
    pub now: Share,
    /// A trial matcher built from the current knowledge, published items (what the next
    /// deploy would serve).
    pub after: Share,
    /// The knowledge differs from the served deployment (a deploy would change answers).
    pub pending: bool,
}

/// Does a matcher answer this question? A question rated 👎 counts only when the answer
/// is another item than the one rated.
fn answers(index: &vigie_bot::Index, c: &Collected) -> bool {
    match index.ask(&c.question, lang_of(c)) {
        Outcome::Answer { id, .. } => {
            c.source != CollectedSource::Unhelpful || c.knowledge_id.as_deref() != Some(&id)
        }
        _ => false,
    }
}

/// Measures the period's collected questions (dismissed ones left out, every occurrence
/// counted) against the served deployment and against the current knowledge.
pub async fn measure(core: &Core, bot: &Bot, from: i64, to: i64) -> Result<Measure, ActionError> {
    let (kept, _, _) = collect(core, bot, from, to).await?;
    let served = served(core, bot).await?;
    let items = core.store.list_knowledge(bot.id).await?;
    let snapshot = Snapshot::from_items(&bot.name, bot.default_lang, &items);
    let pending = served.as_ref().is_none_or(|s| {
        serde_json::to_value(&s.snapshot.knowledge).ok()
            != serde_json::to_value(&snapshot.knowledge).ok()
    });
    let trial = core.engines.build(0, snapshot).await;
    let deployment = served.as_ref().map(|s| s.version);
    tokio::task::spawn_blocking(move || {
        let total = kept.len();
        let now = served
            .as_ref()
            .map_or(0, |s| kept.iter().filter(|c| answers(&s.index, c)).count());
        let after = kept.iter().filter(|c| answers(&trial.index, c)).count();
        Measure {
            deployment,
            now: Share {
                answered: now,
                total,
            },
            after: Share {
                answered: after,
                total,
            },
            pending,
        }
    })
    .await
    .map_err(|e| ActionError::Internal(anyhow::anyhow!("learning task: {e}")))
}
