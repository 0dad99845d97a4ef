//! Issue 15, items 4 and 7, on the `vigie` binary as an operations team runs it: a
//! kill -9 under concurrent load loses nothing acknowledged and stores nothing twice
//! (group commit), SIGTERM closes the sockets with 1012 and exits cleanly, metrics on
//! their own listener, `vigie backup` while serving and `vigie restore`.

use crate::helpers::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use vigie::store::Backend;

const BIN: &str = env!("CARGO_BIN_EXE_vigie");

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &str, dir: &Path, metrics: Option<&str>) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .env("VIGIE_DATABASE_URL", db)
            .env("VIGIE_DATA_DIR", dir)
            .env("VIGIE_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(m) = metrics {
            cmd.env("VIGIE_METRICS_LISTEN", m);
        }
        let mut child = cmd.spawn().expect("vigie serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut base = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(url) = line.trim().strip_prefix("Vigie is listening on ") {
                base = Some(url.to_string());
            }
            if line.contains("Bot `demo`") {
                break;
            }
        }
        // Keep reading: a closed pipe would fail the server's next line.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            base: base.expect("listening address printed"),
        }
    }

    fn ws(&self) -> String {
        format!("{}/ws/visitor", self.base.replace("http://", "ws://"))
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(sig)
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn frame(ws: &mut Socket) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return Some(serde_json::from_str(&t).unwrap()),
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return None,
            Ok(Some(Ok(_))) => continue,
            Err(_) => panic!("no frame within 10 s"),
        }
    }
}

/// A visitor's socket after hello (resuming `token`/`conversation` if given).
async fn visitor(url: &str, token: Option<&str>, conversation: Option<&str>) -> (Socket, Value) {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connects");
    let hello = json!({"type": "hello", "v": 1, "bot": "demo", "lang": "fr",
        "visitor_token": token, "conversation": conversation, "last_seq": 0});
    ws.send(Message::Text(hello.to_string().into()))
        .await
        .unwrap();
    let (mut welcome, mut replayed) = (Value::Null, 0);
    loop {
        let f = frame(&mut ws).await.expect("welcome then replay_done");
        match f["type"].as_str() {
            Some("welcome") => welcome = f,
            Some("message") => replayed += 1,
            Some("replay_done") => {
                welcome["replayed"] = json!(replayed);
                return (ws, welcome);
            }
            _ => {}
        }
    }
}

/// Sends `text` under `client_id` and waits for its ack (other frames skipped).
async fn send(ws: &mut Socket, client_id: &str, text: &str) -> Option<Value> {
    let f = json!({"type": "send", "client_id": client_id, "text": text});
    ws.send(Message::Text(f.to_string().into())).await.ok()?;
    loop {
        let f = frame(ws).await?;
        if f["type"] == "ack" && f["client_id"] == client_id {
            return Some(f);
        }
        assert_ne!(f["type"], "error", "{f}");
    }
}

/// (conversation id, seq, client id) of every stored message that has a client id,
/// and every conversation's (last_seq, stored count, max seq).
async fn stored(db: &str) -> (Vec<(i64, i64, String)>, Vec<(i64, i64, i64, i64)>) {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(db)
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT conversation_id, seq, client_id FROM messages WHERE client_id IS NOT NULL",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let msgs = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let rows = sqlx::query(
        "SELECT c.id, c.last_seq, COUNT(m.seq), COALESCE(MAX(m.seq), 0) FROM conversations c \
         LEFT JOIN messages m ON m.conversation_id = c.id GROUP BY c.id, c.last_seq",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let convs = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    (msgs, convs)
}

/// kill -9 while 16 visitors write (each paced under the per-visitor limit): after a restart,
/// every acknowledged message is stored once with the number its ack gave, no
/// conversation has a gap, and resending everything (acknowledged or not) stores each
/// client id once.
async fn kill_9_under_load(backend: Backend, failover: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, pg) = fresh_database(backend, dir.path()).await;
    let server = Server::start(&db, dir.path(), None);
    // Item 5: a second node on the same PostgreSQL, where the clients go once the first
    // is killed (as behind a load balancer).
    let other = dir.path().join("node-b");
    let standby = failover.then(|| Server::start(&db, &other, None));
    let url = server.ws();
    let mut tasks = Vec::new();
    for v in 0..16 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ws, welcome) = visitor(&url, None, None).await;
            let token = welcome["visitor_token"].as_str().map(str::to_string);
            let conversation = welcome["conversation"].as_str().map(str::to_string);
            let (mut acked, mut sent) = (Vec::new(), Vec::new());
            for i in 0.. {
                // Paced under the server's 10 frames per second per visitor.
                tokio::time::sleep(Duration::from_millis(110)).await;
                let cid = format!("v{v}-{i}");
                sent.push(cid.clone());
                match send(&mut ws, &cid, "le vpn est lent").await {
                    Some(ack) => acked.push((cid, ack["seq"].as_i64().unwrap())),
                    None => break,
                }
            }
            (token, conversation, sent, acked)
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut server = server;
    server.signal("-KILL");
    server.child.wait().unwrap();
    let mut visitors = Vec::new();
    for t in tasks {
        visitors.push(t.await.unwrap());
    }
    let acked: HashMap<String, i64> = visitors.iter().flat_map(|v| v.3.iter().cloned()).collect();
    assert!(acked.len() > 50, "the load ran: {} acks", acked.len());

    let (msgs, convs) = stored(&db).await;
    let mut once = HashSet::new();
    for (_, _, cid) in &msgs {
        assert!(once.insert(cid.clone()), "{cid} stored twice");
    }
    let by_cid: HashMap<&str, i64> = msgs.iter().map(|m| (m.2.as_str(), m.1)).collect();
    for (cid, seq) in &acked {
        assert_eq!(
            by_cid.get(cid.as_str()),
            Some(seq),
            "{cid} acknowledged, then lost"
        );
    }
    for (id, last, count, max) in &convs {
        assert!(
            last == count && count == max,
            "conversation {id}: last_seq {last}, {count} messages, max seq {max} (a gap)"
        );
    }

    // Restart (or go to the other node); every visitor resumes its conversation, gets
    // back everything stored, and resends everything it sent under the same client ids.
    let server = match standby {
        Some(node) => node,
        None => Server::start(&db, dir.path(), None),
    };
    for (token, conversation, sent, acked) in &visitors {
        let (mut ws, welcome) =
            visitor(&server.ws(), token.as_deref(), conversation.as_deref()).await;
        assert_eq!(
            welcome["conversation"].as_str(),
            conversation.as_deref(),
            "resumed"
        );
        let replayed = welcome["replayed"].as_u64().unwrap() as usize;
        assert!(
            replayed >= 2 * acked.len(),
            "every acknowledged message and its answer replayed: {replayed} for {} acks",
            acked.len()
        );
        for cid in sent {
            tokio::time::sleep(Duration::from_millis(110)).await;
            let ack = send(&mut ws, cid, "le vpn est lent").await.expect("ack");
            if let Some((_, seq)) = acked.iter().find(|(c, _)| c == cid) {
                assert_eq!(ack["duplicate"], true, "{cid}");
                assert_eq!(ack["seq"].as_i64(), Some(*seq), "{cid}");
            }
        }
    }
    let (msgs, _) = stored(&db).await;
    let sent: usize = visitors.iter().map(|v| v.2.len()).sum();
    assert_eq!(msgs.len(), sent, "each client id stored exactly once");
    let mut server = server;
    server.signal("-TERM");
    assert!(server.child.wait().unwrap().success());
    if let Some(name) = pg {
        drop_database(&name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_nothing_acknowledged_sqlite() {
    kill_9_under_load(Backend::Sqlite, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_nothing_acknowledged_postgres() {
    kill_9_under_load(Backend::Postgres, false).await;
}

/// Two nodes on one PostgreSQL: the visitors' node is killed mid-load; they reconnect
/// to the other node and resume with nothing lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_load_its_visitors_resume_on_another() {
    kill_9_under_load(Backend::Postgres, true).await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(db: &str, dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("VIGIE_DATABASE_URL", db)
        .env("VIGIE_DATA_DIR", dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Metrics on their own listener; a backup taken while serving; SIGTERM closes the
/// sockets with 1012 and exits 0; restore refuses to overwrite without `--force`,
/// refuses what is not a Vigie database, and brings back the backup's state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_backup_graceful_shutdown_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vigie.db");
    let db = format!("sqlite://{}?mode=rwc", file.display());
    let metrics = format!("127.0.0.1:{}", free_port());
    let server = Server::start(&db, dir.path(), Some(&metrics));
    let (mut ws, _) = visitor(&server.ws(), None, None).await;
    for i in 0..3 {
        let ack = send(&mut ws, &format!("before-{i}"), "le vpn est lent")
            .await
            .unwrap();
        assert_eq!(ack["duplicate"], false);
    }

    let http = reqwest::Client::new();
    let text = http
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "vigie_connections{kind=\"visitor\"} 1",
        "vigie_messages_stored_total ",
        "vigie_ack_seconds_bucket",
        "vigie_ack_seconds_count 3",
        "vigie_matcher_seconds_count",
        "vigie_writer_batch_size_bucket",
        "vigie_queue_length 0",
        "vigie_operators{status=\"offline\"}",
        "vigie_mail_outbox{status=\"queued\"}",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let main = http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(main.status(), 404, "metrics only on their own listener");

    let backup = dir.path().join("backup.db");
    let b = backup.to_str().unwrap();
    let (ok, out) = run(&db, dir.path(), &["backup", "--output", b]);
    assert!(ok, "{out}");
    let (ok, out) = run(&db, dir.path(), &["backup", "--output", b]);
    assert!(!ok && out.contains("already exists"), "{out}");
    send(&mut ws, "after-backup", "le vpn est lent")
        .await
        .unwrap();

    // SIGTERM: the socket is told to reconnect elsewhere, the process exits 0.
    let mut server = server;
    server.signal("-TERM");
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Close(c)))) => break c,
            Ok(Some(Ok(_))) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    };
    assert_eq!(u16::from(close.expect("a close code").code), 1012);
    assert!(server.child.wait().unwrap().success());
    let (msgs, _) = stored(&db).await;
    assert!(msgs.iter().any(|m| m.2 == "after-backup"));

    let (ok, out) = run(&db, dir.path(), &["restore", "--input", b]);
    assert!(!ok && out.contains("--force"), "{out}");
    let (msgs, _) = stored(&db).await;
    assert!(
        msgs.iter().any(|m| m.2 == "after-backup"),
        "refused: unchanged"
    );
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database at all").unwrap();
    let (ok, out) = run(
        &db,
        dir.path(),
        &["restore", "--input", junk.to_str().unwrap(), "--force"],
    );
    assert!(!ok && out.contains("not a SQLite database"), "{out}");
    let (ok, out) = run(&db, dir.path(), &["restore", "--input", b, "--force"]);
    assert!(ok, "{out}");
    let (msgs, _) = stored(&db).await;
    let mut cids: Vec<&str> = msgs.iter().map(|m| m.2.as_str()).collect();
    cids.sort();
    assert_eq!(cids, ["before-0", "before-1", "before-2"]);
    // The restored database serves.
    let server = Server::start(&db, dir.path(), None);
    let (mut ws, _) = visitor(&server.ws(), None, None).await;
    assert!(send(&mut ws, "restored", "bonjour").await.is_some());
    let mut server = server;
    server.signal("-TERM");
    assert!(server.child.wait().unwrap().success());
}

#[tokio::test]
async fn backup_and_restore_of_postgresql_point_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let db = "postgres://nobody@127.0.0.1:5432/none";
    let (ok, out) = run(db, dir.path(), &["backup", "--output", "x.dump"]);
    assert!(!ok && out.contains("pg_dump"), "{out}");
    let (ok, out) = run(db, dir.path(), &["restore", "--input", "x.dump"]);
    assert!(!ok && out.contains("pg_restore"), "{out}");
}
