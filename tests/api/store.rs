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

both_backends!(
    operator_emails_are_unique_case_insensitively,
    expired_sessions_are_refused,
    concurrent_deploys_get_distinct_versions,
    knowledge_round_trips_through_storage,
);
