//! Evaluate the engine and the BM25 baseline on a knowledge file and a
//! labelled question file.
//!
//! cargo run --release --example eval -- data/demo/knowledge.json data/demo/eval.jsonl [--lang fr|en] [--errors]

use serde::Deserialize;
use vigie_bot::bm25::Bm25Index;
use vigie_bot::eval::{evaluate, evaluate_fn, is_correct, EvalCase, EvalReport};
use vigie_bot::{Index, KnowledgeInput, Lang};

#[derive(Deserialize)]
struct File {
    knowledge: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    title: String,
    lang: Lang,
    #[serde(default)]
    formulations: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    handoff: bool,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    tags: Vec<String>,
}

fn print(name: &str, r: &EvalReport) {
    println!(
        "{name:<28} n={:<4} in-scope={:.3} oos-recall={:.3} overall={:.3} p50={:.1}µs p99={:.1}µs",
        r.n, r.in_scope_accuracy, r.oos_recall, r.overall_accuracy, r.p50_us, r.p99_us
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let kpath = pos
        .first()
        .map_or("data/demo/knowledge.json", |s| s.as_str());
    let epath = pos.get(1).map_or("data/demo/eval.jsonl", |s| s.as_str());
    let lang = args
        .iter()
        .position(|a| a == "--lang")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| Lang::parse(s));
    let show_errors = args.iter().any(|a| a == "--errors");

    let (items, cases) = load(kpath, epath);
    let context = load_context(kpath);
    println!(
        "{} items, {} cases ({} out of scope)",
        items.len(),
        cases.len(),
        cases.iter().filter(|c| c.expected.is_none()).count()
    );
    println!("\n-- formulations and titles only (the KnowledgeInput API)");
    run(&items, &[], &cases, lang, show_errors);
    println!("\n-- plus answers and tags as context (Index::build_with_context)");
    run(&items, &context, &cases, lang, show_errors);
}

/// Per item: its answer and tags, as context text.
pub fn load_context(kpath: &str) -> Vec<String> {
    let file: File = serde_json::from_str(&std::fs::read_to_string(kpath).expect("read knowledge"))
        .expect("parse knowledge");
    file.knowledge
        .into_iter()
        .map(|i| format!("{} {}", i.answer, i.tags.join(" ")))
        .collect()
}

/// Read a knowledge file and an eval file.
pub fn load(kpath: &str, epath: &str) -> (Vec<KnowledgeInput>, Vec<EvalCase>) {
    let file: File = serde_json::from_str(&std::fs::read_to_string(kpath).expect("read knowledge"))
        .expect("parse knowledge");
    let items: Vec<KnowledgeInput> = file
        .knowledge
        .into_iter()
        .map(|i| KnowledgeInput {
            id: i.id,
            title: i.title,
            lang: i.lang,
            formulations: i.formulations,
            related: i.related,
            handoff: i.handoff,
        })
        .collect();
    let cases: Vec<EvalCase> = std::fs::read_to_string(epath)
        .expect("read eval")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("parse eval line"))
        .collect();
    (items, cases)
}

fn run(
    items: &[KnowledgeInput],
    context: &[String],
    cases: &[EvalCase],
    lang: Option<Lang>,
    show_errors: bool,
) {
    let index = Index::build_with_context(items, context, Default::default());
    // warm-up, then measure
    let _ = evaluate(&index, cases, lang);
    let ours = evaluate(&index, cases, lang);
    print("vigie", &ours);

    let mut bm = Bm25Index::build_with_context(items, context);
    let th = bm.tune_threshold(cases, lang);
    let _ = evaluate_fn(cases, |t| bm.ask(t, lang));
    let base = evaluate_fn(cases, |t| bm.ask(t, lang));
    print(&format!("bm25 (threshold {th:.2})"), &base);

    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!(
        "ratio vigie/bm25: in-scope ×{:.2}, oos-recall ×{:.2}, overall ×{:.2}, p50 ×{:.2}, p99 ×{:.2}",
        ratio(ours.in_scope_accuracy, base.in_scope_accuracy),
        ratio(ours.oos_recall, base.oos_recall),
        ratio(ours.overall_accuracy, base.overall_accuracy),
        ratio(ours.p50_us, base.p50_us),
        ratio(ours.p99_us, base.p99_us),
    );

    if show_errors {
        println!("\nerrors:");
        for c in cases {
            let o = index.ask(&c.text, lang);
            if !is_correct(&o, c.expected.as_deref()) {
                println!(
                    "  {:?} expected {:?}\n      got {:?}",
                    c.text, c.expected, o
                );
            }
        }
    }
}
