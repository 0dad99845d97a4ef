//! Turn a public intent corpus (one JSON line per sentence: text, intent,
//! training) into a knowledge file and an eval file (see
//! `data/public/README.md`).
//!
//! cargo run --release -p vigie-bot --example corpus -- data/public/askubuntu
//!
//! reads `<stem>.sentences.jsonl`, writes `<stem>.knowledge.json` and
//! `<stem>.eval.jsonl`: one item per intent (title: the intent's name,
//! formulations: its training sentences, English), the test sentences as
//! questions, and the intent `None` as out of scope.
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Sentence {
    text: String,
    intent: String,
    training: bool,
}

fn slug(intent: &str) -> String {
    let mut s = String::new();
    for c in intent.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').to_string()
}

fn main() {
    let stem = std::env::args()
        .nth(1)
        .expect("corpus path without extension");
    let sentences: Vec<Sentence> = std::fs::read_to_string(format!("{stem}.sentences.jsonl"))
        .expect("read sentences")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("parse sentence"))
        .collect();
    let mut intents: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for s in sentences
        .iter()
        .filter(|s| s.training && s.intent != "None")
    {
        let e = intents
            .entry(slug(&s.intent))
            .or_insert_with(|| (s.intent.clone(), Vec::new()));
        let t = s.text.trim().to_string();
        if !e.1.contains(&t) {
            e.1.push(t);
        }
    }
    let knowledge: Vec<_> = intents
        .iter()
        .map(|(id, (name, forms))| {
            json!({"id": id, "title": name, "lang": "en", "formulations": forms, "answer": name})
        })
        .collect();
    std::fs::write(
        format!("{stem}.knowledge.json"),
        serde_json::to_string_pretty(&json!({ "knowledge": knowledge })).unwrap() + "\n",
    )
    .expect("write knowledge");
    let mut eval = String::new();
    for s in sentences.iter().filter(|s| !s.training) {
        let expected = (s.intent != "None").then(|| slug(&s.intent));
        // an intent with no training sentence cannot be answered: skipped
        if expected.as_ref().is_some_and(|e| !intents.contains_key(e)) {
            continue;
        }
        eval += &serde_json::to_string(&json!({"text": s.text, "expected": expected})).unwrap();
        eval.push('\n');
    }
    std::fs::write(format!("{stem}.eval.jsonl"), &eval).expect("write eval");
    println!(
        "{stem}: {} items, {} questions",
        knowledge.len(),
        eval.lines().count()
    );
}
