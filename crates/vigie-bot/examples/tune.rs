//! Diagnostics for calibration (not part of the product): top-1 ranking
//! accuracy, then a grid over the decision thresholds, printing the best
//! settings by overall accuracy under an out-of-scope recall floor.
//!
//! cargo run --release --example tune -- KNOWLEDGE EVAL [min_oos_recall]
use vigie_bot::eval::evaluate;
use vigie_bot::{Index, Params};

#[path = "eval.rs"]
#[allow(dead_code)]
mod evalmain;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (items, cases) = evalmain::load(&args[0], &args[1]);
    let ctx = if args.iter().any(|a| a == "--context") {
        evalmain::load_context(&args[0])
    } else {
        Vec::new()
    };
    let floor: f64 = args
        .get(2)
        .filter(|a| !a.starts_with("--"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.8);
    let base = Params::default();
    let mut rows = Vec::new();
    for lambda in [0.3, 0.4, 0.5] {
        for unk in [0.5, 0.6, 0.7] {
            let sp = Params {
                lambda,
                unknown_weight: unk,
                ..base.clone()
            };
            let idx = Index::build_with_context(&items, &ctx, sp.clone());
            let n_in = cases.iter().filter(|c| c.expected.is_some()).count();
            let top1 = cases
                .iter()
                .filter(|c| {
                    c.expected.as_ref().is_some_and(|e| {
                        idx.ranked(&c.text, None, 1)
                            .first()
                            .is_some_and(|r| &r.id == e)
                    })
                })
                .count() as f64
                / n_in as f64;
            for answer in [0.3, 0.35, 0.4, 0.45] {
                for margin in [0.02] {
                    for min_coverage in [0.25, 0.3, 0.4] {
                        let p = Params {
                            answer,
                            margin,
                            min_coverage,
                            suggest: answer - 0.05,
                            ..sp.clone()
                        };
                        let idx = Index::build_with_context(&items, &ctx, p);
                        let r = evaluate(&idx, &cases, None);
                        rows.push((r.overall_accuracy, r.in_scope_accuracy, r.oos_recall, top1,
                            format!("lambda={lambda} unk={unk} answer={answer} margin={margin} cov={min_coverage}")));
                    }
                }
            }
        }
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for r in rows.iter().filter(|r| r.2 >= floor).take(15) {
        println!(
            "overall={:.3} in={:.3} oos={:.3} top1={:.3} {}",
            r.0, r.1, r.2, r.3, r.4
        );
    }
}
