//! Evaluate the engine and the BM25 baseline on a knowledge file and a
//! labelled question file.
//!
//! cargo run --release --example eval -- data/demo/knowledge.json data/demo/eval.jsonl [--lang fr|en] [--errors]

use vigie_bot::bm25::Bm25Index;
use vigie_bot::eval::{evaluate, evaluate_fn, is_correct, EvalCase, EvalReport};
use vigie_bot::{Index, KnowledgeInput, Lang};

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
    println!(
        "{} items, {} cases ({} out of scope)",
        items.len(),
        cases.len(),
        cases.iter().filter(|c| c.expected.is_none()).count()
    );
    let bare: Vec<KnowledgeInput> = items
        .iter()
        .cloned()
        .map(|mut i| {
            i.answer.clear();
            i.tags.clear();
            i
        })
        .collect();
    println!("\n-- titles and formulations only (answers and tags emptied)");
    run(&bare, &cases, lang, false);
    println!("\n-- titles, formulations, answers and tags (Index::build)");
    run(&items, &cases, lang, show_errors);
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

/// The even (0) or odd (1) lines of the eval file (0-based line numbers).
pub fn half(cases: &[EvalCase], parity: usize) -> Vec<EvalCase> {
    cases
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == parity)
        .map(|(_, c)| c.clone())
        .collect()
}

fn run(items: &[KnowledgeInput], cases: &[EvalCase], lang: Option<Lang>, show_errors: bool) {
    let index = Index::build(items);
    let even = half(cases, 0);
    let odd = half(cases, 1);
    for (name, set) in [("all", cases), ("even", &even[..]), ("odd", &odd[..])] {
        let _ = evaluate(&index, set, lang); // warm-up
        let ours = evaluate(&index, set, lang);
        print(&format!("vigie [{name}]"), &ours);
    }
    let inscope: Vec<&EvalCase> = cases.iter().filter(|c| c.expected.is_some()).collect();
    let first = inscope
        .iter()
        .filter(|c| index.ranked(&c.text, lang, 1).first().map(|r| &r.id) == c.expected.as_ref())
        .count();
    println!(
        "vigie: the right item ranked first for {:.3} of in-scope questions",
        first as f64 / inscope.len().max(1) as f64
    );
    // BM25 (our stop words dropped, then kept): threshold tuned on the
    // whole set (optimistic), and honestly: tuned on one half, measured on
    // the other
    for stop_words in [false, true] {
        bm25(items, cases, lang, stop_words);
    }
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

fn bm25(items: &[KnowledgeInput], cases: &[EvalCase], lang: Option<Lang>, stop_words: bool) {
    let even = half(cases, 0);
    let odd = half(cases, 1);
    let tag = if stop_words { "bm25+sw" } else { "bm25" };
    let mut bm = Bm25Index::build_with(items, stop_words);
    let th = bm.tune_threshold(cases, lang);
    let _ = evaluate_fn(cases, |t| bm.ask(t, lang));
    let base = evaluate_fn(cases, |t| bm.ask(t, lang));
    print(&format!("{tag} [all, th {th:.2} on all]"), &base);
    let th_e = bm.tune_threshold(&even, lang);
    let on_odd = evaluate_fn(&odd, |t| bm.ask(t, lang));
    print(&format!("{tag} [odd, th {th_e:.2} on even]"), &on_odd);
    let th_o = bm.tune_threshold(&odd, lang);
    let on_even = evaluate_fn(&even, |t| bm.ask(t, lang));
    print(&format!("{tag} [even, th {th_o:.2} on odd]"), &on_even);
}
