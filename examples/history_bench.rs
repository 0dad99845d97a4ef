//! History search bench (issue 12, item 4): fills a store with conversations and messages,
//! then times the first page of typical searches through `Store::history`, the query the
//! history page runs.
//!
//! ```sh
//! cargo run --release --example history_bench -- sqlite:///tmp/vigie-bench.db
//! cargo run --release --example history_bench -- postgres://postgres@127.0.0.1/vigie_bench
//! # options: --conversations 100000 --messages 1000000 --runs 40 --keep (reuse a filled store)
//! ```
//!
//! The data: 3 bots; 70 % bot conversations, 20 % livechat (one of 10 operators took part),
//! 10 % monitored (a visitor's address each); activity spread over a year; each message a
//! helpdesk sentence from a small vocabulary (so common words are very common) with, now
//! and then, a ticket number (a rare word).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::any::AnyPoolOptions;
use sqlx::Row;
use std::time::Instant;
use vigie::domain::conversation::{ConversationKind, ConversationState};
use vigie::domain::OperatorId;
use vigie::store::{HistoryQuery, Store};

const SENTENCES: &[&str] = &[
    "bonjour, mon VPN ne se connecte plus depuis ce matin",
    "j'ai oublié mon mot de passe Windows",
    "l'imprimante du troisième étage n'imprime plus",
    "comment poser un jour de congé dans le portail RH",
    "ma session Outlook se ferme toute seule",
    "le Wi-Fi invité demande un code que je n'ai pas",
    "je n'arrive pas à ouvrir le partage réseau",
    "merci beaucoup, c'est réglé",
    "pouvez-vous réinitialiser mon badge d'accès",
    "mon écran reste noir au démarrage",
    "Rendez-vous sur le portail et cliquez sur Mot de passe oublié.",
    "Redémarrez le client GlobalProtect puis reconnectez-vous.",
    "Un conseiller va vous répondre dans quelques instants.",
    "how do I reset my password",
    "the printer on the second floor is jammed",
    "Je vous transfère à un collègue du support niveau 2.",
];

struct Args {
    url: String,
    conversations: i64,
    messages: i64,
    runs: usize,
    keep: bool,
}

fn args() -> Args {
    let mut a = Args {
        url: String::new(),
        conversations: 100_000,
        messages: 1_000_000,
        runs: 40,
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--conversations" => a.conversations = it.next().unwrap().parse().unwrap(),
            "--messages" => a.messages = it.next().unwrap().parse().unwrap(),
            "--runs" => a.runs = it.next().unwrap().parse().unwrap(),
            "--keep" => a.keep = true,
            url => a.url = url.to_string(),
        }
    }
    assert!(
        !a.url.is_empty(),
        "usage: history_bench DATABASE_URL [options]"
    );
    a
}

const DAY: i64 = 86_400_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let store = Store::open(&a.url).await?;
    let pool = AnyPoolOptions::new()
        .max_connections(2)
        .connect(&a.url)
        .await?;
    if a.url.starts_with("sqlite") {
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
        sqlx::query("PRAGMA synchronous = OFF")
            .execute(&pool)
            .await?;
    }
    let have: i64 = sqlx::query("SELECT COUNT(*) AS n FROM messages")
        .fetch_one(&pool)
        .await?
        .try_get("n")?;
    let now = vigie::domain::now_ms();
    if !(a.keep && have >= a.messages) {
        fill(&pool, &a, now).await?;
        if !a.url.starts_with("sqlite") {
            sqlx::query("VACUUM ANALYZE").execute(&pool).await?;
        } else {
            sqlx::query("ANALYZE").execute(&pool).await?;
        }
    }
    let counts: (i64, i64) = {
        let c: i64 = sqlx::query("SELECT COUNT(*) AS n FROM conversations")
            .fetch_one(&pool)
            .await?
            .try_get("n")?;
        let m: i64 = sqlx::query("SELECT COUNT(*) AS n FROM messages")
            .fetch_one(&pool)
            .await?
            .try_get("n")?;
        (c, m)
    };
    let bot_id: i64 = sqlx::query("SELECT id FROM bots WHERE slug = 'bench-b'")
        .fetch_one(&pool)
        .await?
        .try_get("id")?;
    let op: i64 = sqlx::query("SELECT id FROM operators WHERE email = 'op3@bench.example'")
        .fetch_one(&pool)
        .await?
        .try_get("id")?;
    let email: String =
        sqlx::query("SELECT email FROM monitored_conversations ORDER BY id LIMIT 1 OFFSET 500")
            .fetch_one(&pool)
            .await?
            .try_get("email")?;
    let visitor = email.split('@').next().unwrap().to_string() + "@";
    let ticket: String = sqlx::query("SELECT search_text FROM messages WHERE search_text LIKE '%(ticket INC%' ORDER BY id LIMIT 1 OFFSET 1000")
        .fetch_one(&pool)
        .await?
        .try_get("search_text")?;
    let ticket = ticket
        .split("ticket ")
        .nth(1)
        .unwrap()
        .trim_end_matches(')')
        .to_string();
    println!(
        "{}: {} conversations, {} messages",
        if a.url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        },
        counts.0,
        counts.1
    );
    let base = HistoryQuery {
        limit: 50,
        ..Default::default()
    };
    let first = store.history(&base).await?;
    let cases: Vec<(&str, HistoryQuery)> = vec![
        ("no filter (latest activity)", base.clone()),
        (
            "second page (cursor)",
            HistoryQuery {
                after: first.next,
                ..base.clone()
            },
        ),
        (
            "bot",
            HistoryQuery {
                bot_id: Some(bot_id),
                ..base.clone()
            },
        ),
        (
            "kind livechat + state closed",
            HistoryQuery {
                kind: Some(ConversationKind::Livechat),
                state: Some(ConversationState::Closed),
                ..base.clone()
            },
        ),
        (
            "operator",
            HistoryQuery {
                operator_id: Some(OperatorId(op)),
                ..base.clone()
            },
        ),
        (
            "visitor email (part)",
            HistoryQuery {
                visitor: Some(visitor.clone()),
                ..base.clone()
            },
        ),
        (
            "period: last 7 days",
            HistoryQuery {
                from_ms: Some(now - 7 * DAY),
                ..base.clone()
            },
        ),
        (
            "period: one day 6 months ago",
            HistoryQuery {
                from_ms: Some(now - 183 * DAY),
                to_ms: Some(now - 182 * DAY),
                ..base.clone()
            },
        ),
        (
            "text, rare (a ticket number)",
            HistoryQuery {
                text: Some(ticket.clone()),
                ..base.clone()
            },
        ),
        (
            "text, uncommon (\"badge d'accès\")",
            HistoryQuery {
                text: Some("badge d'accès".into()),
                ..base.clone()
            },
        ),
        (
            "text, common (\"imprimante\")",
            HistoryQuery {
                text: Some("imprimante".into()),
                ..base.clone()
            },
        ),
        (
            "text + bot + kind livechat",
            HistoryQuery {
                text: Some("GlobalProtect".into()),
                bot_id: Some(bot_id),
                kind: Some(ConversationKind::Livechat),
                ..base.clone()
            },
        ),
        (
            "text + operator + last 30 days",
            HistoryQuery {
                text: Some("mot de passe".into()),
                operator_id: Some(OperatorId(op)),
                from_ms: Some(now - 30 * DAY),
                ..base.clone()
            },
        ),
        (
            "text, no match",
            HistoryQuery {
                text: Some("zzzqqq".into()),
                ..base.clone()
            },
        ),
    ];
    println!("| search | rows | p50 ms | p95 ms |");
    println!("|---|---|---|---|");
    for (name, q) in &cases {
        let mut times = Vec::with_capacity(a.runs);
        let mut rows = 0;
        for _ in 0..a.runs {
            let t = Instant::now();
            let page = store.history(q).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = page.conversations.len();
        }
        times.sort_by(|x, y| x.partial_cmp(y).unwrap());
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        println!("| {name} | {rows} | {:.1} | {:.1} |", pct(0.5), pct(0.95));
    }
    Ok(())
}

async fn fill(pool: &sqlx::AnyPool, a: &Args, now: i64) -> anyhow::Result<()> {
    let t = Instant::now();
    let mut rng = StdRng::seed_from_u64(12);
    for slug in ["bench-a", "bench-b", "bench-c"] {
        sqlx::query("INSERT INTO bots (slug, name, default_lang, created_at) VALUES ($1, $2, 'fr', $3) ON CONFLICT DO NOTHING")
            .bind(slug)
            .bind(slug)
            .bind(now)
            .execute(pool)
            .await?;
    }
    let bots: Vec<i64> = sqlx::query("SELECT id FROM bots WHERE slug LIKE 'bench-%' ORDER BY slug")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect();
    for i in 0..10 {
        sqlx::query("INSERT INTO operators (email, name, role, password_hash, created_at) VALUES ($1, $2, 'operator', 'x', $3) ON CONFLICT DO NOTHING")
            .bind(format!("op{i}@bench.example"))
            .bind(format!("Opérateur {i}"))
            .bind(now)
            .execute(pool)
            .await?;
    }
    let ops: Vec<i64> =
        sqlx::query("SELECT id FROM operators WHERE email LIKE '%@bench.example' ORDER BY email")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| r.try_get("id").unwrap())
            .collect();
    let start_id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM conversations")
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let per = a.messages / a.conversations;
    const BATCH: i64 = 500;
    let mut ticket = 0i64;
    let mut b = 0;
    while b < a.conversations {
        let n = BATCH.min(a.conversations - b);
        let mut tx = pool.begin().await?;
        // Conversations.
        let mut sql = String::from("INSERT INTO conversations (id, public_id, bot_id, visitor_id, kind, state, lang, last_seq, created_at, updated_at, operator_id) VALUES ");
        let mut mons = Vec::new();
        let mut parts = Vec::new();
        let mut msgs = Vec::new();
        for i in 0..n {
            let id = start_id + b + i + 1;
            let roll: f64 = rng.gen();
            let kind = if roll < 0.7 {
                "bot"
            } else if roll < 0.9 {
                "livechat"
            } else {
                "monitored"
            };
            let state = if rng.gen::<f64>() < 0.97 {
                "closed"
            } else {
                "bot"
            };
            let created = now - rng.gen_range(0..365 * DAY);
            let updated = created + rng.gen_range(0..DAY / 2);
            let bot = bots[rng.gen_range(0..bots.len())];
            let op = if kind != "bot" {
                Some(ops[rng.gen_range(0..ops.len())])
            } else {
                None
            };
            sql += &format!(
                "{}({id}, 'c_bench{id}', {bot}, NULL, '{kind}', '{state}', 'fr', {per}, {created}, {updated}, NULL)",
                if i == 0 { "" } else { ", " }
            );
            if let Some(op) = op {
                parts.push((op, id));
            }
            if kind == "monitored" {
                mons.push((id, bot, op.unwrap(), created));
            }
            for s in 0..per {
                let mut text = SENTENCES[rng.gen_range(0..SENTENCES.len())].to_string();
                if rng.gen::<f64>() < 0.05 {
                    ticket += 1;
                    text += &format!(" (ticket INC{ticket:07})");
                }
                msgs.push((id, s + 1, text, created + s * 1000));
            }
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        if !parts.is_empty() {
            let v: Vec<String> = parts.iter().map(|(o, c)| format!("({o}, {c})")).collect();
            sqlx::query(&format!(
                "INSERT INTO conversation_operators (operator_id, conversation_id) VALUES {}",
                v.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
        }
        if !mons.is_empty() {
            let v: Vec<String> = mons
                .iter()
                .map(|(c, bot, op, at)| format!("({c}, {bot}, 'Appel {c}', 'vpn', 'VPN', 'user{c}@example.com', 1, {op}, {at})"))
                .collect();
            sqlx::query(&format!("INSERT INTO monitored_conversations (conversation_id, bot_id, name, starting_knowledge, starting_title, email, strong, creator_id, created_at) VALUES {}", v.join(", ")))
                .execute(&mut *tx)
                .await?;
        }
        for chunk in msgs.chunks(1000) {
            let mut sql2 = String::from("INSERT INTO messages (conversation_id, seq, author, kind, body, created_at, search_text) VALUES ");
            for j in 0..chunk.len() {
                let k = j * 5;
                sql2 += &format!(
                    "{}(${}, ${}, 'visitor', 'text', ${}, ${}, ${})",
                    if j == 0 { "" } else { ", " },
                    k + 1,
                    k + 2,
                    k + 3,
                    k + 4,
                    k + 5
                );
            }
            let mut q = sqlx::query(&sql2);
            for (c, s, text, at) in chunk {
                q = q
                    .bind(*c)
                    .bind(*s)
                    .bind(serde_json::json!({ "text": text }).to_string())
                    .bind(*at)
                    .bind(text.clone());
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        b += n;
        if (b / BATCH) % 20 == 0 {
            eprintln!("  {b} conversations, {:.0} s", t.elapsed().as_secs_f64());
        }
    }
    if !a.url.starts_with("sqlite") {
        // Identity columns: move past the ids written by hand.
        sqlx::query("SELECT setval(pg_get_serial_sequence('conversations', 'id'), (SELECT MAX(id) FROM conversations))")
            .execute(pool)
            .await?;
    }
    eprintln!("filled in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}
