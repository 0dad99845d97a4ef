//! Calibration tool (not part of the product): evaluates a grid of
//! [`Params`] on the demo eval set, split in halves (the even lines tune,
//! the odd lines are held out), and on the public corpora of `data/public`,
//! so that a setting that only suits our own French base shows up as a loss
//! on real users' questions.
//!
//! cargo run --release -p vigie-bot --example tune -- [--loo] [name=v1,v2 ...]
//!
//! e.g. `tune -- answer=0.35,0.4 kappa=0.3,0.6`: one line per combination,
//! the best first by (mean overall accuracy of the public corpora + overall
//! accuracy of the even half). `--loo` adds a leave-one-out check: each
//! formulation of the demo base is asked of the base without it (top-1 and
//! answered accuracy).
use vigie_bot::eval::{evaluate, EvalCase, EvalReport};
use vigie_bot::{Index, KnowledgeInput, Outcome, Params};

#[path = "eval.rs"]
#[allow(dead_code)]
mod evalmain;

const PUBLIC: &[&str] = &["askubuntu", "webapps", "chatbot"];

fn set(p: &mut Params, name: &str, v: f32) {
    let field = match name {
        "alpha" => &mut p.alpha,
        "kappa" => &mut p.kappa,
        "lambda" => &mut p.lambda,
        "unknown_weight" => &mut p.unknown_weight,
        "derive" => &mut p.derive,
        "other_lang" => &mut p.other_lang,
        "context" => &mut p.context,
        "group" => &mut p.group,
        "stop_weight" => &mut p.stop_weight,
        "stop_cover" => &mut p.stop_cover,
        "unseen_ref" => &mut p.unseen_ref,
        "unseen_floor" => &mut p.unseen_floor,
        "unseen_relief" => &mut p.unseen_relief,
        "relief_max" => &mut p.relief_max,
        "answer" => &mut p.answer,
        "one_word" => &mut p.one_word,
        "many_words" => &mut p.many_words,
        "margin" => &mut p.margin,
        "min_coverage" => &mut p.min_coverage,
        "lead_floor" => &mut p.lead_floor,
        "lead_ratio" => &mut p.lead_ratio,
        "lead_cov" => &mut p.lead_cov,
        "central" => &mut p.central,
        "suggest" => &mut p.suggest,
        _ => panic!("unknown parameter {name}"),
    };
    *field = v;
}

/// Leave-one-out on the base's own formulations: (top-1, answered) accuracy.
fn loo(items: &[KnowledgeInput], p: &Params) -> (f64, f64) {
    let (mut top1, mut answered, mut n) = (0usize, 0usize, 0usize);
    for i in 0..items.len() {
        for j in 0..items[i].formulations.len() {
            let mut its = items.to_vec();
            let q = its[i].formulations.remove(j);
            let idx = Index::build_with(&its, p.clone());
            n += 1;
            let want = items[i].id.as_str();
            top1 +=
                usize::from(idx.ranked(&q, None, 1).first().map(|c| c.id.as_str()) == Some(want));
            answered += usize::from(
                matches!(idx.ask(&q, None), Outcome::Answer { ref id, .. } if id == want),
            );
        }
    }
    (
        top1 as f64 / n.max(1) as f64,
        answered as f64 / n.max(1) as f64,
    )
}

fn fig(r: &EvalReport) -> String {
    format!(
        "{:.3}/{:.3}/{:.3}",
        r.in_scope_accuracy, r.oos_recall, r.overall_accuracy
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let with_loo = args.iter().any(|a| a == "--loo");
    let (items, cases) = evalmain::load("data/demo/knowledge.json", "data/demo/eval.jsonl");
    let even = evalmain::half(&cases, 0);
    let odd = evalmain::half(&cases, 1);
    let public: Vec<(&str, Vec<KnowledgeInput>, Vec<EvalCase>)> = PUBLIC
        .iter()
        .map(|n| {
            let (k, e) = evalmain::load(
                &format!("data/public/{n}.knowledge.json"),
                &format!("data/public/{n}.eval.jsonl"),
            );
            (*n, k, e)
        })
        .collect();
    let mut combos: Vec<Vec<(String, f32)>> = vec![vec![]];
    for spec in args.iter().filter(|a| a.contains('=')) {
        let (k, vs) = spec.split_once('=').unwrap();
        combos = combos
            .iter()
            .flat_map(|c| {
                vs.split(',').map(move |v| {
                    let mut c = c.clone();
                    c.push((k.to_string(), v.parse().expect("a number")));
                    c
                })
            })
            .collect();
    }
    let mut rows: Vec<(f64, String)> = Vec::new();
    for c in combos {
        let mut p = Params::default();
        for (k, v) in &c {
            set(&mut p, k, *v);
        }
        let mut line = String::new();
        let mut sum = 0.0;
        for (n, k, e) in &public {
            let r = evaluate(&Index::build_with(k, p.clone()), e, None);
            sum += r.overall_accuracy;
            line += &format!("{n}={} ", fig(&r));
        }
        let idx = Index::build_with(&items, p.clone());
        let (e, o) = (evaluate(&idx, &even, None), evaluate(&idx, &odd, None));
        line += &format!("| demo even={} odd={} ", fig(&e), fig(&o));
        if with_loo {
            let (t, a) = loo(&items, &p);
            line += &format!("| loo top1={t:.3} answered={a:.3} ");
        }
        line += &format!("| {c:?}");
        rows.push((sum / public.len() as f64 + e.overall_accuracy, line));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("figures: in-scope/out-of-scope recall/overall");
    for (score, line) in rows {
        println!("{score:.3} {line}");
    }
}
