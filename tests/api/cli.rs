//! The `vigie` binary, run as a user would.

use crate::helpers::*;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use vigie::store::Backend;

const BIN: &str = env!("CARGO_BIN_EXE_vigie");

fn vigie(db: &str, dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VIGIE_DATABASE_URL", db)
        .env("VIGIE_DATA_DIR", dir)
        .env("VIGIE_PUBLIC_URL", "https://help.example.com")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vigie");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fails(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

async fn admin_workflow(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (db, pg) = fresh_database(backend, dir.path()).await;
    let d = dir.path();
    let run = |args: &[&str], stdin: Option<&str>| vigie(&db, d, args, stdin);

    assert!(ok(&run(&["migrate"], None)).contains("up to date"));
    let out = ok(&run(
        &[
            "user",
            "add",
            "--email",
            "lea@example.com",
            "--name",
            "Léa",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    ));
    assert!(out.contains("role admin"), "{out}");
    assert!(fails(&run(
        &[
            "user",
            "add",
            "--email",
            "lea@example.com",
            "--name",
            "Léa",
            "--role",
            "admin",
            "--password-stdin"
        ],
        Some("a long enough password\n")
    ))
    .contains("already exists"));
    let err = fails(&run(
        &[
            "user",
            "add",
            "--email",
            "not-an-email",
            "--name",
            "X",
            "--role",
            "boss",
            "--password-stdin",
        ],
        Some("short"),
    ));
    assert!(
        err.contains("email:") && err.contains("role:") && err.contains("password:"),
        "{err}"
    );
    let token = ok(&run(
        &["token", "create", "--email", "lea@example.com"],
        None,
    ));
    assert!(token.trim().starts_with("vgt_"), "{token}");
    fails(&run(
        &["token", "create", "--email", "ghost@example.com"],
        None,
    ));
    let narrow = ok(&run(
        &[
            "token",
            "create",
            "--email",
            "lea@example.com",
            "--label",
            "crm",
            "--scope",
            "monitored:create",
        ],
        None,
    ));
    assert!(narrow.trim().starts_with("vgt_"), "{narrow}");
    assert!(fails(&run(
        &[
            "token",
            "create",
            "--email",
            "lea@example.com",
            "--scope",
            "everything"
        ],
        None,
    ))
    .contains("scope"));

    ok(&run(
        &[
            "bot", "create", "--slug", "helpdesk", "--name", "Helpdesk", "--lang", "fr",
        ],
        None,
    ));
    assert!(fails(&run(
        &["bot", "create", "--slug", "helpdesk", "--name", "Again"],
        None
    ))
    .contains("already exists"));
    let out = ok(&run(
        &[
            "knowledge",
            "import",
            "--bot",
            "helpdesk",
            "data/demo/knowledge.json",
        ],
        None,
    ));
    assert!(out.contains("0 updated, 0 unchanged"), "{out}");
    let out = ok(&run(
        &[
            "knowledge",
            "import",
            "--bot",
            "helpdesk",
            "data/demo/knowledge.json",
        ],
        None,
    ));
    assert!(out.contains("0 created, 0 updated"), "{out}");
    let bad = d.join("bad.json");
    std::fs::write(&bad, r#"{"knowledge": [{"id": "x", "title": "", "lang": "fr", "answer": "a"}, {"id": "y", "title": "t", "lang": "es", "answer": "a"}]}"#).unwrap();
    let err = fails(&run(
        &[
            "knowledge",
            "import",
            "--bot",
            "helpdesk",
            bad.to_str().unwrap(),
        ],
        None,
    ));
    assert!(
        err.contains("item 0 (id x): title") && err.contains("item 1 (id y): lang"),
        "{err}"
    );
    let csv = ok(&run(
        &[
            "knowledge",
            "export",
            "--bot",
            "helpdesk",
            "--format",
            "csv",
        ],
        None,
    ));
    assert!(csv.lines().count() > 60);
    assert!(
        fails(&run(&["knowledge", "export", "--bot", "nobot"], None)).contains("bot not found")
    );

    assert!(fails(&run(
        &[
            "eval",
            "--bot",
            "helpdesk",
            "--file",
            "data/demo/eval.jsonl"
        ],
        None
    ))
    .contains("vigie deploy"));
    let out = ok(&run(&["deploy", "--bot", "helpdesk"], None));
    assert!(
        out.contains("deployed URL: https://help.example.com/c/helpdesk/"),
        "{out}"
    );
    // what building the matcher did: time, items, cross-validated accuracy
    assert!(
        out.contains("matcher built in ")
            && out.contains("70 items")
            && out.contains("cross-validated accuracy"),
        "{out}"
    );
    let out = ok(&run(
        &[
            "eval",
            "--bot",
            "helpdesk",
            "--file",
            "data/demo/eval.jsonl",
            "--json",
        ],
        None,
    ));
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    for key in [
        "n",
        "in_scope_accuracy",
        "oos_recall",
        "overall_accuracy",
        "p50_us",
        "p99_us",
    ] {
        assert!(report.get(key).is_some(), "{key} missing: {report}");
    }
    assert!(report["n"].as_u64().unwrap() >= 300);
    // The product targets (README, "Matching quality"): 0.90 in scope, 0.80 out of
    // scope; with issue 16's matcher, 0.901 / 0.850.
    assert!(
        report["in_scope_accuracy"].as_f64().unwrap() >= 0.90,
        "{report}"
    );
    assert!(report["oos_recall"].as_f64().unwrap() >= 0.84, "{report}");
    let text = ok(&run(
        &[
            "eval",
            "--bot",
            "helpdesk",
            "--file",
            "data/demo/eval.jsonl",
        ],
        None,
    ));
    assert!(
        text.contains("in-scope accuracy") && text.contains("p99"),
        "{text}"
    );
    let detailed = ok(&run(
        &[
            "eval",
            "--bot",
            "helpdesk",
            "--file",
            "data/demo/eval.jsonl",
            "--report",
        ],
        None,
    ));
    for part in [
        "top-3 accuracy",
        "most confused pairs",
        "per-item accuracy",
        "mot-de-passe-oublie",
    ] {
        assert!(detailed.contains(part), "{part} missing: {detailed}");
    }
    let report: serde_json::Value = serde_json::from_str(
        ok(&run(
            &[
                "eval",
                "--bot",
                "helpdesk",
                "--file",
                "data/demo/eval.jsonl",
                "--report",
                "--json",
            ],
            None,
        ))
        .trim(),
    )
    .unwrap();
    assert!(report["top3"].as_f64().unwrap() >= report["top1"].as_f64().unwrap());
    assert!(
        report["per_item"].as_array().unwrap().len() > 30,
        "{report}"
    );
    assert!(report["confused"].is_array(), "{report}");
    let broken = d.join("broken.jsonl");
    std::fs::write(
        &broken,
        "{\"text\": \"vpn\", \"expected\": null}\nnot json\n",
    )
    .unwrap();
    assert!(fails(&run(
        &[
            "eval",
            "--bot",
            "helpdesk",
            "--file",
            broken.to_str().unwrap()
        ],
        None
    ))
    .contains("line 2"));
    if let Some(name) = pg {
        drop_database(&name).await;
    }
}

#[tokio::test]
async fn admin_workflow_sqlite() {
    admin_workflow(Backend::Sqlite).await;
}

#[tokio::test]
async fn admin_workflow_postgres() {
    admin_workflow(Backend::Postgres).await;
}

#[test]
fn bad_settings_stop_start_up_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("serve")
        .env("VIGIE_DATA_DIR", dir.path())
        .env("VIGIE_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("VIGIE_LISTEN"));
    let out = Command::new(BIN)
        .arg("migrate")
        .env("VIGIE_DATABASE_URL", "mysql://x")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("VIGIE_DATABASE_URL"));
    // a model directory that is not one: a clear error naming the setting
    let out = Command::new(BIN)
        .arg("migrate")
        .env("VIGIE_DATA_DIR", dir.path())
        .env("VIGIE_MODEL_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("VIGIE_MODEL_DIR") && err.contains("model.safetensors"),
        "{err}"
    );
    let cfg = dir.path().join("vigie.toml");
    std::fs::write(&cfg, "public_url = \"not a url\"\n").unwrap();
    let out = Command::new(BIN)
        .args(["--config", cfg.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("VIGIE_PUBLIC_URL"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn first_serve_creates_an_admin_and_the_demo_bot() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("VIGIE_DATA_DIR", dir.path())
        .env("VIGIE_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Logs are drained as they come: a full pipe would block the server.
    let mut stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut all = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut all).unwrap();
        all
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let mut password = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(p) = line.trim().strip_prefix("password: ") {
            password = Some(p.to_string());
        }
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("Bot `demo`") {
            break;
        }
    }
    let password = password.unwrap_or_else(|| panic!("no password printed:\n{printed}"));
    assert!(
        printed.contains(&format!("http://127.0.0.1:{port}/api/v1")),
        "{printed}"
    );
    for page in ["/admin/", "/console/", "/c/demo/", "/c/demo/loader.js"] {
        assert!(printed.contains(page), "{page} not printed:\n{printed}");
    }
    assert!(dir.path().join("vigie.db").exists());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let r = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@vigie.localhost", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client
        .post(format!("{base}/api/v1/bots/demo/ask"))
        .json(&serde_json::json!({"text": "comment poser des congés ?"}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["kind"], "answer", "{body}");
    // A monitored conversation at once (the demo ships ready); its link opens the chatbox.
    let csrf: serde_json::Value = client
        .get(format!("{base}/api/v1/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = client
        .post(format!("{base}/api/v1/monitored-conversations"))
        .header("X-CSRF-Token", csrf["csrf_token"].as_str().unwrap_or_default())
        .json(&serde_json::json!({"bot": "demo", "name": "Premier essai", "starting_knowledge": "vpn-lent", "email": "martin@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: serde_json::Value = r.json().await.unwrap();
    let link = created["link"].as_str().unwrap().to_string();
    let token = link.split("vigie_mc=").nth(1).unwrap().to_string();
    assert!(
        link.starts_with(&format!("{base}/c/demo/?vigie_mc=mc_")),
        "{link}"
    );
    assert_eq!(client.get(&link).send().await.unwrap().status(), 200);
    // With no SMTP server configured, the mail is a file in the outbox.
    let outbox = dir.path().join("outbox");
    let mut eml = None;
    for _ in 0..100 {
        eml = std::fs::read_dir(&outbox).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "eml"))
        });
        if eml.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let eml = std::fs::read_to_string(eml.expect("an .eml file in the outbox")).unwrap();
    assert!(eml.contains("To: martin@example.com"), "{eml}");
    unsafe { libc_kill(child.id()) };
    child.wait().unwrap();
    let logs = logs.join().unwrap();
    assert!(logs.contains("logged in"), "debug logs expected:\n{logs}");
    assert!(!logs.contains(&password), "the password reached the logs");
    assert!(!logs.contains("vgs_"), "a session token reached the logs");
    assert!(
        logs.contains("/c/demo/"),
        "requests are logged at debug level:\n{logs}"
    );
    let leaked: Vec<&str> = logs.lines().filter(|l| l.contains(&token)).collect();
    assert!(
        leaked.is_empty(),
        "a link token reached the logs: {leaked:#?}"
    );

    // A second start creates nothing and prints no password.
    let out = Command::new(BIN)
        .arg("migrate")
        .env("VIGIE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// SIGTERM, so the server shuts down gracefully.
unsafe fn libc_kill(pid: u32) {
    Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .unwrap();
}

/// Issue 11, item 24: on port 0 the start-up log names the port bound, and `vigie deploy`
/// run later without the server's environment prints the URL the server really answers on.
#[tokio::test]
async fn port_0_is_announced_and_deploy_prints_the_real_url() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("VIGIE_DATA_DIR", dir.path())
        .env("VIGIE_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut all = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut all).unwrap();
        all
    });
    let mut base = None;
    // Kept open to the end: a closed pipe would fail the server's next line.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(url) = line.trim().strip_prefix("Vigie is listening on ") {
            base = Some(url.to_string());
        }
        if line.contains("Bot `demo`") {
            break;
        }
    }
    let base = base.expect("the listening address printed");
    assert!(!base.ends_with(":0"), "{base}");
    let out = Command::new(BIN)
        .args(["deploy", "--bot", "demo"])
        .env("VIGIE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{printed}");
    assert!(
        printed.contains(&format!("deployed URL: {base}/c/demo/")),
        "{printed}"
    );
    unsafe { libc_kill(child.id()) };
    child.wait().unwrap();
    let logs = logs.join().unwrap();
    assert!(
        !logs.contains("http://127.0.0.1:0"),
        "the log shows the real port:\n{logs}"
    );
    assert!(logs.contains(&base), "{logs}");
    drop(lines);
}

/// `vigie privacy export|erase|sweep` (issue 15, item 8) on a database a visitor used.
async fn privacy_commands(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (db, pg) = fresh_database(backend, dir.path()).await;
    let d = dir.path();
    let run = |args: &[&str]| vigie(&db, d, args, None);
    ok(&run(&["migrate"]));
    ok(&run(&["bot", "create", "--slug", "demo", "--name", "Démo"]));
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db)
        .await
        .unwrap();
    for (n, email) in [(1, "ines@example.fr"), (2, "omar@example.fr")] {
        for sql in [
            format!(
                "INSERT INTO visitors (id, bot_id, token_hash, created_at, last_seen_at, user_agent) \
                 SELECT {n}, id, 'tok-{n}', 0, 0, 'Agent {n}' FROM bots WHERE slug = 'demo'"
            ),
            format!(
                "INSERT INTO conversations (id, public_id, bot_id, visitor_id, kind, state, lang, last_seq, created_at, updated_at, visitor_email) \
                 SELECT {n}, 'conv-{n}', id, {n}, 'bot', 'closed', 'fr', 1, 0, 0, '{email}' FROM bots WHERE slug = 'demo'"
            ),
            format!(
                "INSERT INTO messages (conversation_id, seq, author, kind, body, created_at, search_text) \
                 VALUES ({n}, 1, 'visitor', 'text', '{{\"text\":\"secret {n}\"}}', 0, 'secret {n}')"
            ),
        ] {
            sqlx::query(&sql).execute(&mut conn).await.unwrap();
        }
    }
    let file = d.join("ines.json");
    ok(&run(&[
        "privacy",
        "export",
        "--email",
        "ines@example.fr",
        "--output",
        file.to_str().unwrap(),
    ]));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["conversations"][0]["id"], "conv-1");
    assert_eq!(
        doc["conversations"][0]["messages"][0]["body"]["text"],
        "secret 1"
    );
    assert_eq!(doc["visitors"][0]["user_agent"], "Agent 1");
    assert!(!doc.to_string().contains("omar"), "{doc}");

    let out = ok(&run(&[
        "privacy",
        "erase",
        "--email",
        "ines@example.fr",
        "--dry-run",
    ]));
    assert!(
        out.contains("would erase") && out.contains("conversations 1"),
        "{out}"
    );
    let out = ok(&run(&["privacy", "erase", "--email", "ines@example.fr"]));
    assert!(
        out.starts_with("erased") && out.contains("messages 1"),
        "{out}"
    );
    let out = ok(&run(&["privacy", "erase", "--visitor", "2"]));
    assert!(
        out.contains("visitors 1") && out.contains("conversations 1"),
        "{out}"
    );
    let left: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT (SELECT COUNT(*) FROM conversations) + (SELECT COUNT(*) FROM visitors) + (SELECT COUNT(*) FROM messages)")
            .fetch_one(&mut conn)
            .await
            .unwrap(),
        0,
    )
    .unwrap();
    assert_eq!(left, 0);
    // Audited as the command line, the address masked.
    let audited: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'cli' AND action LIKE 'privacy.%' AND target NOT LIKE '%ines@%'")
            .fetch_one(&mut conn)
            .await
            .unwrap(),
        0,
    )
    .unwrap();
    assert_eq!(audited, 3, "one export, two erasures");
    assert!(fails(&run(&["privacy", "erase", "--email", "not-an-address"])).contains("email"));
    assert!(ok(&run(&["privacy", "sweep"])).contains("nothing past its retention"));
    drop(conn);
    if let Some(name) = pg {
        drop_database(&name).await;
    }
}

#[tokio::test]
async fn privacy_commands_sqlite() {
    privacy_commands(Backend::Sqlite).await;
}

#[tokio::test]
async fn privacy_commands_postgres() {
    privacy_commands(Backend::Postgres).await;
}
