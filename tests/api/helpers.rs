//! The test seam: each test starts the real server on port 0 with its own fresh database
//! (a temporary SQLite file, or a new PostgreSQL database created for it) and drives it
//! over real HTTP.

use reqwest::{Client, Response};
use serde_json::{json, Value};

use tokio::sync::oneshot;
use vigie::app::{self, AppState};
use vigie::config::Settings;
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
    pub state: AppState,
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
        vigie::actions::add_operator(
            &store,
            ADMIN_EMAIL,
            "Ada Admin",
            "admin",
            ADMIN_PASSWORD.into(),
        )
        .await
        .unwrap();
        vigie::actions::add_operator(
            &store,
            OPERATOR_EMAIL,
            "Claire",
            "operator",
            OPERATOR_PASSWORD.into(),
        )
        .await
        .unwrap();
        let state = AppState::new(store.clone(), settings);
        app::first_start(&store, &state.engines, &state.settings.public_url)
            .await
            .expect("first start");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn({
            let state = state.clone();
            async move {
                app::launch(state, listener, async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
            }
        });
        TestApp {
            base: format!("http://{addr}"),
            db_url: url.clone(),
            state: state.clone(),
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
        settings.smtp_url = self.state.settings.smtp_url.clone();
        settings.smtp_ca_file = self.state.settings.smtp_ca_file.clone();
        settings.mail_from = self.state.settings.mail_from.clone();
        settings.mail_retry_seconds = self.state.settings.mail_retry_seconds;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        settings.public_url = format!("http://{addr}");
        let state = AppState::new(store.clone(), settings);
        let (tx, rx) = oneshot::channel::<()>();
        let node_state = state.clone();
        let server = tokio::spawn(async move {
            app::launch(node_state, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            db_url: self.db_url.clone(),
            state,
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
