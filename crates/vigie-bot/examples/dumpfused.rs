//! Dump the fused candidates of every eval question as JSON lines
//! (calibration diagnostics).
//!
//! cargo run --release -p vigie-bot --example dumpfused -- KNOWLEDGE EVAL > fused.jsonl
use vigie_bot::Index;

#[path = "eval.rs"]
#[allow(dead_code)]
mod evalmain;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (items, cases) = evalmain::load(&args[0], &args[1]);
    let index = Index::build(&items);
    for (i, c) in cases.iter().enumerate() {
        let fused = index.explain_fused(&c.text, None);
        let outcome = index.ask(&c.text, None);
        let (kind, id) = match &outcome {
            vigie_bot::Outcome::Answer { id, .. } => ("answer", Some(id.clone())),
            vigie_bot::Outcome::Suggestions { .. } => ("suggest", None),
            vigie_bot::Outcome::NotUnderstood { .. } => ("refuse", None),
            _ => ("other", None),
        };
        println!(
            "{}",
            serde_json::json!({"line": i, "expected": c.expected, "kind": kind, "id": id,
                "fused": fused.map(|f| f.into_iter().take(8).collect::<Vec<_>>())})
        );
    }
}
