//! Repository behaviour, on both backends.

use crate::both_backends;
use crate::helpers::*;
use vigie::domain::{deployment::Snapshot, Email, OperatorName, Role};
use vigie::store::StoreError;

async fn operator_emails_are_unique_case_insensitively(app: &TestApp) {
    let store = &app.store;
    let email = Email::parse("Claire@Example.com").unwrap();
    let err = store
        .create_operator(
            &email,
            &OperatorName::parse("Other").unwrap(),
            Role::Operator,
            "x",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let op = store.operator_by_email("CLAIRE@example.COM").await.unwrap();
    assert_eq!(op.name, "Claire");
    assert!(matches!(
        store.operator_by_id(vigie::domain::OperatorId(9999)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.count_operators().await.unwrap(), 2);
}

async fn expired_sessions_are_refused(app: &TestApp) {
    let store = &app.store;
    let op = store.operator_by_email(OPERATOR_EMAIL).await.unwrap();
    store
        .create_session("expired-hash", op.id, "csrf", -1000)
        .await
        .unwrap();
    assert!(matches!(
        store.session("expired-hash").await,
        Err(StoreError::NotFound)
    ));
    store
        .create_session("live-hash", op.id, "csrf2", 60_000)
        .await
        .unwrap();
    assert_eq!(
        store
            .session("live-hash")
            .await
            .unwrap()
            .csrf_token
            .as_deref(),
        Some("csrf2")
    );
    store.delete_session("live-hash").await.unwrap();
    assert!(matches!(
        store.session("live-hash").await,
        Err(StoreError::NotFound)
    ));
}

async fn concurrent_deploys_get_distinct_versions(app: &TestApp) {
    let bot = app.store.bot("demo").await.unwrap();
    let snapshot = Snapshot::from_items(&bot.name, bot.default_lang, &[]);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let store = app.store.clone();
        let snapshot = snapshot.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_deployment(bot.id, &snapshot, None)
                .await
                .map(|d| d.version)
        }));
    }
    let mut versions = Vec::new();
    for t in tasks {
        if let Ok(v) = t.await.unwrap() {
            versions.push(v);
        }
    }
    let mut sorted = versions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        versions.len(),
        "duplicate versions: {versions:?}"
    );
    assert!(versions.len() >= 2, "{versions:?}");
    let latest = app.store.latest_deployment(bot.id).await.unwrap();
    assert_eq!(latest.version, *sorted.last().unwrap());
}

async fn knowledge_round_trips_through_storage(app: &TestApp) {
    let bot = app.store.bot("demo").await.unwrap();
    let items = app.store.list_knowledge(bot.id).await.unwrap();
    assert!(items.len() >= 60, "demo base has {} items", items.len());
    let stored = app.store.knowledge(bot.id, "vpn-lent").await.unwrap();
    assert_eq!(
        stored,
        items.iter().find(|k| k.id == "vpn-lent").unwrap().clone()
    );
    assert!(!stored.formulations.is_empty());
    assert!(items.iter().any(|k| k.lang == vigie_bot::Lang::En));
    assert!(items.iter().any(|k| k.handoff));
}

fn generated(n: usize, answer: &str) -> Vec<vigie::domain::KnowledgeItem> {
    (0..n)
        .map(|i| vigie::domain::KnowledgeItem {
            id: format!("gen-{i:05}"),
            title: format!("Question générée {i}"),
            lang: vigie_bot::Lang::Fr,
            formulations: vec![format!("formulation {i}")],
            answer: format!("{answer} {i}"),
            related: Vec::new(),
            handoff: false,
            tags: vec!["gen".into()],
            published: true,
            translations: Default::default(),
        })
        .collect()
}

/// An import larger than one batch is staged and applied in batches, and gives the same
/// result as a small one: every item, created or updated, nothing left in the journal.
async fn a_large_import_is_applied_in_batches(app: &TestApp) {
    use vigie::store::IMPORT_BATCH;
    let bot = app.store.bot("demo").await.unwrap();
    let before = app.store.list_knowledge(bot.id).await.unwrap().len();
    let n = IMPORT_BATCH * 2 + 17;
    let items = generated(n, "Première réponse");
    let s = app.store.import_knowledge(bot.id, &items).await.unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (n, 0, 0));
    let stored = app.store.list_knowledge(bot.id).await.unwrap();
    assert_eq!(stored.len(), before + n);
    let mut changed = generated(n, "Première réponse");
    for item in changed.iter_mut().step_by(2) {
        item.answer = format!("Réponse corrigée {}", item.id);
    }
    let s = app.store.import_knowledge(bot.id, &changed).await.unwrap();
    assert_eq!(
        (s.created, s.updated, s.unchanged),
        (0, n.div_ceil(2), n / 2)
    );
    for item in &changed {
        assert_eq!(&app.store.knowledge(bot.id, &item.id).await.unwrap(), item);
    }
    for table in ["knowledge_imports", "knowledge_import_items"] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&raw(app).await)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table} emptied");
    }
}

/// First writes of many anonymous sessions at once (`materialize_session`; on SQLite they
/// go through the group-commit writer together): each gets its own visitor and conversation with its
/// context, a token of another bot fails alone (the others are written), and writing the
/// same sessions again (a retry after a crash) finds the same rows.
async fn sessions_written_together_stay_apart(app: &TestApp) {
    use vigie::domain::bot::{BotSlug, NewBot};
    use vigie::domain::visitor_context::{Context, PageView};
    use vigie::store::{new_public_id, NewSession, SessionVisitor};
    let demo = app.store.bot("demo").await.unwrap();
    let other = app
        .store
        .create_bot(&NewBot {
            slug: BotSlug::parse("autre").unwrap(),
            name: "Autre".into(),
            default_lang: vigie_bot::Lang::Fr,
            langs: vec![vigie_bot::Lang::Fr],
        })
        .await
        .unwrap();
    app.store
        .ensure_visitor(other.id, "hash-of-other")
        .await
        .unwrap();
    let pool = raw(app).await;
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (visitors, conversations) = (count("visitors").await, count("conversations").await);
    let sessions: Vec<NewSession> = (0..120)
        .map(|i| NewSession {
            bot_id: demo.id,
            visitor: SessionVisitor::New {
                token_hash: if i == 60 {
                    "hash-of-other".into()
                } else {
                    format!("hash-{i}")
                },
            },
            address: Some(format!("192.0.2.{}", i % 250)),
            user_agent: Some("Firefox".into()),
            context: Context {
                pages: vec![PageView {
                    url: format!("https://shop.example/p/{i}"),
                    title: "Produit".into(),
                    at: 1_000 + i,
                }],
                referrer: Some("https://www.qwant.com/".into()),
                time_zone: Some("Europe/Paris".into()),
                languages: vec!["fr-FR".into()],
                attributes: Default::default(),
            },
            public_id: new_public_id(),
            lang: vigie_bot::Lang::Fr,
        })
        .collect();
    let first = futures_util::future::join_all(
        sessions
            .iter()
            .map(|s| app.store.materialize_session(s.clone())),
    )
    .await;
    let again = futures_util::future::join_all(
        sessions
            .iter()
            .map(|s| app.store.materialize_session(s.clone())),
    )
    .await;
    let mut seen = std::collections::HashSet::new();
    for (i, (s, (a, b))) in sessions.iter().zip(first.iter().zip(&again)).enumerate() {
        if i == 60 {
            assert!(matches!(a, Err(StoreError::Conflict(_))), "{a:?}");
            assert!(matches!(b, Err(StoreError::Conflict(_))), "{b:?}");
            continue;
        }
        let (visitor, conv) = a.as_ref().unwrap();
        let (visitor2, conv2) = b.as_ref().unwrap();
        assert_eq!(
            (visitor, conv.id),
            (visitor2, conv2.id),
            "the retry finds the rows"
        );
        assert_eq!(conv.public_id, s.public_id);
        assert_eq!((conv.bot_id, conv.visitor_id), (demo.id, Some(*visitor)));
        assert!(seen.insert(*visitor), "a visitor of its own");
        let url: String = sqlx::query_scalar("SELECT url FROM visitor_pages WHERE visitor_id = $1")
            .bind(visitor)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(url, format!("https://shop.example/p/{i}"));
    }
    assert_eq!(count("visitors").await, visitors + 119);
    assert_eq!(count("conversations").await, conversations + 119);
}

/// A snapshot larger than one part is written part by part and read back whole and in
/// order (latest, by version, restored as a new version); the list reads the counts only;
/// parts a dead process left behind are dropped at the next open once an hour old.
async fn a_large_deployment_is_written_in_parts(app: &TestApp) {
    use vigie::domain::deployment::Snapshot;
    use vigie::store::DEPLOY_PART;
    let bot = app.store.bot("demo").await.unwrap();
    let n = DEPLOY_PART * 2 + 7;
    app.store
        .import_knowledge(bot.id, &generated(n, "Déployée"))
        .await
        .unwrap();
    let items = app.store.list_knowledge(bot.id).await.unwrap();
    let snapshot = Snapshot::from_items("Démo", vigie_bot::Lang::Fr, &items);
    let total = snapshot.knowledge.len();
    assert!(total > n);
    let made = app
        .store
        .create_deployment(bot.id, &snapshot, None)
        .await
        .unwrap();
    let json = |s: &Snapshot| serde_json::to_string(s).unwrap();
    let latest = app.store.latest_deployment(bot.id).await.unwrap();
    assert_eq!(latest.version, made.version);
    assert_eq!(
        json(&latest.snapshot),
        json(&snapshot),
        "whole and in order"
    );
    let pool = raw(app).await;
    let parts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deployment_parts p JOIN deployments d ON d.parts_stage = p.stage \
         WHERE d.bot_id = $1 AND d.version = $2",
    )
    .bind(bot.id)
    .bind(made.version)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(parts as usize, total.div_ceil(DEPLOY_PART));
    let again = app
        .store
        .create_deployment(bot.id, &latest.snapshot, None)
        .await
        .unwrap();
    let by_version = app.store.deployment(bot.id, made.version).await.unwrap();
    assert_eq!(json(&by_version.snapshot), json(&snapshot));
    let list = app.store.list_deployments(bot.id).await.unwrap();
    assert_eq!(list[0].version, again.version);
    assert_eq!(list[0].knowledge as usize, total);
    assert_eq!(list[1].knowledge as usize, total);
    let (version, config) = app.store.latest_deployed_config(bot.id).await.unwrap();
    assert_eq!((version, config), (again.version, snapshot.config.clone()));

    // A dead deploy's parts: dropped at the next open when old, kept when young.
    let now = vigie::domain::now_ms();
    for (stage, at) in [("dead-old", now - 7_200_000), ("young", now)] {
        sqlx::query(
            "INSERT INTO deployment_parts (stage, part, items, created_at) VALUES ($1, 0, '[]', $2)",
        )
        .bind(stage)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    let reopened = vigie::store::Store::open(&app.db_url).await.unwrap();
    let stages: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT stage FROM deployment_parts WHERE stage IN ('dead-old', 'young')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(stages, vec!["young".to_string()]);
    let latest = reopened.latest_deployment(bot.id).await.unwrap();
    assert_eq!(json(&latest.snapshot), json(&snapshot), "live parts kept");
}

async fn raw(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.db_url).await.unwrap()
}

/// A process that died while applying a decided import leaves its journal: the next
/// `Store::open` finishes it; one that died while staging leaves nothing once an hour has
/// passed (rolled back), and a young staging import (another node's) is left alone.
async fn an_interrupted_import_is_finished_at_the_next_open(app: &TestApp) {
    let bot = app.store.bot("demo").await.unwrap();
    let pool = raw(app).await;
    let now = vigie::domain::now_ms();
    for (id, state, at) in [
        (70, "applying", now),
        (71, "staging", now - 7_200_000),
        (72, "staging", now),
    ] {
        sqlx::query(
            "INSERT INTO knowledge_imports (id, bot_id, state, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id as i64)
        .bind(bot.id)
        .bind(state)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    let items = generated(600, "Réponse reprise");
    for (n, item) in items.iter().enumerate() {
        for import in [70i64, 71, 72] {
            sqlx::query(
                "INSERT INTO knowledge_import_items (import_id, n, item) VALUES ($1, $2, $3)",
            )
            .bind(import)
            .bind(n as i64)
            .bind(serde_json::to_string(&item.to_doc()).unwrap())
            .execute(&pool)
            .await
            .unwrap();
        }
    }
    // Half of the decided import was applied before the "crash".
    sqlx::query("DELETE FROM knowledge_import_items WHERE import_id = 70 AND n < 300")
        .execute(&pool)
        .await
        .unwrap();
    let reopened = vigie::store::Store::open(&app.db_url).await.unwrap();
    for item in &items[300..] {
        assert_eq!(&reopened.knowledge(bot.id, &item.id).await.unwrap(), item);
    }
    assert!(matches!(
        reopened.knowledge(bot.id, &items[0].id).await,
        Err(StoreError::NotFound)
    ));
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM knowledge_imports ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, vec![72], "the applied and the stale imports are gone");
    let items_left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM knowledge_import_items WHERE import_id <> 72")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(items_left, 0);
}

both_backends!(
    a_large_deployment_is_written_in_parts,
    sessions_written_together_stay_apart,
    a_large_import_is_applied_in_batches,
    an_interrupted_import_is_finished_at_the_next_open,
    operator_emails_are_unique_case_insensitively,
    expired_sessions_are_refused,
    concurrent_deploys_get_distinct_versions,
    knowledge_round_trips_through_storage,
);
