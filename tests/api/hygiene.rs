//! Hardening (issue 15): no client can starve the server of connections (timeouts, a cap
//! per address, forwarded addresses behind a trusted proxy), every socket Vigie ends gets
//! a close code, and a revoked or expired monitored link closes the sockets it opened, on
//! every node.

use crate::helpers::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use vigie::store::Backend;

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Whether the server closed this connection (EOF or reset) within `within`.
async fn closed_within(tcp: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, tcp.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 or similar before the close: keep reading.
            Ok(Ok(_)) => continue,
        }
    }
}

/// GET /healthz over a fresh connection, answered within 2 s.
async fn healthz_answers(app: &TestApp) {
    let started = Instant::now();
    let r = tokio::time::timeout(
        Duration::from_secs(2),
        reqwest::Client::new().get(app.url("/healthz")).send(),
    )
    .await
    .expect("/healthz answers within 2 s")
    .unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Hundreds of silent connections, half-sent headers and a client sending a byte every
/// second: `/healthz` and a new visitor still get through at once, and the slow ones are
/// closed once the header-read timeout is over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_silent_clients_do_not_starve_the_server() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.header_read_timeout = Duration::from_secs(2);
        s.idle_timeout = Duration::from_secs(3);
        s.max_connections_per_address = 1000;
    })
    .await;
    let opened = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..300 {
        silent.push(TcpStream::connect(addr(&app)).await.unwrap());
    }
    let mut half = Vec::new();
    for _ in 0..50 {
        let mut tcp = TcpStream::connect(addr(&app)).await.unwrap();
        tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        half.push(tcp);
    }
    // A byte every second: each byte is progress, but never enough for the headers.
    let mut dripping = TcpStream::connect(addr(&app)).await.unwrap();
    let drip = tokio::spawn(async move {
        let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long-Header: aaaaaaaaaaaaaaaaaaaaaa";
        for b in request {
            if dripping.write_all(&[*b]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        false
    });

    healthz_answers(&app).await;
    let mut v = Visitor::connect(&app).await;
    let (welcome, _) = v.hello("demo").await;
    assert_eq!(welcome["type"], "welcome");
    v.say("c-1", "mon vpn est lent").await;

    // Past the header-read timeout, every slow connection is closed.
    for tcp in silent.iter_mut().chain(half.iter_mut()) {
        assert!(
            closed_within(tcp, Duration::from_secs(5)).await,
            "a slow connection is still open {:?} after it was opened",
            opened.elapsed()
        );
    }
    assert!(
        tokio::time::timeout(Duration::from_secs(10), drip)
            .await
            .expect("the dripping client is cut within 10 s")
            .unwrap(),
        "the connection sending a byte a second was closed before its headers were complete"
    );
    // The visitor's socket (upgraded) lives on its heartbeat, not the HTTP timeouts.
    v.say("c-2", "et mon badge").await;
    healthz_answers(&app).await;
    v.close().await;
    app.finish().await;
}

/// A kept-alive HTTP connection with nothing to do is closed after the timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.header_read_timeout = Duration::from_secs(2);
        s.idle_timeout = Duration::from_secs(2);
    })
    .await;
    let mut tcp = TcpStream::connect(addr(&app)).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tcp.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    assert!(closed_within(&mut tcp, Duration::from_secs(6)).await);
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "closed after {:?}, before its timeout",
        started.elapsed()
    );
    app.finish().await;
}

/// One address holds at most `max_connections_per_address` connections, WebSockets
/// included; a slot freed is usable again; other addresses are not affected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holds_a_bounded_number_of_connections() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.header_read_timeout = Duration::from_secs(30);
        s.max_connections_per_address = 3;
    })
    .await;
    let mut first = Visitor::connect(&app).await;
    first.hello("demo").await;
    let mut second = Visitor::connect(&app).await;
    second.hello("demo").await;
    let mut third = TcpStream::connect(addr(&app)).await.unwrap();
    // Three open (two WebSockets, one silent): the fourth is closed at once.
    let mut fourth = TcpStream::connect(addr(&app)).await.unwrap();
    assert!(closed_within(&mut fourth, Duration::from_secs(2)).await);
    assert!(!closed_within(&mut third, Duration::from_millis(300)).await);
    // A WebSocket closed gives its place back.
    first.close().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    healthz_answers(&app).await;
    drop(third);
    drop(second);
    app.finish().await;

    // 0: no cap (the load tools open thousands of sockets from one address).
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.max_connections_per_address = 0).await;
    let mut many = Vec::new();
    for _ in 0..400 {
        many.push(TcpStream::connect(addr(&app)).await.unwrap());
    }
    healthz_answers(&app).await;
    drop(many);
    app.finish().await;
}

/// Behind a trusted proxy the forwarded address is the client's: its WebSockets are
/// counted per forwarded address, and a proxy that is not trusted is not believed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_address_is_counted() {
    let ws = |app: &TestApp, forwarded: &'static str| {
        let url = format!("{}/ws/visitor", app.base.replace("http://", "ws://"));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("x-forwarded-for", forwarded.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.max_connections_per_address = 2;
        s.trusted_proxies = vec![vigie::config::IpBlock::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let a1 = ws(&app, "203.0.113.7").await.expect("first socket of .7");
    let a2 = ws(&app, "198.51.100.1, 203.0.113.7").await.expect("second");
    match ws(&app, "203.0.113.7").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status(), 429);
            let body: Value = serde_json::from_slice(r.body().as_deref().unwrap()).unwrap();
            assert_eq!(body["error"], "too_many_connections", "{body}");
        }
        other => panic!(
            "a third socket of 203.0.113.7 is refused: {:?}",
            other.is_ok()
        ),
    }
    // Another client behind the same proxy is not affected, and plain requests neither.
    let b = ws(&app, "203.0.113.8").await.expect("another client");
    healthz_answers(&app).await;
    drop((a1, a2, b));
    app.finish().await;

    // Not a trusted proxy: the header is the client's word, the peer address counts.
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.max_connections_per_address = 2).await;
    let c1 = ws(&app, "203.0.113.1").await.expect("first");
    let c2 = ws(&app, "203.0.113.2").await.expect("second");
    let mut third = TcpStream::connect(addr(&app)).await.unwrap();
    assert!(closed_within(&mut third, Duration::from_secs(2)).await);
    drop((c1, c2));
    app.finish().await;
}

/// Every socket Vigie ends gets a close code: a frame above 64 KiB 1009, an unknown bot
/// and a client that never says hello 1008.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vigie_ends_websockets_with_a_close_code() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut v = Visitor::connect(&app).await;
    v.hello("demo").await;
    v.send_raw(format!(
        r#"{{"type":"send","client_id":"big","text":"{}"}}"#,
        "a".repeat(70 * 1024)
    ))
    .await;
    assert_eq!(v.until_closed().await.1, Some(1009), "a frame above 64 KiB");

    let mut v = Visitor::connect(&app).await;
    v.send(json!({"type": "hello", "v": 1, "bot": "nope", "lang": "fr"}))
        .await;
    let (seen, code) = v.until_closed().await;
    assert_eq!(seen[0]["code"], "unknown_bot", "{seen:?}");
    assert_eq!(code, Some(1008), "an unknown bot");

    let mut v = Visitor::connect(&app).await;
    for i in 0..6 {
        v.send(json!({"type": "send", "client_id": format!("x{i}"), "text": "hi"}))
            .await;
    }
    let (seen, code) = v.until_closed().await;
    assert!(seen.iter().all(|f| f["code"] == "hello_first"), "{seen:?}");
    assert_eq!(code, Some(1008), "no hello after five frames");

    // The server restarting: 1012, as before.
    let mut v = Visitor::connect(&app).await;
    v.hello("demo").await;
    let mut app = app;
    let stop = {
        let started = Instant::now();
        app.stop_server().await;
        started.elapsed()
    };
    assert_eq!(v.until_closed().await.1, Some(1012));
    assert!(stop < Duration::from_secs(10), "the shutdown took {stop:?}");
    assert!(
        TcpStream::connect(addr(&app)).await.is_err(),
        "no more connections accepted after the shutdown"
    );
    app.finish().await;
}

// ---------------------------------------------------------------------------------------
// Monitored links acting on live sockets

/// Creates a monitored conversation (the file outbox takes the mail); returns its id and
/// its link's token.
async fn monitored(s: &Session, email: &str) -> (String, String) {
    let created = expect(
        s.post(
            "/api/v1/monitored-conversations",
            &json!({"bot": "demo", "name": "Appel de M. Martin", "starting_knowledge": "vpn-lent",
                    "email": email, "strong_monitoring": false}),
        )
        .await,
        201,
    )
    .await;
    (
        created["id"].as_str().unwrap().to_string(),
        token_of(&created),
    )
}

fn token_of(created: &Value) -> String {
    let link = created["link"].as_str().unwrap();
    link[link.find("vigie_mc=").unwrap() + 9..].to_string()
}

async fn resend(s: &Session, conv: &str, email: &str) -> String {
    let r = s
        .post(
            &format!("/api/v1/monitored-conversations/{conv}/resend"),
            &json!({"email": email}),
        )
        .await;
    token_of(&expect(r, 200).await)
}

/// A socket opened by a link that is replaced, revoked or expires is told and closed;
/// the socket of the newer link goes on.
async fn a_dead_link_closes_its_open_sockets(app: &TestApp) {
    let admin = app.admin().await;
    let (conv, old) = monitored(&admin, "wrong@exmaple.com").await;
    let mut stale = Visitor::connect(app).await;
    stale.hello_mc(&old).await.unwrap();

    // Resent to the right address: the old link's socket is told and closed.
    let new = resend(&admin, &conv, "right@example.com").await;
    let (seen, code) = stale.until_closed().await;
    assert_eq!(
        seen.last().map(|f| f["type"].clone()),
        Some(json!("link_revoked")),
        "{seen:?}"
    );
    assert_eq!(code, Some(4403));

    // The rightful visitor writes; then the link is revoked: told and closed too.
    let mut rightful = Visitor::connect(app).await;
    rightful.hello_mc(&new).await.unwrap();
    rightful.say("r-1", "mon vpn est lent").await;
    expect(
        admin
            .post(
                &format!("/api/v1/monitored-conversations/{conv}/revoke"),
                &json!({}),
            )
            .await,
        200,
    )
    .await;
    let (seen, code) = rightful.until_closed().await;
    assert!(seen.iter().any(|f| f["type"] == "link_revoked"), "{seen:?}");
    assert!(
        !seen.iter().any(|f| f["type"] == "ack"),
        "nothing after the revocation"
    );
    assert_eq!(code, Some(4403));

    // Expiry: a link that expires while its socket is open.
    let (conv2, token) = monitored(&admin, "other@example.com").await;
    let soon = vigie::domain::now_ms() + 1_500;
    app.sql(&format!(
        "UPDATE monitored_links SET expires_at = {soon} WHERE monitored_id = \
         (SELECT m.id FROM monitored_conversations m JOIN conversations c ON c.id = m.conversation_id \
          WHERE c.public_id = '{conv2}')"
    ))
    .await;
    let mut expiring = Visitor::connect(app).await;
    expiring.hello_mc(&token).await.unwrap();
    let (seen, code) = expiring.until_closed().await;
    assert_eq!(
        seen.last().map(|f| f["type"].clone()),
        Some(json!("link_expired")),
        "{seen:?}"
    );
    assert_eq!(code, Some(4410));
    assert!(vigie::domain::now_ms() >= soon);
}

crate::both_backends!(a_dead_link_closes_its_open_sockets);

/// Two nodes on PostgreSQL: the link resent on one node closes the old link's socket
/// held by the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_link_closes_its_sockets_on_every_node() {
    let node1 = TestApp::spawn(Backend::Postgres).await;
    let node2 = node1.another_node().await;
    let admin = node1.admin().await;
    let (conv, old) = monitored(&admin, "wrong@exmaple.com").await;
    let mut stale = Visitor::connect(&node2).await;
    stale.hello_mc(&old).await.unwrap();
    let new = resend(&admin, &conv, "right@example.com").await;
    let (seen, code) = stale.until_closed().await;
    assert!(seen.iter().any(|f| f["type"] == "link_revoked"), "{seen:?}");
    assert_eq!(code, Some(4403));
    // The newer link works on the other node, and is closed there once revoked.
    let mut rightful = Visitor::connect(&node2).await;
    rightful.hello_mc(&new).await.unwrap();
    expect(
        admin
            .post(
                &format!("/api/v1/monitored-conversations/{conv}/revoke"),
                &json!({}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(rightful.until_closed().await.1, Some(4403));
    node2.finish().await;
    node1.finish().await;
}

/// The holder of a handed-over monitored conversation may act on it, but not resend or
/// revoke its link (that would let them post as the visitor): only its creator, an admin
/// or a supervisor may.
async fn only_the_creator_or_a_supervisor_manages_the_link(app: &TestApp) {
    vigie::service::actions::add_operator(
        &app.core,
        "bob@example.com",
        "Bob",
        "operator",
        "bob password 123".into(),
    )
    .await
    .unwrap();
    let claire = app.operator().await;
    let (conv, _) = monitored(&claire, "visitor@example.com").await;
    // Handed over to Bob.
    app.sql(&format!(
        "UPDATE conversations SET operator_id = (SELECT id FROM operators WHERE email = 'bob@example.com'), \
         state = 'live' WHERE public_id = '{conv}'"
    ))
    .await;
    let bob = app.login("bob@example.com", "bob password 123").await;
    let seen = expect(
        bob.get(&format!("/api/v1/monitored-conversations/{conv}"))
            .await,
        200,
    )
    .await;
    assert_eq!(seen["may_act"], true, "the holder acts on it: {seen}");
    for (action, body) in [
        ("resend", json!({"email": "bob.himself@example.com"})),
        ("revoke", json!({})),
    ] {
        let e = expect(
            bob.post(
                &format!("/api/v1/monitored-conversations/{conv}/{action}"),
                &body,
            )
            .await,
            403,
        )
        .await;
        assert_eq!(e["error"], "monitored_links_not_yours", "{action}: {e}");
    }
    resend(&claire, &conv, "visitor2@example.com").await;
    let admin = app.admin().await;
    expect(
        admin
            .post(
                &format!("/api/v1/monitored-conversations/{conv}/revoke"),
                &json!({}),
            )
            .await,
        200,
    )
    .await;
}

crate::both_backends!(only_the_creator_or_a_supervisor_manages_the_link);

/// API answers are never sniffed, `/auth/me` (which holds the CSRF token) is never
/// cached, and the operator socket's Origin must have Vigie's scheme too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_and_the_operator_origin_scheme() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.admin().await;
    let r = admin.get("/api/v1/bots").await;
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r = admin.get("/api/v1/nope").await;
    assert_eq!(
        r.headers()["x-content-type-options"],
        "nosniff",
        "errors too"
    );
    let r = admin.get("/api/v1/auth/me").await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r = app.anonymous().get("/api/v1/auth/me").await;
    assert_eq!(r.headers()["cache-control"], "no-store");

    let cookie = session_cookie(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let upgrade = |origin: String| {
        let url = format!("{}/ws/operator", app.base.replace("http://", "ws://"));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        req.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    // Same host, other scheme: refused.
    let other_scheme = app.base.replace("http://", "https://");
    match upgrade(other_scheme).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("another scheme is another origin: {:?}", other.is_ok()),
    }
    let (ws, _) = upgrade(app.base.clone()).await.expect("Vigie's own origin");
    drop(ws);
    app.finish().await;
}

/// The import route's 413 is JSON like every API error (sent over a raw socket: the body
/// is announced, not sent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_too_large_gets_a_json_413() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = vigie::service::actions::create_api_token(&app.core, ADMIN_EMAIL, "import")
        .await
        .unwrap();
    let mut tcp = TcpStream::connect(addr(&app)).await.unwrap();
    let head = format!(
        "POST /api/v1/bots/demo/knowledge/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{{\"knowledge\": [",
        21 * 1024 * 1024
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let (mut rx, mut tx) = tcp.into_split();
    // The body streamed until the server stops reading it.
    let writer = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..(21 * 16) {
            if tx.write_all(&chunk).await.is_err() {
                break;
            }
        }
        tx
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), rx.read_to_end(&mut answer)).await;
    writer.abort();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_lowercase()
            .contains("content-type: application/json"),
        "{answer}"
    );
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["error"], "payload_too_large", "{body}");
    app.finish().await;
}

/// A JSON import saved with a UTF-8 byte order mark (Windows editors) is accepted; the
/// knowledge list comes in pages with a cursor, on both backends.
async fn bom_imports_and_knowledge_pages(app: &TestApp) {
    let admin = app.admin().await;
    expect(
        admin
            .post("/api/v1/bots", &json!({"slug": "kb", "name": "KB"}))
            .await,
        201,
    )
    .await;
    let items: Vec<Value> = (0..25)
        .map(|i| {
            json!({"id": format!("item-{i:03}"), "title": format!("Sujet {i}"), "lang": if i % 5 == 0 { "en" } else { "fr" },
                   "formulations": [format!("question {i}")], "answer": format!("Réponse {i}")})
        })
        .collect();
    let file = format!("\u{feff}{}", json!({"knowledge": items}));
    let r = admin
        .post_raw("/api/v1/bots/kb/knowledge/import", "application/json", file)
        .await;
    let done = expect(r, 200).await;
    assert_eq!(done["imported"]["created"], 25, "{done}");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/bots/kb/knowledge?limit=10&cursor={c}"),
            None => "/api/v1/bots/kb/knowledge?limit=10".to_string(),
        };
        let page = expect(admin.get(&path).await, 200).await;
        assert_eq!(page["total"], 25);
        pages += 1;
        seen.extend(
            page["knowledge"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["id"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..25).map(|i| format!("item-{i:03}")).collect();
    assert_eq!(seen, expected, "every item once, in id order");
    let en = expect(
        admin.get("/api/v1/bots/kb/knowledge?lang=en&limit=2").await,
        200,
    )
    .await;
    assert_eq!(en["total"], 5);
    assert_eq!(en["knowledge"].as_array().unwrap().len(), 2);
    assert_eq!(en["next_cursor"], "item-005");
    // Without `limit`, a bounded page, never the whole base.
    let first = expect(admin.get("/api/v1/bots/kb/knowledge").await, 200).await;
    assert_eq!(first["knowledge"].as_array().unwrap().len(), 25);
    assert!(first["next_cursor"].is_null());
}

crate::both_backends!(bom_imports_and_knowledge_pages);

/// The first admin's address is chosen at the first start; without it the demo default,
/// said to be the default.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_address_is_chosen_at_first_start() {
    for (chosen, expected) in [
        (Some("chef@helpdesk.example"), "chef@helpdesk.example"),
        (None, "admin@vigie.localhost"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (url, _) = fresh_database(Backend::Sqlite, dir.path()).await;
        let store = vigie::store::Store::open(&url).await.unwrap();
        let mut settings = vigie::config::Settings::for_database(&url, dir.path().to_path_buf());
        settings.admin_email = chosen.map(str::to_string);
        let core = vigie::service::Core::new(store.clone(), settings);
        let first = vigie::app::first_start(&core).await.unwrap();
        let (email, _) = first.admin.expect("an admin created");
        assert_eq!(email, expected);
        assert_eq!(first.admin_email_is_default, chosen.is_none());
        assert!(store.operator_by_email(expected).await.is_ok());
        store.close().await;
    }
}

/// A mail in the middle of its SMTP exchange reads `sending`, not `queued` (if the node
/// dies then, it is sent again: at least once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_being_sent_reads_sending() {
    // An SMTP server that accepts the connection and says nothing.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = silent.accept().await {
            held.push(tcp);
        }
    });
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_retry_seconds = 1;
    })
    .await;
    let claire = app.operator().await;
    let (conv, _) = monitored(&claire, "visitor@example.com").await;
    let mut status = Value::Null;
    for _ in 0..100 {
        let item = expect(
            claire
                .get(&format!("/api/v1/monitored-conversations/{conv}"))
                .await,
            200,
        )
        .await;
        status = item["mail"]["status"].clone();
        if status == "sending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, "sending");
    held.abort();
    app.finish().await;
}
