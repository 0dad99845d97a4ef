//! Meaning and learning: semantic and character n-gram evidence, fused
//! with the lexical score by a per-bot model trained when the index is
//! built.
//!
//! Why: the lexical scorer only sees shared words (and its synonym
//! lexicon); static word vectors ([`crate::embed`]) see that "forgot my
//! login" and "mot de passe oublié" mean the same, and character n-grams see
//! through typos and inflections. How much each kind of evidence is worth
//! depends on the base (many formulations or few, one language or two), so
//! the weights are learned per bot, at deploy, from the base itself:
//!
//! - its texts (title + formulations of each item) are split in two folds;
//!   an index built on fold A is asked fold B's texts, and every candidate
//!   item gets a feature vector (lexical score and coverage, best and
//!   centroid cosine of the sentence vectors, the same for the character
//!   n-grams, each one's gap to the best candidate, the language match);
//! - one item in six is left out of fold A entirely: its texts are
//!   questions the bot must refuse, so the model learns what "nothing fits"
//!   looks like;
//! - a logistic regression (full-batch gradient descent, fixed iterations:
//!   deterministic) learns P(candidate is the right item). Its output is the
//!   calibrated confidence the decision thresholds apply to.
//!
//! This is a re-ranker over a few dozen candidates (the lexical top and the
//! semantic top), so it scales to 10,000 items with no 10k-class softmax.

use crate::chargram::{self, Sparse};
use crate::embed::{self, Embeddings};
use crate::index::{Index, Scored};
use crate::{normalize, KnowledgeInput, Lang};
use std::sync::Arc;
use std::time::Instant;

/// Number of features per candidate (bias included).
pub const NF: usize = 15;

/// Names of the features, for reports.
pub const FEATURES: [&str; NF] = [
    "bias",
    "lexical",
    "lexical_coverage",
    "sem_best",
    "sem_centroid",
    "char_best",
    "char_centroid",
    "sem_gap",
    "char_gap",
    "lexical_gap",
    "same_lang",
    "known_grams",
    "classifier",
    "classifier_gap",
    "lexical_answers",
];

/// Lexical candidates considered.
const LEX_K: usize = 16;

/// Lexical candidates for a base of `n` items (half as many in bases over
/// [`PRE_FILTER`] items: the latency budget).
pub(crate) fn lex_k(n: usize) -> usize {
    if n > PRE_FILTER {
        LEX_K / 2
    } else {
        LEX_K
    }
}
/// Semantic candidates considered (from the item centroids); half as many
/// in bases over [`PRE_FILTER`] items.
const SEM_K: usize = 16;
/// Dimensions of the centroid pre-filter of large bases (the first PCA
/// components carry most of the variance).
const PRE_DIM: usize = 32;
/// Grams kept in an item's n-gram centroid.
const CENTROID_GRAMS: usize = 128;
/// Per candidate, the texts closest in meaning whose n-grams are compared.
const CHAR_TEXTS: usize = 3;
/// Items per block of the pre-filter's table.
const PRE_BLOCK: usize = 256;
/// Bases with more items pre-filter on [`PRE_DIM`] dimensions.
const PRE_FILTER: usize = 1500;
/// Weight of a left-out item's question in the fit.
/// Weight of a left-out item's question in the fit (tuned on the tuning
/// halves of the demo and HWU64 sets: refusing is the harder half of the
/// lesson).
const OOS_WEIGHT: f32 = 2.0;
/// Fewer training questions than this: the lexical decision is kept.
const MIN_TRAIN: usize = 60;
/// At most this many training questions (a stride through the fold).
const MAX_TRAIN: usize = 2000;

/// What the training at build did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct TrainingReport {
    pub items: usize,
    /// Titles and formulations.
    pub texts: usize,
    /// Training questions (fold texts), and how many were of left-out items.
    pub questions: usize,
    pub out_of_scope_questions: usize,
    /// Cross-validated top-1 accuracy of the fused model on the in-scope
    /// fold questions, and of the lexical score alone.
    pub cv_accuracy: f32,
    pub cv_lexical_accuracy: f32,
    /// Share of the left-out items' questions whose best confidence is
    /// under 0.5.
    pub cv_refused: f32,
    pub weights: Vec<f32>,
    pub millis: u64,
    pub model: String,
}

/// Semantic and n-gram representations of a base's texts, and the fusion
/// weights.
pub(crate) struct Meaning {
    pub emb: Arc<Embeddings>,
    dim: usize,
    /// Per item (global index), its texts' range.
    item_off: Vec<u32>,
    /// Sentence vectors of the texts, int8 with one scale per text (a
    /// quarter of the memory; the similarity moves by < 0.01).
    text_vec: Vec<i8>,
    text_scale: Vec<f32>,
    text_gram: Vec<Sparse>,
    item_vec: Vec<f32>,
    /// The first [`PRE_DIM`] dimensions of the centroids, by blocks of
    /// [`PRE_BLOCK`] items, dimension-major within a block
    /// (`pre[(b * PRE_DIM + d) * PRE_BLOCK + j]` for item `b * PRE_BLOCK + j`,
    /// the last block padded with zeros): the pre-filter of large bases
    /// reads them all for every question, as one contiguous stream.
    pre: Vec<f32>,
    item_gram: Vec<Sparse>,
    idf: chargram::Idf,
    clf: Option<crate::classifier::Classifier>,
    pub weights: [f32; NF],
    pub report: TrainingReport,
}

/// A question as the meaning side sees it.
pub(crate) struct Query {
    vec: Vec<f32>,
    gram: Sparse,
    known: f32,
    probs: Option<Vec<f32>>,
}

/// One candidate item and its features.
#[derive(Clone, Debug)]
pub(crate) struct Cand {
    pub item: u32,
    pub x: [f32; NF],
    pub p: f32,
}

fn texts(it: &KnowledgeInput) -> impl Iterator<Item = &String> {
    std::iter::once(&it.title).chain(it.formulations.iter())
}

/// Turn scores into probabilities over the candidates and "none of
/// them" (score 0).
fn softmax_with_null<'a>(zs: impl Iterator<Item = &'a mut f32>) {
    let mut zs: Vec<&mut f32> = zs.collect();
    let m = zs.iter().map(|z| **z).fold(0f32, f32::max);
    let mut sum = (-m).exp();
    for z in zs.iter_mut() {
        **z = (**z - m).exp();
        sum += **z;
    }
    for z in zs.iter_mut() {
        **z /= sum;
    }
}

impl Meaning {
    pub fn build(items: &[KnowledgeInput], emb: Arc<Embeddings>) -> Meaning {
        let dim = emb.dim();
        let mut item_off = vec![0u32];
        let mut text_vec: Vec<i8> = Vec::new();
        let mut text_scale: Vec<f32> = Vec::new();
        let mut grams: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut item_grams: Vec<Vec<(u32, u32)>> = Vec::with_capacity(items.len());
        let mut item_vec = Vec::with_capacity(items.len() * dim);
        let mut text_words: Vec<(Vec<String>, u32)> = Vec::new();
        for (g, it) in items.iter().enumerate() {
            let mut cent = vec![0f32; dim];
            let mut all: Vec<(u32, u32)> = Vec::new();
            for t in texts(it).filter(|t| !t.trim().is_empty()) {
                let w = normalize::words(t);
                let v = emb.sentence(&w, |_| 1.0);
                if (2..=crate::classifier::MAX_CLASSES).contains(&items.len()) {
                    text_words.push((w.clone(), g as u32));
                }
                for (c, x) in cent.iter_mut().zip(&v) {
                    *c += x;
                }
                let m = v.iter().fold(0f32, |a, x| a.max(x.abs()));
                let sc = if m > 0.0 { m / 127.0 } else { 1.0 };
                text_scale.push(sc);
                text_vec.extend(v.iter().map(|x| (x / sc).round() as i8));
                let g = chargram::grams(&w);
                all.extend_from_slice(&g);
                grams.push(g);
            }
            embed::normalise(&mut cent);
            item_vec.extend_from_slice(&cent);
            all.sort_unstable();
            all.dedup_by_key(|x| x.0);
            item_grams.push(all);
            item_off.push(grams.len() as u32);
        }
        let idf = chargram::Idf::build(item_grams.iter().map(|g| g.as_slice()));
        let text_gram: Vec<Sparse> = grams.iter().map(|g| idf.vector(g)).collect();
        let item_gram = (0..items.len())
            .map(|i| {
                let r = item_off[i] as usize..item_off[i + 1] as usize;
                let vs: Vec<&Sparse> = text_gram[r].iter().collect();
                // its heaviest grams only: a question is compared with every
                // candidate's centroid, and long items have thousands
                let mut c = chargram::centroid(&vs);
                if c.len() > CENTROID_GRAMS {
                    c.select_nth_unstable_by(CENTROID_GRAMS - 1, |a, b| b.1.total_cmp(&a.1));
                    c.truncate(CENTROID_GRAMS);
                    c.sort_unstable_by_key(|x| x.0);
                }
                c
            })
            .collect();
        let clf = (!text_words.is_empty()).then(|| {
            let ex: Vec<(crate::classifier::Features, u32)> = text_words
                .iter()
                .map(|(w, g)| (crate::classifier::features(w, &idf, &emb), *g))
                .collect();
            crate::classifier::Classifier::train(items.len(), dim, &ex)
        });
        let pd = PRE_DIM.min(dim);
        let pre = if items.len() > PRE_FILTER {
            let n = items.len();
            let mut pre = vec![0f32; n.div_ceil(PRE_BLOCK) * pd * PRE_BLOCK];
            for (i, row) in item_vec.chunks_exact(dim).enumerate() {
                let (b, j) = (i / PRE_BLOCK, i % PRE_BLOCK);
                for (d, &v) in row[..pd].iter().enumerate() {
                    pre[(b * pd + d) * PRE_BLOCK + j] = v;
                }
            }
            pre
        } else {
            Vec::new()
        };
        Meaning {
            emb,
            dim,
            pre,
            clf,
            item_off,
            text_vec,
            text_scale,
            text_gram,
            item_vec,
            item_gram,
            idf,
            weights: DEFAULT_WEIGHTS,
            report: TrainingReport::default(),
        }
    }

    /// Was the fusion trained on enough of the base's own questions to
    /// decide? (A base of a handful of items is decided lexically.)
    pub fn trusted(&self) -> bool {
        self.report.questions >= MIN_TRAIN
    }

    pub fn heap_bytes(&self) -> usize {
        self.text_vec.len()
            + self.text_scale.len() * 4
            + self.item_vec.len() * 4
            + self.pre.len() * 4
            + self
                .text_gram
                .iter()
                .map(|g| g.len() * 8 + 24)
                .sum::<usize>()
            + self
                .item_gram
                .iter()
                .map(|g| g.len() * 8 + 24)
                .sum::<usize>()
            + self.clf.as_ref().map_or(0, |c| c.heap_bytes())
    }

    pub fn query(&self, words: &[String]) -> Query {
        let (gram, known) = self.idf.vector_known(&chargram::grams(words));
        let probs = self
            .clf
            .as_ref()
            .map(|c| c.probs(&crate::classifier::features(words, &self.idf, &self.emb)));
        Query {
            vec: self.emb.sentence(words, |_| 1.0),
            gram,
            known,
            probs,
        }
    }

    fn n_items(&self) -> usize {
        self.item_off.len() - 1
    }

    /// The items whose centroid is closest to the question.
    fn semantic_top(&self, q: &Query, k: usize) -> Vec<u32> {
        let n = self.n_items();
        if self.pre.is_empty() {
            let mut s: Vec<(f32, u32)> = (0..n)
                .map(|i| {
                    let row = &self.item_vec[i * self.dim..(i + 1) * self.dim];
                    (embed::dot(row, &q.vec), i as u32)
                })
                .collect();
            let cmp = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if s.len() > k {
                s.select_nth_unstable_by(k - 1, cmp);
                s.truncate(k);
            }
            return s.into_iter().map(|x| x.1).collect();
        }
        // large bases: the first PCA dimensions, by blocks of items so that
        // the block's sums stay in the first-level cache while the block's
        // dimensions stream past once
        let pd = PRE_DIM.min(self.dim);
        let mut acc = [0f32; PRE_BLOCK];
        // the k best in one pass: a small sorted list and its floor
        let mut best: Vec<(f32, u32)> = Vec::with_capacity(k + 1);
        let mut floor = f32::MIN;
        for (b, block) in self.pre.chunks_exact(pd * PRE_BLOCK).enumerate() {
            let start = b * PRE_BLOCK;
            let len = PRE_BLOCK.min(n - start);
            acc.fill(0.0);
            for (col, &qd) in block.chunks_exact(PRE_BLOCK).zip(&q.vec) {
                for (a, &v) in acc.iter_mut().zip(col) {
                    *a += qd * v;
                }
            }
            let acc = &acc[..len];
            for (j, &a) in acc.iter().enumerate() {
                if a > floor || best.len() < k {
                    let at = best.partition_point(|b| b.0 >= a);
                    best.insert(at, (a, (start + j) as u32));
                    best.truncate(k);
                    if best.len() == k {
                        floor = best[k - 1].0;
                    }
                }
            }
        }
        best.into_iter().map(|x| x.1).collect()
    }

    /// Candidates with their features and fused confidence, best first.
    pub fn candidates(
        &self,
        lexical: &Index,
        words: &[String],
        pref: Option<Lang>,
        ranked: &[Scored],
    ) -> Vec<Cand> {
        let q = self.query(words);
        let probe = chargram::Probe::new(&q.gram);
        let mut items: Vec<u32> = ranked.iter().map(|s| s.item).collect();
        if q.vec.iter().any(|&x| x != 0.0) {
            let k = if self.n_items() > PRE_FILTER {
                SEM_K / 2
            } else {
                SEM_K
            };
            for i in self.semantic_top(&q, k) {
                if !items.contains(&i) {
                    items.push(i);
                }
            }
        }
        // the item the lexical decision alone would answer
        let lex_answer = match lexical.decide(&ranked[..ranked.len().min(8)]) {
            crate::Outcome::Answer { id, .. } => ranked
                .iter()
                .find(|s| lexical.items[s.item as usize].id == id)
                .map(|s| s.item),
            _ => None,
        };
        let mut pmax = 0f32;
        if let Some(ps) = &q.probs {
            let mut best: Vec<(f32, u32)> =
                ps.iter().enumerate().map(|(i, &p)| (p, i as u32)).collect();
            best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            pmax = best.first().map_or(0.0, |b| b.0);
            for (_, i) in best.into_iter().take(4) {
                if !items.contains(&i) {
                    items.push(i);
                }
            }
        }
        let mut cands: Vec<Cand> = items
            .iter()
            .map(|&i| {
                let iu = i as usize;
                let r = self.item_off[iu] as usize..self.item_off[iu + 1] as usize;
                // the n-gram similarity of the texts closest in meaning only
                // (the probes are the costly part of a question)
                let mut sims: Vec<(f32, usize)> = r
                    .map(|t| {
                        let v = &self.text_vec[t * self.dim..(t + 1) * self.dim];
                        (embed::dot_i8(v, &q.vec) * self.text_scale[t], t)
                    })
                    .collect();
                if sims.len() > CHAR_TEXTS {
                    sims.select_nth_unstable_by(CHAR_TEXTS - 1, |a, b| b.0.total_cmp(&a.0));
                }
                let sem_best = sims.iter().map(|s| s.0).fold(0f32, f32::max);
                let chr_best = sims
                    .iter()
                    .take(CHAR_TEXTS)
                    .map(|&(_, t)| probe.dot(&self.text_gram[t]))
                    .fold(0f32, f32::max);
                let sem_c = embed::dot(&self.item_vec[iu * self.dim..(iu + 1) * self.dim], &q.vec);
                let chr_c = probe.dot(&self.item_gram[iu]);
                let lex = ranked.iter().find(|s| s.item == i).copied();
                let lang = lexical.items[iu].lang;
                let same = pref.is_none_or(|p| p == lang) as u8 as f32;
                let mut x = [0f32; NF];
                x[0] = 1.0;
                x[1] = lex.map_or(0.0, |s| s.score);
                x[2] = lex.map_or(0.0, |s| s.main_cov);
                x[3] = sem_best;
                x[4] = sem_c;
                x[5] = chr_best;
                x[6] = chr_c;
                x[10] = same;
                x[11] = q.known;
                if let Some(ps) = &q.probs {
                    x[12] = ps[iu];
                    x[13] = ps[iu] - pmax;
                }
                x[14] = (lex_answer == Some(i)) as u8 as f32;
                Cand { item: i, x, p: 0.0 }
            })
            .collect();
        let best = |k: usize| cands.iter().map(|c| c.x[k]).fold(0f32, f32::max);
        let (bs, bc, bl) = (best(3), best(5), best(1));
        for c in cands.iter_mut() {
            c.x[7] = c.x[3] - bs;
            c.x[8] = c.x[5] - bc;
            c.x[9] = c.x[1] - bl;
            c.p = self.weights.iter().zip(&c.x).map(|(w, x)| w * x).sum();
        }
        softmax_with_null(cands.iter_mut().map(|c| &mut c.p));
        cands.sort_by(|a, b| b.p.total_cmp(&a.p).then(a.item.cmp(&b.item)));
        cands
    }
}

/// Weights before training (and for bases too small to train on): the
/// three similarities, each counted once.
const DEFAULT_WEIGHTS: [f32; NF] = [
    -4.0, 4.0, 1.0, 4.0, 0.0, 3.0, 0.0, 4.0, 4.0, 4.0, 0.5, 1.0, 2.0, 2.0, 1.0,
];

/// One training question's candidates: features, and which is right.
struct Example {
    xs: Vec<[f32; NF]>,
    right: Option<usize>,
    lex_right: bool,
}

/// Train the fusion weights on the base's own texts (see the module doc).
pub(crate) fn train(
    items: &[KnowledgeInput],
    params: &crate::Params,
    emb: &Arc<Embeddings>,
) -> ([f32; NF], TrainingReport) {
    let t0 = Instant::now();
    let n_texts: usize = items.iter().map(|it| texts(it).count()).sum();
    let mut examples: Vec<Example> = Vec::new();
    let mut oos_q = 0;
    // large bases learn from one fold (build time); the weights are a
    // dozen numbers, a thousand questions pin them down
    let folds: &[(usize, usize)] = if items.len() > PRE_FILTER {
        &[(0, 0)]
    } else {
        &[(0, 0), (1, 1)]
    };
    for &(fold, parity) in folds {
        // fold A: texts of this parity; held-out items: one in six
        let held = |g: usize| items.len() >= 6 && (g + fold) % 6 == 3;
        let mut a_items: Vec<KnowledgeInput> = Vec::new();
        let mut a_of: Vec<Option<usize>> = vec![None; items.len()];
        let mut queries: Vec<(String, Option<usize>, Lang)> = Vec::new();
        for (g, it) in items.iter().enumerate() {
            let ts: Vec<&String> = texts(it).collect();
            let a: Vec<String> = ts
                .iter()
                .enumerate()
                .filter(|(j, _)| j % 2 == parity || ts.len() == 1)
                .map(|(_, t)| (*t).clone())
                .collect();
            let b: Vec<&String> = ts
                .iter()
                .enumerate()
                .filter(|(j, _)| j % 2 != parity && ts.len() > 1)
                .map(|(_, t)| *t)
                .collect();
            if held(g) {
                for t in b {
                    queries.push((t.clone(), None, it.lang));
                }
                continue;
            }
            a_of[g] = Some(a_items.len());
            let mut ka = it.clone();
            ka.title = a[0].clone();
            ka.formulations = a[1..].to_vec();
            a_items.push(ka);
            for t in b {
                queries.push((t.clone(), Some(a_items.len() - 1), it.lang));
            }
        }
        if a_items.len() < 2 || queries.is_empty() {
            continue;
        }
        let lex = Index::build_lexical(&a_items, params.clone());
        let mut meaning = Meaning::build(&a_items, emb.clone());
        meaning.weights = DEFAULT_WEIGHTS;
        let budget = MAX_TRAIN / folds.len();
        let stride = queries.len().div_ceil(budget).max(1);
        for (text, right, lang) in queries.iter().step_by(stride) {
            let words = normalize::words(text);
            let ranked = lex.rank(&words, Some(*lang), false, lex_k(a_items.len()));
            let cands = meaning.candidates(&lex, &words, Some(*lang), &ranked);
            if cands.is_empty() {
                continue;
            }
            let pos = right.and_then(|r| cands.iter().position(|c| c.item as usize == r));
            if right.is_some() && pos.is_none() {
                // the right item is not among the candidates: nothing to learn
                // about ranking, but it counts as a miss
                examples.push(Example {
                    xs: Vec::new(),
                    right: None,
                    lex_right: false,
                });
                continue;
            }
            if right.is_none() {
                oos_q += 1;
            }
            let lex_right = match (right, ranked.first()) {
                (Some(r), Some(s)) => s.item as usize == *r,
                _ => false,
            };
            examples.push(Example {
                xs: cands.iter().map(|c| c.x).collect(),
                right: pos,
                lex_right,
            });
        }
        let _ = a_of;
    }
    let w = fit(&examples);
    // cross-validated figures with the learned weights
    let (mut ins, mut ok, mut lok, mut refused) = (0usize, 0usize, 0usize, 0usize);
    for e in &examples {
        let mut ps: Vec<f32> =
            e.xs.iter()
                .map(|x| w.iter().zip(x).map(|(a, b)| a * b).sum())
                .collect();
        softmax_with_null(ps.iter_mut());
        let best = ps
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let oos = e.right.is_none() && !e.xs.is_empty();
        if oos {
            refused += best.is_none_or(|b| b.1 < 0.5) as usize;
        } else {
            ins += 1;
            ok += (best.map(|b| b.0) == e.right && e.right.is_some()) as usize;
            lok += e.lex_right as usize;
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f32 / b as f32 };
    let report = TrainingReport {
        items: items.len(),
        texts: n_texts,
        questions: examples.len(),
        out_of_scope_questions: oos_q,
        cv_accuracy: ratio(ok, ins),
        cv_lexical_accuracy: ratio(lok, ins),
        cv_refused: ratio(refused, oos_q),
        weights: w.to_vec(),
        millis: t0.elapsed().as_millis() as u64,
        model: emb.name.clone(),
    };
    (w, report)
}

/// Conditional logit over each question's candidates and "none of them"
/// (the left-out items' questions teach that one): full-batch gradient
/// descent with momentum from the default weights, L2 towards them.
fn fit(examples: &[Example]) -> [f32; NF] {
    let usable: Vec<&Example> = examples.iter().filter(|e| !e.xs.is_empty()).collect();
    let mut w = DEFAULT_WEIGHTS;
    if usable.len() < 10 || !usable.iter().any(|e| e.right.is_some()) {
        return w;
    }
    let n = usable.len() as f32;
    let l2 = 1e-3f32;
    let lr = 1.0f32;
    let mut vel = [0f32; NF];
    let mut ps: Vec<f32> = Vec::new();
    for _ in 0..200 {
        let mut g = [0f32; NF];
        for e in &usable {
            ps.clear();
            ps.extend(
                e.xs.iter()
                    .map(|x| w.iter().zip(x).map(|(a, b)| a * b).sum::<f32>()),
            );
            softmax_with_null(ps.iter_mut());
            let ew = if e.right.is_none() { OOS_WEIGHT } else { 1.0 };
            for (i, (x, p)) in e.xs.iter().zip(&ps).enumerate() {
                let d = ew * (p - (Some(i) == e.right) as u8 as f32);
                for k in 0..NF {
                    g[k] += d * x[k];
                }
            }
        }
        for k in 0..NF {
            let grad = g[k] / n + l2 * (w[k] - DEFAULT_WEIGHTS[k]);
            vel[k] = 0.9 * vel[k] - lr * grad;
            w[k] += vel[k];
        }
    }
    w
}
