//! Offline evaluation: accuracy on in-scope questions, refusal rate on
//! out-of-scope ones, and per-question latency.
//!
//! Why in the crate: the same measure drives threshold calibration, the
//! `eval` example and CI checks, and works for any `ask`-shaped function
//! (our engine and the BM25 baseline alike).

use crate::{Index, Lang, Outcome};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// One labelled question; `expected: None` means out of scope.
#[derive(Clone, Debug, Deserialize)]
pub struct EvalCase {
    pub text: String,
    pub expected: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    pub n: usize,
    pub in_scope_accuracy: f64,
    pub oos_recall: f64,
    pub overall_accuracy: f64,
    pub p50_us: f64,
    pub p99_us: f64,
}

/// Is `outcome` the right reaction to `expected`? An out-of-scope question
/// is rightly met by not answering from the knowledge: not understood, or
/// small talk ("bonjour" in the demo set's out-of-scope questions).
pub fn is_correct(outcome: &Outcome, expected: Option<&str>) -> bool {
    match (outcome, expected) {
        (Outcome::Answer { id, .. }, Some(e)) => id == e,
        (Outcome::NotUnderstood { .. } | Outcome::SmallTalk { .. }, None) => true,
        _ => false,
    }
}

/// Evaluate our engine.
pub fn evaluate(index: &Index, cases: &[EvalCase], lang: Option<Lang>) -> EvalReport {
    evaluate_fn(cases, |t| index.ask(t, lang))
}

/// Evaluate any question → outcome function.
pub fn evaluate_fn(cases: &[EvalCase], mut ask: impl FnMut(&str) -> Outcome) -> EvalReport {
    let (mut ins, mut ins_ok, mut oos, mut oos_ok) = (0usize, 0usize, 0usize, 0usize);
    let mut lat: Vec<f64> = Vec::with_capacity(cases.len());
    for c in cases {
        let t0 = Instant::now();
        let o = ask(&c.text);
        lat.push(t0.elapsed().as_secs_f64() * 1e6);
        let ok = is_correct(&o, c.expected.as_deref());
        if c.expected.is_some() {
            ins += 1;
            ins_ok += ok as usize;
        } else {
            oos += 1;
            oos_ok += ok as usize;
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    lat.sort_by(f64::total_cmp);
    EvalReport {
        n: cases.len(),
        in_scope_accuracy: ratio(ins_ok, ins),
        oos_recall: ratio(oos_ok, oos),
        overall_accuracy: ratio(ins_ok + oos_ok, ins + oos),
        p50_us: percentile(&lat, 0.50),
        p99_us: percentile(&lat, 0.99),
    }
}

/// Percentile of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Beyond accuracy: top-3, the most confused pairs, per-item accuracy.
#[derive(Clone, Debug, Serialize)]
pub struct Details {
    /// Share of in-scope questions whose item is ranked first (whatever
    /// the decision), and among the 3 best.
    pub top1: f64,
    pub top3: f64,
    /// (expected item, item answered instead, count), most frequent first.
    pub confused: Vec<(String, String, usize)>,
    /// (item, questions, accuracy), worst first.
    pub per_item: Vec<(String, usize, f64)>,
}

/// Compute [`Details`] with any ask and top-k functions.
pub fn details_fn(
    cases: &[EvalCase],
    mut ask: impl FnMut(&str) -> Outcome,
    mut top: impl FnMut(&str, usize) -> Vec<String>,
) -> Details {
    use std::collections::BTreeMap;
    let mut confused: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut items: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut ins, mut in1, mut in3) = (0usize, 0usize, 0usize);
    for c in cases {
        let Some(e) = &c.expected else { continue };
        ins += 1;
        let t3 = top(&c.text, 3);
        in1 += (t3.first() == Some(e)) as usize;
        in3 += t3.iter().any(|t| t == e) as usize;
        let o = ask(&c.text);
        let ok = is_correct(&o, Some(e));
        let slot = items.entry(e.clone()).or_default();
        slot.0 += 1;
        slot.1 += ok as usize;
        if let Outcome::Answer { id, .. } = &o {
            if id != e {
                *confused.entry((e.clone(), id.clone())).or_default() += 1;
            }
        }
    }
    let mut confused: Vec<(String, String, usize)> =
        confused.into_iter().map(|((a, b), n)| (a, b, n)).collect();
    confused.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    confused.truncate(10);
    let mut per_item: Vec<(String, usize, f64)> = items
        .into_iter()
        .map(|(k, (n, ok))| (k, n, ok as f64 / n as f64))
        .collect();
    per_item.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
    Details {
        top1: if ins == 0 {
            0.0
        } else {
            in1 as f64 / ins as f64
        },
        top3: if ins == 0 {
            0.0
        } else {
            in3 as f64 / ins as f64
        },
        confused,
        per_item,
    }
}

/// [`Details`] of our engine.
pub fn details(index: &Index, cases: &[EvalCase], lang: Option<Lang>) -> Details {
    details_fn(
        cases,
        |t| index.ask(t, lang),
        |t, k| index.top(t, lang, k).into_iter().map(|c| c.id).collect(),
    )
}
