//! Evaluate the engine on a knowledge file and a labelled question file:
//! the lexical matcher alone (before issue 16) against the full one
//! (meaning + learned fusion), on the tuning part (even lines) and the
//! held-out part (odd lines); BM25 for reference.
//!
//! cargo run --release -p vigie-bot --example eval -- data/demo/knowledge.json data/demo/eval.jsonl [--lang fr|en] [--errors] [--report] [--bm25]
//! cargo run --release -p vigie-bot --example eval -- --all      # every set, a Markdown table

use std::time::Instant;
use vigie_bot::bm25::Bm25Index;
use vigie_bot::eval::{details, evaluate, evaluate_fn, is_correct, EvalCase, EvalReport};
use vigie_bot::{Index, KnowledgeInput, Lang, Params};

const SETS: &[(&str, &str, &str)] = &[
    (
        "demo (fr)",
        "data/demo/knowledge.json",
        "data/demo/eval.jsonl",
    ),
    (
        "askubuntu",
        "data/public/askubuntu.knowledge.json",
        "data/public/askubuntu.eval.jsonl",
    ),
    (
        "webapps",
        "data/public/webapps.knowledge.json",
        "data/public/webapps.eval.jsonl",
    ),
    (
        "chatbot",
        "data/public/chatbot.knowledge.json",
        "data/public/chatbot.eval.jsonl",
    ),
    (
        "hwu64",
        "data/hwu64/hwu64.knowledge.json",
        "data/hwu64/hwu64.eval.jsonl",
    ),
    (
        "hwu64-oos",
        "data/hwu64/hwu64-oos.knowledge.json",
        "data/hwu64/hwu64-oos.eval.jsonl",
    ),
];

fn print(name: &str, r: &EvalReport, top1: f64, top3: f64) {
    println!(
        "{name:<24} n={:<5} in-scope={:.3} oos-recall={:.3} overall={:.3} top1={top1:.3} top3={top3:.3} p50={:.1}µs p99={:.1}µs",
        r.n, r.in_scope_accuracy, r.oos_recall, r.overall_accuracy, r.p50_us, r.p99_us
    );
}

/// Parameters, with `--p answer,margin,suggest` overriding the fused
/// decision's thresholds (for tuning on the tuning parts).
fn params() -> Params {
    let args: Vec<String> = std::env::args().collect();
    let mut p = Params::default();
    if let Some(v) = args
        .iter()
        .position(|a| a == "--p")
        .and_then(|i| args.get(i + 1))
    {
        let v: Vec<f32> = v.split(',').map(|x| x.parse().expect("number")).collect();
        p.p_answer = v[0];
        p.p_margin = v[1];
        if let Some(s) = v.get(2) {
            p.p_keep = *s;
        }
    }
    p
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang = args
        .iter()
        .position(|a| a == "--lang")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| Lang::parse(s));
    if args.iter().any(|a| a == "--all") {
        return all(lang);
    }
    if args.iter().any(|a| a == "--grid") {
        return grid(lang);
    }
    let pos: Vec<&String> = args
        .iter()
        .filter(|a| a.ends_with(".json") || a.ends_with(".jsonl"))
        .collect();
    let kpath = pos
        .first()
        .map_or("data/demo/knowledge.json", |s| s.as_str());
    let epath = pos.get(1).map_or("data/demo/eval.jsonl", |s| s.as_str());
    let (items, cases) = load(kpath, epath);
    println!(
        "{} items, {} cases ({} out of scope)",
        items.len(),
        cases.len(),
        cases.iter().filter(|c| c.expected.is_none()).count()
    );
    let t0 = Instant::now();
    let old = Index::build_with_model(&items, None, Params::default());
    let t_old = t0.elapsed();
    let t0 = Instant::now();
    let new = Index::build_with(&items, params());
    let t_new = t0.elapsed();
    println!("build: lexical {t_old:.2?}, full {t_new:.2?}");
    if let Some(r) = new.training() {
        println!("training: {}", serde_json::to_string(r).unwrap());
    }
    for (name, index) in [("lexical (old)", &old), ("fused (new)", &new)] {
        for (part, set) in [
            ("all", cases.clone()),
            ("tune", half(&cases, 0)),
            ("held-out", half(&cases, 1)),
        ] {
            let _ = evaluate(index, &set, lang);
            let r = evaluate(index, &set, lang);
            let d = details(index, &set, lang);
            print(&format!("{name} [{part}]"), &r, d.top1, d.top3);
        }
    }
    if args.iter().any(|a| a == "--report") {
        let d = details(&new, &cases, lang);
        println!("\nmost confused (expected -> answered, count):");
        for (a, b, n) in &d.confused {
            println!("  {a} -> {b}: {n}");
        }
        println!("\nper item, worst first (item, questions, accuracy):");
        for (k, n, a) in d.per_item.iter().take(15) {
            println!("  {k:<40} {n:>4} {a:.2}");
        }
    }
    if args.iter().any(|a| a == "--bm25") {
        for stop_words in [false, true] {
            bm25(&items, &cases, lang, stop_words);
        }
    }
    if args.iter().any(|a| a == "--errors") {
        println!("\nerrors:");
        for c in &cases {
            let o = new.ask(&c.text, lang);
            if !is_correct(&o, c.expected.as_deref()) {
                println!(
                    "  {:?} expected {:?}\n      got {:?}",
                    c.text, c.expected, o
                );
            }
        }
    }
}

/// Every set: old vs new, tuning and held-out parts, one Markdown table.
fn all(lang: Option<Lang>) {
    println!("| set | part | old in-scope | old OOS | old overall | new in-scope | new OOS | new overall | new top-1 | new top-3 |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (name, k, e) in SETS {
        let (items, cases) = load(k, e);
        let old = Index::build_with_model(&items, None, Params::default());
        let new = Index::build_with(&items, params());
        for (part, set) in [("tune", half(&cases, 0)), ("held-out", half(&cases, 1))] {
            let o = evaluate(&old, &set, lang);
            let n = evaluate(&new, &set, lang);
            let d = details(&new, &set, lang);
            let oos = |r: &EvalReport| {
                if set.iter().any(|c| c.expected.is_none()) {
                    format!("{:.3}", r.oos_recall)
                } else {
                    "–".into()
                }
            };
            println!(
                "| {name} | {part} | {:.3} | {} | {:.3} | {:.3} | {} | **{:.3}** | {:.3} | {:.3} |",
                o.in_scope_accuracy,
                oos(&o),
                o.overall_accuracy,
                n.in_scope_accuracy,
                oos(&n),
                n.overall_accuracy,
                d.top1,
                d.top3
            );
        }
    }
}

/// The fused decision's thresholds on the tuning parts of every set: the
/// mean overall accuracy for each (answer, margin, suggest).
fn grid(lang: Option<Lang>) {
    let sets: Vec<(Vec<KnowledgeInput>, Vec<EvalCase>)> = SETS
        .iter()
        .map(|(_, k, e)| {
            let (i, c) = load(k, e);
            (i, half(&c, 0))
        })
        .collect();
    let mut indexes: Vec<Index> = sets.iter().map(|(i, _)| Index::build(i)).collect();
    let mut rows = Vec::new();
    for a in [0.3f32, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6] {
        for m in [0.0f32, 0.05, 0.1, 0.15, 0.2] {
            for sg in [0.15f32, 0.25] {
                let mut accs = Vec::new();
                for (idx, (_, cases)) in indexes.iter_mut().zip(&sets) {
                    let mut p = idx.params().clone();
                    p.p_answer = a;
                    p.p_margin = m;
                    p.p_suggest = sg;
                    idx.set_params(p);
                    accs.push(evaluate(idx, cases, lang).overall_accuracy);
                }
                let mean = accs.iter().sum::<f64>() / accs.len() as f64;
                rows.push((mean, a, m, sg, accs));
            }
        }
    }
    rows.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (mean, a, m, sg, accs) in rows.iter().take(12) {
        let accs: Vec<String> = accs.iter().map(|x| format!("{x:.3}")).collect();
        println!(
            "answer={a} margin={m} suggest={sg}: mean {mean:.4} [{}]",
            accs.join(" ")
        );
    }
}

/// Read a knowledge file and an eval file.
pub fn load(kpath: &str, epath: &str) -> (Vec<KnowledgeInput>, Vec<EvalCase>) {
    let file: vigie_bot::KnowledgeFile =
        serde_json::from_str(&std::fs::read_to_string(kpath).expect("read knowledge"))
            .expect("parse knowledge");
    let items = file.knowledge;
    let cases: Vec<EvalCase> = std::fs::read_to_string(epath)
        .expect("read eval")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("parse eval line"))
        .collect();
    (items, cases)
}

/// The even (0: tuning) or odd (1: held-out) lines of the eval file.
pub fn half(cases: &[EvalCase], parity: usize) -> Vec<EvalCase> {
    cases
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == parity)
        .map(|(_, c)| c.clone())
        .collect()
}

fn bm25(items: &[KnowledgeInput], cases: &[EvalCase], lang: Option<Lang>, stop_words: bool) {
    let even = half(cases, 0);
    let odd = half(cases, 1);
    let tag = if stop_words { "bm25+sw" } else { "bm25" };
    let mut bm = Bm25Index::build_with(items, stop_words);
    let th_e = bm.tune_threshold(&even, lang);
    let on_odd = evaluate_fn(&odd, |t| bm.ask(t, lang));
    print(
        &format!("{tag} [held-out, th {th_e:.2} on tune]"),
        &on_odd,
        0.0,
        0.0,
    );
}
