//! Personal data, on time (issue 15, item 8): each bot's retention (old conversations
//! deleted or anonymized, only that bot's, only the old ones), the erasure of everything
//! about a visitor by email or visitor id (every table checked), the export of it (nothing
//! of another visitor), admins only, audited with the address masked, and one PostgreSQL
//! node sweeping at a time.

use crate::helpers::*;
use serde_json::{json, Value};
use vigie::service::privacy::{self, BotSweep, Sweep};

/// One row's first column (an integer), or None.
async fn int(app: &TestApp, sql: &str) -> Option<i64> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.db_url)
        .await
        .unwrap();
    let row = sqlx::query(sql).fetch_optional(&mut conn).await.unwrap();
    row.map(|r| sqlx::Row::try_get::<i64, _>(&r, 0).unwrap())
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    int(app, sql).await.unwrap_or(0)
}

/// One row's first column (a text that may be NULL).
async fn text(app: &TestApp, sql: &str) -> Option<String> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.db_url)
        .await
        .unwrap();
    let row = sqlx::query(sql).fetch_one(&mut conn).await.unwrap();
    sqlx::Row::try_get::<Option<String>, _>(&row, 0).unwrap()
}

struct Seeded {
    conv: i64,
    visitor: i64,
    public_id: String,
    text: String,
}

/// A visitor of the demo bot writes `words`; then every record a visitor may leave is
/// added beside the conversation: identity and context, a page, the email given, a
/// transcript mail, an offline message and its team mail, a survey comment, a rated
/// answer, a monitored record with its link, a lifted block.
async fn seed(app: &TestApp, tag: &str, email: &str) -> Seeded {
    let words = format!("ma commande {tag} est bloquee");
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.say(&format!("{tag}-1"), &words).await;
    let public_id = v.conversation.clone().unwrap();
    v.close().await;
    app.store.flush().await;
    let conv = int(
        app,
        &format!("SELECT id FROM conversations WHERE public_id = '{public_id}'"),
    )
    .await
    .unwrap();
    let visitor = int(
        app,
        &format!("SELECT visitor_id FROM conversations WHERE id = {conv}"),
    )
    .await
    .unwrap();
    let bot = int(app, "SELECT id FROM bots WHERE slug = 'demo'")
        .await
        .unwrap();
    for sql in [
        format!(
            "UPDATE visitors SET user_id = 'u-{tag}', user_email = '{email}', user_name = 'Nom {tag}', \
             user_agent = 'Agent {tag}', languages = '[\"fr\"]', time_zone = 'Europe/Paris', \
             referrer = 'https://ref.example/{tag}', attributes = '{{\"plan\":\"or-{tag}\"}}', \
             last_address = '192.0.2.{}' WHERE id = {visitor}",
            conv % 200
        ),
        format!(
            "INSERT INTO visitor_pages (visitor_id, url, title, seen_at) \
             VALUES ({visitor}, 'https://shop.example/{tag}', 'Panier {tag}', 1)"
        ),
        format!("UPDATE conversations SET visitor_email = '{email}' WHERE id = {conv}"),
        format!(
            "INSERT INTO mail_outbox (message_id, to_addr, subject, html, text, status, next_attempt_at, created_at) \
             VALUES ('<t-{tag}@x>', '{email}', 'Transcription {tag}', '<p>{words}</p>', '{words}', 'sent', 0, 0)"
        ),
        format!(
            "INSERT INTO transcript_mails (conversation_id, mail_id, email, requested_by, created_at) \
             SELECT {conv}, id, '{email}', 'visitor', 0 FROM mail_outbox WHERE message_id = '<t-{tag}@x>'"
        ),
        format!(
            "INSERT INTO mail_outbox (message_id, to_addr, subject, html, text, status, next_attempt_at, created_at) \
             VALUES ('<o-{tag}@x>', 'team@example.com', 'Message de {email}', '<p>rappel {tag}</p>', 'rappel {tag}', 'sent', 0, 0)"
        ),
        format!(
            "INSERT INTO offline_messages (conversation_id, bot_id, client_id, email, message, lang, team_mail_id, created_at) \
             SELECT {conv}, {bot}, 'off-{tag}', '{email}', 'rappel {tag} au 0600000000', 'fr', id, 0 \
             FROM mail_outbox WHERE message_id = '<o-{tag}@x>'"
        ),
        format!(
            "INSERT INTO satisfaction (conversation_id, bot_id, ended_seq, score, comment, created_at) \
             VALUES ({conv}, {bot}, 1, 4, 'merci {tag}', 0)"
        ),
        format!(
            "INSERT INTO answer_feedback (conversation_id, bot_id, seq, question, helpful, created_at) \
             VALUES ({conv}, {bot}, 2, '{words}', 0, 0)"
        ),
        format!(
            "INSERT INTO monitored_conversations (conversation_id, bot_id, name, starting_knowledge, starting_title, email, strong, created_at) \
             VALUES ({conv}, {bot}, 'Dossier {tag}', '', '', '{email}', 0, 0)"
        ),
        format!(
            "INSERT INTO monitored_links (monitored_id, token_hash, email, created_at, expires_at) \
             SELECT id, 'hash-{tag}', '{email}', 0, 0 FROM monitored_conversations WHERE conversation_id = {conv}"
        ),
        format!(
            "INSERT INTO visitor_blocks (bot_id, visitor_id, address, conversation_id, reason, created_at, lifted_at) \
             VALUES ({bot}, {visitor}, '192.0.2.99', {conv}, 'spam', 0, 1)"
        ),
    ] {
        app.sql(&sql).await;
    }
    Seeded {
        conv,
        visitor,
        public_id,
        text: words,
    }
}

/// Moves a seeded conversation and its visitor `days` into the past.
async fn age(app: &TestApp, s: &Seeded, days: i64) {
    let at = vigie::domain::now_ms() - days * 86_400_000;
    app.sql(&format!(
        "UPDATE conversations SET updated_at = {at} WHERE id = {}",
        s.conv
    ))
    .await;
    app.sql(&format!(
        "UPDATE visitors SET last_seen_at = {at} WHERE id = {}",
        s.visitor
    ))
    .await;
}

/// The rows of every table that hang on the seeded conversation or visitor.
async fn rows_of(app: &TestApp, s: &Seeded) -> Vec<(&'static str, i64)> {
    let (c, v) = (s.conv, s.visitor);
    let mut out = Vec::new();
    for (name, sql) in [
        ("visitors", format!("SELECT COUNT(*) FROM visitors WHERE id = {v}")),
        ("visitor_pages", format!("SELECT COUNT(*) FROM visitor_pages WHERE visitor_id = {v}")),
        ("conversations", format!("SELECT COUNT(*) FROM conversations WHERE id = {c}")),
        ("messages", format!("SELECT COUNT(*) FROM messages WHERE conversation_id = {c}")),
        ("monitored", format!("SELECT COUNT(*) FROM monitored_conversations WHERE conversation_id = {c}")),
        ("monitored_links", format!("SELECT COUNT(*) FROM monitored_links l JOIN monitored_conversations m ON m.id = l.monitored_id WHERE m.conversation_id = {c}")),
        ("offline_messages", format!("SELECT COUNT(*) FROM offline_messages WHERE conversation_id = {c}")),
        ("transcript_mails", format!("SELECT COUNT(*) FROM transcript_mails WHERE conversation_id = {c}")),
        ("answer_feedback", format!("SELECT COUNT(*) FROM answer_feedback WHERE conversation_id = {c}")),
        ("satisfaction", format!("SELECT COUNT(*) FROM satisfaction WHERE conversation_id = {c}")),
        ("blocks", format!("SELECT COUNT(*) FROM visitor_blocks WHERE visitor_id = {v} OR conversation_id = {c}")),
        ("mails", format!("SELECT COUNT(*) FROM mail_outbox WHERE text LIKE '%{}%' OR text LIKE '%rappel {}%'", s.text, s.text.split(' ').nth(2).unwrap())),
    ] {
        out.push((name, count(app, &sql).await));
    }
    out
}

fn all_zero(rows: &[(&str, i64)]) -> bool {
    rows.iter().all(|(_, n)| *n == 0)
}

fn all_present(rows: &[(&str, i64)]) -> bool {
    rows.iter().all(|(_, n)| *n > 0)
}

/// After anonymization every row stays but the visitor's pages (deleted) and the mails'
/// texts (cleared).
fn rows_kept(rows: &[(&str, i64)]) -> bool {
    rows.iter()
        .filter(|(name, _)| !["visitor_pages", "mails"].contains(name))
        .all(|(_, n)| *n > 0)
}

async fn set_retention(app: &TestApp, bot: &str, retention: Value) -> Value {
    let admin = app.admin().await;
    expect(
        admin
            .put(
                &format!("/api/v1/bots/{bot}"),
                &json!({"name": "Démo", "lang": "fr", "langs": ["fr", "en"], "retention": retention}),
            )
            .await,
        200,
    )
    .await
}

async fn audit_actions(app: &TestApp, action: &str) -> Vec<Value> {
    let admin = app.admin().await;
    let log = expect(
        admin.get(&format!("/api/v1/audit?action={action}")).await,
        200,
    )
    .await;
    log["entries"].as_array().cloned().unwrap_or_default()
}

/// A second bot "autre" holding `s` (moved there).
async fn move_to_other_bot(app: &TestApp, s: &Seeded) {
    let admin = app.admin().await;
    expect(
        admin
            .post(
                "/api/v1/bots",
                &json!({"slug": "autre", "name": "Autre", "lang": "fr"}),
            )
            .await,
        201,
    )
    .await;
    for table in [
        "conversations",
        "offline_messages",
        "satisfaction",
        "answer_feedback",
        "monitored_conversations",
    ] {
        let key = if table == "conversations" {
            "id"
        } else {
            "conversation_id"
        };
        app.sql(&format!(
            "UPDATE {table} SET bot_id = (SELECT id FROM bots WHERE slug = 'autre') WHERE {key} = {}",
            s.conv
        ))
        .await;
    }
    app.sql(&format!(
        "UPDATE visitors SET bot_id = (SELECT id FROM bots WHERE slug = 'autre') WHERE id = {}",
        s.visitor
    ))
    .await;
}

async fn retention_anonymizes_only_old_conversations_of_that_bot(app: &TestApp) {
    let old = seed(app, "vieux", "ancien@example.fr").await;
    let recent = seed(app, "recent", "recent@example.fr").await;
    let other = seed(app, "autre", "autre@example.fr").await;
    move_to_other_bot(app, &other).await;
    age(app, &old, 40).await;
    age(app, &other, 400).await;
    let messages_before = count(
        app,
        &format!(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = {}",
            old.conv
        ),
    )
    .await;

    // Forever by default; then 30 days, anonymized.
    let bots = expect(app.admin().await.get("/api/v1/bots/demo").await, 200).await;
    assert_eq!(
        bots["retention"],
        json!({"days": null, "mode": "anonymize"})
    );
    let bot = set_retention(app, "demo", json!({"days": 30, "mode": "anonymize"})).await;
    assert_eq!(bot["retention"], json!({"days": 30, "mode": "anonymize"}));
    assert_eq!(audit_actions(app, "bot.retention").await.len(), 1);

    let done = privacy::sweep(&app.core).await.unwrap();
    assert_eq!(
        done,
        Sweep::Done(vec![BotSweep {
            bot: "demo".into(),
            mode: vigie::domain::privacy::RetentionMode::Anonymize,
            days: 30,
            conversations: 1,
            visitors: 1,
        }])
    );
    // The old conversation: every row kept (the counts stay right), the personal data gone.
    assert!(
        rows_kept(&rows_of(app, &old).await),
        "{:?}",
        rows_of(app, &old).await
    );
    assert_eq!(
        count(
            app,
            &format!(
                "SELECT COUNT(*) FROM messages WHERE conversation_id = {}",
                old.conv
            )
        )
        .await,
        messages_before
    );
    let c = old.conv;
    let v = old.visitor;
    for sql in [
        format!("SELECT COUNT(*) FROM messages WHERE conversation_id = {c} AND body LIKE '%commande vieux%'"),
        format!("SELECT COUNT(*) FROM messages WHERE conversation_id = {c} AND search_text LIKE '%commande vieux%'"),
        format!("SELECT COUNT(*) FROM conversations WHERE id = {c} AND (visitor_email IS NOT NULL OR anonymized_at IS NULL)"),
        format!("SELECT COUNT(*) FROM offline_messages WHERE conversation_id = {c} AND (email <> '' OR message LIKE '%0600000000%')"),
        format!("SELECT COUNT(*) FROM satisfaction WHERE conversation_id = {c} AND (comment <> '' OR score <> 4)"),
        format!("SELECT COUNT(*) FROM answer_feedback WHERE conversation_id = {c} AND (question <> '' OR helpful <> 0)"),
        format!("SELECT COUNT(*) FROM transcript_mails WHERE conversation_id = {c} AND email <> ''"),
        format!("SELECT COUNT(*) FROM monitored_conversations WHERE conversation_id = {c} AND (email <> '' OR name LIKE '%vieux%')"),
        format!("SELECT COUNT(*) FROM monitored_links l JOIN monitored_conversations m ON m.id = l.monitored_id WHERE m.conversation_id = {c} AND l.email <> ''"),
        "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'ancien@example.fr' OR text LIKE '%vieux%' OR subject LIKE '%ancien@%'".to_string(),
        format!("SELECT COUNT(*) FROM visitors WHERE id = {v} AND (user_id IS NOT NULL OR user_email IS NOT NULL OR user_name IS NOT NULL \
                 OR user_agent IS NOT NULL OR referrer IS NOT NULL OR last_address IS NOT NULL OR attributes <> '{{}}')"),
        format!("SELECT COUNT(*) FROM visitor_pages WHERE visitor_id = {v}"),
        format!("SELECT COUNT(*) FROM visitor_blocks WHERE conversation_id = {c} AND address IS NOT NULL"),
    ] {
        assert_eq!(count(app, &sql).await, 0, "{sql}");
    }
    // The history's text search no longer finds the anonymized text (SQLite's index too).
    let admin = app.admin().await;
    let found = expect(admin.get("/api/v1/conversations?q=vieux%20est").await, 200).await;
    assert_eq!(
        found["conversations"].as_array().unwrap().len(),
        0,
        "{found}"
    );
    let found = expect(admin.get("/api/v1/conversations?q=recent%20est").await, 200).await;
    assert_eq!(
        found["conversations"].as_array().unwrap().len(),
        1,
        "{found}"
    );

    // The recent one and the other bot's old one are untouched.
    for s in [&recent, &other] {
        assert!(
            all_present(&rows_of(app, s).await),
            "{:?}",
            rows_of(app, s).await
        );
        assert_eq!(
            count(app, &format!("SELECT COUNT(*) FROM messages WHERE conversation_id = {} AND author = 'visitor' AND body LIKE '%bloquee%'", s.conv)).await,
            1,
            "{:?}",
            text(app, &format!("SELECT body FROM messages WHERE conversation_id = {} AND body LIKE '%bloquee%' AND author <> 'visitor'", s.conv)).await
        );
        assert!(text(
            app,
            &format!(
                "SELECT visitor_email FROM conversations WHERE id = {}",
                s.conv
            )
        )
        .await
        .is_some());
        assert!(text(
            app,
            &format!("SELECT user_agent FROM visitors WHERE id = {}", s.visitor)
        )
        .await
        .is_some());
    }
    // Done once: the next sweep finds nothing; the act is in the audit log.
    assert_eq!(
        privacy::sweep(&app.core).await.unwrap(),
        Sweep::Done(vec![])
    );
    let entries = audit_actions(app, "privacy.retention.anonymize").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["target"], "bot:demo");
    assert_eq!(entries[0]["details"]["conversations"], 1);
}

async fn retention_deletes_only_old_conversations_of_that_bot(app: &TestApp) {
    let old = seed(app, "vieux", "ancien@example.fr").await;
    let recent = seed(app, "recent", "recent@example.fr").await;
    let other = seed(app, "autre", "autre@example.fr").await;
    move_to_other_bot(app, &other).await;
    age(app, &old, 10).await;
    age(app, &recent, 5).await;
    age(app, &other, 400).await;
    set_retention(app, "demo", json!({"days": 7, "mode": "delete"})).await;
    let done = privacy::sweep(&app.core).await.unwrap();
    let Sweep::Done(bots) = done else {
        panic!("skipped")
    };
    assert_eq!(bots.len(), 1);
    assert_eq!((bots[0].conversations, bots[0].visitors), (1, 1));
    let rows = rows_of(app, &old).await;
    assert!(all_zero(&rows), "{rows:?}");
    for s in [&recent, &other] {
        assert!(
            all_present(&rows_of(app, s).await),
            "{:?}",
            rows_of(app, s).await
        );
    }
    assert_eq!(
        audit_actions(app, "privacy.retention.delete").await.len(),
        1
    );
    // Kept forever again: nothing more happens.
    set_retention(app, "demo", json!({"days": null, "mode": "delete"})).await;
    age(app, &recent, 500).await;
    assert_eq!(
        privacy::sweep(&app.core).await.unwrap(),
        Sweep::Done(vec![])
    );
    assert!(all_present(&rows_of(app, &recent).await));
}

async fn retention_is_checked_and_for_admins(app: &TestApp) {
    let admin = app.admin().await;
    let put = |retention: Value| json!({"name": "Démo", "lang": "fr", "langs": ["fr", "en"], "retention": retention});
    let r = expect(
        admin
            .put(
                "/api/v1/bots/demo",
                &put(json!({"days": 0, "mode": "shred"})),
            )
            .await,
        422,
    )
    .await;
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["retention_days", "retention_mode"], "{r}");
    assert_eq!(r["fields"][1]["code"], "retention_mode_invalid");
    expect(
        admin
            .put(
                "/api/v1/bots/demo",
                &put(json!({"days": 3651, "mode": "delete"})),
            )
            .await,
        422,
    )
    .await;
    // Nothing changed, the name included.
    let bot = expect(admin.get("/api/v1/bots/demo").await, 200).await;
    assert_eq!(bot["retention"]["days"], Value::Null);
    // A change without `retention` keeps it.
    set_retention(app, "demo", json!({"days": 90, "mode": "delete"})).await;
    expect(
        admin
            .put(
                "/api/v1/bots/demo",
                &json!({"name": "Démo 2", "lang": "fr", "langs": ["fr"]}),
            )
            .await,
        200,
    )
    .await;
    let bot = expect(admin.get("/api/v1/bots/demo").await, 200).await;
    assert_eq!(bot["retention"], json!({"days": 90, "mode": "delete"}));

    let op = app.operator().await;
    expect(
        op.put(
            "/api/v1/bots/demo",
            &put(json!({"days": 1, "mode": "delete"})),
        )
        .await,
        403,
    )
    .await;
    expect(
        op.get("/api/v1/privacy/subject?email=a@example.fr").await,
        403,
    )
    .await;
    expect(
        op.get("/api/v1/privacy/export?email=a@example.fr").await,
        403,
    )
    .await;
    expect(
        op.post("/api/v1/privacy/erase", &json!({"email": "a@example.fr"}))
            .await,
        403,
    )
    .await;
    // CSRF: the admin's session without its token is refused.
    let no_csrf = Session {
        client: admin.client.clone(),
        csrf: None,
        base: admin.base.clone(),
    };
    let r = expect(
        no_csrf
            .post("/api/v1/privacy/erase", &json!({"email": "a@example.fr"}))
            .await,
        403,
    )
    .await;
    assert_eq!(r["error"], "csrf");
    // The subject is checked, by field.
    let r = expect(admin.get("/api/v1/privacy/subject?email=nope").await, 422).await;
    assert_eq!(r["fields"][0]["field"], "email");
    let r = expect(admin.post("/api/v1/privacy/erase", &json!({})).await, 422).await;
    assert_eq!(r["fields"][0]["code"], "subject_missing");
}

async fn erase_by_email_removes_everything(app: &TestApp) {
    let a1 = seed(app, "alpha", "marie.dupont@example.fr").await;
    // The same person from another browser, address typed with capitals.
    let a2 = seed(app, "alphabis", "Marie.Dupont@Example.fr").await;
    let b = seed(app, "beta", "paul@example.fr").await;
    // An operator's act that named the address (a link resent).
    app.sql(
        "INSERT INTO audit_log (at, actor_name, action, target, details) VALUES \
         (1, 'Claire', 'monitored.resend', 'monitored:1 Dossier', '{\"email\":\"marie.dupont@example.fr\"}')",
    )
    .await;
    let admin = app.admin().await;
    let preview = expect(
        admin
            .get("/api/v1/privacy/subject?email=MARIE.DUPONT@example.fr")
            .await,
        200,
    )
    .await;
    let c = &preview["counts"];
    assert_eq!(c["conversations"], 2, "{preview}");
    assert_eq!(c["visitors"], 2);
    assert_eq!(c["offline_messages"], 2);
    assert_eq!(
        c["mails"], 4,
        "the transcripts and the team's mails: {preview}"
    );
    assert_eq!(c["audit_entries"], 1);
    assert!(c["messages"].as_i64().unwrap() >= 4);
    // The preview changed nothing.
    assert!(all_present(&rows_of(app, &a1).await));

    let done = expect(
        admin
            .post(
                "/api/v1/privacy/erase",
                &json!({"email": "marie.dupont@example.fr"}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(done["erased"], preview["counts"]);
    for s in [&a1, &a2] {
        let rows = rows_of(app, s).await;
        assert!(all_zero(&rows), "{rows:?}");
    }
    assert!(all_present(&rows_of(app, &b).await));
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM mail_outbox WHERE LOWER(to_addr) = 'marie.dupont@example.fr' OR subject LIKE '%marie%'").await,
        0
    );
    // The audit log: the erasure, by whom, with the counts, the address never in clear.
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM audit_log WHERE LOWER(target) LIKE '%marie.dupont%' OR LOWER(details) LIKE '%marie.dupont%'").await,
        0
    );
    let entries = audit_actions(app, "privacy.erase").await;
    assert_eq!(entries.len(), 1);
    assert!(entries[0]["target"]
        .as_str()
        .unwrap()
        .starts_with("email:m***@example.fr #"));
    assert_eq!(entries[0]["details"]["counts"]["conversations"], 2);
    assert!(entries[0]["actor_name"]
        .as_str()
        .unwrap()
        .contains(ADMIN_EMAIL));
    let resend = audit_actions(app, "monitored.resend").await;
    assert_eq!(resend[0]["details"]["email"], "m***@example.fr");
    // Nothing left to find.
    let again = expect(
        admin
            .get("/api/v1/privacy/subject?email=marie.dupont@example.fr")
            .await,
        200,
    )
    .await;
    assert_eq!(again["empty"], true, "{again}");
}

async fn erase_by_visitor_id_removes_everything(app: &TestApp) {
    let a = seed(app, "gamma", "jeanne@example.fr").await;
    let b = seed(app, "delta", "luc@example.fr").await;
    let admin = app.admin().await;
    let preview = expect(
        admin
            .get(&format!("/api/v1/privacy/subject?visitor={}", a.visitor))
            .await,
        200,
    )
    .await;
    assert_eq!(preview["counts"]["conversations"], 1);
    assert_eq!(preview["counts"]["visitor_pages"], 1);
    let done = expect(
        admin
            .post("/api/v1/privacy/erase", &json!({"visitor": a.visitor}))
            .await,
        200,
    )
    .await;
    assert_eq!(done["erased"]["visitors"], 1);
    assert!(
        all_zero(&rows_of(app, &a).await),
        "{:?}",
        rows_of(app, &a).await
    );
    assert!(all_present(&rows_of(app, &b).await));
    let entries = audit_actions(app, "privacy.erase").await;
    assert_eq!(entries[0]["target"], format!("visitor:{}", a.visitor));
    // The conversation is gone from the history too.
    expect(
        admin
            .get(&format!("/api/v1/conversations/{}", a.public_id))
            .await,
        404,
    )
    .await;
}

async fn export_has_the_visitor_and_nobody_else(app: &TestApp) {
    let a = seed(app, "epsilon", "sophie@example.fr").await;
    let b = seed(app, "zeta", "karim@example.fr").await;
    let admin = app.admin().await;
    let r = admin
        .get("/api/v1/privacy/export?email=sophie@example.fr")
        .await;
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let body = r.text().await.unwrap();
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["subject"]["email"], "sophie@example.fr");
    assert_eq!(doc["visitors"].as_array().unwrap().len(), 1);
    assert_eq!(doc["visitors"][0]["user_agent"], "Agent epsilon");
    assert_eq!(doc["visitors"][0]["attributes"]["plan"], "or-epsilon");
    assert_eq!(
        doc["visitors"][0]["pages"][0]["url"],
        "https://shop.example/epsilon"
    );
    let conv = &doc["conversations"][0];
    assert_eq!(conv["id"], a.public_id.as_str());
    assert!(conv["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["author"] == "visitor" && m["body"]["text"] == a.text.as_str()));
    assert_eq!(
        conv["offline_messages"][0]["message"],
        "rappel epsilon au 0600000000"
    );
    assert_eq!(conv["satisfaction"][0]["comment"], "merci epsilon");
    assert_eq!(conv["monitored"][0]["name"], "Dossier epsilon");
    assert_eq!(conv["monitored_links"][0]["email"], "sophie@example.fr");
    assert_eq!(doc["mails"].as_array().unwrap().len(), 2);
    assert!(!body.contains("karim"), "another visitor's data: {body}");
    assert!(!body.contains(&b.text));
    assert!(!body.contains("zeta"));
    // By visitor id: the same visitor.
    let by_id = expect(
        admin
            .get(&format!("/api/v1/privacy/export?visitor={}", a.visitor))
            .await,
        200,
    )
    .await;
    assert_eq!(by_id["conversations"][0]["id"], a.public_id.as_str());
    let entries = audit_actions(app, "privacy.export").await;
    assert_eq!(entries.len(), 2);
    assert!(!entries
        .iter()
        .any(|e| e.to_string().contains("sophie@example.fr")));
}

async fn one_node_sweeps_at_a_time(app: &TestApp) {
    let node = app.another_node().await;
    // The nodes' own sweeps at start may hold the lock a moment.
    let mut held = None;
    for _ in 0..50 {
        held = app.store.try_sweep_lock().await.unwrap();
        if held.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let held = held.expect("the lock, once the start-up sweeps are done");
    match app.backend {
        vigie::store::Backend::Postgres => {
            assert!(node.store.try_sweep_lock().await.unwrap().is_none());
            assert_eq!(privacy::sweep(&node.core).await.unwrap(), Sweep::Skipped);
            held.release().await;
            // Released: the other node takes it (its own start-up sweep may hold it a
            // moment: that node's server task may only start now).
            let mut again = None;
            for _ in 0..50 {
                again = node.store.try_sweep_lock().await.unwrap();
                if again.is_some() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            assert!(again.is_some(), "released: the other node takes it");
            // Dropped without release: its connection is closed, the lock freed.
            drop(again);
            let mut taken = false;
            for _ in 0..50 {
                if let Some(l) = app.store.try_sweep_lock().await.unwrap() {
                    l.release().await;
                    taken = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            assert!(taken);
        }
        vigie::store::Backend::Sqlite => {
            // One node: the lock is always there.
            held.release().await;
            assert!(matches!(
                privacy::sweep(&node.core).await.unwrap(),
                Sweep::Done(_)
            ));
        }
    }
    node.finish().await;
}

crate::both_backends!(
    retention_anonymizes_only_old_conversations_of_that_bot,
    retention_deletes_only_old_conversations_of_that_bot,
    retention_is_checked_and_for_admins,
    erase_by_email_removes_everything,
    erase_by_visitor_id_removes_everything,
    export_has_the_visitor_and_nobody_else,
    one_node_sweeps_at_a_time,
);
