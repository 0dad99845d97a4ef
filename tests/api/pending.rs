//! Nothing stored before the visitor writes (issue 15, item 2): opening the chatbox
//! (`hello`) writes no row; the visitor, the conversation, the token's hash and the
//! context are stored with the first message; `hello`s are limited per client address.

use crate::helpers::*;
use serde_json::{json, Value};
use sqlx::Row;
use std::time::Duration;
use vigie::store::Backend;

/// The rows a chatbox could make the server write.
const TABLES: [&str; 4] = ["visitors", "conversations", "messages", "visitor_pages"];

async fn counts(app: &TestApp) -> Vec<i64> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.db_url)
        .await
        .unwrap();
    let mut out = Vec::new();
    for t in TABLES {
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {t}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        out.push(row.try_get::<i64, _>("n").unwrap());
    }
    out
}

async fn scalar(app: &TestApp, sql: &str) -> Option<String> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.db_url)
        .await
        .unwrap();
    sqlx::query(sql)
        .fetch_optional(&mut conn)
        .await
        .unwrap()
        .map(|r| r.try_get::<String, _>(0).unwrap())
}

/// The SQLite database file and its write-ahead log, in bytes (none on PostgreSQL).
fn sqlite_bytes(app: &TestApp) -> Option<(u64, u64)> {
    let path = app.db_url.strip_prefix("sqlite://")?.split('?').next()?;
    let size = |p: String| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    Some((size(path.to_string()), size(format!("{path}-wal"))))
}

/// A raw `hello` on `v`'s socket: its welcome (after which `replay_done` was read).
async fn hello(v: &mut Visitor, extra: Value) -> Value {
    let mut frame = json!({"type": "hello", "v": 1, "bot": "demo", "lang": "fr",
        "visitor_token": v.token, "conversation": v.conversation, "last_seq": 0});
    for (k, val) in extra.as_object().unwrap() {
        frame[k] = val.clone();
    }
    v.send(frame).await;
    let welcome = v.expect("welcome").await;
    let done = v.expect("replay_done").await;
    assert_eq!(done["last_seq"], 0, "{done}");
    assert_eq!(welcome["last_seq"], 0, "{welcome}");
    welcome
}

fn context(i: usize) -> Value {
    json!({"context": {
        "page": {"url": format!("https://shop.example/p/{i}"), "title": "Produit", "at": 0},
        "pages": [{"url": "https://shop.example/", "title": "Accueil", "at": 0}],
        "referrer": "https://www.qwant.com/", "time_zone": "Europe/Paris",
        "languages": ["fr-FR"], "attributes": {"contrat": "Pro"}}})
}

/// 10,000 `hello`s on four sockets (new visitors, reconnections with the token and
/// conversation a previous `welcome` gave, with a context and `page` frames): no visitor,
/// no conversation, no row at all, and the SQLite file and its log keep their size.
async fn ten_thousand_hellos_store_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.hello_per_minute = 20_000).await;
    // Whatever a first visit warms up (the deployed matcher…) is done before measuring.
    let mut warm = Visitor::connect(&app).await;
    hello(&mut warm, json!({})).await;
    warm.close().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = counts(&app).await;
    let bytes = sqlite_bytes(&app);
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let mut v = Visitor::connect(&app).await;
        tasks.push(tokio::spawn(async move {
            for i in 0..2_500 {
                match i % 3 {
                    // A new visitor.
                    0 => {
                        (v.token, v.conversation) = (None, None);
                        let w = hello(&mut v, json!({})).await;
                        v.token = w["visitor_token"].as_str().map(str::to_string);
                        v.conversation = w["conversation"].as_str().map(str::to_string);
                        assert!(v.token.as_deref().unwrap().starts_with("vt_"));
                    }
                    // The same browser reconnecting before its first message: the same
                    // token and conversation.
                    1 => {
                        let w = hello(&mut v, json!({})).await;
                        assert_eq!(w["visitor_token"].as_str(), v.token.as_deref());
                        assert_eq!(w["conversation"].as_str(), v.conversation.as_deref());
                    }
                    // With what the page reports, then a navigation and typing.
                    _ => {
                        hello(&mut v, context(i)).await;
                        v.send(json!({"type": "page", "page": {"url": format!("https://shop.example/q/{i}"), "title": "Q", "at": 0}})).await;
                        v.send(json!({"type": "typing", "on": true})).await;
                    }
                }
            }
            v.close().await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(counts(&app).await, rows, "rows of {TABLES:?}");
    assert_eq!(sqlite_bytes(&app), bytes, "the SQLite file and WAL sizes");
    app.finish().await;
}

/// The first message stores the visitor (its token's hash, the context held in memory
/// and the pages since), the conversation (the id `welcome` gave) and the message, then
/// is acknowledged; a resend of its client id from a new connection is stored once.
async fn the_first_message_stores_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rows = counts(&app).await;
    let mut v = Visitor::connect(&app).await;
    let welcome = hello(&mut v, context(1)).await;
    v.token = welcome["visitor_token"].as_str().map(str::to_string);
    v.conversation = welcome["conversation"].as_str().map(str::to_string);
    let (token, conv) = (v.token.clone().unwrap(), v.conversation.clone().unwrap());
    v.send(json!({"type": "page", "page": {"url": "https://shop.example/compte", "title": "Compte", "at": 0}}))
        .await;
    // Nothing to rate, mail or survey yet, and a refused text stores nothing either.
    v.send(json!({"type": "feedback", "client_id": "f-1", "seq": 2, "helpful": true}))
        .await;
    assert_eq!(v.expect("error").await["client_id"], "f-1");
    v.send(json!({"type": "send", "client_id": "empty", "text": "   "}))
        .await;
    let refused = v.expect("error").await;
    assert_eq!(refused["client_id"], "empty", "{refused}");
    assert_eq!(counts(&app).await, rows);

    let (ack, mine, bot) = v.say("first", "j'ai oublié mon mot de passe").await;
    assert_eq!(
        (ack["seq"].as_i64(), ack["duplicate"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(
        (mine["seq"].as_i64(), bot["seq"].as_i64()),
        (Some(1), Some(2))
    );
    let after = counts(&app).await;
    assert_eq!(after[0], rows[0] + 1, "one visitor");
    assert_eq!(after[1], rows[1] + 1, "one conversation");
    assert_eq!(after[2], rows[2] + 2, "the message and the answer");
    let hash = vigie::auth::token_hash(&token);
    let owner = scalar(
        &app,
        &format!(
            "SELECT v.token_hash FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
             WHERE c.public_id = '{conv}'"
        ),
    )
    .await;
    assert_eq!(
        owner,
        Some(hash),
        "the conversation `welcome` named, of the token it gave"
    );
    let pages = scalar(
        &app,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM visitor_pages p \
             JOIN conversations c ON c.visitor_id = p.visitor_id WHERE c.public_id = '{conv}' \
             AND p.url IN ('https://shop.example/', 'https://shop.example/p/1', 'https://shop.example/compte')"
        ),
    )
    .await;
    assert_eq!(
        pages.as_deref(),
        Some("3"),
        "the pages held in memory were stored"
    );
    let referrer = scalar(
        &app,
        &format!(
            "SELECT v.referrer FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
             WHERE c.public_id = '{conv}'"
        ),
    )
    .await;
    assert_eq!(referrer.as_deref(), Some("https://www.qwant.com/"));
    v.close().await;

    // The same browser comes back: its stored conversation, and the resend of the first
    // message (its ack lost) is answered with what was stored, not stored again.
    let mut back = Visitor::connect(&app).await;
    back.token = Some(token.clone());
    back.conversation = Some(conv.clone());
    let (w, replay) = back.hello("demo").await;
    assert_eq!(w["conversation"], conv.as_str());
    assert_eq!(w["last_seq"], 2);
    assert_eq!(replay.len(), 2);
    back.send(
        json!({"type": "send", "client_id": "first", "text": "j'ai oublié mon mot de passe"}),
    )
    .await;
    let again = back.expect("ack").await;
    assert_eq!(
        (again["seq"].as_i64(), again["duplicate"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(counts(&app).await[..3], after[..3]);
    app.finish().await;
}

/// A browser reconnecting before its first message keeps its token and conversation id,
/// and a first write interrupted after the visitor was stored (a crash) goes on in the
/// conversation `welcome` named once retried.
async fn a_reconnection_before_the_first_message_keeps_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rows = counts(&app).await;
    let mut first = Visitor::connect(&app).await;
    let w = hello(&mut first, json!({})).await;
    let (token, conv) = (
        w["visitor_token"].as_str().unwrap().to_string(),
        w["conversation"].as_str().unwrap().to_string(),
    );
    first.close().await;
    let mut again = Visitor::connect(&app).await;
    again.token = Some(token.clone());
    again.conversation = Some(conv.clone());
    let w = hello(&mut again, json!({})).await;
    assert_eq!(w["visitor_token"], token.as_str());
    assert_eq!(w["conversation"], conv.as_str());
    assert_eq!(counts(&app).await, rows);
    let (ack, _, _) = again.say("r-1", "mon vpn est lent").await;
    assert_eq!(ack["seq"], 1);
    let stored = app.store.conversation_by_public_id(&conv).await.unwrap();
    assert_eq!(stored.last_seq, 2);

    // A token that is not of the shape the server makes is replaced.
    let mut forged = Visitor::connect(&app).await;
    forged.token = Some("vt_short".into());
    let w = hello(&mut forged, json!({})).await;
    assert_ne!(w["visitor_token"], "vt_short");

    // The first attempt stored the visitor, then the node stopped: the retry stores the
    // conversation `welcome` named, under that visitor.
    let mut cut = Visitor::connect(&app).await;
    let w = hello(&mut cut, json!({})).await;
    let (token, conv) = (
        w["visitor_token"].as_str().unwrap().to_string(),
        w["conversation"].as_str().unwrap().to_string(),
    );
    let bot = app.store.bot("demo").await.unwrap();
    app.sql(&format!(
        "INSERT INTO visitors (bot_id, token_hash, created_at, last_seen_at) VALUES ({}, '{}', 1, 1)",
        bot.id,
        vigie::auth::token_hash(&token)
    ))
    .await;
    cut.close().await;
    let mut retry = Visitor::connect(&app).await;
    retry.token = Some(token.clone());
    retry.conversation = Some(conv.clone());
    let w = hello(&mut retry, json!({})).await;
    assert_eq!(w["conversation"], conv.as_str());
    let (ack, _, _) = retry.say("c-1", "imprimante bloquée").await;
    assert_eq!(ack["seq"], 1);
    let owner = scalar(
        &app,
        &format!(
            "SELECT v.token_hash FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
             WHERE c.public_id = '{conv}'"
        ),
    )
    .await;
    assert_eq!(owner, Some(vigie::auth::token_hash(&token)));
    app.finish().await;
}

/// `hello`s are limited per client address: past the limit `rate_limited` and the socket
/// closes (1008); another address is not affected. Behind a trusted proxy, the address is
/// the forwarded one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hellos_are_limited_per_address() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.hello_per_minute = 5;
        s.trusted_proxies = vec![vigie::config::IpBlock::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let mut a = Visitor::connect_from(&app, "203.0.113.7").await;
    for _ in 0..5 {
        hello(&mut a, json!({})).await;
    }
    a.send(json!({"type": "hello", "v": 1, "bot": "demo"}))
        .await;
    let (seen, code) = a.until_closed().await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["code"], "rate_limited", "{seen:?}");
    assert_eq!(code, Some(1008));
    // Another address opens its chatbox.
    let mut b = Visitor::connect_from(&app, "198.51.100.1").await;
    hello(&mut b, json!({})).await;
    // The first one, on a new socket, is still refused.
    let mut a2 = Visitor::connect_from(&app, "203.0.113.7").await;
    a2.send(json!({"type": "hello", "v": 1, "bot": "demo"}))
        .await;
    let (seen, code) = a2.until_closed().await;
    assert_eq!(seen[0]["code"], "rate_limited", "{seen:?}");
    assert_eq!(code, Some(1008));
    app.finish().await;

    // 0: no limit.
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.hello_per_minute = 0).await;
    let mut v = Visitor::connect(&app).await;
    for _ in 0..100 {
        hello(&mut v, json!({})).await;
    }
    app.finish().await;
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use vigie::store::Backend;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(Backend::Postgres).await;
                }
            }
        )*
    };
}

on_both!(
    ten_thousand_hellos_store_nothing,
    the_first_message_stores_the_session,
    a_reconnection_before_the_first_message_keeps_the_session,
);
