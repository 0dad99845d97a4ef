//! The test seam: each test starts the real server on port 0 with its own fresh database
//! (a temporary SQLite file, or a new PostgreSQL database created for it) and drives it
//! over real HTTP and WebSockets: `Session` (HTTP with cookies and CSRF), `Visitor` (the
//! chatbox's socket) and `Console` (the operator's socket).

use futures_util::{SinkExt, StreamExt};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use tokio::sync::oneshot;
use vigie::app;
use vigie::config::Settings;
use vigie::service::Core;
use vigie::store::{Backend, Store};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin password 123";
pub const OPERATOR_EMAIL: &str = "claire@example.com";
pub const OPERATOR_PASSWORD: &str = "operator password 123";

pub fn pg_admin_url() -> String {
    std::env::var("VIGIE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh database URL for one test.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> (String, Option<String>) {
    match backend {
        Backend::Sqlite => (
            format!("sqlite://{}?mode=rwc", dir.join("vigie.db").display()),
            None,
        ),
        Backend::Postgres => {
            let name = format!("vigie_t_{}", uuid::Uuid::new_v4().simple());
            let admin = pg_admin_url();
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL tests need a server at {admin}: {e}"));
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').expect("database url has a path").0;
            (format!("{base}/{name}"), Some(name))
        }
    }
}

pub async fn drop_database(name: &str) {
    if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&pg_admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}

#[allow(dead_code)] // not every field is read by every test module
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub db_url: String,
    pub core: Core,
    pub backend: Backend,
    /// Kept alive for the test's duration (holds the SQLite file).
    _dir: tempfile::TempDir,
    pg_name: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg_name) = fresh_database(backend, dir.path()).await;
        let store = Store::open(&url).await.expect("open store");
        let mut settings = Settings::for_database(&url, dir.path().to_path_buf());
        tweak(&mut settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        settings.public_url = format!("http://{addr}");
        let core = Core::new(store.clone(), settings);
        vigie::service::actions::add_operator(
            &core,
            ADMIN_EMAIL,
            "Ada Admin",
            "admin",
            ADMIN_PASSWORD.into(),
        )
        .await
        .unwrap();
        vigie::service::actions::add_operator(
            &core,
            OPERATOR_EMAIL,
            "Claire",
            "operator",
            OPERATOR_PASSWORD.into(),
        )
        .await
        .unwrap();
        app::first_start(&core).await.expect("first start");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn({
            let core = core.clone();
            async move {
                app::launch(core, listener, async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
            }
        });
        TestApp {
            base: format!("http://{addr}"),
            db_url: url.clone(),
            core,
            backend,
            store,
            _dir: dir,
            pg_name,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// A second server on the same database: another node behind a load balancer.
    pub async fn another_node(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&self.db_url).await.expect("open store");
        let mut settings = Settings::for_database(&self.db_url, dir.path().to_path_buf());
        settings.smtp_url = self.core.settings.smtp_url.clone();
        settings.smtp_ca_file = self.core.settings.smtp_ca_file.clone();
        settings.mail_from = self.core.settings.mail_from.clone();
        settings.mail_retry_seconds = self.core.settings.mail_retry_seconds;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        settings.public_url = format!("http://{addr}");
        let core = Core::new(store.clone(), settings);
        let (tx, rx) = oneshot::channel::<()>();
        let node_core = core.clone();
        let server = tokio::spawn(async move {
            app::launch(node_core, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            db_url: self.db_url.clone(),
            core,
            backend: self.backend,
            store,
            _dir: dir,
            pg_name: None,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// Runs one SQL statement on the test's database, beside the server (to set up a
    /// state no API gives, such as a link already past its expiry).
    pub async fn sql(&self, statement: &str) {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.db_url)
            .await
            .unwrap();
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with no session.
    pub fn anonymous(&self) -> Session {
        Session {
            client: Client::builder().cookie_store(true).build().unwrap(),
            csrf: None,
            base: self.base.clone(),
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> Session {
        let mut s = self.anonymous();
        let r = s
            .post(
                "/api/v1/auth/login",
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status(), 200, "login failed");
        let body: Value = r.json().await.unwrap();
        s.csrf = Some(body["csrf_token"].as_str().unwrap().to_string());
        s
    }

    pub async fn admin(&self) -> Session {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub async fn operator(&self) -> Session {
        self.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await
    }

    /// Stops this node's server and workers (as a process exit would), keeping the
    /// database for the other nodes; `finish` still cleans up.
    pub async fn stop_server(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    pub async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.store.close().await;
        if let Some(name) = self.pg_name.take() {
            drop_database(&name).await;
        }
    }
}

/// A test that panics never reaches `finish`: its PostgreSQL database is dropped here
/// (on a thread of its own, since this may run inside the test's runtime).
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(name) = self.pg_name.take() {
            let dropped = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime to drop the test database")
                    .block_on(drop_database(&name));
            })
            .join();
            if dropped.is_err() {
                eprintln!("could not drop a test database (scripts/test drops leftovers)");
            }
        }
    }
}

/// A test that panics before `finish` leaves no PostgreSQL database behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_app_dropped_without_finish_drops_its_database() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let name = app.pg_name.clone().expect("a PostgreSQL database");
    drop(app);
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&pg_admin_url())
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0, "database {name} was left behind");
}

/// An HTTP client with its cookie jar and, once logged in, the CSRF token it sends on writes.
#[derive(Clone)]
pub struct Session {
    pub client: Client,
    pub csrf: Option<String>,
    pub base: String,
}

impl Session {
    fn with_csrf(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.csrf {
            Some(t) => rb.header("X-CSRF-Token", t),
            None => rb,
        }
    }
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }
    /// Deploys `bot` (201 expected); the new deployment.
    pub async fn deploy(&self, bot: &str) -> Value {
        let path = format!("/api/v1/bots/{bot}/deployments");
        expect(self.post(&path, &serde_json::json!({})).await, 201).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.with_csrf(self.client.post(format!("{}{path}", self.base)).json(body))
            .send()
            .await
            .unwrap()
    }
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.with_csrf(
            self.client
                .post(format!("{}{path}", self.base))
                .header("content-type", content_type)
                .body(body),
        )
        .send()
        .await
        .unwrap()
    }
    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.with_csrf(self.client.put(format!("{}{path}", self.base)).json(body))
            .send()
            .await
            .unwrap()
    }
    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.with_csrf(self.client.patch(format!("{}{path}", self.base)).json(body))
            .send()
            .await
            .unwrap()
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.with_csrf(self.client.delete(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap()
    }
}

/// Reads a JSON response and checks its status, showing the body when it differs.
pub async fn expect(r: Response, status: u16) -> Value {
    let got = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "unexpected status, body: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Runs one test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use vigie::store::Backend;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::TestApp::spawn(Backend::Sqlite).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let app = $crate::helpers::TestApp::spawn(Backend::Postgres).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------
// Realtime clients

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Visitor {
    ws: Socket,
    pub token: Option<String>,
    pub conversation: Option<String>,
    pub last_seq: i64,
}

impl Visitor {
    pub async fn connect(app: &TestApp) -> Visitor {
        let url = format!("{}/ws/visitor", app.base.replace("http://", "ws://"));
        let (ws, _) = connect_async(url).await.expect("websocket connects");
        Visitor {
            ws,
            token: None,
            conversation: None,
            last_seq: 0,
        }
    }

    /// A visitor socket whose upgrade request carries this `User-Agent`.
    pub async fn connect_as(app: &TestApp, user_agent: &str) -> Visitor {
        let url = format!("{}/ws/visitor", app.base.replace("http://", "ws://"));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("user-agent", user_agent.parse().unwrap());
        let (ws, _) = connect_async(req).await.expect("websocket connects");
        Visitor {
            ws,
            token: None,
            conversation: None,
            last_seq: 0,
        }
    }

    /// A visitor socket whose upgrade request says it was forwarded for `forwarded`
    /// (`X-Forwarded-For`: believed when the server trusts 127.0.0.1 as a proxy).
    pub async fn connect_from(app: &TestApp, forwarded: &str) -> Visitor {
        let url = format!("{}/ws/visitor", app.base.replace("http://", "ws://"));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("x-forwarded-for", forwarded.parse().unwrap());
        let (ws, _) = connect_async(req).await.expect("websocket connects");
        Visitor {
            ws,
            token: None,
            conversation: None,
            last_seq: 0,
        }
    }

    /// `hello` with more fields (`context`…); the welcome and the replay, or the error.
    pub async fn hello_with(
        &mut self,
        bot: &str,
        extra: Value,
    ) -> Result<(Value, Vec<Value>), Value> {
        let mut frame = json!({"type": "hello", "v": 1, "bot": bot, "lang": "fr", "visitor_token": self.token, "conversation": self.conversation, "last_seq": self.last_seq});
        for (k, v) in extra.as_object().expect("an object") {
            frame[k] = v.clone();
        }
        self.send(frame).await;
        let first = self.next().await.expect("an answer to hello");
        if first["type"] == "error" {
            return Err(first);
        }
        assert_eq!(first["type"], "welcome", "{first}");
        if let Some(t) = first["visitor_token"].as_str() {
            self.token = Some(t.to_string());
        }
        self.conversation = first["conversation"].as_str().map(str::to_string);
        let mut replay = Vec::new();
        loop {
            let v = self.next().await.expect("replay");
            if v["type"] == "replay_done" {
                return Ok((first, replay));
            }
            replay.push(v);
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    pub async fn send_raw(&mut self, s: String) {
        self.ws.send(Message::Text(s.into())).await.unwrap();
    }

    /// The next JSON frame (pings are answered by the library), or None if closed.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a frame within 10 s");
            match frame {
                Some(Ok(Message::Text(t))) => {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    if v["type"] == "message" {
                        let seq = v["seq"].as_i64().unwrap();
                        assert!(
                            seq > self.last_seq,
                            "seq {seq} after {} (duplicate or out of order)",
                            self.last_seq
                        );
                        self.last_seq = seq;
                    }
                    return Some(v);
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    pub async fn expect(&mut self, kind: &str) -> Value {
        let v = self
            .next()
            .await
            .unwrap_or_else(|| panic!("closed while waiting for {kind}"));
        assert_eq!(v["type"], kind, "expected {kind}, got {v}");
        v
    }

    /// hello; returns the welcome and the replayed messages.
    pub async fn hello(&mut self, bot: &str) -> (Value, Vec<Value>) {
        let last = self.last_seq;
        self.send(json!({"type": "hello", "v": 1, "bot": bot, "lang": "fr", "visitor_token": self.token, "conversation": self.conversation, "last_seq": last})).await;
        let welcome = self.expect("welcome").await;
        self.token = welcome["visitor_token"].as_str().map(str::to_string);
        self.conversation = welcome["conversation"].as_str().map(str::to_string);
        let mut replay = Vec::new();
        loop {
            let v = self.next().await.expect("replay");
            if v["type"] == "replay_done" {
                return (welcome, replay);
            }
            replay.push(v);
        }
    }

    /// hello with a monitored conversation's link token: the welcome and the replay, or
    /// the error frame (then the server closes the socket).
    pub async fn hello_mc(&mut self, mc: &str) -> Result<(Value, Vec<Value>), Value> {
        let last = self.last_seq;
        self.send(json!({"type": "hello", "v": 1, "bot": "demo", "lang": "fr", "mc": mc, "last_seq": last}))
            .await;
        let first = self.next().await.expect("an answer to hello");
        if first["type"] == "error" {
            assert!(
                self.next().await.is_none(),
                "the socket closes after a link error"
            );
            return Err(first);
        }
        assert_eq!(first["type"], "welcome", "{first}");
        self.conversation = first["conversation"].as_str().map(str::to_string);
        let mut replay = Vec::new();
        loop {
            let v = self.next().await.expect("replay");
            if v["type"] == "replay_done" {
                return Ok((first, replay));
            }
            replay.push(v);
        }
    }

    /// Sends a text and returns (ack, visitor message, bot message).
    pub async fn say(&mut self, client_id: &str, text: &str) -> (Value, Value, Value) {
        self.send(json!({"type": "send", "client_id": client_id, "text": text}))
            .await;
        let ack = self.expect("ack").await;
        let mine = self.expect("message").await;
        let bot = self.expect("message").await;
        (ack, mine, bot)
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }

    /// Reads until the server closes the socket; the frames seen before, and the close
    /// code (None: closed without a close frame).
    pub async fn until_closed(&mut self) -> (Vec<Value>, Option<u16>) {
        let mut seen = Vec::new();
        loop {
            let f = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("the socket closes within 10 s");
            match f {
                Some(Ok(Message::Text(t))) => seen.push(serde_json::from_str(&t).unwrap()),
                Some(Ok(Message::Close(c))) => return (seen, c.map(|c| u16::from(c.code))),
                None | Some(Err(_)) => return (seen, None),
                _ => {}
            }
        }
    }
}

pub struct Console {
    ws: Socket,
    /// The last `seq` seen per conversation.
    pub last: std::collections::HashMap<String, i64>,
}

pub async fn session_cookie(app: &TestApp, email: &str, password: &str) -> String {
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let c = r.headers()["set-cookie"].to_str().unwrap();
    c.split(';').next().unwrap().to_string()
}

impl Console {
    pub async fn connect(app: &TestApp, email: &str, password: &str) -> Console {
        let cookie = session_cookie(app, email, password).await;
        let mut req = format!("{}/ws/operator", app.base.replace("http://", "ws://"))
            .into_client_request()
            .unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        req.headers_mut()
            .insert("origin", app.base.parse().unwrap());
        let (ws, _) = connect_async(req).await.expect("operator websocket");
        Console {
            ws,
            last: Default::default(),
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    /// Reads until the server closes the socket; the frames seen before, and the close
    /// code (None: closed without a close frame).
    pub async fn until_closed(&mut self) -> (Vec<Value>, Option<u16>) {
        let mut seen = Vec::new();
        loop {
            let f = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("the socket closes within 10 s");
            match f {
                Some(Ok(Message::Text(t))) => seen.push(serde_json::from_str(&t).unwrap()),
                Some(Ok(Message::Close(c))) => return (seen, c.map(|c| u16::from(c.code))),
                None | Some(Err(_)) => return (seen, None),
                _ => {}
            }
        }
    }

    pub async fn next(&mut self) -> Value {
        loop {
            let f = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a frame within 10 s");
            if let Some(Ok(Message::Text(t))) = f {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "message" {
                    let conv = v["conversation"].as_str().unwrap().to_string();
                    let seq = v["seq"].as_i64().unwrap();
                    let last = self.last.entry(conv).or_insert(0);
                    assert!(seq > *last, "operator saw seq {seq} after {last}");
                    *last = seq;
                }
                return v;
            }
            assert!(
                !matches!(f, None | Some(Err(_)) | Some(Ok(Message::Close(_)))),
                "operator socket closed"
            );
        }
    }

    /// Skips frames until one matches.
    pub async fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..200 {
            let v = self.next().await;
            if pred(&v) {
                return v;
            }
        }
        panic!("no matching frame");
    }

    /// Skips frames until the operator's assigned list holds `conversation`.
    pub async fn until_assigned(&mut self, conversation: &str) -> Value {
        self.until(|v| {
            v["type"] == "assigned"
                && v["conversations"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|c| c == conversation))
        })
        .await
    }

    pub async fn hello(&mut self, conversations: Value) {
        self.send(json!({"type": "hello", "v": 1, "conversations": conversations}))
            .await;
        self.until(|v| v["type"] == "replay_done").await;
    }

    pub async fn available(&mut self) {
        self.send(json!({"type": "availability", "status": "available"}))
            .await;
        self.until(|v| v["type"] == "availability").await;
    }
}

pub fn is_event(v: &Value, name: &str) -> bool {
    v["type"] == "message" && v["event"] == name
}
