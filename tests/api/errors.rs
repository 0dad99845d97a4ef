//! Every error a page can show carries a stable `code` and the parameters its sentence
//! needs, so that the pages say it in their language (fr/en) and name the field by its
//! label (issue 11, item 2). The English `message` stays for API users.
use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};

/// The first field error of a 422 answer.
async fn field_error(r: reqwest::Response) -> Value {
    let body = expect(r, 422).await;
    assert_eq!(body["error"], "invalid", "{body}");
    body["fields"][0].clone()
}

async fn signed_out_me_is_null_not_401(app: &TestApp) {
    let me = expect(app.anonymous().get("/api/v1/auth/me").await, 200).await;
    assert_eq!(me, json!({"operator": null}));
    // A forged API token is still refused.
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth("vgt_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(expect(r, 401).await["error"], "token_invalid");
}

async fn auth_errors_have_codes(app: &TestApp) {
    let wrong = expect(
        app.anonymous()
            .post(
                "/api/v1/auth/login",
                &json!({"email": ADMIN_EMAIL, "password": "not the password"}),
            )
            .await,
        401,
    )
    .await;
    assert_eq!(wrong["error"], "bad_credentials");
    let anon = expect(
        app.anonymous().get("/api/v1/bots/demo/knowledge").await,
        401,
    )
    .await;
    assert_eq!(anon["error"], "login_required");
    let op = app.operator().await;
    let refused = expect(
        op.post("/api/v1/bots", &json!({"slug": "x1", "name": "X"}))
            .await,
        403,
    )
    .await;
    assert_eq!(refused["error"], "admin_only");
    let unknown = expect(op.get("/api/v1/bots/nope/knowledge").await, 404).await;
    assert_eq!(unknown["error"], "not_found");
    assert_eq!(unknown["params"]["what"], "bot");
}

async fn settings_errors_name_fields_and_bounds(app: &TestApp) {
    let s = app.admin().await;
    let days = field_error(
        s.put(
            "/api/v1/livechat/settings",
            &json!({"monitored_link_days": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(days["field"], "monitored_link_days");
    assert_eq!(days["code"], "out_of_range");
    assert_eq!(
        days["params"],
        json!({"min": 1, "max": 3650, "unit": "days"})
    );

    let url = field_error(
        s.put(
            "/api/v1/livechat/settings",
            &json!({"monitored_prefix_url": "intranet/aide"}),
        )
        .await,
    )
    .await;
    assert_eq!(url["field"], "monitored_prefix_url");
    assert_eq!(url["code"], "url_not_absolute");
    assert_eq!(url["params"]["value"], "intranet/aide");

    let current = expect(s.get("/api/v1/livechat/settings").await, 200).await;
    let mut mail = current["monitored_mail"].clone();
    mail["fr"]["html"] = json!("<p>{{ link }}</p>\n{% if lang %}\n<p>x</p>");
    let tpl = field_error(
        s.put(
            "/api/v1/livechat/settings",
            &json!({"monitored_mail": mail}),
        )
        .await,
    )
    .await;
    assert_eq!(tpl["field"], "monitored_mail.fr.html");
    assert_eq!(tpl["code"], "template_error");
    assert!(tpl["params"]["line"].is_number(), "{tpl}");
    assert!(tpl["params"]["detail"].is_string(), "{tpl}");

    let mut mail = current["monitored_mail"].clone();
    mail["en"]["text"] = json!("{{ nope }}");
    let var = field_error(
        s.put(
            "/api/v1/livechat/settings",
            &json!({"monitored_mail": mail}),
        )
        .await,
    )
    .await;
    assert_eq!(var["code"], "template_variable");
    assert_eq!(var["params"]["name"], "nope");
    // Nothing was saved by the refused writes.
    assert_eq!(
        expect(s.get("/api/v1/livechat/settings").await, 200).await,
        current
    );
}

async fn monitored_errors_have_codes(app: &TestApp) {
    let s = app.admin().await;
    s.deploy("demo").await;
    // Every field at once: required name and knowledge, a wrong address.
    let body = expect(
        s.post(
            "/api/v1/monitored-conversations",
            &json!({"bot": "demo", "email": "pas une adresse"}),
        )
        .await,
        422,
    )
    .await;
    let codes: Vec<(String, String)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("name".into(), "required".into())),
        "{body}"
    );
    assert!(
        codes.contains(&("email".into(), "email_invalid".into())),
        "{body}"
    );
    assert!(
        codes.contains(&("starting_knowledge".into(), "required".into())),
        "{body}"
    );
    let unknown = field_error(
        s.post(
            "/api/v1/monitored-conversations",
            &json!({"bot": "demo", "name": "Badge", "email": "a@example.com",
                    "starting_knowledge": "imprimante qui bourre", "lang": "fr"}),
        )
        .await,
    )
    .await;
    assert!(
        ["knowledge_not_deployed", "prefix_url_missing"]
            .contains(&unknown["code"].as_str().unwrap()),
        "{unknown}"
    );
}

async fn knowledge_and_config_errors_have_codes(app: &TestApp) {
    let s = app.admin().await;
    let long = "x".repeat(400);
    let body = expect(
        s.post(
            "/api/v1/bots/demo/knowledge",
            &json!({"id": "k-1", "title": long, "lang": "de", "answer": ""}),
        )
        .await,
        422,
    )
    .await;
    let by_field = |name: &str| {
        body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {body}"))
    };
    assert_eq!(by_field("title")["code"], "too_long");
    assert!(by_field("title")["params"]["max"].is_number());
    assert_eq!(by_field("lang")["code"], "lang_invalid");
    assert_eq!(by_field("lang")["params"]["value"], "de");
    assert_eq!(by_field("answer")["code"], "required");

    let doc = json!({
        "modules": {"livechat": true},
        "resources": {"welcome_message": {"fr": "   ", "en": "Hello"}}
    });
    let r = s.put("/api/v1/bots/demo/config", &doc).await;
    let e = field_error(r).await;
    assert_eq!(e["field"], "resources.welcome_message.fr");
    assert_eq!(e["code"], "required");

    let malformed = s
        .post_raw(
            "/api/v1/bots/demo/knowledge",
            "application/json",
            "{\"id\": ",
        )
        .await;
    let m = expect(malformed, 400).await;
    assert_eq!(m["error"], "json_malformed");
    assert!(m["params"]["detail"].is_string());

    let import = s
        .post_raw(
            "/api/v1/bots/demo/knowledge/import",
            "application/json",
            r#"{"knowledge": [{"id": "a b", "title": "T", "lang": "fr", "answer": "A", "related": ["nope-x"]}]}"#,
        )
        .await;
    let rejected = expect(import, 422).await;
    assert_eq!(rejected["error"], "invalid_import");
    let errors = rejected["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "id" && e["code"] == "id_invalid"),
        "{rejected}"
    );
}

both_backends!(
    signed_out_me_is_null_not_401,
    auth_errors_have_codes,
    settings_errors_name_fields_and_bounds,
    monitored_errors_have_codes,
    knowledge_and_config_errors_have_codes,
);
