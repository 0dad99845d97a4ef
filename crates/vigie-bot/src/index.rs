//! The immutable knowledge index and the scoring of a question against it.
//!
//! Why this design: each language has its own sub-index (its own stems), with
//! an inverted index term → formulations and term → items, IDF precomputed
//! at the *item* level (a word found in every formulation of one item is
//! still discriminative between items). A question becomes a list of
//! weighted "slots" (one per query word: the exact stem, or up to three typo
//! corrections, or prefix expansions for the search box); unknown words keep
//! their IDF mass so that they lower the query coverage.
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

/// Tunable constants of the scorer and of the decision. The defaults were
/// calibrated on the even lines of the demo eval set (the odd lines held
/// out, see `examples/tune.rs`) and kept round on purpose.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
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
    /// Factor applied to items not in the preferred language.
    pub other_lang: f32,
    /// Minimal score for a direct answer.
    pub answer: f32,
    /// Minimal score for a suggestion.
    pub suggest: f32,
    /// Minimal lead of the best item over the second for a direct answer.
    pub margin: f32,
    /// Suggestions are the items within this distance of the best.
    pub window: f32,
    /// Minimal share of the query mass covered by the answered item.
    pub min_coverage: f32,
    /// Minimal score of the weak candidates returned with NotUnderstood.
    pub weak: f32,
    /// Factor on the similarity of an item's answer and tags (title and
    /// formulations weigh 1).
    pub context: f32,
    /// Factor applied to a match through a matching group (a synonym, see
    /// [`crate::groups`]) rather than the same stem; 0 disables the groups.
    pub group: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            alpha: 0.6,
            kappa: 0.3,
            lambda: 0.4,
            unknown_weight: 0.7,
            fuzzy1: 0.8,
            fuzzy2: 0.65,
            prefix: 0.85,
            other_lang: 0.8,
            answer: 0.4,
            suggest: 0.35,
            margin: 0.02,
            window: 0.1,
            min_coverage: 0.3,
            weak: 0.12,
            context: 0.3,
            group: 0.6,
        }
    }
}

pub(crate) struct ItemMeta {
    pub id: String,
    pub lang: Lang,
    pub handoff: bool,
    /// Index of the item in its language's sub-index.
    pub local: u32,
}

/// Per-language part of the index.
pub(crate) struct SubIndex {
    pub lang: Lang,
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    idf_unknown: f32,
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
}

/// One query word: alternatives (term, weight) sorted by decreasing weight,
/// and the mass it adds to the query.
pub(crate) struct Slot {
    pub alts: Vec<(u32, f32)>,
    pub q: f32,
    /// The query word's own stem when it is in the vocabulary.
    pub exact: Option<u32>,
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

/// An item to index: its global index and its analysed texts (title,
/// formulations, context), each with its similarity factor.
pub(crate) type ItemForms = (u32, Vec<(Vec<Token>, f32)>);

#[derive(Default)]
struct Scratch {
    f_acc: Vec<f32>,
    f_last: Vec<u32>,
    f_touched: Vec<u32>,
    i_acc: Vec<f32>,
    i_last: Vec<u32>,
    i_touched: Vec<u32>,
    i_best: Vec<(f32, f32)>,
}

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
    /// `items`: (global index, analysed formulations incl. title, each with
    /// its similarity factor).
    pub fn build(lang: Lang, items: &[ItemForms], n_total: usize) -> SubIndex {
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut surf: HashMap<String, u32> = HashMap::new();
        let mut forms_terms: Vec<Vec<u32>> = Vec::new();
        let mut forms_main: Vec<Vec<u32>> = Vec::new();
        let mut form_item = Vec::new();
        let mut form_factor = Vec::new();
        let mut item_terms: Vec<Vec<u32>> = Vec::new();
        let mut item_global = Vec::new();
        let mut item_main: Vec<Vec<u32>> = Vec::new();
        for (li, (g, forms)) in items.iter().enumerate() {
            item_global.push(*g);
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
                    surf.entry(t.surface.clone()).or_insert(id);
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
        let idf: Vec<f32> = df.iter().map(|&d| idf_of(d)).collect();
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
        let q_mass: f32 = slots.iter().map(|s| s.q).sum::<f32>() + unknown;
        if q_mass <= 0.0 {
            return;
        }
        let terms = self.main_terms(local);
        let (mut m, mut e) = (0.0f32, 0.0f32);
        for slot in slots {
            if let Some(&(_, w)) = slot
                .alts
                .iter()
                .find(|(t, _)| terms.binary_search(t).is_ok())
            {
                m += w;
                s.matched += 1;
            }
            if slot.exact.is_some_and(|t| terms.binary_search(&t).is_ok()) {
                e += slot.q;
            }
        }
        s.words = (slots.len() + n_unknown) as u16;
        s.main_cov = (m / q_mass).min(1.0);
        s.exact_cov = (e / q_mass).min(1.0);
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
            let mut alts: Vec<(u32, f32)> = Vec::new();
            let mut q = 0.0f32;
            let exact = self.terms.get(&tok.stem).copied();
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
            }
            if p.group > 0.0 {
                for &g in &tok.groups {
                    if let Some(&t) = self.terms.get(&crate::groups::token(g)) {
                        if !alts.iter().any(|a| a.0 == t) {
                            let idf = self.idf[t as usize];
                            if q == 0.0 {
                                // unknown word, known meaning
                                q = idf.max(self.idf_unknown * p.unknown_weight);
                            }
                            alts.push((t, idf.min(q) * p.group));
                        }
                    }
                }
            }
            if alts.is_empty() {
                unknown += self.idf_unknown * p.unknown_weight;
                continue;
            }
            alts.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
            slots.push(Slot { alts, q, exact });
        }
        (slots, unknown)
    }

    /// Score every item that shares at least one term with the slots;
    /// `factor` multiplies the scores (language preference).
    pub fn score(
        &self,
        slots: &[Slot],
        unknown: f32,
        p: &Params,
        factor: f32,
        out: &mut Vec<Scored>,
    ) {
        let q_mass: f32 = slots.iter().map(|s| s.q).sum::<f32>() + unknown;
        if slots.is_empty() || q_mass <= 0.0 {
            return;
        }
        SCRATCH.with(|sc| {
            let sc = &mut *sc.borrow_mut();
            let nf = self.form_item.len();
            let ni = self.item_global.len();
            if sc.f_acc.len() < nf {
                sc.f_acc.resize(nf, 0.0);
                sc.f_last.resize(nf, NONE);
            }
            if sc.i_acc.len() < ni {
                sc.i_acc.resize(ni, 0.0);
                sc.i_last.resize(ni, NONE);
                sc.i_best.resize(ni, (0.0, 0.0));
            }
            for (si, slot) in slots.iter().enumerate() {
                let si = si as u32;
                for &(t, w) in &slot.alts {
                    for &f in self.postings(t) {
                        let last = &mut sc.f_last[f as usize];
                        if *last != si {
                            if *last == NONE {
                                sc.f_touched.push(f);
                            }
                            *last = si;
                            sc.f_acc[f as usize] += w;
                        }
                    }
                    for &i in self.ipostings(t) {
                        let last = &mut sc.i_last[i as usize];
                        if *last != si {
                            if *last == NONE {
                                sc.i_touched.push(i);
                            }
                            *last = si;
                            sc.i_acc[i as usize] += w;
                        }
                    }
                }
            }
            let a = p.alpha;
            for &f in &sc.f_touched {
                let fu = f as usize;
                let sim = (self.form_factor[fu] * sc.f_acc[fu]
                    / (a * q_mass + (1.0 - a) * self.form_mass[fu]))
                    .min(1.0);
                let b = &mut sc.i_best[self.form_item[fu] as usize];
                if sim > b.0 {
                    b.1 = b.0;
                    b.0 = sim;
                } else if sim > b.1 {
                    b.1 = sim;
                }
                sc.f_acc[fu] = 0.0;
                sc.f_last[fu] = NONE;
            }
            sc.f_touched.clear();
            for &i in &sc.i_touched {
                let iu = i as usize;
                let (s1, s2) = sc.i_best[iu];
                let agg = s1 + p.kappa * (1.0 - s1) * s2;
                let coverage = (sc.i_acc[iu] / q_mass).min(1.0);
                let score = (1.0 - p.lambda) * agg + p.lambda * coverage;
                out.push(Scored {
                    item: self.item_global[iu],
                    score: score * factor,
                    coverage,
                    main_cov: 0.0,
                    exact_cov: 0.0,
                    matched: 0,
                    words: 0,
                    best: s1,
                    agg,
                });
                sc.i_acc[iu] = 0.0;
                sc.i_last[iu] = NONE;
                sc.i_best[iu] = (0.0, 0.0);
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
}

impl Index {
    /// Build the index with the default parameters.
    pub fn build(items: &[KnowledgeInput]) -> Index {
        Index::build_with(items, Params::default())
    }

    /// Build the index with explicit parameters (for tuning and experiments).
    /// Title and formulations weigh 1; the answer (Markdown stripped) and the
    /// tags weigh [`Params::context`], which bridges vocabulary gaps when
    /// formulations are few.
    pub fn build_with(items: &[KnowledgeInput], params: Params) -> Index {
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
            });
            let mut forms: Vec<(Vec<Token>, f32)> = std::iter::once(&it.title)
                .chain(it.formulations.iter())
                .map(|f| (analyze(f, it.lang), 1.0))
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
            .map(|&l| SubIndex::build(l, &per_lang[l.idx()], n))
            .collect();
        Index {
            items: metas,
            subs,
            params,
        }
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
            let toks = if self.params.group > 0.0 {
                crate::groups::analyze_words(words, sub.lang, written)
            } else {
                normalize::analyze_words(words, sub.lang, written)
            };
            let (slots, unknown) = sub.slots(&toks, &self.params, prefix);
            let factor = match pref {
                Some(l) if l != sub.lang => self.params.other_lang,
                _ => 1.0,
            };
            sub.score(&slots, unknown, &self.params, factor, &mut out);
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
                (unknown / (self.subs[li].idf_unknown * self.params.unknown_weight)).round()
                    as usize
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
