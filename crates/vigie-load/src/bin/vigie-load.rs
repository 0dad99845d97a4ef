//! WebSocket load tool for Vigie's visitor protocol (docs/protocol.md).
//!
//! Opens N visitor WebSockets (`hello` → `welcome` … `replay_done`), then either holds
//! them idle (`--idle`, with the server's RSS via `--pid`) or sends `send` frames at a
//! global rate and measures send→ack and send→bot answer. `--mode echo` runs the same
//! load against `vigie-echo` (round trip = send→echo) for the floor.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use vigie_load::{micros, rss_kb, Summary, QUESTIONS_EN, QUESTIONS_FR};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    /// Vigie's visitor protocol.
    Vigie,
    /// Bare echo server: each message is a text frame echoed back.
    Echo,
}

#[derive(Parser, Debug, Clone)]
#[command(name = "vigie-load", about = "Load tool for Vigie's visitor WebSocket")]
struct Args {
    /// WebSocket URL.
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws/visitor")]
    url: String,
    /// Bot name sent in `hello`.
    #[arg(long, default_value = "demo")]
    bot: String,
    /// Number of WebSocket connections.
    #[arg(long, short = 'c', default_value_t = 100)]
    connections: usize,
    /// Global message rate (messages per second over all connections).
    #[arg(long, short = 'r', default_value_t = 100.0)]
    rate: f64,
    /// Seconds of load (or of holding the connections with --idle).
    #[arg(long, short = 'd', default_value_t = 10.0)]
    duration: f64,
    /// Only hold the connections open (answering pings), no messages.
    #[arg(long)]
    idle: bool,
    /// Print one JSON object instead of the text report.
    #[arg(long)]
    json: bool,
    /// The server's pid: its RSS is read from /proc/PID/status.
    #[arg(long)]
    pid: Option<u32>,
    /// Protocol spoken.
    #[arg(long, value_enum, default_value_t = Mode::Vigie)]
    mode: Mode,
    /// Connections opened per second during ramp-up.
    #[arg(long, default_value_t = 500.0)]
    ramp: f64,
    /// Seconds to wait for outstanding answers after the load stops.
    #[arg(long, default_value_t = 10.0)]
    drain: f64,
    /// Timeout in seconds for connect + handshake (+ welcome/replay_done).
    #[arg(long, default_value_t = 15.0)]
    connect_timeout: f64,
    /// Send an application `{"type":"ping"}` every SECS seconds (0 = never; the
    /// WebSocket pings of the server are always answered).
    #[arg(long, default_value_t = 0.0)]
    app_ping: f64,
    /// Worker threads of this client (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Compare two `--json` reports (FLOOR then VIGIE) and print the ratios; no load.
    #[arg(long, num_args = 2, value_names = ["FLOOR_JSON", "VIGIE_JSON"])]
    compare: Option<Vec<String>>,
}

/// A server frame, the fields this tool looks at.
#[derive(Deserialize, Debug, Default)]
#[serde(default)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    client_id: Option<String>,
    seq: Option<i64>,
    author: Option<String>,
    #[serde(rename = "kind")]
    msg_kind: Option<String>,
    code: Option<String>,
}

struct Pending {
    client_id: String,
    sent_at: Instant,
    ack_seq: Option<i64>,
}

#[derive(Default)]
struct ConnStats {
    rtt_us: Vec<u64>,
    ack_us: Vec<u64>,
    sent: u64,
    error_frames: BTreeMap<String, u64>,
    answer_kinds: BTreeMap<String, u64>,
    /// Why the connection ended before the end of the run, if it did.
    disconnect: Option<String>,
    /// Messages never answered (still pending at the end, connection alive).
    timeouts: u64,
    /// Messages lost with a connection that ended during the run.
    lost: u64,
    /// Bot messages that matched no pending acknowledged message.
    unmatched_bot: u64,
}

struct Shared {
    args: Args,
    connected: AtomicUsize,
    failed: AtomicUsize,
    open: AtomicUsize,
    outstanding: AtomicU64,
    connect_errors: Mutex<BTreeMap<String, u64>>,
}

impl Shared {
    fn connect_failed(&self, why: String) {
        *self.connect_errors.lock().unwrap().entry(why).or_default() += 1;
        self.failed.fetch_add(1, Ordering::SeqCst);
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn short_err(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Io(io) => format!("io: {:?}", io.kind()),
        E::Http(resp) => format!("http {}", resp.status()),
        E::ConnectionClosed => "connection closed".into(),
        E::AlreadyClosed => "already closed".into(),
        E::Protocol(p) => format!("protocol: {p}"),
        other => format!("{other}"),
    }
}

/// Open one connection and, in Vigie mode, say hello and wait for `welcome` and
/// `replay_done`.
async fn open(sh: &Shared, lang: &str) -> Result<Ws, String> {
    let a = &sh.args;
    let cfg = vigie_load::ws_config(vigie_load::READ_BUFFER, vigie_load::WRITE_BUFFER);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(a.url.as_str(), Some(cfg), true)
        .await
        .map_err(|e| format!("connect: {}", short_err(&e)))?;
    if a.mode == Mode::Echo {
        return Ok(ws);
    }
    let hello = serde_json::json!({
        "type": "hello", "v": 1, "bot": a.bot, "lang": lang,
        "visitor_token": null, "conversation": null, "last_seq": 0
    });
    ws.send(Message::text(hello.to_string()))
        .await
        .map_err(|e| format!("hello: {}", short_err(&e)))?;
    let mut welcomed = false;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                let f: Frame = serde_json::from_str(&t).unwrap_or_default();
                match f.kind.as_str() {
                    "welcome" => welcomed = true,
                    "replay_done" if welcomed => return Ok(ws),
                    "replay_done" => return Err("replay_done before welcome".into()),
                    "error" => return Err(format!("error frame: {}", f.code.unwrap_or_default())),
                    _ => {}
                }
            }
            Some(Ok(Message::Close(c))) => {
                return Err(format!(
                    "closed during hello: {}",
                    c.map(|c| format!("{} {}", c.code, c.reason))
                        .unwrap_or_default()
                ))
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("during hello: {}", short_err(&e))),
            None => return Err("eof during hello".into()),
        }
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

async fn connection(
    i: usize,
    sh: Arc<Shared>,
    ready: mpsc::UnboundedSender<(usize, mpsc::UnboundedSender<()>)>,
    mut stop: watch::Receiver<bool>,
) -> ConnStats {
    let mut st = ConnStats::default();
    let lang = if i.is_multiple_of(2) { "fr" } else { "en" };
    let questions = if lang == "fr" {
        QUESTIONS_FR
    } else {
        QUESTIONS_EN
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let to = Duration::from_secs_f64(sh.args.connect_timeout);
    let mut ws = match tokio::time::timeout(to, open(&sh, lang)).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(why)) => {
            sh.connect_failed(why);
            return st;
        }
        Err(_) => {
            sh.connect_failed("timeout".into());
            return st;
        }
    };
    sh.connected.fetch_add(1, Ordering::SeqCst);
    sh.open.fetch_add(1, Ordering::SeqCst);
    let (tx, mut rx) = mpsc::unbounded_channel::<()>();
    let _ = ready.send((i, tx));
    drop(ready);

    let echo = sh.args.mode == Mode::Echo;
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let app_ping = (sh.args.app_ping > 0.0).then(|| Duration::from_secs_f64(sh.args.app_ping));
    let mut ping_timer = tokio::time::interval(app_ping.unwrap_or(Duration::from_secs(3600)));
    ping_timer.tick().await;
    let mut rx_open = true;

    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ping_timer.tick(), if app_ping.is_some() => {
                if let Err(e) = ws.send(Message::text(r#"{"type":"ping"}"#)).await {
                    st.disconnect = Some(format!("send: {}", short_err(&e)));
                    break;
                }
            }
            cmd = rx.recv(), if rx_open => {
                if cmd.is_none() { rx_open = false; continue; }
                let q = questions[(rng.next() % questions.len() as u64) as usize];
                let client_id = uuid::Uuid::new_v4().to_string();
                let frame = serde_json::json!({"type": "send", "client_id": client_id, "text": q});
                let sent_at = Instant::now();
                pending.push_back(Pending { client_id, sent_at, ack_seq: None });
                st.sent += 1;
                if let Err(e) = ws.send(Message::text(frame.to_string())).await {
                    st.disconnect = Some(format!("send: {}", short_err(&e)));
                    break;
                }
            }
            msg = ws.next() => {
                let t = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(c))) => {
                        st.disconnect = Some(format!("server close: {}",
                            c.map(|c| format!("{} {}", c.code, c.reason)).unwrap_or_default()));
                        break;
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => { st.disconnect = Some(short_err(&e)); break; }
                    None => { st.disconnect = Some("eof".into()); break; }
                };
                let now = Instant::now();
                let f: Frame = match serde_json::from_str(&t) {
                    Ok(f) => f,
                    Err(_) => { *st.error_frames.entry("unparsable server frame".into()).or_default() += 1; continue; }
                };
                if echo {
                    if let Some(pos) = f.client_id.as_deref().and_then(|id| pending.iter().position(|p| p.client_id == id)) {
                        let p = pending.remove(pos).unwrap();
                        st.rtt_us.push(micros(now - p.sent_at));
                        sh.outstanding.fetch_sub(1, Ordering::SeqCst);
                    }
                    continue;
                }
                match f.kind.as_str() {
                    "ack" => {
                        if let Some(p) = pending.iter_mut().find(|p| Some(&p.client_id) == f.client_id.as_ref()) {
                            if p.ack_seq.is_none() {
                                st.ack_us.push(micros(now - p.sent_at));
                            }
                            p.ack_seq = f.seq;
                        }
                    }
                    "message" if f.author.as_deref() == Some("bot") => {
                        let seq = f.seq.unwrap_or(i64::MIN);
                        match pending.iter().position(|p| matches!(p.ack_seq, Some(a) if seq > a)) {
                            Some(pos) => {
                                let p = pending.remove(pos).unwrap();
                                st.rtt_us.push(micros(now - p.sent_at));
                                *st.answer_kinds.entry(f.msg_kind.unwrap_or_default()).or_default() += 1;
                                sh.outstanding.fetch_sub(1, Ordering::SeqCst);
                            }
                            None => st.unmatched_bot += 1,
                        }
                    }
                    "error" => {
                        *st.error_frames.entry(f.code.unwrap_or_default()).or_default() += 1;
                        if let Some(pos) = f.client_id.as_deref().and_then(|id| pending.iter().position(|p| p.client_id == id)) {
                            pending.remove(pos);
                            sh.outstanding.fetch_sub(1, Ordering::SeqCst);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    sh.open.fetch_sub(1, Ordering::SeqCst);
    let left = pending.len() as u64;
    sh.outstanding.fetch_sub(left, Ordering::SeqCst);
    if st.disconnect.is_some() {
        st.lost = left;
    } else {
        st.timeouts = left;
        let _ = tokio::time::timeout(Duration::from_secs(2), ws.close(None)).await;
    }
    st
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Report {
    mode: Option<Mode>,
    url: String,
    idle: bool,
    connections: usize,
    connected: usize,
    connect_failed: usize,
    connect_errors: BTreeMap<String, u64>,
    connect_seconds: f64,
    duration_s: f64,
    rate_target: f64,
    sent: u64,
    answered: usize,
    rate_achieved: f64,
    errors: u64,
    error_frames: BTreeMap<String, u64>,
    disconnects: BTreeMap<String, u64>,
    timeouts: u64,
    lost_with_connection: u64,
    unmatched_bot_messages: u64,
    answer_kinds: BTreeMap<String, u64>,
    round_trip: Summary,
    ack: Summary,
    still_open: usize,
    server_rss_before_kb: Option<u64>,
    server_rss_open_kb: Option<u64>,
    server_rss_end_kb: Option<u64>,
    server_kb_per_connection: Option<f64>,
    client_rss_kb: Option<u64>,
}

fn main() {
    let args = Args::parse();
    if let Some(files) = &args.compare {
        std::process::exit(compare(&files[0], &files[1]));
    }
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if args.threads > 0 {
        rt.worker_threads(args.threads);
    }
    let rt = rt.enable_all().build().expect("tokio runtime");
    let report = rt.block_on(run(args.clone()));
    if args.json {
        println!("{}", serde_json::to_string(&report).unwrap());
    } else {
        print_report(&report);
    }
}

async fn run(args: Args) -> Report {
    let n = args.connections;
    match vigie_load::raise_nofile(n as u64 + 256) {
        Ok(lim) if lim < n as u64 + 16 => {
            eprintln!("warning: RLIMIT_NOFILE is {lim}, too low for {n} connections")
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: cannot raise RLIMIT_NOFILE: {e}"),
    }
    if !args.idle && args.mode == Mode::Vigie && args.rate / n.max(1) as f64 > 10.0 {
        eprintln!(
            "warning: {:.1} messages/s per connection exceeds the server's 10/s per visitor",
            args.rate / n.max(1) as f64
        );
    }
    let mut rep = Report {
        mode: Some(args.mode),
        url: args.url.clone(),
        idle: args.idle,
        connections: n,
        rate_target: if args.idle { 0.0 } else { args.rate },
        ..Default::default()
    };
    rep.server_rss_before_kb = args.pid.and_then(rss_kb);
    let sh = Arc::new(Shared {
        args: args.clone(),
        connected: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        open: AtomicUsize::new(0),
        outstanding: AtomicU64::new(0),
        connect_errors: Mutex::new(BTreeMap::new()),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();

    // Ramp-up.
    let t0 = Instant::now();
    let mut handles = Vec::with_capacity(n);
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    while handles.len() < n {
        tick.tick().await;
        let due = ((t0.elapsed().as_secs_f64() * args.ramp).ceil() as usize).clamp(1, n);
        while handles.len() < due {
            let i = handles.len();
            handles.push(tokio::spawn(connection(
                i,
                sh.clone(),
                ready_tx.clone(),
                stop_rx.clone(),
            )));
        }
    }
    drop(ready_tx);
    let mut conns: Vec<(usize, mpsc::UnboundedSender<()>)> = Vec::with_capacity(n);
    let deadline = Instant::now() + Duration::from_secs_f64(args.connect_timeout + 5.0);
    let mut last_print = Instant::now();
    while sh.connected.load(Ordering::SeqCst) + sh.failed.load(Ordering::SeqCst) < n
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if !args.json && last_print.elapsed() > Duration::from_secs(5) {
            last_print = Instant::now();
            eprintln!(
                "  ... {} connected, {} failed",
                sh.connected.load(Ordering::SeqCst),
                sh.failed.load(Ordering::SeqCst)
            );
        }
    }
    while let Ok(c) = ready_rx.try_recv() {
        conns.push(c);
    }
    conns.sort_by_key(|c| c.0);
    rep.connect_seconds = t0.elapsed().as_secs_f64();
    rep.connected = sh.connected.load(Ordering::SeqCst);
    rep.connect_failed = n - rep.connected;
    if !args.json {
        eprintln!(
            "{} connected, {} failed, in {:.1} s",
            rep.connected, rep.connect_failed, rep.connect_seconds
        );
    }

    let load_start = Instant::now();
    let dur = Duration::from_secs_f64(args.duration);
    if args.idle {
        tokio::time::sleep(Duration::from_secs(2)).await;
        rep.server_rss_open_kb = args.pid.and_then(rss_kb);
        let open_then = sh.open.load(Ordering::SeqCst);
        if let (Some(b), Some(o)) = (rep.server_rss_before_kb, rep.server_rss_open_kb) {
            if open_then > 0 {
                rep.server_kb_per_connection = Some((o as f64 - b as f64) / open_then as f64);
            }
        }
        let mut last = Instant::now();
        while load_start.elapsed() < dur {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if !args.json && last.elapsed() >= Duration::from_secs(10) {
                last = Instant::now();
                eprintln!(
                    "  t={:>4.0}s open={} server_rss={:?} KiB",
                    load_start.elapsed().as_secs_f64(),
                    sh.open.load(Ordering::SeqCst),
                    args.pid.and_then(rss_kb)
                );
            }
        }
        rep.server_rss_end_kb = args.pid.and_then(rss_kb);
    } else if !conns.is_empty() {
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut sent: u64 = 0;
        let mut next = 0usize;
        loop {
            tick.tick().await;
            let el = load_start.elapsed();
            if el >= dur {
                break;
            }
            let due = (el.as_secs_f64() * args.rate) as u64;
            while sent < due {
                let mut tries = 0;
                loop {
                    let c = &conns[next % conns.len()];
                    next += 1;
                    tries += 1;
                    sh.outstanding.fetch_add(1, Ordering::SeqCst);
                    if c.1.send(()).is_ok() {
                        break;
                    }
                    sh.outstanding.fetch_sub(1, Ordering::SeqCst);
                    if tries > conns.len() {
                        break;
                    }
                }
                sent += 1;
            }
        }
        let send_secs = load_start.elapsed().as_secs_f64();
        let drain_end = Instant::now() + Duration::from_secs_f64(args.drain);
        while sh.outstanding.load(Ordering::SeqCst) > 0 && Instant::now() < drain_end {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        rep.duration_s = send_secs;
    }
    if args.idle {
        rep.duration_s = load_start.elapsed().as_secs_f64();
    }
    rep.still_open = sh.open.load(Ordering::SeqCst);
    rep.client_rss_kb = rss_kb(std::process::id());
    let _ = stop_tx.send(true);

    let mut rtt = Vec::new();
    let mut ack = Vec::new();
    for h in handles {
        let Ok(st) = h.await else { continue };
        rep.sent += st.sent;
        rtt.extend(st.rtt_us);
        ack.extend(st.ack_us);
        for (k, v) in st.error_frames {
            *rep.error_frames.entry(k).or_default() += v;
        }
        for (k, v) in st.answer_kinds {
            *rep.answer_kinds.entry(k).or_default() += v;
        }
        if let Some(d) = st.disconnect {
            *rep.disconnects.entry(d).or_default() += 1;
        }
        rep.timeouts += st.timeouts;
        rep.lost_with_connection += st.lost;
        rep.unmatched_bot_messages += st.unmatched_bot;
    }
    rep.connect_errors = sh.connect_errors.lock().unwrap().clone();
    rep.answered = rtt.len();
    if rep.duration_s > 0.0 && !args.idle {
        rep.rate_achieved = rep.sent as f64 / rep.duration_s;
    }
    rep.round_trip = Summary::from_micros(&mut rtt);
    rep.ack = Summary::from_micros(&mut ack);
    rep.errors = rep.connect_failed as u64
        + rep.error_frames.values().sum::<u64>()
        + rep.disconnects.values().sum::<u64>()
        + rep.timeouts
        + rep.lost_with_connection;
    rep
}

fn print_report(r: &Report) {
    println!(
        "mode={:?} url={} connections={} connected={} failed={} ({:.1} s)",
        r.mode.unwrap_or(Mode::Vigie),
        r.url,
        r.connections,
        r.connected,
        r.connect_failed,
        r.connect_seconds
    );
    if !r.connect_errors.is_empty() {
        println!("connect errors: {:?}", r.connect_errors);
    }
    if r.idle {
        println!(
            "idle {:.0} s: still open {} of {}",
            r.duration_s, r.still_open, r.connected
        );
        if let (Some(b), Some(o)) = (r.server_rss_before_kb, r.server_rss_open_kb) {
            println!(
                "server RSS: before {} KiB, all open {} KiB, end {} KiB => {:.1} KiB per idle connection",
                b,
                o,
                r.server_rss_end_kb.unwrap_or(0),
                r.server_kb_per_connection.unwrap_or(0.0)
            );
        }
    } else {
        println!(
            "sent={} answered={} errors={} rate target={:.0}/s achieved={:.1}/s over {:.1} s",
            r.sent, r.answered, r.errors, r.rate_target, r.rate_achieved, r.duration_s
        );
        println!("round trip (send -> answer): {}", r.round_trip.line());
        if r.ack.count > 0 {
            println!("ack        (send -> ack):    {}", r.ack.line());
        }
        if !r.answer_kinds.is_empty() {
            println!("answer kinds: {:?}", r.answer_kinds);
        }
        if r.timeouts + r.lost_with_connection + r.unmatched_bot_messages > 0 {
            println!(
                "unanswered: {} timeouts, {} lost with their connection; {} unmatched bot messages",
                r.timeouts, r.lost_with_connection, r.unmatched_bot_messages
            );
        }
    }
    if !r.error_frames.is_empty() {
        println!("error frames: {:?}", r.error_frames);
    }
    if !r.disconnects.is_empty() {
        println!("disconnects during the run: {:?}", r.disconnects);
    }
    if let Some(c) = r.client_rss_kb {
        println!("client RSS: {c} KiB");
    }
}

fn load_report(path: &str) -> Result<Report, String> {
    let s = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_str(s.trim()).map_err(|e| format!("{path}: {e}"))
}

/// Print Vigie's figures as a ratio to the echo floor.
fn compare(floor: &str, vigie: &str) -> i32 {
    let (f, v) = match (load_report(floor), load_report(vigie)) {
        (Ok(f), Ok(v)) => (f, v),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    if f.idle || v.idle {
        println!(
            "idle connections still open: echo {}/{}  vigie {}/{}",
            f.still_open, f.connected, v.still_open, v.connected
        );
        let (fk, vk) = (
            f.server_kb_per_connection.unwrap_or(f64::NAN),
            v.server_kb_per_connection.unwrap_or(f64::NAN),
        );
        println!(
            "server memory per idle connection: echo {fk:.1} KiB  vigie {vk:.1} KiB  ratio x{:.1}",
            ratio(vk, fk)
        );
        return 0;
    }
    println!(
        "                 {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}",
        "p50 ms", "p90 ms", "p99 ms", "max ms", "answered", "errors"
    );
    for (name, r, s) in [
        ("echo floor", &f, &f.round_trip),
        ("vigie answer", &v, &v.round_trip),
        ("vigie ack", &v, &v.ack),
    ] {
        println!(
            "{name:<16} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>8} {:>8}",
            s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms, s.count, r.errors
        );
    }
    println!(
        "vigie / echo round trip: p50 x{:.1}  p99 x{:.1}   (vigie achieved {:.1}/s of {:.0}/s)",
        ratio(v.round_trip.p50_ms, f.round_trip.p50_ms),
        ratio(v.round_trip.p99_ms, f.round_trip.p99_ms),
        v.rate_achieved,
        v.rate_target
    );
    if v.errors > 0 {
        println!(
            "vigie errors: connect {:?} frames {:?} disconnects {:?} timeouts {} lost {}",
            v.connect_errors, v.error_frames, v.disconnects, v.timeouts, v.lost_with_connection
        );
    }
    0
}
