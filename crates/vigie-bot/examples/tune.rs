//! Diagnostics for calibration (not part of the product): a grid over the
//! scorer weights and decision thresholds, tuned on one half of the eval
//! lines and reported on the other half, so that the figures stay honest.
//!
//! cargo run --release --example tune -- KNOWLEDGE EVAL [--tune even|odd] [--floor 0.8]
//!
//! Prints the best settings by overall accuracy on the tuning half (under an
//! out-of-scope recall floor), each with its figures on the held-out half.
use vigie_bot::eval::{evaluate, EvalReport};
use vigie_bot::{Index, Params};

#[path = "eval.rs"]
#[allow(dead_code)]
mod evalmain;

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|s| s.as_str())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (items, cases) = evalmain::load(&args[0], &args[1]);
    let parity = match arg(&args, "--tune") {
        Some("odd") => 1,
        _ => 0,
    };
    let floor: f64 = arg(&args, "--floor")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.8);
    let tune = evalmain::half(&cases, parity);
    let held = evalmain::half(&cases, 1 - parity);
    let base = Params::default();
    let mut rows: Vec<(EvalReport, EvalReport, String)> = Vec::new();
    for group in [0.0, 0.6, 0.8] {
        for context in [0.3, 0.6] {
            for lambda in [0.4, 0.5] {
                for unk in [0.5, 0.7, 1.0] {
                    let sp = Params {
                        group,
                        context,
                        lambda,
                        unknown_weight: unk,
                        ..base.clone()
                    };
                    for answer in [0.3, 0.35, 0.4, 0.45] {
                        for min_coverage in [0.25, 0.3, 0.4, 0.5] {
                            let p = Params {
                                answer,
                                min_coverage,
                                suggest: answer - 0.05,
                                ..sp.clone()
                            };
                            let idx = Index::build_with(&items, p);
                            let rt = evaluate(&idx, &tune, None);
                            let rh = evaluate(&idx, &held, None);
                            rows.push((rt, rh, format!("group={group} context={context} lambda={lambda} unk={unk} answer={answer} cov={min_coverage}")));
                        }
                    }
                }
            }
        }
    }
    rows.sort_by(|a, b| b.0.overall_accuracy.total_cmp(&a.0.overall_accuracy));
    let d = evaluate(&Index::build(&items), &held, None);
    println!(
        "defaults on held-out: in={:.3} oos={:.3} overall={:.3}",
        d.in_scope_accuracy, d.oos_recall, d.overall_accuracy
    );
    for r in rows.iter().filter(|r| r.0.oos_recall >= floor).take(15) {
        println!(
            "tune: in={:.3} oos={:.3} overall={:.3} | held-out: in={:.3} oos={:.3} overall={:.3} | {}",
            r.0.in_scope_accuracy,
            r.0.oos_recall,
            r.0.overall_accuracy,
            r.1.in_scope_accuracy,
            r.1.oos_recall,
            r.1.overall_accuracy,
            r.2
        );
    }
}
