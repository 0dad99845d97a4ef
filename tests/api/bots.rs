use crate::both_backends;
use crate::helpers::*;
use serde_json::json;

async fn bots_are_created_and_listed(app: &TestApp) {
    let s = app.admin().await;
    let bot = expect(
        s.post(
            "/api/v1/bots",
            &json!({"slug": "rh", "name": "Assistant RH", "lang": "en"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(bot["deployed_url"], format!("{}/c/rh/", app.base));
    let dup = expect(
        s.post("/api/v1/bots", &json!({"slug": "rh", "name": "Encore"}))
            .await,
        409,
    )
    .await;
    assert!(dup["message"].as_str().unwrap().contains("slug"));
    let bad = expect(
        s.post(
            "/api/v1/bots",
            &json!({"slug": "No Spaces!", "name": "", "lang": "de"}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["slug", "name", "lang"]);
    let list = expect(s.get("/api/v1/bots").await, 200).await;
    let slugs: Vec<&str> = list["bots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["demo", "rh"]);
    expect(s.get("/api/v1/bots/nope").await, 404).await;
}

async fn health_and_openapi(app: &TestApp) {
    let s = app.anonymous();
    assert_eq!(expect(s.get("/healthz").await, 200).await["status"], "ok");
    assert_eq!(expect(s.get("/readyz").await, 200).await["database"], "ok");
    let spec = expect(s.get("/api/openapi.json").await, 200).await;
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/bots",
        "/api/v1/bots/{bot}",
        "/api/v1/bots/{bot}/deployments",
        "/api/v1/bots/{bot}/deployments/{version}/restore",
        "/api/v1/bots/{bot}/config",
        "/api/v1/bots/{bot}/chatbox",
        "/api/v1/bots/{bot}/knowledge",
        "/api/v1/bots/{bot}/knowledge/{id}",
        "/api/v1/bots/{bot}/knowledge/import",
        "/api/v1/bots/{bot}/knowledge/export",
        "/api/v1/bots/{bot}/ask",
        "/api/v1/conversations",
        "/api/v1/conversations/{id}",
        "/api/v1/conversations/{id}/transcript",
        "/api/v1/conversations/{id}/transcript/mail",
        "/api/v1/conversations/{id}/offline-reply",
        "/api/v1/conversations/{id}/visitor",
        "/api/v1/bots/{bot}/identity",
        "/api/v1/bots/{bot}/identity/secret",
        "/api/v1/conversations/export",
        "/api/v1/bots/{bot}/archive",
        "/api/v1/bots/{bot}/unarchive",
        "/api/v1/livechat/settings",
        "/api/v1/livechat/operators/{id}/capacity",
        "/api/v1/livechat/mail-preview",
        "/api/v1/monitored-conversations",
        "/api/v1/monitored-conversations/{id}",
        "/api/v1/monitored-conversations/{id}/resend",
        "/api/v1/monitored-conversations/{id}/revoke",
        "/api/v1/livechat/status-times",
        "/api/v1/me/preferences",
        "/api/v1/conversations/{id}/block",
        "/api/v1/blocks",
        "/api/v1/blocks/{id}",
        "/api/v1/canned-answers",
        "/api/v1/canned-answers/{id}",
        "/api/v1/canned-answers/export",
        "/api/v1/canned-answers/import",
        "/api/v1/bots/{bot}/learning",
        "/api/v1/bots/{bot}/learning/measure",
        "/api/v1/bots/{bot}/learning/add",
        "/api/v1/bots/{bot}/learning/dismiss",
        "/api/v1/bots/{bot}/learning/dismissed/{id}",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} missing from openapi.json"
        );
    }
    let unknown = expect(s.get("/api/v1/nothing-here").await, 404).await;
    assert_eq!(unknown["error"], "no_route");
}

async fn readyz_reports_a_lost_database(app: &TestApp) {
    app.store.close().await;
    let body = expect(app.anonymous().get("/readyz").await, 503).await;
    assert_eq!(body["database"], "unreachable");
}

both_backends!(
    bots_are_created_and_listed,
    health_and_openapi,
    readyz_reports_a_lost_database
);
