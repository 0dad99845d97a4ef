use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};

fn item(id: &str) -> Value {
    json!({"id": id, "title": "Imprimante en panne", "lang": "fr", "formulations": ["l'imprimante ne marche plus"], "answer": "Redémarrez-la.", "tags": ["it"]})
}

async fn knowledge_crud(app: &TestApp) {
    let s = app.admin().await;
    expect(
        s.post("/api/v1/bots", &json!({"slug": "kb", "name": "KB"}))
            .await,
        201,
    )
    .await;
    let mut doc = item("imprimante");
    doc["answer"] =
        json!("**Éteignez** puis rallumez. <script>alert(1)</script><img src=x onerror=alert(1)>");
    let created = expect(s.post("/api/v1/bots/kb/knowledge", &doc).await, 201).await;
    let html = created["answer_html"].as_str().unwrap();
    assert!(html.contains("<strong>Éteignez</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("onerror"),
        "{html}"
    );
    assert_eq!(created["published"], true);
    expect(s.post("/api/v1/bots/kb/knowledge", &doc).await, 409).await;

    let mut related = item("toner");
    related["related"] = json!(["imprimante", "ghost"]);
    let bad = expect(s.post("/api/v1/bots/kb/knowledge", &related).await, 422).await;
    assert_eq!(bad["fields"][0]["field"], "related[1]");
    related["related"] = json!(["imprimante"]);
    expect(s.post("/api/v1/bots/kb/knowledge", &related).await, 201).await;

    let got = expect(s.get("/api/v1/bots/kb/knowledge/toner").await, 200).await;
    assert_eq!(got["related"], json!(["imprimante"]));
    let mut changed = got.clone();
    changed.as_object_mut().unwrap().remove("answer_html");
    changed["title"] = json!("Toner vide");
    changed["published"] = json!(false);
    let updated = expect(
        s.put("/api/v1/bots/kb/knowledge/toner", &changed).await,
        200,
    )
    .await;
    assert_eq!(updated["title"], "Toner vide");
    let mismatch = expect(
        s.put("/api/v1/bots/kb/knowledge/imprimante", &changed)
            .await,
        422,
    )
    .await;
    assert_eq!(mismatch["fields"][0]["field"], "id");
    expect(
        s.put(
            "/api/v1/bots/kb/knowledge/unknown",
            &json!({"id": "unknown", "title": "t", "lang": "fr", "answer": "a"}),
        )
        .await,
        404,
    )
    .await;
    expect(s.get("/api/v1/bots/kb/knowledge/unknown").await, 404).await;
    expect(s.get("/api/v1/bots/nobot/knowledge").await, 404).await;

    let unknown_field = expect(
        s.post(
            "/api/v1/bots/kb/knowledge",
            &json!({"id": "x", "title": "t", "lang": "fr", "answer": "a", "colour": "red"}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        unknown_field["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{unknown_field}"
    );
    let long = "x".repeat(400);
    let too_long = expect(
        s.post(
            "/api/v1/bots/kb/knowledge",
            &json!({"id": "x", "title": long, "lang": "fr", "answer": "a"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(too_long["fields"][0]["field"], "title");
    let huge = json!({"id": "x", "title": "t", "lang": "fr", "answer": "a".repeat(300_000)});
    expect(s.post("/api/v1/bots/kb/knowledge", &huge).await, 413).await;

    expect(s.delete("/api/v1/bots/kb/knowledge/toner").await, 204).await;
    expect(s.delete("/api/v1/bots/kb/knowledge/toner").await, 404).await;
    let list = expect(s.get("/api/v1/bots/kb/knowledge").await, 200).await;
    assert_eq!(list["total"], 1);
}

async fn operators_search_knowledge(app: &TestApp) {
    let s = app.operator().await;
    let found = expect(s.get("/api/v1/bots/demo/knowledge?q=imprim").await, 200).await;
    let first = found["knowledge"][0]["id"].as_str().unwrap();
    assert!(first.starts_with("imprimante"), "{found}");
    let found = expect(
        s.get("/api/v1/bots/demo/knowledge?q=VPN%20lent&limit=3")
            .await,
        200,
    )
    .await;
    assert_eq!(found["knowledge"][0]["id"], "vpn-lent");
    assert!(found["knowledge"].as_array().unwrap().len() <= 3);
    expect(s.get("/api/v1/bots/demo/knowledge?limit=abc").await, 400).await;
    // In one language only (the console searches in the conversation's language).
    let all = expect(
        s.get("/api/v1/bots/demo/knowledge?q=vpn&limit=20").await,
        200,
    )
    .await;
    let langs = |v: &serde_json::Value| -> Vec<String> {
        v["knowledge"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["lang"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(langs(&all).contains(&"en".to_string()) && langs(&all).contains(&"fr".to_string()));
    let fr = expect(
        s.get("/api/v1/bots/demo/knowledge?q=vpn&limit=20&lang=fr")
            .await,
        200,
    )
    .await;
    assert!(
        !langs(&fr).is_empty() && langs(&fr).iter().all(|l| l == "fr"),
        "{fr}"
    );
    let en = expect(
        s.get("/api/v1/bots/demo/knowledge?q=vpn&limit=20&lang=en")
            .await,
        200,
    )
    .await;
    assert_eq!(en["knowledge"][0]["id"], "vpn-help");
    let bad = expect(
        s.get("/api/v1/bots/demo/knowledge?q=vpn&lang=de").await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["field"], "lang");
}

const GOOD_FILE: &str = r#"{"knowledge": [
  {"id": "wifi", "title": "Wi-Fi", "lang": "fr", "formulations": ["le wifi ne marche pas"], "answer": "Reconnectez-vous.", "related": ["vpn"]},
  {"id": "vpn", "title": "VPN", "lang": "en", "formulations": ["vpn down"], "answer": "Restart the client.", "handoff": false, "tags": ["network"]}
]}"#;

async fn import_is_idempotent_and_exports_round_trip(app: &TestApp) {
    let s = app.admin().await;
    expect(
        s.post("/api/v1/bots", &json!({"slug": "kb", "name": "KB"}))
            .await,
        201,
    )
    .await;
    let first = expect(
        s.post_raw(
            "/api/v1/bots/kb/knowledge/import",
            "application/json",
            GOOD_FILE,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        first["imported"],
        json!({"created": 2, "updated": 0, "unchanged": 0})
    );
    let again = expect(
        s.post_raw(
            "/api/v1/bots/kb/knowledge/import",
            "application/json",
            GOOD_FILE,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        again["imported"],
        json!({"created": 0, "updated": 0, "unchanged": 2})
    );

    let r = s.get("/api/v1/bots/kb/knowledge/export?format=csv").await;
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with("id,title,lang,formulations,answer,related,handoff,tags,published"),
        "{csv}"
    );
    let csv_again = expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "text/csv", csv.clone())
            .await,
        200,
    )
    .await;
    assert_eq!(csv_again["imported"]["unchanged"], 2);
    let exported = s
        .get("/api/v1/bots/kb/knowledge/export?format=json")
        .await
        .text()
        .await
        .unwrap();
    let json_again = expect(
        s.post_raw(
            "/api/v1/bots/kb/knowledge/import?format=json",
            "application/octet-stream",
            exported,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(json_again["imported"]["unchanged"], 2);

    let edited = csv.replace("Restart the client.", "Restart the VPN client.");
    let upd = expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "text/csv", edited)
            .await,
        200,
    )
    .await;
    assert_eq!(
        upd["imported"],
        json!({"created": 0, "updated": 1, "unchanged": 1})
    );
    expect(
        s.get("/api/v1/bots/kb/knowledge/export?format=xml").await,
        422,
    )
    .await;
}

async fn a_bad_file_is_rejected_whole(app: &TestApp) {
    let s = app.admin().await;
    expect(
        s.post("/api/v1/bots", &json!({"slug": "kb", "name": "KB"}))
            .await,
        201,
    )
    .await;
    let bad = r#"{"knowledge": [
      {"id": "ok-one", "title": "Fine", "lang": "fr", "answer": "Fine."},
      {"id": "bad lang", "title": "", "lang": "de", "answer": "x"},
      {"id": "dup", "title": "A", "lang": "fr", "answer": "a", "related": ["missing"]},
      {"id": "dup", "title": "B", "lang": "fr", "answer": "b"}
    ]}"#;
    let body = expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "application/json", bad)
            .await,
        422,
    )
    .await;
    assert_eq!(body["error"], "invalid_import");
    let errors = body["errors"].as_array().unwrap();
    let seen: Vec<(String, String)> = errors
        .iter()
        .map(|e| {
            (
                e["location"].as_str().unwrap().to_string(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("item 1", "id"),
        ("item 1", "title"),
        ("item 1", "lang"),
        ("item 2", "related[0]"),
        ("item 3", "id"),
    ] {
        assert!(
            seen.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} not in {seen:?}"
        );
    }
    let list = expect(s.get("/api/v1/bots/kb/knowledge").await, 200).await;
    assert_eq!(list["total"], 0, "nothing may be half-imported");

    let csv = "id,title,lang,answer,handoff\nfine,Fine,fr,ok,false\nbroken,Broken,xx,ok,perhaps\n";
    let body = expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "text/csv", csv)
            .await,
        422,
    )
    .await;
    let locations: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["location"].as_str().unwrap())
        .collect();
    assert!(locations.iter().all(|l| *l == "line 3"), "{body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let syntax = expect(
        s.post_raw(
            "/api/v1/bots/kb/knowledge/import",
            "application/json",
            "{\"knowledge\": [",
        )
        .await,
        422,
    )
    .await;
    assert!(
        syntax["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line"),
        "{syntax}"
    );
    expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "text/plain", "x")
            .await,
        400,
    )
    .await;
    assert_eq!(
        expect(s.get("/api/v1/bots/kb/knowledge").await, 200).await["total"],
        0
    );
}

both_backends!(
    knowledge_crud,
    operators_search_knowledge,
    import_is_idempotent_and_exports_round_trip,
    a_bad_file_is_rejected_whole,
);
