//! Statistics (issue 14, item 2): a scripted day driven through real WebSocket clients
//! (visitors asking, handing over, queueing, timing out; an operator taking and ending
//! livechats; monitored conversations mailed, opened, answered, helped), then the page's
//! figures and its CSV checked against the known counts; operators are refused.

use crate::helpers::*;
use crate::mail_sink::{token_in, Sink};
use crate::monitored::spawn_with_smtp;
use serde_json::{json, Value};
use vigie::store::Backend;

/// Today in the helpdesk's time zone (the demo's default: Europe/Paris).
fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date()
        .to_string()
}

fn summary_of(report: &Value) -> &Value {
    &report["summary"]
}

fn section<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no section {key}: {report}"))
}

/// The sum of a column over a time series' rows.
fn column_sum(report: &Value, key: &str, col: &str) -> i64 {
    let s = section(report, key);
    let i = s["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["key"] == col)
        .unwrap();
    s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[i].as_i64().unwrap_or(0))
        .sum()
}

/// A visitor opens the demo's chatbox and asks for a human.
async fn asks_for_someone(app: &TestApp, q: &str) -> (Visitor, Value) {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.send(json!({"type": "handoff", "client_id": format!("h-{q}")}))
        .await;
    v.expect("ack").await;
    let told = v.expect("message").await;
    (v, told)
}

async fn a_scripted_day_is_counted(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let day = today();
    let admin = app.admin().await;
    let claire = app.store.operator_by_email(OPERATOR_EMAIL).await.unwrap();
    app.store
        .set_own_capacity(claire.id, Some(1), 3)
        .await
        .unwrap();

    // Questions: the visitor's frames say how each was answered.
    let mut asker = Visitor::connect(&app).await;
    asker.hello("demo").await;
    let mut kinds = std::collections::HashMap::<&str, i64>::new();
    let kind_of = |bot: &Value| match bot["kind"].as_str().unwrap() {
        "knowledge" => "answer",
        "suggestions" => "suggestions",
        "not_understood" => "not_understood",
        other => panic!("{other} {bot}"),
    };
    for (i, text) in [
        "j'ai oublié mon mot de passe",
        "mon vpn ne se connecte pas",
        "bonjour",
        "merci beaucoup !",
        "quelle est la recette de la tarte tatin ?",
        "quel temps fera-t-il à Brest demain ?",
        "imprimante",
        "mot de passe",
    ]
    .iter()
    .enumerate()
    {
        let (_, _, bot) = asker.say(&format!("q-{i}"), text).await;
        let kind = if i == 2 || i == 3 {
            assert_eq!(bot["kind"], "text", "{text}: {bot}");
            "small_talk"
        } else {
            kind_of(&bot)
        };
        *kinds.entry(kind).or_default() += 1;
    }
    assert_eq!(kinds["small_talk"], 2, "{kinds:?}");
    assert!(
        kinds["answer"] >= 2 && kinds["not_understood"] >= 2,
        "{kinds:?}"
    );

    // Hand-overs: nobody on duty (1), then Claire (capacity 1) takes one at once, the next
    // waits in the queue and is served when she ends the first, a third waits too long.
    let (_e, told) = asks_for_someone(&app, "nobody").await;
    assert_eq!(told["author"], "bot", "{told}");
    let mut op = Console::connect(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    op.hello(json!({})).await;
    op.available().await;
    let (mut a, told) = asks_for_someone(&app, "a").await;
    assert_eq!(told["event"], "operator_joined", "{told}");
    let conv_a = a.conversation.clone().unwrap();
    op.until_assigned(&conv_a).await;
    op.send(json!({"type": "send", "client_id": "o-1", "conversation": conv_a, "text": "Bonjour, je regarde."}))
        .await;
    op.until(|f| f["type"] == "ack" && f["client_id"] == "o-1")
        .await;
    assert_eq!(a.expect("message").await["author"], "operator");
    let (mut b, told) = asks_for_someone(&app, "b").await;
    assert_eq!(told["event"], "queued", "{told}");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    op.send(json!({"type": "end", "client_id": "e-1", "conversation": conv_a}))
        .await;
    assert_eq!(a.expect("message").await["event"], "operator_left");
    assert_eq!(b.expect("message").await["event"], "operator_joined");
    let (mut c, told) = asks_for_someone(&app, "c").await;
    assert_eq!(told["event"], "queued", "{told}");
    let conv_c = app
        .store
        .conversation_by_public_id(c.conversation.as_deref().unwrap())
        .await
        .unwrap();
    app.sql(&format!(
        "UPDATE conversations SET queued_at = queued_at - 301000 WHERE id = {}",
        conv_c.id
    ))
    .await;
    assert_eq!(
        vigie::service::livechat::expire_queue(&app.core)
            .await
            .unwrap(),
        1
    );
    assert_eq!(c.expect("message").await["event"], "queue_timeout");
    op.send(json!({"type": "end", "client_id": "e-2", "conversation": b.conversation}))
        .await;
    assert_eq!(b.expect("message").await["event"], "operator_left");

    // Monitored: two created by Claire, both mailed; one link opened, its visitor writes,
    // Claire offers help, the visitor accepts.
    let claire_s = app.operator().await;
    let mut mconv = String::new();
    for email in ["paul@example.com", "lea@example.com"] {
        let created = expect(
            claire_s
                .post(
                    "/api/v1/monitored-conversations",
                    &json!({"bot": "demo", "name": format!("Suivi {email}"), "starting_knowledge": "vpn-lent",
                            "email": email, "strong_monitoring": true}),
                )
                .await,
            201,
        )
        .await;
        if mconv.is_empty() {
            mconv = created["id"].as_str().unwrap().to_string();
        }
    }
    let mails = sink.wait_for(2).await;
    let paul = mails.iter().find(|m| m.to.contains("paul@")).unwrap();
    op.send(json!({"type": "open", "conversation": mconv, "last_seq": 0}))
        .await;
    op.until(|v| v["type"] == "conversation" && v["conversation"] == mconv.as_str())
        .await;
    let mut m = Visitor::connect(&app).await;
    m.hello_mc(&token_in(paul)).await.unwrap();
    m.send(json!({"type": "send", "client_id": "m-1", "text": "mon vpn est toujours lent"}))
        .await;
    m.expect("ack").await;
    assert_eq!(m.expect("message").await["author"], "visitor");
    *kinds
        .entry(kind_of(&m.expect("message").await))
        .or_default() += 1;
    op.send(json!({"type": "offer_help", "client_id": "o-h", "conversation": mconv}))
        .await;
    let acked = op.until(|f| f["client_id"] == "o-h").await;
    assert_eq!(acked["type"], "ack", "{acked}");
    assert!(is_event(&m.expect("message").await, "help_offered"));
    m.send(json!({"type": "help_reply", "client_id": "m-2", "accept": true}))
        .await;
    m.expect("ack").await;
    assert!(is_event(&m.expect("message").await, "help_accepted"));
    assert!(is_event(&m.expect("message").await, "operator_joined"));
    // Both mails were sent (the outbox's status follows the SMTP answer).
    for _ in 0..100 {
        let sent = app.store.gauges().await.unwrap().mails;
        if sent.iter().any(|(s, n)| s == "sent" && *n == 2) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Visitors' feedback (the survey and the thumbs modules write these rows).
    let k_conv = app
        .store
        .conversation_by_public_id(asker.conversation.as_deref().unwrap())
        .await
        .unwrap();
    let a_conv = app.store.conversation_by_public_id(&conv_a).await.unwrap();
    app.sql(&format!(
        "INSERT INTO satisfaction (conversation_id, bot_id, operator_id, ended_seq, score, comment, created_at) \
         VALUES ({}, {}, {}, 99, 4, 'Merci, très efficace', {})",
        a_conv.id, a_conv.bot_id, claire.id.0, vigie::domain::now_ms()
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO answer_feedback (conversation_id, bot_id, seq, knowledge_id, question, helpful, created_at) \
         VALUES ({}, {}, 2, 'mot-de-passe-oublie', 'mot de passe', 1, {})",
        k_conv.id, k_conv.bot_id, vigie::domain::now_ms()
    ))
    .await;

    // The page's report for today.
    let path = format!("/api/v1/stats?bot=demo&from={day}&to={day}&lang=fr");
    let report = expect(admin.get(&path).await, 200).await;
    let s = summary_of(&report);
    assert_eq!(report["granularity"], "hour", "{report}");
    assert_eq!(report["timezone"], "Europe/Paris");
    // The asker, four who asked for someone, two monitored (each its own visitor).
    assert_eq!(s["conversations"], 7, "{s}");
    assert_eq!(column_sum(&report, "conversations", "bot"), 5);
    assert_eq!(column_sum(&report, "conversations", "monitored"), 2);
    assert_eq!(s["visitors"], 7, "{s}");
    // The questions as the frames said (a monitored conversation's opening answer is not
    // one).
    let n = |k: &str| kinds.get(k).copied().unwrap_or(0);
    assert_eq!(
        (
            s["answered"].as_i64(),
            s["suggestions"].as_i64(),
            s["not_understood"].as_i64(),
            s["small_talk"].as_i64()
        ),
        (
            Some(n("answer")),
            Some(n("suggestions")),
            Some(n("not_understood")),
            Some(2)
        ),
        "{s} {kinds:?}"
    );
    assert_eq!(s["questions"], 9, "{s}");
    assert_eq!(column_sum(&report, "questions", "answer"), n("answer"));
    assert_eq!(column_sum(&report, "questions", "small_talk"), 2);
    // Hand-overs: 4 requests (nobody, a at once, b from the queue, c timed out); the
    // monitored visitor's accepted help is a livechat, not a request.
    assert_eq!(s["handoffs"], 4, "{s}");
    assert_eq!(s["served"], 2, "{s}");
    assert_eq!(s["abandoned"], 1, "{s}");
    assert_eq!(s["unavailable"], 1, "{s}");
    let wait = s["queue_wait_p50"].as_f64().unwrap();
    assert!((1.0..30.0).contains(&wait), "b waited about a second: {s}");
    assert_eq!(s["queue_wait_p90"], s["queue_wait_p50"]);
    // Livechats: a, b and the monitored one; a answered; a and b ended.
    assert_eq!(s["livechats"], 3, "{s}");
    assert!(s["first_response_median"].as_f64().unwrap() < 30.0, "{s}");
    // a lasted a little over a second, b a fraction of one: the median (nearest rank) is b's.
    let duration = s["duration_median"].as_f64().unwrap();
    assert!(duration > 0.0 && duration < 1.0, "{s}");
    assert_eq!(s["surveys"], 1);
    assert_eq!(s["satisfaction"], 4.0);
    assert_eq!(
        (s["helpful"].as_i64(), s["unhelpful"].as_i64()),
        (Some(1), Some(0))
    );
    // Per operator: Claire took part in a, b and the monitored one.
    let ops = section(&report, "operators");
    let row = ops["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "Claire")
        .unwrap_or_else(|| panic!("{ops}"));
    assert_eq!(row[1], 3, "{ops}");
    assert_eq!(
        (row[4].as_i64(), row[5].as_f64()),
        (Some(1), Some(4.0)),
        "{ops}"
    );
    assert!(row[2].as_f64().unwrap() >= 0.0);
    // The funnel: 2 created, 2 mailed, 1 opened, 1 replied, 1 offered, 1 accepted.
    let funnel = section(&report, "monitored");
    let total = funnel["rows"].as_array().unwrap().last().unwrap();
    assert_eq!(total, &json!(["Total", 2, 2, 1, 1, 1, 1]), "{funnel}");
    // The top knowledge lists the password answer with its thumb.
    let top = section(&report, "knowledge");
    let pw = top["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "mot-de-passe-oublie")
        .unwrap_or_else(|| panic!("{top}"));
    assert!(pw[2].as_i64().unwrap() >= 1);
    assert_eq!(pw[3], 1);
    // Over all bots, the same here (one bot); a week holds the day.
    let all = expect(
        admin
            .get(&format!("/api/v1/stats?from={day}&to={day}"))
            .await,
        200,
    )
    .await;
    assert_eq!(summary_of(&all), s);
    let date: jiff::civil::Date = day.parse().unwrap();
    let week_from = date
        .checked_sub(jiff::Span::new().days(3))
        .unwrap()
        .to_string();
    let week = expect(
        admin
            .get(&format!("/api/v1/stats?bot=demo&from={week_from}&to={day}"))
            .await,
        200,
    )
    .await;
    assert_eq!(week["granularity"], "day");
    assert_eq!(
        section(&week, "conversations")["rows"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(summary_of(&week)["handoffs"], 4);
    // The day before holds nothing.
    let before = expect(
        admin
            .get(&format!(
                "/api/v1/stats?bot=demo&from={week_from}&to={week_from}"
            ))
            .await,
        200,
    )
    .await;
    assert_eq!(summary_of(&before)["conversations"], 0);

    // The CSV behind the hand-over chart: French headers, one row per hour, the counts.
    let r = admin
        .get(&format!(
            "/api/v1/stats/handoffs.csv?bot=demo&from={day}&to={day}&lang=fr"
        ))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("vigie-demo-handoffs-{day}-{day}.csv")));
    let csv = r.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "Heure,Demandes,Servies,Abandonnées en file,Personne disponible"
    );
    let rows: Vec<Vec<i64>> = lines
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 24, "{csv}");
    let col = |i: usize| rows.iter().map(|r| r[i]).sum::<i64>();
    assert_eq!((col(0), col(1), col(2), col(3)), (4, 2, 1, 1), "{csv}");
    // In English, and the funnel's table with its creator.
    let csv = admin
        .get(&format!(
            "/api/v1/stats/monitored.csv?from={day}&to={day}&lang=en"
        ))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Created by,Created,Mail sent,Link opened,Visitor replied,Help offered,Help accepted"
    );
    assert_eq!(lines[2], "Total,2,2,1,1,1,1", "{csv}");

    // Refusals: operators may not read statistics; an unknown table, a date that is not
    // one, a reversed period, an unknown bot.
    let operator = app.operator().await;
    expect(operator.get(&path).await, 403).await;
    expect(
        operator
            .get(&format!("/api/v1/stats/handoffs.csv?from={day}&to={day}"))
            .await,
        403,
    )
    .await;
    expect(app.anonymous().get(&path).await, 401).await;
    expect(
        admin
            .get(&format!("/api/v1/stats/nothing.csv?from={day}&to={day}"))
            .await,
        404,
    )
    .await;
    let bad = expect(
        admin.get("/api/v1/stats?from=hier&to=2026-01-01").await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["field"], "from", "{bad}");
    let bad = expect(
        admin
            .get(&format!("/api/v1/stats?from={day}&to={week_from}"))
            .await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["code"], "period_invalid", "{bad}");
    expect(
        admin
            .get(&format!("/api/v1/stats?bot=nope&from={day}&to={day}"))
            .await,
        404,
    )
    .await;
    drop((a, b, c, m, asker, op));
    app.finish().await;
}

mod a_scripted_day_is_counted {
    use vigie::store::Backend;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_scripted_day_is_counted(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_scripted_day_is_counted(Backend::Postgres).await;
    }
}

/// The local label of an instant, as the page cuts a period (a day, or an hour of one day).
fn label(ms: i64, hourly: bool) -> String {
    let at = jiff::Timestamp::from_millisecond(ms)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    if hourly {
        format!("{} {:02}:00", at.date(), at.hour())
    } else {
        at.date().to_string()
    }
}

/// A table's rows keyed by their first cell, the given columns as integers.
fn by_label(
    report: &Value,
    key: &str,
    cols: &[usize],
) -> std::collections::BTreeMap<String, Vec<i64>> {
    section(report, key)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                cols.iter().map(|c| r[*c].as_i64().unwrap()).collect(),
            )
        })
        .collect()
}

/// Migration 0023's generated columns, `bot_id` backfill and indexes (and the spans the
/// page's period is cut in) count exactly what the messages' bodies say, by the rules the
/// statistics always used, recounted here row by row: messages of every kind (replies to
/// questions, small talk, a monitored opening message, hand-overs, joins by the system and
/// by an operator, knowledge items with two titles), stored without `bot_id` as before the
/// migration and over the night summer time ends, per day and per hour, for all bots and
/// one.
async fn the_indexes_count_what_the_messages_say(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&app.db_url)
        .await
        .unwrap();
    sqlx::query("INSERT INTO bots (slug, name, default_lang, created_at) VALUES ('other', 'Other', 'fr', 0)")
        .execute(&pool)
        .await
        .unwrap();
    let demo = app.store.bot("demo").await.unwrap().id;
    let other = app.store.bot("other").await.unwrap().id;
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let start = |d: &str| {
        d.parse::<jiff::civil::Date>()
            .unwrap()
            .to_zoned(paris.clone())
            .unwrap()
            .timestamp()
            .as_millisecond()
    };
    // 2026-10-24 to 2026-10-26, Paris: 25 October has 25 hours.
    let (lo, hi) = (start("2026-10-24"), start("2026-10-27"));
    let templates: &[(&str, &str, &str)] = &[
        (
            "bot",
            "knowledge",
            r#"{"text":"A","knowledge":{"id":"k1","title":"Wi-Fi"},"lang":"fr"}"#,
        ),
        (
            "bot",
            "knowledge",
            r#"{"text":"A","knowledge":{"id":"k1","title":"Wi-Fi (old)"},"lang":"fr"}"#,
        ),
        (
            "bot",
            "knowledge",
            r#"{"text":"A","knowledge":{"id":"k2","title":"VPN"},"lang":"fr"}"#,
        ),
        (
            "bot",
            "knowledge",
            r#"{"text":"A","knowledge":{"id":"k3","title":"Mail"},"lang":"fr"}"#,
        ),
        (
            "bot",
            "suggestions",
            r#"{"text":"?","suggestions":[{"id":"k1","title":"Wi-Fi"}]}"#,
        ),
        ("bot", "not_understood", r#"{"text":"?"}"#),
        (
            "bot",
            "text",
            r#"{"text":"Bonjour !","small_talk":"greeting"}"#,
        ),
        ("bot", "text", r#"{"text":"Rien"}"#),
        (
            "visitor",
            "text",
            r#"{"text":"small_talk handoff operator_joined"}"#,
        ),
        (
            "system",
            "event",
            r#"{"text":"file","event":"queued","handoff":"queued"}"#,
        ),
        (
            "system",
            "event",
            r#"{"text":"là","event":"operator_joined","handoff":"assigned"}"#,
        ),
        (
            "system",
            "event",
            r#"{"text":"là","event":"operator_joined"}"#,
        ),
        (
            "bot",
            "text",
            r#"{"text":"Personne","handoff":"unavailable"}"#,
        ),
        (
            "system",
            "event",
            r#"{"text":"trop tard","event":"queue_timeout"}"#,
        ),
        (
            "system",
            "event",
            r#"{"text":"parti","event":"operator_left"}"#,
        ),
        (
            "system",
            "event",
            r#"{"text":"transféré","event":"transferred"}"#,
        ),
        (
            "operator",
            "text",
            r#"{"text":"Bonjour","operator":"Claire"}"#,
        ),
        (
            "operator",
            "event",
            r#"{"text":"?","event":"operator_joined"}"#,
        ),
    ];
    let mut seed: u64 = 14;
    let mut rand = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let kinds = ["bot", "livechat", "monitored"];
    for c in 0..120i64 {
        let id = 1_000_000 + c;
        let bot = if c % 3 == 0 { other } else { demo };
        let created = lo - 3_600_000 + rand((hi - lo + 2 * 3_600_000) as u64) as i64;
        let kind = kinds[rand(3) as usize];
        let n = 1 + rand(14) as i64;
        sqlx::query(
            "INSERT INTO conversations (id, public_id, bot_id, kind, state, lang, last_seq, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'closed', 'fr', $5, $6, $6)",
        )
        .bind(id)
        .bind(format!("c_fast{c}"))
        .bind(bot)
        .bind(kind)
        .bind(n)
        .bind(created)
        .execute(&pool)
        .await
        .unwrap();
        let mut at = created;
        for seq in 1..=n {
            let (author, kind, body) = templates[rand(templates.len() as u64) as usize];
            // As stored before migration 0023: no bot_id.
            sqlx::query(
                "INSERT INTO messages (conversation_id, seq, author, kind, body, created_at, search_text) \
                 VALUES ($1, $2, $3, $4, $5, $6, '')",
            )
            .bind(id)
            .bind(seq)
            .bind(author)
            .bind(kind)
            .bind(body)
            .bind(at)
            .execute(&pool)
            .await
            .unwrap();
            at += rand(40 * 60_000) as i64;
        }
    }
    // The migration's backfill, as it ran on the databases that had messages.
    let migration = std::fs::read_to_string(format!(
        "{}/migrations/{}/0023_statistics_fast.sql",
        env!("CARGO_MANIFEST_DIR"),
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    ))
    .unwrap();
    let backfill = migration
        .lines()
        .find(|l| l.starts_with("UPDATE messages SET bot_id"))
        .unwrap();
    sqlx::query(backfill).execute(&pool).await.unwrap();

    // Every message, recounted by the rules of the bodies.
    use sqlx::Row;
    struct Raw {
        conversation: i64,
        seq: i64,
        author: String,
        kind: String,
        body: String,
        at: i64,
        bot: i64,
    }
    let raw: Vec<Raw> = sqlx::query(
        "SELECT m.conversation_id, m.seq, m.author, m.kind, m.body, m.created_at, c.bot_id \
         FROM messages m JOIN conversations c ON c.id = m.conversation_id ORDER BY m.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| Raw {
        conversation: r.try_get(0).unwrap(),
        seq: r.try_get(1).unwrap(),
        author: r.try_get(2).unwrap(),
        kind: r.try_get(3).unwrap(),
        body: r.try_get(4).unwrap(),
        at: r.try_get(5).unwrap(),
        bot: r.try_get(6).unwrap(),
    })
    .collect();
    let convs: Vec<(i64, String, i64)> =
        sqlx::query("SELECT bot_id, kind, created_at FROM conversations")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get(0).unwrap(),
                    r.try_get(1).unwrap(),
                    r.try_get(2).unwrap(),
                )
            })
            .collect();
    let slot = |ms: i64| ms / 900_000 * 900_000;

    for (bot, from, to) in [
        (None, "2026-10-24", "2026-10-26"),
        (Some("demo"), "2026-10-24", "2026-10-26"),
        (None, "2026-10-25", "2026-10-25"),
        (Some("demo"), "2026-10-25", "2026-10-25"),
    ] {
        let hourly = from == to;
        let (p_lo, p_hi) = (
            start(from),
            start(
                &(to.parse::<jiff::civil::Date>()
                    .unwrap()
                    .tomorrow()
                    .unwrap()
                    .to_string()),
            ),
        );
        let bot_id = bot.map(|_| demo);
        let mine = |b: i64| bot_id.is_none_or(|d| d == b);
        let within = |ms: i64| ms >= p_lo && ms < p_hi;
        let report = serde_json::to_value(
            vigie::service::statistics::report(
                &app.core,
                &vigie::service::statistics::StatsQuery {
                    bot: bot.map(String::from),
                    from: from.into(),
                    to: to.into(),
                    lang: vigie_bot::Lang::En,
                },
            )
            .await
            .unwrap(),
        )
        .unwrap();
        let what = format!("{bot:?} {from} {to}");

        // Conversations by kind, per slot start.
        let mut want: std::collections::BTreeMap<String, Vec<i64>> =
            by_label(&report, "conversations", &[1, 2, 3])
                .into_keys()
                .map(|l| (l, vec![0; 3]))
                .collect();
        for (b, kind, at) in &convs {
            if mine(*b) && within(*at) {
                let k = kinds.iter().position(|x| x == kind).unwrap();
                want.get_mut(&label(slot(*at), hourly)).unwrap()[k] += 1;
            }
        }
        assert_eq!(
            by_label(&report, "conversations", &[1, 2, 3]),
            want,
            "{what}"
        );

        // Questions by how the bot answered, per slot start.
        let mut want: std::collections::BTreeMap<String, Vec<i64>> =
            want.into_keys().map(|l| (l, vec![0; 4])).collect();
        let mut items: std::collections::BTreeMap<String, (String, i64)> = Default::default();
        for m in raw.iter().filter(|m| mine(m.bot) && within(m.at)) {
            if m.author != "bot" || m.seq <= 1 {
                continue;
            }
            let k = match m.kind.as_str() {
                "knowledge" => 0,
                "suggestions" => 1,
                "not_understood" => 2,
                "text" if m.body.contains(r#""small_talk":"#) => 3,
                _ => continue,
            };
            want.get_mut(&label(slot(m.at), hourly)).unwrap()[k] += 1;
            if k == 0 {
                let body: Value = serde_json::from_str(&m.body).unwrap();
                let id = body["knowledge"]["id"].as_str().unwrap().to_string();
                let title = body["knowledge"]["title"].as_str().unwrap().to_string();
                let e = items.entry(id).or_insert((title.clone(), 0));
                e.0 = e.0.clone().max(title);
                e.1 += 1;
            }
        }
        assert_eq!(
            by_label(&report, "questions", &[1, 2, 3, 4]),
            want,
            "{what}"
        );
        let mut top: Vec<(String, String, i64)> =
            items.into_iter().map(|(id, (t, n))| (id, t, n)).collect();
        top.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let got: Vec<(String, String, i64)> = section(&report, "knowledge")["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r[0].as_str().unwrap().into(),
                    r[1].as_str().unwrap().into(),
                    r[2].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, top, "{what}");
        assert!(
            !top.is_empty() && want.values().flatten().sum::<i64>() > 0,
            "{what}: nothing counted"
        );

        // Requests for a human (what became of each) and livechat sessions, at their instant.
        let next = |m: &Raw, event: &str| {
            raw.iter()
                .filter(|x| x.conversation == m.conversation && x.seq > m.seq && x.kind == "event")
                .filter(|x| x.body.contains(&format!(r#""event":"{event}""#)))
                .map(|x| x.at)
                .min()
        };
        let mut waits: Vec<i64> = Vec::new();
        let (mut firsts, mut durations): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
        let mut handoffs: std::collections::BTreeMap<String, Vec<i64>> =
            want.keys().map(|l| (l.clone(), vec![0; 4])).collect();
        let mut livechats: std::collections::BTreeMap<String, Vec<i64>> =
            want.keys().map(|l| (l.clone(), vec![0])).collect();
        for m in raw.iter().filter(|m| mine(m.bot) && within(m.at)) {
            if !["bot", "system"].contains(&m.author.as_str()) {
                continue;
            }
            if ["event", "text"].contains(&m.kind.as_str()) && m.body.contains(r#""handoff":""#) {
                let outcome = if m.body.contains(r#""handoff":"queued""#) {
                    "queued"
                } else if m.body.contains(r#""handoff":"assigned""#) {
                    "assigned"
                } else {
                    "unavailable"
                };
                let (joined, timeout) = match outcome {
                    "queued" => (next(m, "operator_joined"), next(m, "queue_timeout")),
                    _ => (None, None),
                };
                let served = outcome == "assigned"
                    || (outcome == "queued"
                        && joined.is_some_and(|j| timeout.is_none_or(|t| j < t)));
                let abandoned =
                    outcome == "queued" && timeout.is_some_and(|t| joined.is_none_or(|j| t < j));
                let row = handoffs.get_mut(&label(m.at, hourly)).unwrap();
                row[0] += 1;
                row[1] += served as i64;
                row[2] += abandoned as i64;
                row[3] += (outcome == "unavailable") as i64;
                if outcome == "queued" && served {
                    waits.push(joined.unwrap() - m.at);
                }
            }
            if m.kind == "event" && m.body.contains(r#""event":"operator_joined""#) {
                livechats.get_mut(&label(m.at, hourly)).unwrap()[0] += 1;
                let later = |x: &&Raw| x.conversation == m.conversation && x.seq > m.seq;
                let left = raw
                    .iter()
                    .filter(later)
                    .filter(|x| x.kind == "event")
                    .filter(|x| {
                        x.body.contains(r#""event":"operator_left""#)
                            || x.body.contains(r#""event":"transferred""#)
                    })
                    .map(|x| x.at)
                    .min();
                let reply = raw
                    .iter()
                    .filter(later)
                    .filter(|x| x.author == "operator" && x.kind == "text")
                    .map(|x| x.at)
                    .min()
                    .filter(|r| left.is_none_or(|l| *r <= l));
                firsts.extend(reply.map(|r| r - m.at));
                durations.extend(left.map(|l| l - m.at));
            }
        }
        assert_eq!(
            by_label(&report, "handoffs", &[1, 2, 3, 4]),
            handoffs,
            "{what}"
        );
        assert_eq!(by_label(&report, "livechats", &[1]), livechats, "{what}");
        assert!(
            handoffs.values().any(|r| r[0] > 0) && livechats.values().any(|r| r[0] > 0),
            "{what}"
        );
        // The period's queue waits and livechat medians (nearest rank, in seconds).
        let rank = |mut v: Vec<i64>, q: f64| {
            v.sort_unstable();
            (!v.is_empty()).then(|| {
                v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1] as f64 / 1000.0
            })
        };
        let summary = summary_of(&report);
        assert_eq!(
            summary["queue_wait_p50"].as_f64(),
            rank(waits.clone(), 0.5),
            "{what}"
        );
        assert_eq!(
            summary["queue_wait_p90"].as_f64(),
            rank(waits.clone(), 0.9),
            "{what}"
        );
        assert_eq!(
            summary["first_response_median"].as_f64(),
            rank(firsts.clone(), 0.5),
            "{what}"
        );
        assert_eq!(
            summary["duration_median"].as_f64(),
            rank(durations, 0.5),
            "{what}"
        );
        if bot.is_none() && !hourly {
            assert!(!waits.is_empty() && !firsts.is_empty(), "{what}");
        }
    }
    app.finish().await;
}

mod the_indexes_count_what_the_messages_say {
    use vigie::store::Backend;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::the_indexes_count_what_the_messages_say(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::the_indexes_count_what_the_messages_say(Backend::Postgres).await;
    }
}
