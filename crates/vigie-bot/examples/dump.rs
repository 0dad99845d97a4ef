//! Dump the ranked items and decision features of every eval question as
//! JSON lines (calibration diagnostics).
//!
//! cargo run --release --example dump -- KNOWLEDGE EVAL > features.jsonl
use vigie_bot::Index;

#[path = "eval.rs"]
#[allow(dead_code)]
mod evalmain;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (items, cases) = evalmain::load(&args[0], &args[1]);
    let index = Index::build(&items);
    for (i, c) in cases.iter().enumerate() {
        let k = std::env::var("DUMP_K")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(8);
        let (ranked, handoff) = index.explain_k(&c.text, None, k);
        let outcome = format!("{:?}", index.ask(&c.text, None));
        println!(
            "{}",
            serde_json::json!({"line": i, "text": c.text, "expected": c.expected,
                "handoff": handoff, "ranked": ranked, "outcome": outcome})
        );
    }
}
