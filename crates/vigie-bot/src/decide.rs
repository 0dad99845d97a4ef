//! From ranked items to an [`Outcome`]: the calibrated decision.
//!
//! Why separate: the scorer only ranks; deciding between answering,
//! suggesting, refusing or handing over is policy. A direct answer needs a
//! high enough score, a clear lead over the runner-up, *and* enough of the
//! question's informative mass covered by the item — so a question sharing a
//! single common word with an item ("changer le pneu" vs "changer le mot de
//! passe") is refused. A detected request for a human goes to an item flagged
//! `handoff` when the base has one, to [`Outcome::Handoff`] otherwise.

use crate::index::{Index, Scored};
use crate::{handoff, lang, normalize, Candidate, Lang, Outcome};

/// How many ranked items the decision looks at.
const TOP: usize = 8;

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

    pub(crate) fn decide(&self, ranked: &[Scored]) -> Outcome {
        let p = &self.params;
        let Some(top) = ranked.first() else {
            return Outcome::NotUnderstood {
                candidates: Vec::new(),
            };
        };
        let second = ranked.get(1).map(|s| s.score).unwrap_or(0.0);
        let covered = top.coverage >= p.min_coverage;
        if top.score >= p.answer
            && covered
            && (top.score - second >= p.margin || second < p.suggest)
        {
            return Outcome::Answer {
                id: self.items[top.item as usize].id.clone(),
                score: top.score.min(1.0),
            };
        }
        let close: Vec<Candidate> = ranked
            .iter()
            .filter(|s| s.score >= p.suggest && s.score >= top.score - p.window)
            .take(4)
            .map(|s| self.candidate(s))
            .collect();
        if close.len() >= 2 {
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
