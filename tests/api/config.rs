//! The chatbox ("boîte de dialogue") configuration: draft, deploy, public view, restore.

use crate::both_backends;
use crate::helpers::*;
use serde_json::json;

async fn defaults_are_served_and_listed(app: &TestApp) {
    let s = app.operator().await;
    let draft = expect(s.get("/api/v1/bots/demo/config").await, 200).await;
    let cfg = &draft["config"];
    assert_eq!(cfg["modules"]["livechat"], true);
    assert_eq!(cfg["modules"]["suggestions"], true);
    // The demo bot ships ready for monitored conversations.
    assert_eq!(cfg["modules"]["monitored_conversations"], true);
    assert_eq!(cfg["resources"]["title"]["fr"], "Assistant Vigie");
    assert_eq!(
        cfg["resources"]["not_understood"]["fr"],
        "Je n'ai pas compris votre question. Pouvez-vous la reformuler ?"
    );
    assert_eq!(draft["deployed_version"], 1, "{draft}");
    assert_eq!(draft["draft_differs"], false, "{draft}");
    assert_eq!(
        draft["schema"]["modules"].as_array().unwrap().len(),
        6,
        "livechat, monitored, suggestions, transcript, answer_feedback, satisfaction"
    );
    // Public: no login needed.
    let anon = app.anonymous();
    let fr = expect(anon.get("/api/v1/bots/demo/chatbox?lang=fr").await, 200).await;
    assert_eq!(
        fr["resources"]["talk_to_operator"],
        "Parler à un conseiller"
    );
    assert!(!fr["resources"]["monitored_link_expired"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(fr["modules"]["monitored_conversations"], true);
    assert_eq!(fr["bot_name"], "Vigie Helpdesk");
    assert_eq!(fr["deployment"], 1);
    assert_eq!(fr["lang"], "fr");
    let keys = fr["resources"].as_object().unwrap().len();
    assert_eq!(keys, 55, "every key of docs/protocol.md: {fr}");
    let en = expect(anon.get("/api/v1/bots/demo/chatbox?lang=en").await, 200).await;
    assert_eq!(en["resources"]["talk_to_operator"], "Talk to an operator");
    let default = expect(anon.get("/api/v1/bots/demo/chatbox").await, 200).await;
    assert_eq!(default["lang"], "fr");
    let bad = expect(anon.get("/api/v1/bots/demo/chatbox?lang=de").await, 422).await;
    assert_eq!(bad["fields"][0]["field"], "lang");
}

async fn a_draft_is_served_only_once_deployed(app: &TestApp) {
    let s = app.admin().await;
    let body = json!({
        "modules": {"livechat": false, "monitored_conversations": true, "suggestions": true},
        "resources": {
            "title": {"fr": "Aide RH", "en": "HR help"},
            "monitored_intro": {"fr": "Votre conseiller vous a envoyé\nces réponses.", "en": "Sent by your operator."}
        }
    });
    let saved = expect(s.put("/api/v1/bots/demo/config", &body).await, 200).await;
    assert_eq!(saved["config"]["resources"]["title"]["fr"], "Aide RH");
    // Left out: keeps the default.
    assert_eq!(saved["config"]["resources"]["send_label"]["fr"], "Envoyer");
    assert_eq!(saved["draft_differs"], true);
    let again = expect(s.get("/api/v1/bots/demo/config").await, 200).await;
    assert_eq!(again["config"], saved["config"]);
    assert!(again["updated_by"].is_i64());

    let anon = app.anonymous();
    let before = expect(anon.get("/api/v1/bots/demo/chatbox?lang=fr").await, 200).await;
    assert_eq!(before["resources"]["title"], "Assistant Vigie");
    assert_eq!(before["modules"]["livechat"], true);

    let d = s.deploy("demo").await;
    assert_eq!(d["version"], 2);
    let after = expect(anon.get("/api/v1/bots/demo/chatbox?lang=fr").await, 200).await;
    assert_eq!(after["resources"]["title"], "Aide RH");
    assert_eq!(
        after["resources"]["monitored_intro"],
        "Votre conseiller vous a envoyé\nces réponses."
    );
    assert_eq!(after["modules"]["livechat"], false);
    assert_eq!(after["modules"]["monitored_conversations"], true);
    assert_eq!(after["deployment"], 2);
    let en = expect(anon.get("/api/v1/bots/demo/chatbox?lang=en").await, 200).await;
    assert_eq!(en["resources"]["title"], "HR help");
    let draft = expect(s.get("/api/v1/bots/demo/config").await, 200).await;
    assert_eq!(draft["deployed_version"], 2);
    assert_eq!(draft["draft_differs"], false);
}

async fn the_matcher_uses_the_deployed_sentences(app: &TestApp) {
    let s = app.admin().await;
    let body =
        json!({"resources": {"not_understood": {"fr": "Hmm, je ne sais pas.", "en": "Hmm."}}});
    expect(s.put("/api/v1/bots/demo/config", &body).await, 200).await;
    let ask = json!({"text": "quelle est la recette de la tarte tatin ?", "lang": "fr"});
    let r = expect(s.post("/api/v1/bots/demo/ask", &ask).await, 200).await;
    assert_eq!(r["kind"], "not_understood");
    assert!(r["answer"].as_str().unwrap().contains("pas compris"));
    s.deploy("demo").await;
    let r = expect(s.post("/api/v1/bots/demo/ask", &ask).await, 200).await;
    assert_eq!(r["answer"], "Hmm, je ne sais pas.");
}

async fn restore_makes_a_new_deployment(app: &TestApp) {
    let s = app.admin().await;
    let v1_title = "Assistant Vigie";
    let body = json!({"resources": {"title": {"fr": "Version deux", "en": "Version two"}}});
    expect(s.put("/api/v1/bots/demo/config", &body).await, 200).await;
    s.deploy("demo").await;
    let anon = app.anonymous();
    let served = expect(anon.get("/api/v1/bots/demo/chatbox").await, 200).await;
    assert_eq!(served["resources"]["title"], "Version deux");

    let r = expect(
        s.post("/api/v1/bots/demo/deployments/1/restore", &json!({}))
            .await,
        201,
    )
    .await;
    assert_eq!(r["version"], 3);
    assert_eq!(r["restored_from"], 1);
    let served = expect(anon.get("/api/v1/bots/demo/chatbox").await, 200).await;
    assert_eq!(served["resources"]["title"], v1_title);
    assert_eq!(served["deployment"], 3);
    let bot = app.store.bot("demo").await.unwrap();
    let live = app.core.engines.get(bot.id).expect("served");
    assert_eq!(live.version, 3, "on {:?}", app.backend);
    assert_eq!(live.snapshot.config.resources["title"].fr, v1_title);
    // The draft is back to the restored configuration.
    let draft = expect(s.get("/api/v1/bots/demo/config").await, 200).await;
    assert_eq!(draft["config"]["resources"]["title"]["fr"], v1_title);
    assert_eq!(draft["deployed_version"], 3);
    assert_eq!(draft["draft_differs"], false);
    // History is kept, newest first.
    let list = expect(s.get("/api/v1/bots/demo/deployments").await, 200).await;
    let versions: Vec<i64> = list["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    // The restored deployment still answers questions.
    let a = expect(
        anon.post(
            "/api/v1/bots/demo/ask",
            &json!({"text": "J'ai oublié mon mot de passe", "lang": "fr"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(a["kind"], "answer");
    assert_eq!(a["deployment"], 3);

    expect(
        s.post("/api/v1/bots/demo/deployments/99/restore", &json!({}))
            .await,
        404,
    )
    .await;
    expect(
        s.post("/api/v1/bots/demo/deployments/abc/restore", &json!({}))
            .await,
        404,
    )
    .await;
    expect(
        s.post("/api/v1/bots/nope/deployments/1/restore", &json!({}))
            .await,
        404,
    )
    .await;
}

async fn validation_names_each_problem(app: &TestApp) {
    let s = app.admin().await;
    let body = json!({
        "modules": {"livechat": true, "teleport": true},
        "resources": {
            "title": {"fr": "", "en": "x".repeat(501)},
            "colour": {"fr": "rouge"},
            "welcome_message": {"fr": "bip\u{7}", "de": "Hallo"}
        }
    });
    let r = expect(s.put("/api/v1/bots/demo/config", &body).await, 422).await;
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "modules.teleport",
            "resources.colour",
            "resources.title.en",
            "resources.title.fr",
            "resources.welcome_message.de",
            "resources.welcome_message.fr",
        ]
    );
    assert!(r["message"].as_str().unwrap().contains("teleport"));
    assert!(r["message"].as_str().unwrap().contains("colour"));
    // Nothing was saved.
    let draft = expect(s.get("/api/v1/bots/demo/config").await, 200).await;
    assert_eq!(
        draft["config"]["resources"]["title"]["fr"],
        "Assistant Vigie"
    );
    // A body that is not a config at all.
    let r = expect(
        s.put(
            "/api/v1/bots/demo/config",
            &json!({"modules": {"livechat": "yes"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(r["fields"][0]["field"], "body");
    expect(
        s.put("/api/v1/bots/demo/config", &json!({"colours": {}}))
            .await,
        422,
    )
    .await;
}

async fn only_admins_write(app: &TestApp) {
    let op = app.operator().await;
    let body = json!({"modules": {"livechat": false}});
    expect(op.put("/api/v1/bots/demo/config", &body).await, 403).await;
    expect(
        op.post("/api/v1/bots/demo/deployments/1/restore", &json!({}))
            .await,
        403,
    )
    .await;
    let anon = app.anonymous();
    expect(anon.get("/api/v1/bots/demo/config").await, 401).await;
    expect(anon.put("/api/v1/bots/demo/config", &body).await, 401).await;
    // An admin without the CSRF token is refused too.
    let mut admin = app.admin().await;
    admin.csrf = None;
    expect(admin.put("/api/v1/bots/demo/config", &body).await, 403).await;
}

async fn unknown_and_undeployed_bots(app: &TestApp) {
    let s = app.admin().await;
    expect(s.get("/api/v1/bots/nope/config").await, 404).await;
    expect(s.put("/api/v1/bots/nope/config", &json!({})).await, 404).await;
    let anon = app.anonymous();
    expect(anon.get("/api/v1/bots/nope/chatbox").await, 404).await;
    expect(
        s.post(
            "/api/v1/bots",
            &json!({"slug": "rh", "name": "RH", "lang": "en"}),
        )
        .await,
        201,
    )
    .await;
    let r = expect(anon.get("/api/v1/bots/rh/chatbox").await, 404).await;
    assert!(r["message"].as_str().unwrap().contains("deployed"));
    let draft = expect(s.get("/api/v1/bots/rh/config").await, 200).await;
    assert!(draft["deployed_version"].is_null());
    assert_eq!(draft["draft_differs"], true);
    s.deploy("rh").await;
    let served = expect(anon.get("/api/v1/bots/rh/chatbox").await, 200).await;
    assert_eq!(served["lang"], "en", "the bot's language is the default");
    assert_eq!(served["resources"]["title"], "Vigie Assistant");
}

both_backends!(
    defaults_are_served_and_listed,
    a_draft_is_served_only_once_deployed,
    the_matcher_uses_the_deployed_sentences,
    restore_makes_a_new_deployment,
    validation_names_each_problem,
    only_admins_write,
    unknown_and_undeployed_bots,
);
