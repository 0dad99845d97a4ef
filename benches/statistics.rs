//! Statistics bench (issue 14, item 2): fills a store with a year of a busy helpdesk
//! (1,000,000 messages by default: conversations with the bot, hand-overs through the
//! queue, livechats, monitored conversations, visitors' feedback, operators' statuses),
//! then times every chart's query of the statistics page (`Store::stats_*`,
//! `Store::status_times`) for a month and for a year, over all bots and for one, and prints
//! p50 and p95 per query.
//!
//! ```sh
//! cargo bench --bench statistics -- "sqlite:///tmp/vigie-stats.db?mode=rwc"
//! cargo bench --bench statistics -- postgres://postgres@127.0.0.1/vigie_stats   # an empty database
//! # options: --messages 1000000 --runs 30 --keep (measure an already filled store again)
//! ```

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::any::AnyPoolOptions;
use sqlx::Row;
use std::time::Instant;
use vigie::store::{Span, StatsScope, Store};

const DAY: i64 = 86_400_000;
const MIN: i64 = 60_000;

struct Args {
    url: String,
    messages: i64,
    runs: usize,
    keep: bool,
}

fn args() -> Args {
    let mut a = Args {
        url: String::new(),
        messages: 1_000_000,
        runs: 30,
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--messages" => a.messages = it.next().unwrap().parse().unwrap(),
            "--runs" => a.runs = it.next().unwrap().parse().unwrap(),
            "--keep" => a.keep = true,
            // What `cargo bench` adds.
            "--bench" => {}
            url => a.url = url.to_string(),
        }
    }
    assert!(
        !a.url.is_empty(),
        "usage: cargo bench --bench statistics -- DATABASE_URL [--messages N] [--runs N] [--keep]"
    );
    a
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let store = Store::open(&a.url).await?;
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&a.url)
        .await?;
    let sqlite = a.url.starts_with("sqlite");
    if sqlite {
        sqlx::query("PRAGMA synchronous = OFF")
            .execute(&pool)
            .await?;
    }
    let have: i64 = sqlx::query("SELECT COUNT(*) AS n FROM messages")
        .fetch_one(&pool)
        .await?
        .try_get("n")?;
    // The year ends at the start of today (UTC): a month is the last 30 days of it.
    let end = vigie::domain::now_ms() / DAY * DAY;
    if !(a.keep && have >= a.messages) {
        let t = Instant::now();
        fill(&pool, a.messages, end, sqlite).await?;
        println!("filled in {:.0} s", t.elapsed().as_secs_f64());
        let analyze = if sqlite { "ANALYZE" } else { "VACUUM ANALYZE" };
        sqlx::query(analyze).execute(&pool).await?;
    }
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .and_then(|r| r.try_get::<i64, _>("n"))
        }
    };
    println!(
        "{}: {} conversations, {} messages, {} monitored, {} satisfaction, {} answer ratings",
        if sqlite { "SQLite" } else { "PostgreSQL" },
        count("SELECT COUNT(*) AS n FROM conversations").await?,
        count("SELECT COUNT(*) AS n FROM messages").await?,
        count("SELECT COUNT(*) AS n FROM monitored_conversations").await?,
        count("SELECT COUNT(*) AS n FROM satisfaction").await?,
        count("SELECT COUNT(*) AS n FROM answer_feedback").await?,
    );
    let bot: i64 = sqlx::query("SELECT id FROM bots WHERE slug = 'stats-b'")
        .fetch_one(&pool)
        .await?
        .try_get("id")?;
    let scopes = [
        (
            "month, all bots",
            StatsScope {
                bot_id: None,
                from: end - 30 * DAY,
                to: end,
            },
        ),
        (
            "year, all bots",
            StatsScope {
                bot_id: None,
                from: end - 365 * DAY,
                to: end,
            },
        ),
        (
            "year, one bot",
            StatsScope {
                bot_id: Some(bot),
                from: end - 365 * DAY,
                to: end,
            },
        ),
    ];
    println!();
    println!("| query (chart) | period | rows | p50 ms | p95 ms |");
    println!("|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    for (period, scope) in &scopes {
        let s = scope;
        // One span per day, as the page asks for a period of days.
        let spans: Vec<Span> = (s.from..s.to)
            .step_by(DAY as usize)
            .map(|from| Span {
                from,
                to: (from + DAY).min(s.to),
            })
            .collect();
        macro_rules! time {
            ($name:expr, $call:expr, $rows:expr) => {{
                let mut times = Vec::with_capacity(a.runs);
                let mut rows = 0usize;
                for _ in 0..a.runs {
                    let t = Instant::now();
                    let out = $call;
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    rows = $rows(&out);
                }
                times.sort_by(|x, y| x.partial_cmp(y).unwrap());
                let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
                worst = worst.max(pct(0.95));
                println!(
                    "| {} | {period} | {rows} | {:.1} | {:.1} |",
                    $name,
                    pct(0.5),
                    pct(0.95)
                );
            }};
        }
        time!(
            "conversations by kind (time series)",
            store.stats_conversations(s, &spans).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "distinct visitors",
            store.stats_visitors(s).await?,
            |_: &i64| 1
        );
        time!(
            "questions by answer (time series)",
            store.stats_questions(s, &spans).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "hand-over requests (served, queue waits)",
            store.stats_handoffs(s, &spans).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "livechats (first response, duration)",
            store.stats_livechats(s, &spans).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "operators (conversations, satisfaction)",
            store.stats_operators(s).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "operators (time per status)",
            store.status_times(s.from, s.to, s.to).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "monitored funnel by creator",
            store.stats_monitored(s).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "top knowledge items (+ thumbs)",
            store.stats_knowledge(s, 20).await?,
            |v: &Vec<_>| v.len()
        );
        time!(
            "satisfaction and thumbs",
            store.stats_feedback(s).await?,
            |_: &vigie::store::FeedbackTotals| 7
        );
    }
    println!();
    println!("worst p95: {worst:.1} ms (target < 300 ms)");
    Ok(())
}

/// A quoted SQL text literal.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Multi-row INSERTs of `rows` (each a parenthesized list of literals), by big statements.
async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    head: &str,
    rows: &mut Vec<String>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(2000) {
        sqlx::query(&format!("{head} VALUES {}", chunk.join(",")))
            .execute(&mut **tx)
            .await?;
    }
    rows.clear();
    Ok(())
}

/// A moment of a working day: weekdays weigh more, office hours most.
fn moment(rng: &mut StdRng, end: i64) -> i64 {
    loop {
        let day = rng.gen_range(1..=365);
        let start = end - day * DAY;
        let weekday = (start / DAY + 4) % 7; // 0 = Sunday (1970-01-01 was a Thursday)
        if (weekday == 0 || weekday == 6) && rng.gen::<f64>() < 0.8 {
            continue;
        }
        let hour = if rng.gen::<f64>() < 0.85 {
            rng.gen_range(7..17) // 8:00–18:00 in Paris, roughly
        } else {
            rng.gen_range(0..24)
        };
        return start + hour * 3_600_000 + rng.gen_range(0..3_600_000);
    }
}

async fn fill(pool: &sqlx::AnyPool, target: i64, end: i64, sqlite: bool) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(14);
    let now = end;
    for slug in ["stats-a", "stats-b", "stats-c"] {
        sqlx::query("INSERT INTO bots (slug, name, default_lang, created_at) VALUES ($1, $2, 'fr', $3) ON CONFLICT DO NOTHING")
            .bind(slug)
            .bind(format!("Bot {slug}"))
            .bind(now)
            .execute(pool)
            .await?;
    }
    let ids = |sql: &'static str| async move {
        Ok::<Vec<i64>, anyhow::Error>(
            sqlx::query(sql)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get("id").unwrap())
                .collect(),
        )
    };
    let bots = ids("SELECT id FROM bots WHERE slug LIKE 'stats-%' ORDER BY slug").await?;
    for i in 0..12 {
        sqlx::query("INSERT INTO operators (email, name, role, password_hash, created_at) VALUES ($1, $2, 'operator', 'x', $3) ON CONFLICT DO NOTHING")
            .bind(format!("op{i}@stats.example"))
            .bind(format!("Conseiller {i:02}"))
            .bind(now)
            .execute(pool)
            .await?;
    }
    let ops =
        ids("SELECT id FROM operators WHERE email LIKE '%@stats.example' ORDER BY email").await?;
    let max = |sql: &'static str| async move {
        Ok::<i64, anyhow::Error>(sqlx::query(sql).fetch_one(pool).await?.try_get("n")?)
    };
    let mut conv_id = max("SELECT COALESCE(MAX(id), 0) AS n FROM conversations").await?;
    let mut visitor_id = max("SELECT COALESCE(MAX(id), 0) AS n FROM visitors").await?;
    let mut mon_id = max("SELECT COALESCE(MAX(id), 0) AS n FROM monitored_conversations").await?;
    let mut mail_id = max("SELECT COALESCE(MAX(id), 0) AS n FROM mail_outbox").await?;

    // The operators' statuses: a working day each weekday, a break at noon.
    {
        let mut tx = pool.begin().await?;
        let mut rows = Vec::new();
        for d in 1..=365 {
            let start = end - d * DAY;
            let weekday = (start / DAY + 4) % 7;
            if weekday == 0 || weekday == 6 {
                continue;
            }
            for op in &ops {
                let s = start + 7 * 3_600_000 + rng.gen_range(0..60) * MIN;
                rows.push(format!(
                    "({op}, 'available', NULL, {s}, {})",
                    s + 4 * 3_600_000
                ));
                rows.push(format!(
                    "({op}, 'away', 'Pause déjeuner', {}, {})",
                    s + 4 * 3_600_000,
                    s + 5 * 3_600_000
                ));
                rows.push(format!(
                    "({op}, 'available', NULL, {}, {})",
                    s + 5 * 3_600_000,
                    s + 9 * 3_600_000
                ));
            }
        }
        insert(
            &mut tx,
            "INSERT INTO operator_status_log (operator_id, status, reason, started_at, ended_at)",
            &mut rows,
        )
        .await?;
        tx.commit().await?;
    }

    let titles: Vec<String> = (0..200)
        .map(|i| format!("Question fréquente n° {i}"))
        .collect();
    let mut messages = 0i64;
    let (mut convs, mut visitors, mut msgs, mut parts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut mons, mut links, mut mails, mut thumbs, mut sats) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut tx = pool.begin().await?;
    while messages < target {
        conv_id += 1;
        let c = conv_id;
        let bot = bots[if rng.gen::<f64>() < 0.6 {
            1
        } else {
            rng.gen_range(0..bots.len())
        }];
        let created = moment(&mut rng, end);
        let monitored = rng.gen::<f64>() < 0.04;
        let kind = if monitored { "monitored" } else { "bot" };
        let vid = if visitor_id > 0 && rng.gen::<f64>() < 0.25 {
            rng.gen_range(1..=visitor_id)
        } else {
            visitor_id += 1;
            visitors.push(format!(
                "({visitor_id}, {bot}, 'stats{visitor_id}', {created}, {created})"
            ));
            visitor_id
        };
        let mut seq = 0i64;
        let mut at = created;
        let push = |msgs: &mut Vec<String>,
                    seq: &mut i64,
                    at: i64,
                    author: &str,
                    kind: &str,
                    body: String| {
            *seq += 1;
            msgs.push(format!(
                "({c}, {}, '{author}', '{kind}', {}, {at}, '', {bot})",
                *seq,
                q(&body)
            ));
        };
        let mut operator = None;
        if monitored {
            mon_id += 1;
            mail_id += 1;
            let creator = ops[rng.gen_range(0..4)];
            mons.push(format!("({mon_id}, {c}, {bot}, 'Suivi {c}', 'vpn', 'VPN', 'user{c}@example.com', 1, {creator}, {created})"));
            let sent = rng.gen::<f64>() < 0.95;
            mails.push(format!("({mail_id}, 'm{mail_id}@stats', 'user{c}@example.com', 'Votre demande', '', '', '{}', 1, {created}, {}, {created})",
                if sent { "sent" } else { "failed" }, created + MIN));
            let opened = sent && rng.gen::<f64>() < 0.7;
            links.push(format!(
                "({mon_id}, 'l{mon_id}', 'user{c}@example.com', {mail_id}, {created}, {}, {})",
                created + 30 * DAY,
                if opened {
                    (created + 2 * 3_600_000).to_string()
                } else {
                    "NULL".into()
                }
            ));
            if opened && rng.gen::<f64>() < 0.6 {
                at += 2 * 3_600_000;
                push(
                    &mut msgs,
                    &mut seq,
                    at,
                    "visitor",
                    "text",
                    r#"{"text":"Bonjour, j'ai toujours le problème"}"#.into(),
                );
                if rng.gen::<f64>() < 0.5 {
                    at += 5 * MIN;
                    push(&mut msgs, &mut seq, at, "system", "event", r#"{"text":"Un conseiller vous propose son aide.","event":"help_offered","operator":"Conseiller 01"}"#.into());
                    if rng.gen::<f64>() < 0.6 {
                        at += MIN;
                        push(&mut msgs, &mut seq, at, "system", "event", r#"{"text":"Vous avez accepté l'aide.","event":"help_accepted","operator":"Conseiller 01"}"#.into());
                    }
                }
            }
        }
        // Questions and the bot's answers.
        let questions = rng.gen_range(1..=5);
        for _ in 0..questions {
            at += rng.gen_range(10..90) * 1000;
            push(
                &mut msgs,
                &mut seq,
                at,
                "visitor",
                "text",
                r#"{"text":"mon VPN ne se connecte plus"}"#.into(),
            );
            at += 400;
            let r: f64 = rng.gen();
            let (kind, body) = if r < 0.6 {
                let k = (rng.gen::<f64>().powi(3) * 200.0) as usize;
                let body = format!(
                    r#"{{"text":"{t}","html":"<p>Redémarrez le client puis reconnectez-vous.</p>","knowledge":{{"id":"k{k}","title":"{t}"}},"lang":"fr"}}"#,
                    t = titles[k]
                );
                if rng.gen::<f64>() < 0.1 {
                    thumbs.push(format!(
                        "({c}, {bot}, {}, 'k{k}', 'mon VPN', {}, {at})",
                        seq + 1,
                        (rng.gen::<f64>() < 0.75) as i64
                    ));
                }
                ("knowledge", body)
            } else if r < 0.75 {
                ("suggestions", r#"{"text":"Je n'ai pas bien compris. Vouliez-vous dire :","suggestions":[{"id":"k1","title":"VPN"},{"id":"k2","title":"Wi-Fi"}],"lang":"fr"}"#.to_string())
            } else if r < 0.87 {
                (
                    "not_understood",
                    r#"{"text":"Je n'ai pas compris votre question.","lang":"fr"}"#.to_string(),
                )
            } else {
                ("text", r#"{"text":"Bonjour ! Que puis-je pour vous ?","lang":"fr","small_talk":"greeting"}"#.to_string())
            };
            push(&mut msgs, &mut seq, at, "bot", kind, body);
        }
        // A request for a human, now and then.
        if !monitored && rng.gen::<f64>() < 0.22 {
            at += 20_000;
            push(
                &mut msgs,
                &mut seq,
                at,
                "visitor",
                "text",
                r#"{"text":"je voudrais parler à quelqu'un"}"#.into(),
            );
            let r: f64 = rng.gen();
            let op = ops[rng.gen_range(0..ops.len())];
            let joined = |handoff: bool| {
                format!(
                    r#"{{"text":"Conseiller a rejoint la conversation.","event":"operator_joined"{}}}"#,
                    if handoff {
                        r#","handoff":"assigned""#
                    } else {
                        ""
                    }
                )
            };
            let served = if r < 0.45 {
                push(&mut msgs, &mut seq, at, "system", "event", joined(true));
                true
            } else if r < 0.85 {
                push(&mut msgs, &mut seq, at, "system", "event", r#"{"text":"Votre demande a été transmise. Vous êtes en position 2 dans la file d'attente.","event":"queued","handoff":"queued"}"#.into());
                if rng.gen::<f64>() < 0.8 {
                    at += rng.gen_range(5..600) * 1000;
                    push(&mut msgs, &mut seq, at, "system", "event", joined(false));
                    true
                } else {
                    at += 180_000;
                    push(&mut msgs, &mut seq, at, "system", "event", r#"{"text":"Aucun conseiller n'a pu prendre votre demande à temps.","event":"queue_timeout"}"#.into());
                    false
                }
            } else {
                push(&mut msgs, &mut seq, at, "bot", "text", r#"{"text":"Aucun conseiller n'est disponible pour le moment.","handoff":"unavailable"}"#.into());
                false
            };
            if served {
                operator = Some(op);
                parts.push(format!("({op}, {c})"));
                let joined_at = at;
                for i in 0..rng.gen_range(2..8) {
                    at += rng.gen_range(8..120) * 1000;
                    let author = if i % 2 == 0 { "operator" } else { "visitor" };
                    push(
                        &mut msgs,
                        &mut seq,
                        at,
                        author,
                        "text",
                        r#"{"text":"Pouvez-vous redémarrer le poste ?","operator":"Conseiller"}"#
                            .into(),
                    );
                }
                at += rng.gen_range(1..10) * MIN;
                push(
                    &mut msgs,
                    &mut seq,
                    at,
                    "system",
                    "event",
                    r#"{"text":"Conseiller a quitté la conversation.","event":"operator_left"}"#
                        .into(),
                );
                if rng.gen::<f64>() < 0.4 {
                    sats.push(format!(
                        "({c}, {bot}, {op}, {seq}, {}, '', {})",
                        rng.gen_range(2..=5),
                        at + 20_000
                    ));
                }
                let _ = joined_at;
            }
        }
        messages += seq;
        convs.push(format!(
            "({c}, 'c_stats{c}', {bot}, {vid}, '{kind}', 'closed', 'fr', {seq}, {created}, {at}, {}, NULL)",
            operator.map(|o| o.to_string()).unwrap_or("NULL".into())
        ));
        if convs.len() >= 5000 || messages >= target {
            insert(
                &mut tx,
                "INSERT INTO visitors (id, bot_id, token_hash, created_at, last_seen_at)",
                &mut visitors,
            )
            .await?;
            insert(&mut tx, "INSERT INTO conversations (id, public_id, bot_id, visitor_id, kind, state, lang, last_seq, created_at, updated_at, operator_id, queued_at)", &mut convs).await?;
            insert(&mut tx, "INSERT INTO messages (conversation_id, seq, author, kind, body, created_at, search_text, bot_id)", &mut msgs).await?;
            insert(
                &mut tx,
                "INSERT INTO conversation_operators (operator_id, conversation_id)",
                &mut parts,
            )
            .await?;
            insert(&mut tx, "INSERT INTO monitored_conversations (id, conversation_id, bot_id, name, starting_knowledge, starting_title, email, strong, creator_id, created_at)", &mut mons).await?;
            insert(&mut tx, "INSERT INTO mail_outbox (id, message_id, to_addr, subject, html, text, status, attempts, next_attempt_at, sent_at, created_at)", &mut mails).await?;
            insert(&mut tx, "INSERT INTO monitored_links (monitored_id, token_hash, email, mail_id, created_at, expires_at, opened_at)", &mut links).await?;
            insert(&mut tx, "INSERT INTO answer_feedback (conversation_id, bot_id, seq, knowledge_id, question, helpful, created_at)", &mut thumbs).await?;
            insert(&mut tx, "INSERT INTO satisfaction (conversation_id, bot_id, operator_id, ended_seq, score, comment, created_at)", &mut sats).await?;
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    if !sqlite {
        // Explicit ids were given: the identity columns continue after them.
        for table in [
            "visitors",
            "conversations",
            "monitored_conversations",
            "mail_outbox",
        ] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}
