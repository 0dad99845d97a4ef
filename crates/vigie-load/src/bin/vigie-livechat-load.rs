//! Livechat load: operators and visitors in live conversations on one Vigie node.
//!
//! 1. Sets the livechat default capacity so the visitors fit (admin token, `PUT
//!    /api/v1/livechat/settings`).
//! 2. Connects the operators (`/ws/operator`, one API token each) and makes them available.
//! 3. Connects the visitors (`/ws/visitor`), each asks for a human (`handoff`) and is given
//!    to an operator; then each visitor writes every `--interval` seconds (first message at
//!    a random offset). Measured: visitor `send` → the message frame at the operator
//!    (delivery), and visitor `send` → `ack`.
//! 4. Catch-up: one more operator takes `--catchup-visitors` new visitors, disconnects; they
//!    write `--catchup` messages in all; it reconnects with the last `seq` it saw per
//!    conversation. Measured: `hello` → every missed message received and `replay_done`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
use vigie_load::{micros, Summary, QUESTIONS_FR};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "vigie-livechat-load",
    about = "Livechat load: operators, visitors, delivery latency, console catch-up"
)]
struct Args {
    /// Vigie's base URL (http://host:port).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// Another node's base URL for the visitors (several nodes on one PostgreSQL:
    /// visitors on one, operators on `--base`). Default: `--base`.
    #[arg(long)]
    visitor_base: Option<String>,
    /// File of API tokens, one per line: the first is an admin's, the next ones are the
    /// operators' (at least operators + 1 for the catch-up operator).
    #[arg(long)]
    tokens: String,
    #[arg(long, default_value = "demo")]
    bot: String,
    #[arg(long, default_value_t = 100)]
    operators: usize,
    #[arg(long, default_value_t = 2000)]
    visitors: usize,
    /// Seconds between two messages of one visitor.
    #[arg(long, default_value_t = 10.0)]
    interval: f64,
    /// Seconds of measured load once every visitor is in livechat.
    #[arg(long, default_value_t = 60.0)]
    duration: f64,
    /// Visitors connected per second during ramp-up.
    #[arg(long, default_value_t = 200.0)]
    ramp: f64,
    /// Messages the catch-up operator misses while disconnected (0: no catch-up phase).
    #[arg(long, default_value_t = 1000)]
    catchup: usize,
    /// Visitors (conversations) of the catch-up operator.
    #[arg(long, default_value_t = 20)]
    catchup_visitors: usize,
    /// Print one JSON object instead of the text report.
    #[arg(long)]
    json: bool,
}

/// Visitor messages in flight: client id → when it was sent.
#[derive(Default)]
struct Shared {
    sent_at: Mutex<HashMap<String, Instant>>,
    delivery_us: Mutex<Vec<u64>>,
    ack_us: Mutex<Vec<u64>>,
    delivered: AtomicU64,
    sent: AtomicU64,
    errors: AtomicU64,
    assigned: AtomicUsize,
    measuring: std::sync::atomic::AtomicBool,
}

fn ws_url(base: &str, path: &str) -> String {
    format!("{}{path}", base.replacen("http", "ws", 1))
}

async fn connect(url: &str, token: Option<&str>) -> Result<Ws, String> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    if let Some(t) = token {
        req.headers_mut().insert(
            "authorization",
            format!("Bearer {t}").parse().map_err(|_| "bad token")?,
        );
    }
    let cfg = vigie_load::ws_config(vigie_load::READ_BUFFER, vigie_load::WRITE_BUFFER);
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(cfg), true)
        .await
        .map_err(|e| format!("connect {url}: {e}"))?;
    Ok(ws)
}

async fn send(ws: &mut Ws, v: Value) -> Result<(), String> {
    ws.send(Message::text(v.to_string()))
        .await
        .map_err(|e| format!("send: {e}"))
}

async fn next_json(ws: &mut Ws) -> Result<Value, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                return serde_json::from_str(&t).map_err(|e| format!("bad frame: {e}"))
            }
            Some(Ok(Message::Close(_))) | None => return Err("closed".into()),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.to_string()),
        }
    }
}

async fn until(ws: &mut Ws, what: &str, pred: impl Fn(&Value) -> bool) -> Result<Value, String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let v = tokio::time::timeout(left, next_json(ws))
            .await
            .map_err(|_| format!("timeout waiting for {what}"))??;
        if pred(&v) {
            return Ok(v);
        }
        if v["type"] == "error" {
            return Err(format!("error frame while waiting for {what}: {v}"));
        }
    }
}

/// `PUT` with a bearer token over a plain HTTP/1.1 connection; returns the status.
async fn http_put(base: &str, path: &str, token: &str, body: &Value) -> Result<u16, String> {
    let hostport = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = tokio::net::TcpStream::connect(hostport)
        .await
        .map_err(|e| format!("connect {hostport}: {e}"))?;
    let body = body.to_string();
    let req = format!(
        "PUT {path} HTTP/1.1\r\nHost: {hostport}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    s.read_to_string(&mut out)
        .await
        .map_err(|e| e.to_string())?;
    out.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no HTTP status in {out:?}"))
}

/// An operator: hello, available, then reads frames, recording deliveries and the last
/// `seq` of each conversation. Stops when `stop` fires; returns the last seqs.
async fn operator(
    base: String,
    token: String,
    sh: Arc<Shared>,
    ready: tokio::sync::mpsc::Sender<Result<(), String>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> HashMap<String, i64> {
    let mut last: HashMap<String, i64> = HashMap::new();
    let mut ws = match connect(&ws_url(&base, "/ws/operator"), Some(&token)).await {
        Ok(ws) => ws,
        Err(e) => {
            let _ = ready.send(Err(e)).await;
            return last;
        }
    };
    let setup = async {
        send(
            &mut ws,
            json!({"type": "hello", "v": 1, "conversations": {}}),
        )
        .await?;
        until(&mut ws, "replay_done", |v| v["type"] == "replay_done").await?;
        send(
            &mut ws,
            json!({"type": "availability", "status": "available"}),
        )
        .await?;
        until(&mut ws, "availability", |v| v["type"] == "availability").await?;
        Ok::<(), String>(())
    };
    let r = setup.await;
    let ok = r.is_ok();
    let _ = ready.send(r).await;
    if !ok {
        return last;
    }
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            f = next_json(&mut ws) => match f {
                Ok(v) => on_operator_frame(&sh, &mut last, &v),
                Err(_) => break,
            }
        }
    }
    let _ = ws.close(None).await;
    last
}

fn on_operator_frame(sh: &Shared, last: &mut HashMap<String, i64>, v: &Value) {
    if v["type"] != "message" {
        return;
    }
    if let (Some(conv), Some(seq)) = (v["conversation"].as_str(), v["seq"].as_i64()) {
        let e = last.entry(conv.to_string()).or_insert(0);
        *e = (*e).max(seq);
    }
    if v["author"] != "visitor" {
        return;
    }
    let Some(cid) = v["client_id"].as_str() else {
        return;
    };
    let sent = sh.sent_at.lock().unwrap().remove(cid);
    if let Some(t) = sent {
        sh.delivered.fetch_add(1, Ordering::Relaxed);
        if sh.measuring.load(Ordering::Relaxed) {
            sh.delivery_us.lock().unwrap().push(micros(t.elapsed()));
        }
    }
}

/// A visitor: hello, handoff until an operator joins; then writes every `interval`.
async fn visitor(
    args: Arc<Args>,
    sh: Arc<Shared>,
    n: usize,
    messages: Option<usize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    joined: tokio::sync::mpsc::Sender<Result<(), String>>,
) {
    let base = args.visitor_base.as_deref().unwrap_or(&args.base);
    let mut ws = match connect(&ws_url(base, "/ws/visitor"), None).await {
        Ok(ws) => ws,
        Err(e) => {
            let _ = joined.send(Err(e)).await;
            return;
        }
    };
    let setup = async {
        send(
            &mut ws,
            json!({"type": "hello", "v": 1, "bot": args.bot, "lang": "fr", "last_seq": 0}),
        )
        .await?;
        until(&mut ws, "replay_done", |v| v["type"] == "replay_done").await?;
        send(
            &mut ws,
            json!({"type": "handoff", "client_id": format!("h-{n}-{}", uuid::Uuid::new_v4())}),
        )
        .await?;
        let v = until(&mut ws, "an operator", |v| {
            v["event"] == "operator_joined"
                || v["event"] == "queued"
                || (v["author"] == "bot" && v["kind"] == "text")
        })
        .await?;
        if v["event"] != "operator_joined" {
            return Err(format!("not given to an operator: {}", v["text"]));
        }
        Ok::<(), String>(())
    };
    let r = setup.await;
    let ok = r.is_ok();
    let _ = joined.send(r).await;
    if !ok {
        return;
    }
    sh.assigned.fetch_add(1, Ordering::Relaxed);
    // Wait for the start signal (all visitors in livechat, or the catch-up operator gone).
    let _ = stop.changed().await;
    let interval = Duration::from_secs_f64(args.interval);
    let offset = Duration::from_secs_f64(args.interval * ((n * 7919) % 1000) as f64 / 1000.0);
    let mut next = tokio::time::Instant::now()
        + if messages.is_some() {
            Duration::ZERO
        } else {
            offset
        };
    let mut pending: HashMap<String, Instant> = HashMap::new();
    let mut left = messages;
    let mut i = 0usize;
    loop {
        if left == Some(0) && pending.is_empty() {
            break;
        }
        tokio::select! {
            _ = stop.changed(), if messages.is_none() => break,
            _ = tokio::time::sleep_until(next), if left != Some(0) => {
                i += 1;
                let cid = uuid::Uuid::new_v4().to_string();
                let now = Instant::now();
                sh.sent_at.lock().unwrap().insert(cid.clone(), now);
                pending.insert(cid.clone(), now);
                sh.sent.fetch_add(1, Ordering::Relaxed);
                let text = QUESTIONS_FR[(n + i) % QUESTIONS_FR.len()];
                if send(&mut ws, json!({"type": "send", "client_id": cid, "text": text})).await.is_err() {
                    sh.errors.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                left = left.map(|l| l - 1);
                // Catch-up visitors write fast, within the per-visitor rate limit (10/s).
                next += if messages.is_some() { Duration::from_millis(120) } else { interval };
            }
            f = next_json(&mut ws) => match f {
                Ok(v) if v["type"] == "ack" => {
                    if let Some(t) = v["client_id"].as_str().and_then(|c| pending.remove(c)) {
                        if sh.measuring.load(Ordering::Relaxed) {
                            sh.ack_us.lock().unwrap().push(micros(t.elapsed()));
                        }
                    }
                }
                Ok(v) if v["type"] == "error" => {
                    sh.errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!("visitor {n}: {v}");
                }
                Ok(_) => {}
                Err(_) => { sh.errors.fetch_add(1, Ordering::Relaxed); break; }
            }
        }
    }
    let _ = ws.close(None).await;
}

#[tokio::main]
async fn main() {
    let args = Arc::new(Args::parse());
    if let Err(e) = run(args).await {
        eprintln!("vigie-livechat-load: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Arc<Args>) -> Result<(), String> {
    let _ = vigie_load::raise_nofile(65_536);
    let tokens: Vec<String> = std::fs::read_to_string(&args.tokens)
        .map_err(|e| format!("{}: {e}", args.tokens))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let need = args.operators + 1 + usize::from(args.catchup > 0);
    if tokens.len() < need {
        return Err(format!(
            "{} tokens needed (admin + operators + catch-up operator), {} in {}",
            need,
            tokens.len(),
            args.tokens
        ));
    }
    let capacity = args.visitors.div_ceil(args.operators.max(1)).clamp(1, 20);
    if capacity * args.operators < args.visitors {
        return Err(format!(
            "{} visitors do not fit {} operators at the maximum capacity 20",
            args.visitors, args.operators
        ));
    }
    let status = http_put(
        &args.base,
        "/api/v1/livechat/settings",
        &tokens[0],
        &json!({"default_capacity": capacity}),
    )
    .await?;
    if status != 200 {
        return Err(format!(
            "PUT /api/v1/livechat/settings answered {status} (is the first token an admin's?)"
        ));
    }

    let sh = Arc::new(Shared::default());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);

    // Operators.
    let t0 = Instant::now();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(args.operators.max(1));
    let mut ops = Vec::new();
    for token in &tokens[1..=args.operators] {
        ops.push(tokio::spawn(operator(
            args.base.clone(),
            token.clone(),
            sh.clone(),
            ready_tx.clone(),
            stop_rx.clone(),
        )));
    }
    for _ in 0..args.operators {
        ready_rx.recv().await.ok_or("operator task ended")??;
    }
    let ops_ready = t0.elapsed();

    // Visitors, ramped; each waits for its operator.
    let t1 = Instant::now();
    let (start_tx, start_rx) = tokio::sync::watch::channel(false);
    let (joined_tx, mut joined_rx) = tokio::sync::mpsc::channel(args.visitors.max(1));
    let mut visitors = Vec::new();
    for n in 0..args.visitors {
        visitors.push(tokio::spawn(visitor(
            args.clone(),
            sh.clone(),
            n,
            None,
            start_rx.clone(),
            joined_tx.clone(),
        )));
        tokio::time::sleep(Duration::from_secs_f64(1.0 / args.ramp)).await;
    }
    let mut refused = 0;
    for _ in 0..args.visitors {
        if let Err(e) = joined_rx.recv().await.ok_or("visitor task ended")? {
            refused += 1;
            if refused <= 5 {
                eprintln!("visitor: {e}");
            }
        }
    }
    if refused > 0 {
        return Err(format!("{refused} visitor(s) not given to an operator"));
    }
    let visitors_ready = t1.elapsed();

    // Load.
    sh.measuring.store(true, Ordering::Relaxed);
    let _ = start_tx.send(true);
    let t2 = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(args.duration)).await;
    sh.measuring.store(false, Ordering::Relaxed);
    let load_secs = t2.elapsed().as_secs_f64();
    let sent = sh.sent.load(Ordering::Relaxed);
    let _ = start_tx.send(false);
    // Let the last messages arrive.
    for _ in 0..50 {
        if sh.sent_at.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let undelivered = sh.sent_at.lock().unwrap().len();
    let delivery = Summary::from_micros(&mut sh.delivery_us.lock().unwrap());
    let ack = Summary::from_micros(&mut sh.ack_us.lock().unwrap());

    // Catch-up.
    let mut catchup = Value::Null;
    if args.catchup > 0 {
        catchup = catch_up(&args, &tokens[args.operators + 1], sh.clone(), capacity).await?;
    }
    let _ = stop_tx.send(true);
    for v in visitors {
        let _ = v.await;
    }
    for o in ops {
        let _ = o.await;
    }

    let report = json!({
        "operators": args.operators, "visitors": args.visitors, "capacity": capacity,
        "interval_s": args.interval, "load_s": load_secs,
        "rate_msg_s": sent as f64 / load_secs,
        "sent": sent, "undelivered": undelivered, "errors": sh.errors.load(Ordering::Relaxed),
        "operators_ready_s": ops_ready.as_secs_f64(), "visitors_in_livechat_s": visitors_ready.as_secs_f64(),
        "delivery": delivery, "ack": ack, "catchup": catchup,
    });
    if args.json {
        println!("{report}");
    } else {
        println!("livechat load: {} operators (capacity {capacity}), {} visitors in livechat, one message every {} s each",
            args.operators, args.visitors, args.interval);
        println!(
            "  ramp: operators ready in {:.1} s, visitors handed over in {:.1} s",
            ops_ready.as_secs_f64(),
            visitors_ready.as_secs_f64()
        );
        println!(
            "  load: {} messages in {:.0} s ({:.0} msg/s), undelivered {undelivered}, errors {}",
            sent,
            load_secs,
            sent as f64 / load_secs,
            sh.errors.load(Ordering::Relaxed)
        );
        println!("  visitor send -> operator message  {}", delivery.line());
        println!("  visitor send -> ack               {}", ack.line());
        if !catchup.is_null() {
            println!("  console catch-up: {} missed messages over {} conversations received in {:.1} ms (hello -> last missed message), replay_done at {:.1} ms",
                catchup["missed"], catchup["conversations"], catchup["last_message_ms"].as_f64().unwrap_or(0.0), catchup["replay_done_ms"].as_f64().unwrap_or(0.0));
        }
    }
    if undelivered > 0 {
        return Err(format!(
            "{undelivered} message(s) never reached an operator"
        ));
    }
    Ok(())
}

/// The catch-up phase (see the module docs).
async fn catch_up(
    args: &Arc<Args>,
    token: &str,
    sh: Arc<Shared>,
    capacity: usize,
) -> Result<Value, String> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(1);
    let op = tokio::spawn(operator(
        args.base.clone(),
        token.to_string(),
        sh.clone(),
        ready_tx,
        stop_rx,
    ));
    ready_rx.recv().await.ok_or("catch-up operator ended")??;
    // Its visitors: every other operator is full, so they all go to it.
    // Within the operator's capacity (the default one, set above).
    let k = args.catchup_visitors.clamp(1, capacity);
    let (joined_tx, mut joined_rx) = tokio::sync::mpsc::channel(k);
    let (go_tx, go_rx) = tokio::sync::watch::channel(false);
    let per = args.catchup.div_ceil(k);
    let mut tasks = Vec::new();
    for n in 0..k {
        let count = per.min(args.catchup - (n * per).min(args.catchup));
        tasks.push(tokio::spawn(visitor(
            args.clone(),
            sh.clone(),
            1_000_000 + n,
            Some(count),
            go_rx.clone(),
            joined_tx.clone(),
        )));
    }
    for _ in 0..k {
        joined_rx.recv().await.ok_or("catch-up visitor ended")??;
    }
    // The operator has seen every conversation start: disconnect it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop_tx.send(true);
    let last = op.await.map_err(|e| e.to_string())?;
    if last.len() < k {
        return Err(format!(
            "the catch-up operator follows {} conversations, {k} expected",
            last.len()
        ));
    }
    // Meanwhile the visitors write (their messages are not timed).
    sh.measuring.store(false, Ordering::Relaxed);
    let _ = go_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    // Every message is acknowledged (stored); none was delivered to this operator.
    let missed: usize = args.catchup;
    sh.sent_at.lock().unwrap().clear();
    let mut ws = connect(&ws_url(&args.base, "/ws/operator"), Some(token)).await?;
    let seen: serde_json::Map<String, Value> =
        last.iter().map(|(c, s)| (c.clone(), json!(s))).collect();
    let t = Instant::now();
    send(
        &mut ws,
        json!({"type": "hello", "v": 1, "conversations": seen}),
    )
    .await?;
    let mut got = 0usize;
    let mut last_message = Duration::ZERO;
    let replay_done;
    loop {
        let v = tokio::time::timeout(Duration::from_secs(30), next_json(&mut ws))
            .await
            .map_err(|_| format!("catch-up: {got} of {missed} messages after 30 s"))??;
        if v["type"] == "message" && v["author"] == "visitor" {
            got += 1;
            last_message = t.elapsed();
        }
        if v["type"] == "replay_done" {
            replay_done = t.elapsed();
            break;
        }
    }
    let _ = ws.close(None).await;
    if got < missed {
        return Err(format!(
            "catch-up: {got} of {missed} missed messages replayed"
        ));
    }
    Ok(json!({
        "missed": got, "conversations": last.len(),
        "last_message_ms": last_message.as_secs_f64() * 1000.0,
        "replay_done_ms": replay_done.as_secs_f64() * 1000.0,
    }))
}
