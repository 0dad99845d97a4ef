//! Ask a knowledge file questions read from stdin, one per line.
//!
//! echo "mot de passe" | cargo run --release -p vigie-bot --example ask -- data/demo/knowledge.json [fr|en]
use vigie_bot::Index;

#[path = "eval.rs"]
#[allow(dead_code)]
mod evalmain;

fn main() {
    let path = std::env::args().nth(1).expect("a knowledge file");
    let (items, _) = evalmain::load(&path, "/dev/null");
    let idx = Index::build(&items);
    let lang = std::env::args()
        .nth(2)
        .and_then(|l| vigie_bot::Lang::parse(&l));
    for line in std::io::stdin().lines() {
        let q = line.expect("stdin");
        println!("{q:?} → {:?}", idx.ask(&q, lang));
    }
}
