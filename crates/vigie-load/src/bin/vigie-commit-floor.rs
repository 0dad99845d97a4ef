//! The disk's commit floor: how many durable writes per second this file system takes,
//! one by one (append a message, `fdatasync`) and grouped (append a batch, one
//! `fdatasync`), the way a database's write-ahead log is appended. No database: what
//! any durable store on this disk can at best do.
//!
//!     vigie-commit-floor [--dir DIR] [--seconds 3] [--batch 64] [--json]

use clap::Parser;
use std::io::Write;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "vigie-commit-floor",
    about = "fsyncs per second, one by one and batched"
)]
struct Args {
    /// Folder for the scratch file (put it on the database's disk).
    #[arg(long, default_value = ".")]
    dir: std::path::PathBuf,
    /// Seconds per measure.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Messages per grouped fsync.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Bytes per message (a chat message and its row overhead).
    #[arg(long, default_value_t = 300)]
    bytes: usize,
    #[arg(long)]
    json: bool,
}

/// Messages durably written per second when `per_sync` are appended per fdatasync.
fn measure(args: &Args, per_sync: usize) -> std::io::Result<f64> {
    let path = args
        .dir
        .join(format!(".vigie-commit-floor-{}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&path)?;
    let chunk = vec![b'x'; args.bytes * per_sync];
    let dur = Duration::from_secs_f64(args.seconds);
    let (start, mut n, mut written) = (Instant::now(), 0u64, 0u64);
    while start.elapsed() < dur {
        f.write_all(&chunk)?;
        f.sync_data()?;
        n += per_sync as u64;
        written += chunk.len() as u64;
        // Keep the file small (a log is recycled too), without truncating every time.
        if written > 64 << 20 {
            f.set_len(0)?;
            f.sync_all()?;
            written = 0;
        }
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    drop(f);
    let _ = std::fs::remove_file(&path);
    Ok(rate)
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let single = measure(&args, 1)?;
    let grouped = measure(&args, args.batch)?;
    if args.json {
        println!(
            "{}",
            serde_json::json!({"fsyncs_per_s": single, "batch": args.batch,
                "batched_messages_per_s": grouped, "batched_fsyncs_per_s": grouped / args.batch as f64})
        );
    } else {
        println!("commit floor in {}:", args.dir.display());
        println!("  one by one: {single:>9.0} durable commits/s (one fdatasync each)");
        println!(
            "  grouped:    {grouped:>9.0} messages/s ({} per fdatasync, {:.0} fdatasyncs/s)",
            args.batch,
            grouped / args.batch as f64
        );
    }
    Ok(())
}
