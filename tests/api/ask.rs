use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};

/// Asks `bot` the question in `body`, expecting `status`.
async fn ask(s: &Session, bot: &str, body: Value, status: u16) -> Value {
    expect(
        s.post(&format!("/api/v1/bots/{bot}/ask"), &body).await,
        status,
    )
    .await
}

async fn the_demo_bot_answers(app: &TestApp) {
    let s = app.anonymous();
    let r = ask(
        &s,
        "demo",
        json!({"text": "J'ai oublié mon mot de passe", "lang": "fr"}),
        200,
    )
    .await;
    assert_eq!(r["kind"], "answer", "{r}");
    assert_eq!(r["knowledge_id"], "mot-de-passe-oublie");
    assert!(r["title"].is_string() && r["answer"].as_str().unwrap().contains('<'));
    assert!(r["score"].as_f64().unwrap() > 0.0);
    assert!(
        !r["related"].as_array().unwrap().is_empty(),
        "demo items have related links: {r}"
    );
    let off = ask(
        &s,
        "demo",
        json!({"text": "quelle est la recette de la tarte tatin ?"}),
        200,
    )
    .await;
    assert_eq!(off["kind"], "not_understood", "{off}");
    assert!(off["answer"].as_str().unwrap().contains("pas compris"));
    let human = ask(
        &s,
        "demo",
        json!({"text": "je veux parler à un conseiller"}),
        200,
    )
    .await;
    assert_eq!(human["handoff"], true, "{human}");
}

async fn bad_questions_get_clear_errors(app: &TestApp) {
    let s = app.anonymous();
    let empty = ask(&s, "demo", json!({"text": "   "}), 422).await;
    assert_eq!(empty["fields"][0]["field"], "text");
    let long = ask(&s, "demo", json!({"text": "a".repeat(1001)}), 422).await;
    assert!(long["message"].as_str().unwrap().contains("1000"));
    ask(&s, "demo", json!({"text": "é".repeat(1000)}), 200).await;
    let lang = ask(&s, "demo", json!({"text": "vpn", "lang": "de"}), 422).await;
    assert_eq!(lang["fields"][0]["field"], "lang");
    let unknown = ask(&s, "nobot", json!({"text": "vpn"}), 404).await;
    assert_eq!(unknown["message"], "bot not found");
    expect(
        s.post_raw(
            "/api/v1/bots/demo/ask",
            "application/json",
            "{\"text\": \"vpn\"",
        )
        .await,
        400,
    )
    .await;
    expect(
        s.post_raw("/api/v1/bots/demo/ask", "text/plain", "vpn")
            .await,
        400,
    )
    .await;
    ask(&s, "demo", json!({"question": "vpn"}), 422).await;
}

async fn only_deployed_knowledge_is_served(app: &TestApp) {
    let s = app.admin().await;
    expect(
        s.post("/api/v1/bots", &json!({"slug": "fresh", "name": "Fresh"}))
            .await,
        201,
    )
    .await;
    let not_deployed = ask(&s, "fresh", json!({"text": "badge perdu"}), 404).await;
    assert!(not_deployed["message"].as_str().unwrap().contains("deploy"));
    expect(s.post("/api/v1/bots/fresh/knowledge", &json!({"id": "badge", "title": "Badge perdu", "lang": "fr", "formulations": ["j'ai perdu mon badge"], "answer": "Allez à l'accueil."})).await, 201).await;
    expect(s.post("/api/v1/bots/fresh/knowledge", &json!({"id": "parking", "title": "Place de parking", "lang": "fr", "formulations": ["où me garer"], "answer": "Niveau -2.", "published": false})).await, 201).await;
    let d = s.deploy("fresh").await;
    assert_eq!(d["version"], 1);
    assert_eq!(d["knowledge"], 1, "drafts are not deployed");
    assert_eq!(d["deployed_url"], format!("{}/c/fresh/", app.base));
    let a = ask(
        &s,
        "fresh",
        json!({"text": "j'ai perdu mon badge d'accès"}),
        200,
    )
    .await;
    assert_eq!(a["knowledge_id"], "badge");
    assert_eq!(a["deployment"], 1);
    // An edit is a draft until the next deploy.
    expect(s.put("/api/v1/bots/fresh/knowledge/badge", &json!({"id": "badge", "title": "Badge perdu", "lang": "fr", "formulations": ["j'ai perdu mon badge"], "answer": "Nouveau texte."})).await, 200).await;
    let before = ask(&s, "fresh", json!({"text": "j'ai perdu mon badge"}), 200).await;
    assert!(before["answer"].as_str().unwrap().contains("accueil"));
    s.deploy("fresh").await;
    let after = ask(&s, "fresh", json!({"text": "j'ai perdu mon badge"}), 200).await;
    assert!(
        after["answer"].as_str().unwrap().contains("Nouveau texte"),
        "{after}"
    );
    assert_eq!(after["deployment"], 2);
    let list = expect(s.get("/api/v1/bots/fresh/deployments").await, 200).await;
    assert_eq!(list["deployments"][0]["version"], 2);
    assert_eq!(list["deployments"].as_array().unwrap().len(), 2);
}

async fn questions_are_answered_during_a_redeploy(app: &TestApp) {
    let s = app.admin().await;
    let asker = {
        let s = app.anonymous();
        tokio::spawn(async move {
            let mut answered = 0;
            for _ in 0..60 {
                let r = ask(&s, "demo", json!({"text": "mon VPN est très lent"}), 200).await;
                if r["knowledge_id"] == "vpn-lent" {
                    answered += 1;
                }
            }
            answered
        })
    };
    for _ in 0..3 {
        s.deploy("demo").await;
    }
    assert_eq!(asker.await.unwrap(), 60);
}

both_backends!(
    the_demo_bot_answers,
    bad_questions_get_clear_errors,
    only_deployed_knowledge_is_served,
    questions_are_answered_during_a_redeploy,
);
