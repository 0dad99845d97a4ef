//! Issue 16 in the app: translations stored and validated, answers in the question's
//! language, small talk answered with the dialog-box texts, the deploy reporting what
//! training did.

use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};

async fn ask(s: &Session, text: &str, lang: Option<&str>) -> Value {
    let mut body = json!({ "text": text });
    if let Some(l) = lang {
        body["lang"] = json!(l);
    }
    expect(s.post("/api/v1/bots/demo/ask", &body).await, 200).await
}

const TWINS: &str = r#"{"knowledge": [
  {"id": "mdp", "title": "Mot de passe oublié", "lang": "fr", "formulations": ["j'ai oublié mon mot de passe"], "answer": "Allez sur la page de réinitialisation.", "translations": {"en": "pwd"}},
  {"id": "pwd", "title": "Forgotten password", "lang": "en", "formulations": ["I forgot my password"], "answer": "Go to the reset page.", "translations": {"fr": "mdp"}}
]}"#;

async fn translations_are_stored_validated_and_round_trip(app: &TestApp) {
    let s = app.admin().await;
    expect(
        s.post("/api/v1/bots", &json!({"slug": "kb", "name": "KB"}))
            .await,
        201,
    )
    .await;
    let imported = expect(
        s.post_raw(
            "/api/v1/bots/kb/knowledge/import",
            "application/json",
            TWINS,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(imported["imported"]["created"], 2, "{imported}");
    let got = expect(s.get("/api/v1/bots/kb/knowledge/mdp").await, 200).await;
    assert_eq!(got["translations"], json!({"en": "pwd"}), "{got}");

    // CSV: one column of `lang:id` pairs, read back unchanged
    let csv = s
        .get("/api/v1/bots/kb/knowledge/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",translations"),
        "{csv}"
    );
    assert!(csv.contains(",en:pwd"), "{csv}");
    let again = expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "text/csv", csv)
            .await,
        200,
    )
    .await;
    assert_eq!(again["imported"]["unchanged"], 2, "{again}");
    let exported = s
        .get("/api/v1/bots/kb/knowledge/export?format=json")
        .await
        .text()
        .await
        .unwrap();
    assert!(exported.contains(r#""translations": {"#), "{exported}");

    // the twin must exist and be in the language it is named for
    let mut wrong = got.clone();
    wrong.as_object_mut().unwrap().remove("answer_html");
    wrong["translations"] = json!({"en": "ghost"});
    let bad = expect(s.put("/api/v1/bots/kb/knowledge/mdp", &wrong).await, 422).await;
    assert_eq!(bad["fields"][0]["field"], "translations.en", "{bad}");
    assert!(bad["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("ghost"));
    let new = json!({"id": "mdp2", "title": "Mot de passe", "lang": "fr", "answer": "x", "translations": {"en": "mdp"}});
    let bad = expect(s.post("/api/v1/bots/kb/knowledge", &new).await, 422).await;
    assert!(
        bad["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is in `fr`"),
        "{bad}"
    );
    let file = r#"{"knowledge": [{"id": "x", "title": "X", "lang": "fr", "answer": "x", "translations": {"en": "nowhere"}}]}"#;
    let bad = expect(
        s.post_raw("/api/v1/bots/kb/knowledge/import", "application/json", file)
            .await,
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "translations.en", "{bad}");

    // the engine gets them: an English question in a French conversation gets the twin
    s.deploy("kb").await;
    let r = expect(
        s.post(
            "/api/v1/bots/kb/ask",
            &json!({"text": "I forgot my password, how do I reset it?", "lang": "fr"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(r["knowledge_id"], "pwd", "{r}");
    assert_eq!(r["lang"], "en", "{r}");
}

async fn answers_follow_the_question_language(app: &TestApp) {
    let s = app.anonymous();
    // a French question asked from an English chatbox: the French item
    let r = ask(&s, "j'ai oublié mon mot de passe", Some("en")).await;
    assert_eq!(r["kind"], "answer", "{r}");
    assert_eq!(r["knowledge_id"], "mot-de-passe-oublie", "{r}");
    assert_eq!(
        (r["lang"].as_str(), r["detected_lang"].as_str()),
        (Some("fr"), Some("fr"))
    );
    // and the reverse: its English twin
    let r = ask(&s, "I forgot my password", Some("fr")).await;
    assert_eq!(r["knowledge_id"], "password-reset", "{r}");
    assert_eq!(r["lang"], "en", "{r}");
    assert!(r["detected_confidence"].as_f64().unwrap() > 0.0, "{r}");
}

async fn small_talk_is_answered_in_both_languages(app: &TestApp) {
    let s = app.anonymous();
    for (text, lang, kind) in [
        ("bonjour", "fr", "greeting"),
        ("merci beaucoup !", "fr", "thanks"),
        ("au revoir", "fr", "goodbye"),
        ("êtes-vous un robot ?", "fr", "are_you_a_bot"),
        ("tu es nul", "fr", "insult"),
        ("ça marche pas", "fr", "vague"),
        ("hello", "en", "greeting"),
        ("thank you very much!", "en", "thanks"),
        ("goodbye", "en", "goodbye"),
        ("are you a bot?", "en", "are_you_a_bot"),
        ("you are stupid", "en", "insult"),
        ("it doesn't work", "en", "vague"),
    ] {
        let r = ask(&s, text, Some(lang)).await;
        assert_eq!(r["kind"], "small_talk", "{text}: {r}");
        assert_eq!(r["small_talk"], kind, "{text}: {r}");
        assert_eq!(r["lang"], lang, "{text}: {r}");
        assert!(
            !r["answer"].as_str().unwrap_or("").is_empty(),
            "{text}: {r}"
        );
    }
    let r = ask(&s, "ça marche pas", Some("fr")).await;
    assert!(r["answer"].as_str().unwrap().contains("préciser"), "{r}");
    let r = ask(&s, "bonjour", Some("fr")).await;
    assert!(r["answer"].as_str().unwrap().starts_with("Bonjour"), "{r}");
    // a real question wrapped in a greeting is still answered
    let r = ask(&s, "bonjour, mon VPN ne marche plus", Some("fr")).await;
    assert_eq!(r["kind"], "answer", "{r}");
    assert!(
        r["knowledge_id"].as_str().unwrap().starts_with("vpn"),
        "{r}"
    );

    // the texts are the dialog-box configuration's: edited, deployed, answered
    let admin = app.admin().await;
    expect(
        admin
            .put(
                "/api/v1/bots/demo/config",
                &json!({"resources": {"small_talk_greeting": {"fr": "Salut ! Que puis-je pour vous ?", "en": "Hi there!"}}}),
            )
            .await,
        200,
    )
    .await;
    admin.deploy("demo").await;
    let r = ask(&s, "bonjour", Some("fr")).await;
    assert_eq!(r["answer"], "Salut ! Que puis-je pour vous ?", "{r}");
    let r = ask(&s, "hello", Some("en")).await;
    assert_eq!(r["answer"], "Hi there!", "{r}");
}

async fn deploy_reports_what_training_did(app: &TestApp) {
    let s = app.admin().await;
    let d = s.deploy("demo").await;
    let b = &d["build"];
    assert_eq!(b["items"], 70, "{d}");
    assert!(b["texts"].as_u64().unwrap() > 70, "{d}");
    assert!(b["millis"].is_u64(), "{d}");
    let acc = b["cv_accuracy"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&acc), "{d}");
    assert!(b["model"].as_str().unwrap().contains("e5"), "{d}");
}

both_backends!(
    translations_are_stored_validated_and_round_trip,
    answers_follow_the_question_language,
    small_talk_is_answered_in_both_languages,
    deploy_reports_what_training_did,
);
