//! From ranked items to an [`Outcome`]: the calibrated decision.
//!
//! Why separate: the scorer only ranks; deciding between answering,
//! suggesting, refusing or handing over is policy. A direct answer needs
//! enough of the question's informative mass covered by the item, and either
//! a high enough score with a margin over the runner-up (higher when a
//! single content word is shared: "changer le pneu" vs "changer le mot de
//! passe"; never on function words alone), or a moderate score that leads
//! the runner-up by far with the item's own words (or, when every content
//! word is unknown, with function words typical of the item). A detected
//! request for a human goes to an item flagged `handoff` when the base has
//! one, to [`Outcome::Handoff`] otherwise.

use crate::index::{Index, Scored};
use crate::{handoff, lang, normalize, Candidate, Lang, Outcome};

/// How many ranked items the decision looks at.
const TOP: usize = 8;
/// Items covering a one-word question at least this share as well as the
/// best one are alike.
const ALIKE: f32 = 0.95;

impl Index {
    /// Answer a visitor's question. `lang`: the conversation's language if
    /// known (items of that language are preferred), `None` to detect it.
    pub fn ask(&self, text: &str, lang: Option<Lang>) -> Outcome {
        let words = normalize::words(text);
        let pref = lang.or_else(|| lang::detect_words(&words).or_else(|| lang::detect(text)));
        let ranked = self.rank(&words, pref, false, TOP);
        if let Some(conf) = handoff::detect(&words) {
            return self.handoff_outcome(conf, &ranked, pref);
        }
        self.decide(&ranked)
    }

    fn handoff_outcome(&self, conf: f32, ranked: &[Scored], pref: Option<Lang>) -> Outcome {
        // a flagged item that matched the words, else any flagged item,
        // preferring the visitor's language
        let matched = ranked
            .iter()
            .find(|s| self.items[s.item as usize].handoff && s.score >= self.params.weak);
        if let Some(s) = matched {
            return Outcome::Answer {
                id: self.items[s.item as usize].id.clone(),
                score: s.score.max(conf).min(1.0),
            };
        }
        let flagged = self
            .items
            .iter()
            .filter(|m| m.handoff)
            .max_by_key(|m| Some(m.lang) == pref);
        match flagged {
            Some(m) => Outcome::Answer {
                id: m.id.clone(),
                score: conf,
            },
            None => Outcome::Handoff { score: conf },
        }
    }

    /// For a one-word question, the items that hold the word as fully as the
    /// best one and score about as well ("vpn", "mot de passe"): the word does
    /// not say which one is meant, so they are offered instead.
    fn alike(&self, ranked: &[Scored]) -> Vec<Candidate> {
        let p = &self.params;
        let Some(top) = ranked.first().filter(|t| t.words == 1) else {
            return Vec::new();
        };
        ranked
            .iter()
            .take_while(|s| s.score >= p.suggest && s.score >= top.score - p.window)
            .filter(|s| {
                s.matched == 1
                    && s.main_cov >= top.main_cov * ALIKE
                    && s.exact_cov >= top.exact_cov * ALIKE
            })
            .take(4)
            .map(|s| self.candidate(s))
            .collect()
    }

    pub(crate) fn decide(&self, ranked: &[Scored]) -> Outcome {
        let p = &self.params;
        let Some(top) = ranked.first() else {
            return Outcome::NotUnderstood {
                candidates: Vec::new(),
            };
        };
        let second = ranked.get(1).map(|s| s.score).unwrap_or(0.0);
        let covered = top.coverage >= p.min_coverage;
        let relief = self.subs[self.items[top.item as usize].lang.idx()].relief(p);
        let threshold = match top.matched {
            0 | 1 => p.answer + p.one_word,
            2 => p.answer - relief,
            _ => p.answer - p.many_words - relief,
        };
        let clear =
            top.score >= threshold && (top.score - second >= p.margin || second < p.suggest);
        // a question whose content words are all unknown ("from oez to hbf")
        // is recognised by its function words when they are typical of the
        // item
        let by_function = top.matched == 0 && top.words > 0 && top.stop_central >= p.central;
        let leads = top.score >= p.lead_floor
            && (top.main_cov >= p.lead_cov || by_function)
            && top.score >= p.lead_ratio * second;
        // function words alone never make an answer, unless the question
        // has nothing else ("where are you from")
        let content = top.matched > 0 || top.words == 0;
        let alike = self.alike(ranked);
        if alike.len() >= 2 {
            return Outcome::Suggestions { candidates: alike };
        }
        if covered && ((content && clear) || leads) {
            return Outcome::Answer {
                id: self.items[top.item as usize].id.clone(),
                score: top.score.min(1.0),
            };
        }
        let close: Vec<Candidate> = ranked
            .iter()
            .filter(|s| s.score >= p.suggest - relief && s.score >= top.score - p.window)
            .take(4)
            .map(|s| self.candidate(s))
            .collect();
        // suggestions only when the best item shares two words or more with
        // the question (titles and formulations)
        if close.len() >= 2 && top.matched >= 2 {
            return Outcome::Suggestions { candidates: close };
        }
        Outcome::NotUnderstood {
            candidates: ranked
                .iter()
                .filter(|s| s.score >= p.weak)
                .take(3)
                .map(|s| self.candidate(s))
                .collect(),
        }
    }
}

/// Features of one ranked item, for calibration tools.
#[doc(hidden)]
#[derive(Clone, Debug, serde::Serialize)]
pub struct Explained {
    pub id: String,
    pub score: f32,
    pub coverage: f32,
    pub main_cov: f32,
    pub exact_cov: f32,
    pub stop_central: f32,
    pub matched: u16,
    pub words: u16,
    pub best: f32,
    pub agg: f32,
}

impl Index {
    /// The ranked items of [`Index::ask`] with their decision features, and
    /// whether a handoff request was detected. For calibration tools.
    #[doc(hidden)]
    pub fn explain(&self, text: &str, lang: Option<Lang>) -> (Vec<Explained>, bool) {
        self.explain_k(text, lang, TOP)
    }

    /// [`Index::explain`] for the `k` best items.
    #[doc(hidden)]
    pub fn explain_k(&self, text: &str, lang: Option<Lang>, k: usize) -> (Vec<Explained>, bool) {
        let words = normalize::words(text);
        let pref = lang.or_else(|| lang::detect_words(&words).or_else(|| lang::detect(text)));
        let ranked = self.rank(&words, pref, false, k);
        let ex = ranked
            .iter()
            .map(|s| Explained {
                id: self.items[s.item as usize].id.clone(),
                score: s.score,
                coverage: s.coverage,
                main_cov: s.main_cov,
                exact_cov: s.exact_cov,
                stop_central: s.stop_central,
                matched: s.matched,
                words: s.words,
                best: s.best,
                agg: s.agg,
            })
            .collect();
        (ex, handoff::detect(&words).is_some())
    }
}
