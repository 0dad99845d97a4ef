//! The immutable knowledge index and the scoring of a question against it.
//!
//! Why this design: each language has its own sub-index (its own stems), with
//! an inverted index term → formulations and term → items, IDF precomputed
//! at the *item* level (a word found in every formulation of one item is
//! still discriminative between items). A question becomes a list of
//! weighted "slots" (one per query word: the exact stem, or up to three typo
//! corrections, or prefix expansions for the search box, or words of the same
//! family); unknown words keep part of their IDF mass so that they lower the
//! query coverage, a smaller part in bases whose own words are mostly seen
//! once. Function words are weighed lightly rather than dropped.
//!
//! Scoring of an item, all terms in [0,1]:
//! - per formulation, an IDF-weighted overlap `m / (α·Q + (1-α)·F)` where `m`
//!   is the matched mass, `Q` the query mass (unknown words included) and
//!   `F` the formulation mass: a Dice-like similarity leaning towards query
//!   coverage;
//! - the item's best two formulations are combined as a soft maximum
//!   `s1 + κ·(1-s1)·s2` (agreeing paraphrases reinforce each other);
//! - the share of the query mass found anywhere in the item (coverage) is
//!   mixed in with weight λ, and gates the final answer.

use crate::fuzzy::Fuzzy;
use crate::normalize::{self, Token};
use crate::{Candidate, KnowledgeInput, Lang};
use std::cell::RefCell;
use std::collections::HashMap;

/// Tunable constants of the scorer and of the decision, kept round on
/// purpose. Calibrated on two kinds of data at once (see `examples/tune.rs`
/// and `data/public/README.md`): the even lines of the demo eval set (the
/// odd lines held out), and three public intent corpora whose questions
/// are real users' (StackExchange titles, a Telegram bot's messages), so
/// that a knob that only suits our own French base shows up as a loss there.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    // ---- scoring
    /// Weight of the query mass in the similarity denominator (0.5 = Dice).
    pub alpha: f32,
    /// Reinforcement by the item's second best formulation.
    pub kappa: f32,
    /// Weight of the item-level query coverage in the score.
    pub lambda: f32,
    /// Share of its IDF that an unknown query word weighs.
    pub unknown_weight: f32,
    /// Factor applied to a typo-corrected word at distance 1 and 2.
    pub fuzzy1: f32,
    pub fuzzy2: f32,
    /// Factor applied to a prefix expansion (search only).
    pub prefix: f32,
    /// Factor applied to a word of the same family (see
    /// `SubIndex::derivations`) when the word itself is unknown.
    pub derive: f32,
    /// Factor applied to items not in the preferred language.
    pub other_lang: f32,
    /// Factor on the similarity of an item's answer and tags (title and
    /// formulations weigh 1).
    pub context: f32,
    /// Factor applied to a match through a matching group (a synonym, see
    /// [`crate::groups`]) rather than the same stem; 0 disables the groups.
    pub group: f32,
    /// Share of their IDF that function words ("how", "from", "quand")
    /// weigh in titles, formulations and questions; 0 drops them. They tell
    /// "where are you from" from "what is your name", and "from A to B"
    /// from "next train at A"; those found in many items are dropped anyway.
    pub stop_weight: f32,
    /// Share of a function word's weight that counts in an item's coverage
    /// when the question has content words too.
    pub stop_cover: f32,
    // ---- adaptation to sparse bases
    /// Reference share of once-seen words in the titles and formulations
    /// (the Good–Turing estimate of how often a visitor's word is new to the
    /// base). Above it, unknown words weigh less (down to
    /// [`Params::unseen_floor`] of their weight) and the thresholds for two
    /// matched words or more are lowered by [`Params::unseen_relief`] per
    /// point, at most [`Params::relief_max`]: a base of a few formulations
    /// an item cannot expect visitors to use its words. 0 disables it.
    pub unseen_ref: f32,
    pub unseen_floor: f32,
    pub unseen_relief: f32,
    pub relief_max: f32,
    // ---- decision
    /// Minimal score for a direct answer.
    pub answer: f32,
    /// Added to [`Params::answer`] when the best item shares a single word
    /// with the question: one common word ("voiture", "year") is the usual
    /// way an off-topic question reaches an item.
    pub one_word: f32,
    /// Taken from [`Params::answer`] when three or more of the question's
    /// words are found in the item's title and formulations: such agreement
    /// rarely happens by chance.
    pub many_words: f32,
    /// Minimal lead of the best item over the second for a direct answer.
    pub margin: f32,
    /// Minimal share of the query mass covered by the answered item.
    pub min_coverage: f32,
    /// A direct answer is also given from [`Params::lead_floor`] when the
    /// best item scores [`Params::lead_ratio`] times the second and covers
    /// [`Params::lead_cov`] of the question with its own words.
    pub lead_floor: f32,
    pub lead_ratio: f32,
    pub lead_cov: f32,
    /// A question whose content words are all unknown ("how do I get from
    /// oez to hbf") may still be answered by that lead when its function
    /// words are typical of the item: found, on IDF-weighted average, in
    /// this share of its formulations.
    pub central: f32,
    /// Minimal score for a suggestion.
    pub suggest: f32,
    /// Suggestions are the items within this distance of the best.
    pub window: f32,
    /// Minimal score of the weak candidates returned with NotUnderstood.
    pub weak: f32,
    // ---- fused decision (with a model): thresholds on the learned
    // confidence (see [`crate::meaning`])
    /// Minimal confidence of a direct answer.
    pub p_answer: f32,
    /// Minimal lead of the best item's confidence over the second's.
    pub p_margin: f32,
    /// Minimal confidence of a direct answer when the lexical decision
    /// alone answers the same item.
    pub p_keep: f32,
    /// A direct answer is also given when the best two items together
    /// hold [`Params::p_joint`] of the confidence (the question is in
    /// scope, the two are close) and the best holds [`Params::p_joint_top`]:
    /// answering the best is then right more often than not, and refusing
    /// is always wrong.
    pub p_joint: f32,
    pub p_joint_top: f32,
    /// Minimal confidence of a suggestion, and how far below the best one.
    pub p_suggest: f32,
    pub p_window: f32,
    /// Minimal confidence of the weak candidates returned with NotUnderstood.
    pub p_weak: f32,
    /// A detected language at least this sure chooses the answer's
    /// language over the conversation's.
    pub lang_confident: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            alpha: 0.5,
            kappa: 0.6,
            lambda: 0.3,
            unknown_weight: 0.7,
            fuzzy1: 0.8,
            fuzzy2: 0.65,
            prefix: 0.85,
            derive: 0.5,
            other_lang: 0.7,
            context: 0.3,
            group: 0.7,
            stop_weight: 0.5,
            stop_cover: 0.6,
            unseen_ref: 0.2,
            unseen_floor: 0.3,
            unseen_relief: 0.6,
            relief_max: 0.08,
            answer: 0.4,
            one_word: 0.15,
            many_words: 0.04,
            margin: 0.02,
            min_coverage: 0.2,
            lead_floor: 0.3,
            lead_ratio: 1.7,
            lead_cov: 0.2,
            central: 0.5,
            suggest: 0.35,
            window: 0.1,
            weak: 0.12,
            p_answer: 0.55,
            p_margin: 0.1,
            p_keep: 0.25,
            p_joint: 0.65,
            p_joint_top: 0.3,
            p_suggest: 0.25,
            p_window: 0.2,
            p_weak: 0.1,
            lang_confident: 0.5,
        }
    }
}

pub(crate) struct ItemMeta {
    pub id: String,
    pub lang: Lang,
    pub handoff: bool,
    /// Index of the item in its language's sub-index.
    pub local: u32,
    /// Its translations found in the base (global indexes).
    pub twins: Vec<u32>,
}

/// Per-language part of the index.
pub(crate) struct SubIndex {
    pub lang: Lang,
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    idf_unknown: f32,
    /// The share of the title and formulation words seen once only: the
    /// Good–Turing estimate of how often a visitor's word is new to this base.
    unseen: f32,
    post_off: Vec<u32>,
    post: Vec<u32>,
    ipost_off: Vec<u32>,
    ipost: Vec<u32>,
    form_item: Vec<u32>,
    form_mass: Vec<f32>,
    /// similarity factor per formulation (1 for formulations, `context` for context text)
    form_factor: Vec<f32>,
    item_global: Vec<u32>,
    /// Per item (CSR), the sorted terms of its title and formulations.
    main_off: Vec<u32>,
    main: Vec<u32>,
    fuzzy: Fuzzy,
    /// (surface word, term id), sorted, for prefix search.
    surfaces: Vec<(String, u32)>,
    /// (stem, term id) of the content words, sorted, for derivations.
    stems: Vec<(String, u32)>,
    /// Per item, its first formulation and how many of its formulations
    /// are its title and formulations (its context texts follow them).
    item_forms: Vec<(u32, u32)>,
}

/// One query word: alternatives (term, weight) sorted by decreasing weight,
/// and the mass it adds to the query.
pub(crate) struct Slot {
    pub alts: Vec<(u32, f32)>,
    /// A function word: found as such or not at all, never counted as a
    /// matched or unknown word.
    pub stop: bool,
    pub q: f32,
    /// The query word's own stem when it is in the vocabulary.
    pub exact: Option<u32>,
}

/// Does the question have content words (known or not)? Then function words
/// help rank the formulations but do not count in the coverage.
fn has_content(slots: &[Slot], unknown: f32) -> bool {
    unknown > 0.0 || slots.iter().any(|s| !s.stop)
}

/// The question mass that coverage is measured against: content words only
/// when there are some, else the function words.
fn coverage_mass(slots: &[Slot], unknown: f32, stop_cover: f32) -> f32 {
    let content = has_content(slots, unknown);
    slots
        .iter()
        .map(|s| {
            if content && s.stop {
                s.q * stop_cover
            } else {
                s.q
            }
        })
        .sum::<f32>()
        + unknown
}

/// An item's score for one question.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub item: u32,
    pub score: f32,
    pub coverage: f32,
    /// Share of the query mass found in the item's title and formulations
    /// (answer and tags excluded); filled for the best items only.
    pub main_cov: f32,
    /// Share of the query mass made of words found as such (same stem) in
    /// the title and formulations; filled for the best items only.
    pub exact_cov: f32,
    /// How typical of the item the question's function words are (see
    /// `SubIndex::main_coverage`); filled for the best items only.
    pub stop_central: f32,
    /// Number of query words found in the title and formulations, and of
    /// query words (unknown ones included); filled for the best items only.
    pub matched: u16,
    pub words: u16,
    /// The item's best formulation similarity and the soft maximum of its
    /// best two.
    pub best: f32,
    pub agg: f32,
}

const NONE: u32 = u32::MAX;

/// Shortest stem, and largest difference in length, of a derivation.
const DERIVE_MIN: usize = 4;
const DERIVE_MAX: usize = 3;

/// An item to index: its global index and its analysed texts (title,
/// formulations, context), each with its similarity factor.
pub(crate) type ItemForms = (u32, Vec<(Vec<Token>, f32)>);

/// Per-question accumulators, reused between questions. Each entry keeps
/// together what a posting updates (one cache line touched per posting,
/// not two or three: the postings of a large base's common words are the
/// bulk of a question's cost).
#[derive(Default)]
struct Scratch {
    /// Per formulation: matched mass, and the last slot that added to it.
    f: Vec<(f32, u32)>,
    f_touched: Vec<u32>,
    /// Per item: matched mass, last slot, best two formulation similarities.
    i: Vec<ItemAcc>,
    i_touched: Vec<u32>,
    /// (score, global item, local item) of the touched items.
    top: Vec<(f32, u32, u32)>,
}

#[derive(Clone, Copy)]
struct ItemAcc {
    acc: f32,
    last: u32,
    best: (f32, f32),
}

const ITEM_ACC0: ItemAcc = ItemAcc {
    acc: 0.0,
    last: NONE,
    best: (0.0, 0.0),
};

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A context text (answer, tags) is not searchable by the words found in
/// the context texts of more than this share of the items...
const CONTEXT_DF_SHARE: f32 = 0.02;
/// ... and of more than this many items, so that small bases keep them all.
const CONTEXT_DF_MIN: usize = 200;

/// Drop from the postings of context texts the words that most answers
/// contain ("cliquer", "please"): they weigh little (low IDF, times the
/// context factor) but their long posting lists dominate the query time of
/// large bases. Title and formulation postings are kept whole, and the IDF
/// still counts every occurrence. Rebuilds the items' term unions.
fn prune_context(
    forms_terms: &mut [Vec<u32>],
    form_item: &[u32],
    form_factor: &[f32],
    item_terms: &mut [Vec<u32>],
    nt: usize,
) {
    let n_items = item_terms.len();
    let cap = CONTEXT_DF_MIN.max((n_items as f32 * CONTEXT_DF_SHARE) as usize);
    if n_items <= cap {
        return;
    }
    let mut cdf = vec![0u32; nt];
    let mut last = vec![u32::MAX; nt];
    for (f, ids) in forms_terms.iter().enumerate() {
        if form_factor[f] >= 1.0 {
            continue;
        }
        for &t in ids {
            if last[t as usize] != form_item[f] {
                last[t as usize] = form_item[f];
                cdf[t as usize] += 1;
            }
        }
    }
    if cdf.iter().all(|&d| d as usize <= cap) {
        return;
    }
    for u in item_terms.iter_mut() {
        u.clear();
    }
    for (f, ids) in forms_terms.iter_mut().enumerate() {
        if form_factor[f] < 1.0 {
            ids.retain(|&t| cdf[t as usize] as usize <= cap);
        }
        item_terms[form_item[f] as usize].extend_from_slice(ids);
    }
    for u in item_terms.iter_mut() {
        u.sort_unstable();
        u.dedup();
    }
}

fn csr(lists: Vec<Vec<u32>>) -> (Vec<u32>, Vec<u32>) {
    let mut off = Vec::with_capacity(lists.len() + 1);
    let mut data = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    off.push(0);
    for l in lists {
        data.extend_from_slice(&l);
        off.push(data.len() as u32);
    }
    (off, data)
}

impl SubIndex {
    /// Number of items in this language.
    pub fn len(&self) -> usize {
        self.item_global.len()
    }

    /// `items`: (global index, analysed formulations incl. title, each with
    /// its similarity factor).
    pub fn build(lang: Lang, items: &[ItemForms], n_total: usize, stop_weight: f32) -> SubIndex {
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut surf: HashMap<String, u32> = HashMap::new();
        let mut forms_terms: Vec<Vec<u32>> = Vec::new();
        let mut forms_main: Vec<Vec<u32>> = Vec::new();
        let mut form_item = Vec::new();
        let mut form_factor = Vec::new();
        let mut item_terms: Vec<Vec<u32>> = Vec::new();
        let mut item_global = Vec::new();
        let mut item_main: Vec<Vec<u32>> = Vec::new();
        let mut stop_terms: Vec<u32> = Vec::new();
        // (sorted and deduplicated below)
        let mut item_forms: Vec<(u32, u32)> = Vec::with_capacity(items.len());
        for (li, (g, forms)) in items.iter().enumerate() {
            item_global.push(*g);
            item_forms.push((form_item.len() as u32, 0));
            let mut union = Vec::new();
            let mut mains = Vec::new();
            for (toks, factor) in forms {
                // `ids`: every term the formulation can be found by; `main`:
                // its words, which alone make its mass (group tokens and the
                // single words of a multi-word member are extra entry points)
                let mut ids: Vec<u32> = Vec::with_capacity(toks.len() + 2);
                let mut main: Vec<u32> = Vec::with_capacity(toks.len());
                let mut intern = |key: String| {
                    let n = terms.len() as u32;
                    *terms.entry(key).or_insert(n)
                };
                for t in toks {
                    let id = intern(t.stem.clone());
                    if t.stop {
                        stop_terms.push(id);
                    } else {
                        surf.entry(t.surface.clone()).or_insert(id);
                    }
                    ids.push(id);
                    main.push(id);
                    for &g in &t.groups {
                        ids.push(intern(crate::groups::token(g)));
                    }
                    if t.surface.contains(' ') {
                        for w in t.surface.split(' ') {
                            if normalize::keeps(w, lang) {
                                let id = intern(normalize::stem(w, lang));
                                surf.entry(w.to_string()).or_insert(id);
                                ids.push(id);
                            }
                        }
                    }
                }
                main.sort_unstable();
                main.dedup();
                ids.sort_unstable();
                ids.dedup();
                if ids.is_empty() {
                    continue;
                }
                union.extend_from_slice(&ids);
                if *factor >= 1.0 {
                    mains.extend_from_slice(&ids);
                }
                if *factor >= 1.0 {
                    item_forms[li].1 += 1;
                }
                forms_terms.push(ids);
                forms_main.push(main);
                form_item.push(li as u32);
                form_factor.push(*factor);
            }
            union.sort_unstable();
            union.dedup();
            item_terms.push(union);
            mains.sort_unstable();
            mains.dedup();
            item_main.push(mains);
        }
        let nt = terms.len();
        let mut df = vec![0u32; nt];
        for u in &item_terms {
            for &t in u {
                df[t as usize] += 1;
            }
        }
        let n = n_total.max(1) as f32;
        let idf_of = |d: u32| (1.0 + (n - d as f32 + 0.5) / (d as f32 + 0.5)).ln();
        stop_terms.sort_unstable();
        stop_terms.dedup();
        let mut idf: Vec<f32> = df.iter().map(|&d| idf_of(d)).collect();
        // function words weigh a share of their IDF; those found in many
        // items weigh nothing and are dropped (long postings, no evidence)
        let cap = CONTEXT_DF_MIN.max((items.len() as f32 * CONTEXT_DF_SHARE) as usize);
        let mut dropped = vec![false; nt];
        for &t in &stop_terms {
            if df[t as usize] as usize > cap {
                idf[t as usize] = 0.0;
                dropped[t as usize] = true;
            } else {
                idf[t as usize] *= stop_weight;
            }
        }
        if dropped.iter().any(|&d| d) {
            for ids in forms_terms.iter_mut().chain(item_terms.iter_mut()) {
                ids.retain(|&t| !dropped[t as usize]);
            }
            for ids in forms_main.iter_mut().chain(item_main.iter_mut()) {
                ids.retain(|&t| !dropped[t as usize]);
            }
        }
        let unseen = {
            let mut seen = vec![0u32; nt];
            let mut total = 0usize;
            for (f, ids) in forms_main.iter().enumerate() {
                if form_factor[f] >= 1.0 {
                    for &t in ids.iter().filter(|t| stop_terms.binary_search(t).is_err()) {
                        total += 1;
                        seen[t as usize] += 1;
                    }
                }
            }
            let once = seen.iter().filter(|&&c| c == 1).count();
            if total > 0 {
                once as f32 / total as f32
            } else {
                0.0
            }
        };
        let form_mass = forms_main
            .iter()
            .map(|ids| ids.iter().map(|&t| idf[t as usize]).sum())
            .collect();
        prune_context(
            &mut forms_terms,
            &form_item,
            &form_factor,
            &mut item_terms,
            nt,
        );
        let mut post: Vec<Vec<u32>> = vec![Vec::new(); nt];
        for (f, ids) in forms_terms.iter().enumerate() {
            for &t in ids {
                post[t as usize].push(f as u32);
            }
        }
        let mut ipost: Vec<Vec<u32>> = vec![Vec::new(); nt];
        for (i, ids) in item_terms.iter().enumerate() {
            for &t in ids {
                ipost[t as usize].push(i as u32);
            }
        }
        let (post_off, post) = csr(post);
        let (ipost_off, ipost) = csr(ipost);
        let (main_off, main) = csr(item_main);
        let mut surfaces: Vec<(String, u32)> = surf.into_iter().collect();
        surfaces.sort_unstable();
        let mut stems: Vec<(String, u32)> = terms
            .iter()
            .filter(|(k, _)| !k.starts_with(['#', '~']) && !k.contains(' '))
            .map(|(k, &t)| (k.clone(), t))
            .collect();
        stems.sort_unstable();
        let fuzzy = Fuzzy::build(
            surfaces
                .iter()
                .map(|(w, t)| (w.clone(), *t, df[*t as usize]))
                .collect(),
        );
        SubIndex {
            lang,
            terms,
            idf,
            idf_unknown: idf_of(0),
            unseen,
            post_off,
            post,
            ipost_off,
            ipost,
            form_item,
            form_mass,
            form_factor,
            item_global,
            main_off,
            main,
            fuzzy,
            surfaces,
            stems,
            item_forms,
        }
    }

    fn main_terms(&self, local: u32) -> &[u32] {
        &self.main
            [self.main_off[local as usize] as usize..self.main_off[local as usize + 1] as usize]
    }

    /// Fill `main_cov` and `exact_cov` of an item of this sub-index.
    pub(crate) fn main_coverage(
        &self,
        slots: &[Slot],
        unknown: f32,
        n_unknown: usize,
        local: u32,
        s: &mut Scored,
    ) {
        let q_mass = coverage_mass(slots, unknown, 0.0);
        if q_mass <= 0.0 {
            return;
        }
        let content = has_content(slots, unknown);
        let terms = self.main_terms(local);
        let (mut m, mut e) = (0.0f32, 0.0f32);
        for slot in slots.iter().filter(|s| !(content && s.stop)) {
            if let Some(&(_, w)) = slot
                .alts
                .iter()
                .find(|(t, _)| terms.binary_search(t).is_ok())
            {
                m += w;
                s.matched += u16::from(!slot.stop);
            }
            if slot.exact.is_some_and(|t| terms.binary_search(&t).is_ok()) {
                e += slot.q;
            }
        }
        s.words = (slots.iter().filter(|s| !s.stop).count() + n_unknown) as u16;
        // how typical of this item the question's function words are: the
        // share of its formulations holding each, weighted by the words' IDF
        let (first, n) = self.item_forms[local as usize];
        let (mut c, mut q) = (0.0f32, 0.0f32);
        for slot in slots.iter().filter(|s| s.stop) {
            q += slot.q;
            let post = self.postings(slot.alts[0].0);
            let lo = post.partition_point(|&f| f < first);
            let hi = post.partition_point(|&f| f < first + n);
            c += slot.q * (hi - lo) as f32 / n.max(1) as f32;
        }
        s.stop_central = if q > 0.0 { c / q } else { 0.0 };
        s.main_cov = (m / q_mass).min(1.0);
        s.exact_cov = (e / q_mass).min(1.0);
    }

    /// How much lower the answer thresholds are for this sub-index: a base
    /// whose own words are often seen once only cannot expect a visitor's
    /// question to match it as fully.
    pub(crate) fn relief(&self, p: &Params) -> f32 {
        if p.unseen_ref > 0.0 {
            (p.unseen_relief * (self.unseen - p.unseen_ref).max(0.0)).min(p.relief_max)
        } else {
            0.0
        }
    }

    /// The mass a word unknown to this base adds to a question. When many
    /// words of the base itself occur once only, a visitor's words are often
    /// new to it even when the question is in scope: they weigh less.
    pub(crate) fn unknown_mass(&self, p: &Params) -> f32 {
        let adapt = if p.unseen_ref > 0.0 && self.unseen > p.unseen_ref {
            (p.unseen_ref / self.unseen).max(p.unseen_floor)
        } else {
            1.0
        };
        self.idf_unknown * p.unknown_weight * adapt
    }

    /// Known stems of the same family as an unknown `stem`: one begins with
    /// the other, both of [`DERIVE_MIN`] letters or more, at most
    /// [`DERIVE_MAX`] letters apart ("form"/"format" for former/formation,
    /// "connect"/"connex" excepted).
    fn derivations(&self, stem: &str) -> Vec<u32> {
        let n = stem.chars().count();
        let mut out = Vec::new();
        if n < DERIVE_MIN {
            return out;
        }
        let start = self.stems.partition_point(|(w, _)| w.as_str() < stem);
        for (w, t) in self.stems[start..].iter().take(32) {
            if !w.starts_with(stem) {
                break;
            }
            if w.chars().count() - n <= DERIVE_MAX {
                out.push(*t);
            }
        }
        let chars: Vec<(usize, char)> = stem.char_indices().collect();
        for k in (n.saturating_sub(DERIVE_MAX)).max(DERIVE_MIN)..n {
            let pre = &stem[..chars[k].0];
            if let Ok(i) = self.stems.binary_search_by(|(w, _)| w.as_str().cmp(pre)) {
                out.push(self.stems[i].1);
            }
        }
        out
    }

    fn postings(&self, t: u32) -> &[u32] {
        &self.post[self.post_off[t as usize] as usize..self.post_off[t as usize + 1] as usize]
    }

    fn ipostings(&self, t: u32) -> &[u32] {
        &self.ipost[self.ipost_off[t as usize] as usize..self.ipost_off[t as usize + 1] as usize]
    }

    /// Turn analysed query tokens into slots. Returns the unknown mass too.
    /// `prefix`: also expand each word to the vocabulary words it begins.
    pub fn slots(&self, toks: &[Token], p: &Params, prefix: bool) -> (Vec<Slot>, f32) {
        let mut slots: Vec<Slot> = Vec::with_capacity(toks.len());
        let mut unknown = 0.0;
        let mut seen: Vec<u32> = Vec::with_capacity(toks.len());
        for tok in toks {
            let exact = self.terms.get(&tok.stem).copied();
            if tok.stop {
                if let Some(t) = exact.filter(|&t| !seen.contains(&t) && self.idf[t as usize] > 0.0)
                {
                    seen.push(t);
                    let q = self.idf[t as usize];
                    slots.push(Slot {
                        alts: vec![(t, q)],
                        stop: true,
                        q,
                        exact,
                    });
                }
                continue;
            }
            let mut alts: Vec<(u32, f32)> = Vec::new();
            let mut q = 0.0f32;
            if let Some(t) = exact {
                if seen.contains(&t) {
                    continue; // repeated word: counted once
                }
                seen.push(t);
                q = self.idf[t as usize];
                alts.push((t, q));
            }
            if prefix && tok.surface.chars().count() >= 2 {
                let start = self
                    .surfaces
                    .partition_point(|(w, _)| w.as_str() < tok.surface.as_str());
                for (w, t) in self.surfaces[start..].iter().take(64) {
                    if !w.starts_with(tok.surface.as_str()) {
                        break;
                    }
                    if !alts.iter().any(|a| a.0 == *t) {
                        let idf = self.idf[*t as usize];
                        q = q.max(idf);
                        alts.push((*t, idf * p.prefix));
                    }
                }
            }
            if alts.is_empty() {
                for (t, d) in self.fuzzy.lookup(&tok.surface) {
                    let idf = self.idf[t as usize];
                    q = q.max(idf);
                    let f = if d <= 1 { p.fuzzy1 } else { p.fuzzy2 };
                    alts.push((t, idf * f));
                }
                if p.derive > 0.0 {
                    for t in self.derivations(&tok.stem) {
                        if !alts.iter().any(|a| a.0 == t) {
                            let idf = self.idf[t as usize];
                            q = q.max(idf);
                            alts.push((t, idf * p.derive));
                        }
                    }
                }
            }
            if p.group > 0.0 {
                for &g in &tok.groups {
                    if let Some(&t) = self.terms.get(&crate::groups::token(g)) {
                        if !alts.iter().any(|a| a.0 == t) {
                            let idf = self.idf[t as usize];
                            if q == 0.0 {
                                // unknown word, known meaning
                                q = idf.max(self.unknown_mass(p));
                            }
                            alts.push((t, idf.min(q) * p.group));
                        }
                    }
                }
            }
            if alts.is_empty() {
                unknown += self.unknown_mass(p);
                continue;
            }
            alts.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
            slots.push(Slot {
                alts,
                stop: false,
                q,
                exact,
            });
        }
        (slots, unknown)
    }

    /// Score every item that shares at least one term with the slots;
    /// `factor` multiplies the scores (language preference). Only the best
    /// `k` (by score, then item) are pushed to `out` (`k` = 0: all).
    pub fn score(
        &self,
        slots: &[Slot],
        unknown: f32,
        p: &Params,
        factor: f32,
        k: usize,
        out: &mut Vec<Scored>,
    ) {
        let q_mass: f32 = slots.iter().map(|s| s.q).sum::<f32>() + unknown;
        if slots.is_empty() || q_mass <= 0.0 {
            return;
        }
        let content = has_content(slots, unknown);
        let cov_mass = coverage_mass(slots, unknown, p.stop_cover);
        SCRATCH.with(|sc| {
            let sc = &mut *sc.borrow_mut();
            let nf = self.form_item.len();
            let ni = self.item_global.len();
            if sc.f.len() < nf {
                sc.f.resize(nf, (0.0, NONE));
            }
            if sc.i.len() < ni {
                sc.i.resize(ni, ITEM_ACC0);
            }
            for (si, slot) in slots.iter().enumerate() {
                let si = si as u32;
                for &(t, w) in &slot.alts {
                    for &f in self.postings(t) {
                        let e = &mut sc.f[f as usize];
                        if e.1 != si {
                            if e.1 == NONE {
                                sc.f_touched.push(f);
                            }
                            e.1 = si;
                            e.0 += w;
                        }
                    }
                    // function words rank formulations but cover nothing
                    // when the question has content words
                    let cw = if content && slot.stop {
                        w * p.stop_cover
                    } else {
                        w
                    };
                    for &i in self.ipostings(t) {
                        let e = &mut sc.i[i as usize];
                        if e.last != si {
                            if e.last == NONE {
                                sc.i_touched.push(i);
                            }
                            e.last = si;
                            e.acc += cw;
                        }
                    }
                }
            }
            let a = p.alpha;
            let aq = a * q_mass;
            for &f in &sc.f_touched {
                let fu = f as usize;
                let e = &mut sc.f[fu];
                let sim =
                    (self.form_factor[fu] * e.0 / (aq + (1.0 - a) * self.form_mass[fu])).min(1.0);
                *e = (0.0, NONE);
                let b = &mut sc.i[self.form_item[fu] as usize].best;
                if sim > b.0 {
                    b.1 = b.0;
                    b.0 = sim;
                } else if sim > b.1 {
                    b.1 = sim;
                }
            }
            sc.f_touched.clear();
            // the scores alone first (small pairs), the best k kept, and
            // only those described in full
            let kappa = p.kappa;
            let lambda = p.lambda;
            let of = |e: &ItemAcc| {
                let (s1, s2) = e.best;
                let agg = s1 + kappa * (1.0 - s1) * s2;
                let coverage = (e.acc / cov_mass).min(1.0);
                let score = ((1.0 - lambda) * agg + lambda * coverage) * factor;
                (score, coverage, s1, agg)
            };
            sc.top.clear();
            sc.top.extend(
                sc.i_touched
                    .iter()
                    .map(|&i| (of(&sc.i[i as usize]).0, self.item_global[i as usize], i)),
            );
            let cmp =
                |a: &(f32, u32, u32), b: &(f32, u32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if k > 0 && sc.top.len() > k {
                sc.top.select_nth_unstable_by(k - 1, cmp);
                sc.top.truncate(k);
            }
            out.reserve(sc.top.len());
            for &(_, g, i) in &sc.top {
                let (score, coverage, best, agg) = of(&sc.i[i as usize]);
                out.push(Scored {
                    item: g,
                    score,
                    coverage,
                    main_cov: 0.0,
                    exact_cov: 0.0,
                    stop_central: 0.0,
                    matched: 0,
                    words: 0,
                    best,
                    agg,
                });
            }
            for &i in &sc.i_touched {
                sc.i[i as usize] = ITEM_ACC0;
            }
            sc.i_touched.clear();
        });
    }
}

/// The immutable knowledge index. Cheap to share between threads.
pub struct Index {
    pub(crate) items: Vec<ItemMeta>,
    pub(crate) subs: Vec<SubIndex>,
    pub(crate) params: Params,
    /// Semantic side and learned fusion; `None`: lexical matcher only.
    pub(crate) meaning: Option<crate::meaning::Meaning>,
    /// Item id → global index.
    pub(crate) by_id: HashMap<String, u32>,
}

impl Index {
    /// Build the index with the default parameters and the shipped model
    /// ([`crate::Embeddings::shipped`]); trains the bot's fusion model.
    pub fn build(items: &[KnowledgeInput]) -> Index {
        Index::build_with(items, Params::default())
    }

    /// [`Index::build`] with explicit parameters (tuning, experiments).
    pub fn build_with(items: &[KnowledgeInput], params: Params) -> Index {
        Index::build_with_model(items, Some(crate::Embeddings::shipped()), params)
    }

    /// Build with an explicit embedding model (`None`: the lexical matcher
    /// alone, as before issue 16). With a model, the semantic and n-gram
    /// representations are built and the fusion weights trained on the
    /// base's own texts ([`Index::training`] tells how it went).
    pub fn build_with_model(
        items: &[KnowledgeInput],
        model: Option<std::sync::Arc<crate::Embeddings>>,
        params: Params,
    ) -> Index {
        let mut index = Index::build_lexical(items, params);
        if let Some(emb) = model {
            let t0 = std::time::Instant::now();
            let (weights, mut report) = crate::meaning::train(items, &index.params, &emb);
            let mut m = crate::meaning::Meaning::build(items, emb);
            m.weights = weights;
            report.millis = t0.elapsed().as_millis() as u64;
            m.report = report;
            index.meaning = Some(m);
        }
        index
    }

    /// Change the decision parameters (the scoring ones must stay those
    /// the index was built with). For tuning.
    #[doc(hidden)]
    pub fn set_params(&mut self, params: Params) {
        self.params = params;
    }

    /// What the training at build did (`None` without a model).
    pub fn training(&self) -> Option<&crate::TrainingReport> {
        self.meaning.as_ref().map(|m| &m.report)
    }

    /// Approximate memory held by the semantic side of this index (the
    /// shared model not included), in bytes.
    pub fn meaning_bytes(&self) -> usize {
        self.meaning.as_ref().map_or(0, |m| m.heap_bytes())
    }

    /// The lexical index alone. Title and formulations weigh 1; the answer
    /// (Markdown stripped) and the tags weigh [`Params::context`], which
    /// bridges vocabulary gaps when formulations are few.
    pub(crate) fn build_lexical(items: &[KnowledgeInput], params: Params) -> Index {
        let mut metas = Vec::with_capacity(items.len());
        let mut per_lang: [Vec<ItemForms>; 2] = [Vec::new(), Vec::new()];
        let analyze = |t: &str, l: Lang| {
            if params.group > 0.0 {
                crate::groups::analyze(t, l)
            } else {
                normalize::analyze(t, l)
            }
        };
        for (g, it) in items.iter().enumerate() {
            metas.push(ItemMeta {
                id: it.id.clone(),
                lang: it.lang,
                handoff: it.handoff,
                local: per_lang[it.lang.idx()].len() as u32,
                twins: Vec::new(),
            });
            let mut forms: Vec<(Vec<Token>, f32)> = std::iter::once(&it.title)
                .chain(it.formulations.iter())
                .map(|f| {
                    let mut toks = analyze(f, it.lang);
                    if params.stop_weight > 0.0 {
                        toks.extend(normalize::stop_tokens(&normalize::words(f), it.lang));
                    }
                    (toks, 1.0)
                })
                .collect();
            if params.context > 0.0 {
                if !it.answer.trim().is_empty() {
                    let plain = normalize::strip_markdown(&it.answer);
                    forms.push((analyze(&plain, it.lang), params.context));
                }
                if !it.tags.is_empty() {
                    forms.push((analyze(&it.tags.join(" , "), it.lang), params.context));
                }
            }
            per_lang[it.lang.idx()].push((g as u32, forms));
        }
        let n = items.len();
        let subs = Lang::ALL
            .iter()
            .map(|&l| SubIndex::build(l, &per_lang[l.idx()], n, params.stop_weight))
            .collect();
        // translations: an item and the items it names (or that name it)
        // are one topic
        let by_id: HashMap<&str, u32> = items
            .iter()
            .enumerate()
            .map(|(g, it)| (it.id.as_str(), g as u32))
            .collect();
        for (g, it) in items.iter().enumerate() {
            for t in it.translations.values() {
                if let Some(&o) = by_id.get(t.as_str()) {
                    if o as usize != g {
                        if !metas[g].twins.contains(&o) {
                            metas[g].twins.push(o);
                        }
                        if !metas[o as usize].twins.contains(&(g as u32)) {
                            metas[o as usize].twins.push(g as u32);
                        }
                    }
                }
            }
        }
        Index {
            by_id: metas
                .iter()
                .enumerate()
                .map(|(g, m)| (m.id.clone(), g as u32))
                .collect(),
            items: metas,
            subs,
            params,
            meaning: None,
        }
    }

    /// Per language with items, the share of once-seen words (diagnostics).
    #[doc(hidden)]
    pub fn unseen(&self) -> Vec<(Lang, f32)> {
        self.subs
            .iter()
            .filter(|s| !s.item_global.is_empty())
            .map(|s| (s.lang, s.unseen))
            .collect()
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Score all items for folded `words`; non-preferred languages are
    /// multiplied by `other_lang`. Sorted best first.
    /// Only the best `k` are kept.
    pub(crate) fn rank(
        &self,
        words: &[String],
        pref: Option<Lang>,
        prefix: bool,
        k: usize,
    ) -> Vec<Scored> {
        let mut out = Vec::new();
        let written = crate::lang::detect_words(words);
        let mut per_sub: Vec<(Vec<Slot>, f32)> = Vec::with_capacity(self.subs.len());
        for sub in &self.subs {
            if sub.item_global.is_empty() {
                per_sub.push((Vec::new(), 0.0));
                continue;
            }
            let mut toks = if self.params.group > 0.0 {
                crate::groups::analyze_words(words, sub.lang, written)
            } else {
                normalize::analyze_words(words, sub.lang, written)
            };
            if self.params.stop_weight > 0.0 {
                toks.extend(normalize::stop_tokens(words, sub.lang));
            }
            let (slots, unknown) = sub.slots(&toks, &self.params, prefix);
            // the other language's items weigh less, when the base has items in
            // the preferred one (a detection mistake must not lower every score
            // of a one-language base)
            let factor = match pref {
                Some(l) if l != sub.lang && !self.subs[l.idx()].item_global.is_empty() => {
                    self.params.other_lang
                }
                _ => 1.0,
            };
            sub.score(&slots, unknown, &self.params, factor, k, &mut out);
            per_sub.push((slots, unknown));
        }
        let cmp = |a: &Scored, b: &Scored| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item));
        if out.len() > k && k > 0 {
            out.select_nth_unstable_by(k - 1, cmp);
            out.truncate(k);
        }
        out.sort_unstable_by(cmp);
        for s in &mut out {
            let meta = &self.items[s.item as usize];
            let li = meta.lang.idx();
            let (slots, unknown) = &per_sub[li];
            let n_unknown = if self.params.unknown_weight > 0.0 {
                (unknown / self.subs[li].unknown_mass(&self.params)).round() as usize
            } else {
                0
            };
            self.subs[li].main_coverage(slots, *unknown, n_unknown, meta.local, s);
        }
        out
    }

    pub(crate) fn candidate(&self, s: &Scored) -> Candidate {
        Candidate {
            id: self.items[s.item as usize].id.clone(),
            score: s.score,
        }
    }

    /// The `k` best items for a question as `ask` sees them (language
    /// preference applied, no threshold). For diagnostics and tuning.
    pub fn ranked(&self, text: &str, lang: Option<Lang>, k: usize) -> Vec<Candidate> {
        let words = normalize::words(text);
        let pref = lang
            .or_else(|| crate::lang::detect_words(&words).or_else(|| crate::lang::detect(text)));
        self.rank(&words, pref, false, k)
            .iter()
            .map(|s| self.candidate(s))
            .collect()
    }

    /// Ranked search for a search box: no threshold, prefix-friendly.
    pub fn search(&self, text: &str, limit: usize) -> Vec<Candidate> {
        let words = normalize::words(text);
        let ranked = self.rank(&words, None, true, limit);
        ranked
            .iter()
            .take(limit)
            .map(|s| self.candidate(s))
            .collect()
    }
}
