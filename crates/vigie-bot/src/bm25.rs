//! Plain BM25 baseline, for comparison only.
//!
//! Why: the engine must beat a tuned BM25. Same tokenisation and language
//! handling as the engine, formulation-level BM25 (k1 = 1.2, b = 0.75), an
//! item scores the max over its formulations (title included), and a single
//! threshold (to be swept on labelled data) separates Answer from
//! NotUnderstood. No suggestions, no typo tolerance, no handoff patterns.

use crate::normalize;
use crate::{Candidate, KnowledgeInput, Lang, Outcome};
use std::collections::HashMap;

const K1: f32 = 1.2;

/// The stems of `words`, with the function words when `stop_words`.
fn tokens(words: &[String], lang: Lang, written: Option<Lang>, stop_words: bool) -> Vec<String> {
    let mut t: Vec<String> = normalize::analyze_words(words, lang, written)
        .into_iter()
        .map(|t| t.stem)
        .collect();
    if stop_words {
        t.extend(
            normalize::stop_tokens(words, lang)
                .into_iter()
                .map(|t| t.stem),
        );
    }
    t
}
const B: f32 = 0.75;

struct Sub {
    lang: Lang,
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    post: Vec<Vec<(u32, u16)>>,
    form_len: Vec<f32>,
    form_item: Vec<u32>,
    avg_len: f32,
}

pub struct Bm25Index {
    ids: Vec<String>,
    subs: Vec<Sub>,
    /// Items not in the preferred language get their score multiplied by this.
    pub other_lang: f32,
    /// Minimal score for an answer.
    pub threshold: f32,
    /// Function words are indexed and searched like any word.
    stop_words: bool,
}

impl Bm25Index {
    /// Same inputs as [`crate::Index::build`]: the title, each formulation,
    /// the answer (Markdown stripped) and the tags are the item's documents.
    pub fn build(items: &[KnowledgeInput]) -> Bm25Index {
        Bm25Index::build_with(items, false)
    }

    /// [`Bm25Index::build`], keeping the function words ("how", "from") as
    /// plain BM25 implementations do when `stop_words` is true.
    pub fn build_with(items: &[KnowledgeInput], stop_words: bool) -> Bm25Index {
        let context: Vec<String> = items
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    crate::normalize::strip_markdown(&i.answer),
                    i.tags.join(" ")
                )
            })
            .collect();
        let mut subs = Vec::new();
        for lang in Lang::ALL {
            let mut terms: HashMap<String, u32> = HashMap::new();
            let mut post: Vec<Vec<(u32, u16)>> = Vec::new();
            let mut form_len = Vec::new();
            let mut form_item = Vec::new();
            for (g, it) in items.iter().enumerate().filter(|(_, it)| it.lang == lang) {
                for f in std::iter::once(&it.title)
                    .chain(it.formulations.iter())
                    .chain(context.get(g).filter(|c| !c.trim().is_empty()))
                {
                    let toks = tokens(&normalize::words(f), lang, None, stop_words);
                    if toks.is_empty() {
                        continue;
                    }
                    let fid = form_len.len() as u32;
                    form_len.push(toks.len() as f32);
                    form_item.push(g as u32);
                    let mut tf: HashMap<u32, u16> = HashMap::new();
                    for t in toks {
                        let n = terms.len() as u32;
                        let id = *terms.entry(t).or_insert(n);
                        if id as usize == post.len() {
                            post.push(Vec::new());
                        }
                        *tf.entry(id).or_insert(0) += 1;
                    }
                    for (id, c) in tf {
                        post[id as usize].push((fid, c));
                    }
                }
            }
            let n = form_len.len() as f32;
            let idf = post
                .iter()
                .map(|p| {
                    let df = p.len() as f32;
                    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
                })
                .collect();
            let avg_len = if n > 0.0 {
                form_len.iter().sum::<f32>() / n
            } else {
                1.0
            };
            subs.push(Sub {
                lang,
                terms,
                idf,
                post,
                form_len,
                form_item,
                avg_len,
            });
        }
        Bm25Index {
            ids: items.iter().map(|i| i.id.clone()).collect(),
            subs,
            other_lang: 0.8,
            threshold: 5.0,
            stop_words,
        }
    }

    /// Best items, best first, at most `k`, raw BM25 scores.
    pub fn top(&self, text: &str, lang: Option<Lang>, k: usize) -> Vec<Candidate> {
        let words = normalize::words(text);
        let written = crate::lang::detect_words(&words);
        let pref = lang.or(written);
        let mut best: HashMap<u32, f32> = HashMap::new();
        for sub in &self.subs {
            let factor = match pref {
                Some(l) if l != sub.lang => self.other_lang,
                _ => 1.0,
            };
            let mut toks: Vec<u32> = tokens(&words, sub.lang, written, self.stop_words)
                .iter()
                .filter_map(|t| sub.terms.get(t).copied())
                .collect();
            toks.sort_unstable();
            toks.dedup();
            let mut acc: HashMap<u32, f32> = HashMap::new();
            for t in toks {
                let idf = sub.idf[t as usize];
                for &(f, tf) in &sub.post[t as usize] {
                    let tf = tf as f32;
                    let norm = K1 * (1.0 - B + B * sub.form_len[f as usize] / sub.avg_len);
                    *acc.entry(f).or_insert(0.0) += idf * tf * (K1 + 1.0) / (tf + norm);
                }
            }
            for (f, s) in acc {
                let item = sub.form_item[f as usize];
                let e = best.entry(item).or_insert(0.0);
                *e = e.max(s * factor);
            }
        }
        let mut v: Vec<(u32, f32)> = best.into_iter().collect();
        v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(k);
        v.into_iter()
            .map(|(i, s)| Candidate {
                id: self.ids[i as usize].clone(),
                score: s,
            })
            .collect()
    }

    /// Answer if the best item's score reaches `threshold`.
    pub fn ask(&self, text: &str, lang: Option<Lang>) -> Outcome {
        let top = self.top(text, lang, 3);
        match top.first() {
            Some(c) if c.score >= self.threshold => Outcome::Answer {
                id: c.id.clone(),
                score: c.score,
                lang: lang.unwrap_or(Lang::Fr),
            },
            _ => Outcome::NotUnderstood { candidates: top },
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Sweep the threshold for the best overall accuracy on labelled cases;
    /// sets and returns it.
    pub fn tune_threshold(&mut self, cases: &[crate::eval::EvalCase], lang: Option<Lang>) -> f32 {
        let tops: Vec<Option<Candidate>> = cases
            .iter()
            .map(|c| self.top(&c.text, lang, 1).into_iter().next())
            .collect();
        let mut ths: Vec<f32> = tops.iter().flatten().map(|c| c.score).collect();
        ths.push(f32::MAX);
        ths.sort_by(f32::total_cmp);
        ths.dedup();
        let mut best: Option<(usize, f32)> = None;
        for &th in &ths {
            let ok = cases
                .iter()
                .zip(&tops)
                .filter(|(c, t)| match (t, &c.expected) {
                    (Some(t), Some(e)) => t.score >= th && &t.id == e,
                    (Some(t), None) => t.score < th,
                    (None, e) => e.is_none(),
                })
                .count();
            if best.is_none_or(|b| ok > b.0) {
                best = Some((ok, th));
            }
        }
        self.threshold = best.map_or(f32::MAX, |b| b.1);
        self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_ranks_and_thresholds() {
        let items = vec![
            KnowledgeInput {
                id: "pwd".into(),
                title: "Changer son mot de passe".into(),
                lang: Lang::Fr,
                formulations: vec!["comment changer mon mot de passe".into()],
                answer: String::new(),
                tags: vec![],
                related: vec![],
                handoff: false,
                translations: Default::default(),
            },
            KnowledgeInput {
                id: "print".into(),
                title: "Imprimante en panne".into(),
                lang: Lang::Fr,
                formulations: vec!["mon imprimante ne marche plus".into()],
                answer: String::new(),
                tags: vec![],
                related: vec![],
                handoff: false,
                translations: Default::default(),
            },
        ];
        let mut b = Bm25Index::build(&items);
        assert_eq!(b.top("imprimante bloquée", None, 1)[0].id, "print");
        b.threshold = 0.1;
        assert!(
            matches!(b.ask("changer mot de passe", None), Outcome::Answer { id, .. } if id == "pwd")
        );
        b.threshold = 100.0;
        assert!(matches!(
            b.ask("changer mot de passe", None),
            Outcome::NotUnderstood { .. }
        ));
    }
}
