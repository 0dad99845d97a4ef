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
use crate::{handoff, lang, normalize, smalltalk, Candidate, Detected, Lang, Outcome};

/// How many ranked items the decision looks at.
const TOP: usize = 8;
/// Items covering a one-word question at least this share as well as the
/// best one are alike.
const ALIKE: f32 = 0.95;

/// [`Index::ask_detailed`]'s result: the outcome and the language evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    pub outcome: Outcome,
    /// The question's language as detected from its words.
    pub detected: Detected,
    /// The language answers were chosen in: the detected one when sure
    /// enough, else the conversation's, else the base's main language.
    pub lang: Lang,
}

impl Index {
    /// Answer a visitor's question. `lang`: the conversation's language if
    /// known; a question whose own language is detected with confidence is
    /// answered in that language instead (the item's translation).
    pub fn ask(&self, text: &str, lang: Option<Lang>) -> Outcome {
        self.ask_detailed(text, lang).outcome
    }

    /// [`Index::ask`] with the detected language and the answer language.
    pub fn ask_detailed(&self, text: &str, lang: Option<Lang>) -> Asked {
        let p = &self.params;
        let detected = lang::detect_confidence(text);
        let target = match detected.lang {
            Some(d) if detected.confidence >= p.lang_confident => Some(d),
            _ => lang.or(detected.lang),
        };
        let reply_lang = target.unwrap_or_else(|| self.main_lang());
        let all_words = normalize::words(text);
        if let Some((kind, l)) = smalltalk::detect_words(&all_words) {
            let l = match l {
                Some(l) if detected.confidence >= p.lang_confident || lang.is_none() => l,
                _ => reply_lang,
            };
            return Asked {
                outcome: Outcome::SmallTalk { kind, lang: l },
                detected,
                lang: l,
            };
        }
        let words = smalltalk::strip(&all_words);
        let k = if self.meaning.is_some() {
            crate::meaning::lex_k(self.items.len())
        } else {
            TOP
        };
        let mut ranked = self.rank(&words, target, false, k);
        // an item and its translations are one topic: the best one stands
        // for it (the answer's language is chosen at the end)
        let mut i = 0;
        while i < ranked.len() {
            let twins = &self.items[ranked[i].item as usize].twins;
            if ranked[..i].iter().any(|r| twins.contains(&r.item)) {
                ranked.remove(i);
            } else {
                i += 1;
            }
        }
        let mut outcome = if let Some(conf) = handoff::detect(&words) {
            self.handoff_outcome(conf, &ranked, target)
        } else if let Some(m) = self.meaning.as_ref().filter(|m| m.trusted()) {
            self.decide_fused(m, &words, target, &ranked)
        } else {
            self.decide(&ranked)
        };
        outcome = self.offer_handoff(outcome, &ranked);
        if let Outcome::NotUnderstood { .. } = outcome {
            if let Some((kind, _)) = smalltalk::kinds_in(&all_words) {
                outcome = Outcome::SmallTalk {
                    kind,
                    lang: reply_lang,
                };
            }
        }
        Asked {
            outcome: self.in_language(outcome, target),
            detected,
            lang: reply_lang,
        }
    }

    /// The language most items are in.
    fn main_lang(&self) -> Lang {
        let n = |l: Lang| self.subs[l.idx()].len();
        if n(Lang::Fr) >= n(Lang::En) {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// The item, or its translation in `target` when it has one.
    fn twin_in(&self, g: u32, target: Option<Lang>) -> u32 {
        let meta = &self.items[g as usize];
        match target {
            Some(t) if meta.lang != t => meta
                .twins
                .iter()
                .copied()
                .find(|&o| self.items[o as usize].lang == t)
                .unwrap_or(g),
            _ => g,
        }
    }

    fn global(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Answers and suggestions in the target language (translations), one
    /// per topic.
    fn in_language(&self, outcome: Outcome, target: Option<Lang>) -> Outcome {
        let swap = |c: Candidate| -> Candidate {
            match self.global(&c.id) {
                Some(g) => Candidate {
                    id: self.items[self.twin_in(g, target) as usize].id.clone(),
                    score: c.score,
                },
                None => c,
            }
        };
        let dedupe = |cs: Vec<Candidate>| -> Vec<Candidate> {
            let mut out: Vec<Candidate> = Vec::with_capacity(cs.len());
            for c in cs.into_iter().map(swap) {
                if !out.iter().any(|o| o.id == c.id) {
                    out.push(c);
                }
            }
            out
        };
        match outcome {
            Outcome::Answer { id, score, .. } => {
                let g = self.global(&id).map(|g| self.twin_in(g, target));
                match g {
                    Some(g) => Outcome::Answer {
                        id: self.items[g as usize].id.clone(),
                        score,
                        lang: self.items[g as usize].lang,
                    },
                    None => Outcome::Answer {
                        id,
                        score,
                        lang: target.unwrap_or(Lang::Fr),
                    },
                }
            }
            Outcome::Suggestions { candidates } => {
                let c = dedupe(candidates);
                if c.len() == 1 {
                    let g = self.global(&c[0].id).expect("a candidate is an item");
                    Outcome::Answer {
                        id: c[0].id.clone(),
                        score: c[0].score,
                        lang: self.items[g as usize].lang,
                    }
                } else {
                    Outcome::Suggestions { candidates: c }
                }
            }
            Outcome::NotUnderstood { candidates } => Outcome::NotUnderstood {
                candidates: dedupe(candidates),
            },
            o => o,
        }
    }

    /// The decision on the learned confidence (see [`crate::meaning`]).
    fn decide_fused(
        &self,
        m: &crate::meaning::Meaning,
        words: &[String],
        target: Option<Lang>,
        ranked: &[Scored],
    ) -> Outcome {
        let p = &self.params;
        let alike = self.alike(ranked);
        if alike.len() >= 2 {
            return Outcome::Suggestions { candidates: alike };
        }
        let cands = self.topics(m.candidates(self, words, target, ranked));
        let Some(top) = cands.first() else {
            return Outcome::NotUnderstood {
                candidates: Vec::new(),
            };
        };
        let second = cands.get(1).map_or(0.0, |c| c.p);
        let cand = |c: &crate::meaning::Cand| Candidate {
            id: self.items[c.item as usize].id.clone(),
            score: c.p,
        };
        // the lexical decision answering the same item needs less confidence
        let lexical_agrees = top.x[14] > 0.0 && top.p >= p.p_keep;
        let joint = top.p >= p.p_joint_top && top.p + second >= p.p_joint;
        if (top.p >= p.p_answer && top.p - second >= p.p_margin) || lexical_agrees || joint {
            return Outcome::Answer {
                id: self.items[top.item as usize].id.clone(),
                score: top.p,
                lang: self.items[top.item as usize].lang,
            };
        }
        let close: Vec<Candidate> = cands
            .iter()
            .filter(|c| c.p >= p.p_suggest && c.p >= top.p - p.p_window)
            .take(4)
            .map(cand)
            .collect();
        if close.len() >= 2 {
            return Outcome::Suggestions { candidates: close };
        }
        Outcome::NotUnderstood {
            candidates: cands
                .iter()
                .filter(|c| c.p >= p.p_weak)
                .take(3)
                .map(cand)
                .collect(),
        }
    }

    /// Candidates one per topic (an item and its translations), best first.
    fn topics(&self, cands: Vec<crate::meaning::Cand>) -> Vec<crate::meaning::Cand> {
        let mut out: Vec<crate::meaning::Cand> = Vec::with_capacity(cands.len());
        for c in cands {
            let twins = &self.items[c.item as usize].twins;
            if !out.iter().any(|o| twins.contains(&o.item)) {
                out.push(c);
            }
        }
        out
    }

    /// The `k` best items for a question, by the learned confidence when
    /// the index has a model (else as [`Index::ranked`]). For evaluation.
    pub fn top(&self, text: &str, lang: Option<Lang>, k: usize) -> Vec<Candidate> {
        let Some(m) = &self.meaning else {
            return self.ranked(text, lang, k);
        };
        let words = smalltalk::strip(&normalize::words(text));
        let d = lang::detect_confidence(text);
        let target = match d.lang {
            Some(l) if d.confidence >= self.params.lang_confident => Some(l),
            _ => lang.or(d.lang),
        };
        let ranked = self.rank(
            &words,
            target,
            false,
            crate::meaning::lex_k(self.items.len()),
        );
        self.topics(m.candidates(self, &words, target, &ranked))
            .iter()
            .take(k)
            .map(|c| Candidate {
                id: self.items[c.item as usize].id.clone(),
                score: c.p,
            })
            .collect()
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
                lang: self.items[s.item as usize].lang,
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
                lang: m.lang,
            },
            None => Outcome::Handoff { score: conf },
        }
    }

    /// A question the engine did not answer, whose words match a "hand over" item well
    /// enough to be suggested ("mon badge ne marche plus, je peux parler à quelqu'un ?"):
    /// the hand-over item is offered among the suggestions, so the visitor who asked for
    /// a person can reach one in one click.
    fn offer_handoff(&self, outcome: Outcome, ranked: &[Scored]) -> Outcome {
        let Some(h) = ranked
            .iter()
            .find(|s| self.items[s.item as usize].handoff && s.score >= self.params.suggest)
        else {
            return outcome;
        };
        let offer = Candidate {
            id: self.items[h.item as usize].id.clone(),
            score: h.score,
        };
        let add = |mut candidates: Vec<Candidate>| {
            if !candidates.iter().any(|c| c.id == offer.id) {
                candidates.truncate(3);
                candidates.push(offer.clone());
            }
            candidates
        };
        match outcome {
            Outcome::Suggestions { candidates } => Outcome::Suggestions {
                candidates: add(candidates),
            },
            // still a refusal (the eval counts it so), the offer shown with the close matches
            Outcome::NotUnderstood { candidates } if !candidates.is_empty() => {
                Outcome::NotUnderstood {
                    candidates: add(candidates),
                }
            }
            other => other,
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
                lang: self.items[top.item as usize].lang,
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
