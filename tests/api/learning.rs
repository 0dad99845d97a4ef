//! The learning loop (issue 14, item 3) on both backends, with real visitor sockets:
//! differently worded questions the bot missed come back as one group with its closest
//! item; one call adds them to that item, the measure shows the share answered before and
//! after, a deploy serves them; an off-topic group dismissed never comes back, even asked
//! again by another visitor; and who may do what.

use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};

const DEFIB: [&str; 3] = [
    "Où se trouve le défibrillateur ?",
    "Y a-t-il un défibrillateur ici ?",
    "défibrillateur le plus proche svp",
];
const CREPES: [&str; 2] = [
    "Quelle est la recette des crêpes ?",
    "recette de la pâte à crêpes",
];

/// A new visitor asks `text`; the bot's reply.
async fn ask(app: &TestApp, text: &str) -> Value {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    let (_, _, bot) = v.say("q-1", text).await;
    v.close().await;
    bot
}

fn group_of<'a>(report: &'a Value, question: &str) -> Option<&'a Value> {
    report["groups"].as_array().unwrap().iter().find(|g| {
        g["examples"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["question"] == question)
    })
}

async fn missed_questions_are_grouped_added_and_then_answered(app: &TestApp) {
    for q in DEFIB.iter().chain(CREPES.iter()) {
        let bot = ask(app, q).await;
        assert!(
            bot["kind"] == "not_understood" || bot["kind"] == "suggestions",
            "{q}: {bot}"
        );
    }
    // The same question again, by another visitor: one example counted twice.
    ask(app, DEFIB[0]).await;
    let s = app.admin().await;
    let report = expect(s.get("/api/v1/bots/demo/learning").await, 200).await;
    assert_eq!(report["collected"], 6, "{report}");
    assert_eq!(report["hidden"], 0);
    let defib = group_of(&report, DEFIB[0]).expect("a group").clone();
    let questions: Vec<&str> = defib["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["question"].as_str().unwrap())
        .collect();
    let mut sorted = questions.clone();
    sorted.sort();
    let mut want = DEFIB.to_vec();
    want.sort();
    assert_eq!(sorted, want, "one group for one need: {report}");
    assert_eq!(defib["count"], 4);
    assert_eq!(defib["examples"][0]["question"], DEFIB[0]);
    assert_eq!(defib["examples"][0]["count"], 2);
    let crepes = group_of(&report, CREPES[0]).expect("a group");
    assert_ne!(crepes["key"], defib["key"], "another need, another group");
    assert_eq!(crepes["count"], 2);
    // The item the matcher thought closest, from the served deployment.
    let closest = defib["closest"][0]["id"].as_str().expect("a closest item");

    // Before: none of them answered, nothing pending.
    let before = expect(s.get("/api/v1/bots/demo/learning/measure").await, 200).await;
    assert_eq!(
        before["now"],
        json!({"answered": 0, "total": 6}),
        "{before}"
    );
    assert_eq!(before["after"], json!({"answered": 0, "total": 6}));
    assert_eq!(before["pending"], false);

    // Off-topic: dismissed, gone from the page, and asked again later by someone else (the
    // same words, other case and punctuation) it stays gone.
    let done = expect(
        s.post(
            "/api/v1/bots/demo/learning/dismiss",
            &json!({"questions": CREPES}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["dismissed"], 2);
    ask(app, "RECETTE de la pâte à crêpes !").await;
    // A near-duplicate of a dismissed question, in other words, is hidden too.
    ask(app, "la recette des crêpes").await;
    let report = expect(s.get("/api/v1/bots/demo/learning").await, 200).await;
    assert!(group_of(&report, CREPES[0]).is_none(), "{report}");
    assert_eq!(report["hidden"], 4, "{report}");
    assert_eq!(report["dismissed"].as_array().unwrap().len(), 2);
    assert_eq!(report["dismissed"][0]["by"], "Ada Admin");

    // One click: the group's questions become formulations of the closest item.
    let added = expect(
        s.post(
            "/api/v1/bots/demo/learning/add",
            &json!({"knowledge_id": closest, "questions": questions}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(added["added"].as_array().unwrap().len(), 3, "{added}");
    let item = expect(
        s.get(&format!("/api/v1/bots/demo/knowledge/{closest}"))
            .await,
        200,
    )
    .await;
    for q in DEFIB {
        assert!(
            item["formulations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == q),
            "{item}"
        );
    }
    // Again: nothing more to add, the item is left as it is.
    let again = expect(
        s.post(
            "/api/v1/bots/demo/learning/add",
            &json!({"knowledge_id": closest, "questions": [DEFIB[1]]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(again["added"], json!([]));
    // Audited.
    let audit = expect(s.get("/api/v1/audit?action=learning.").await, 200).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"learning.add") && actions.contains(&"learning.dismiss"),
        "{audit}"
    );

    // Not served yet: the measure says what the next deploy would answer.
    let pending = expect(s.get("/api/v1/bots/demo/learning/measure").await, 200).await;
    assert_eq!(pending["pending"], true, "{pending}");
    assert_eq!(pending["now"]["answered"], 0);
    assert_eq!(pending["now"]["total"], 4, "dismissed ones left out");
    assert_eq!(
        pending["after"],
        json!({"answered": 4, "total": 4}),
        "{pending}"
    );
    assert_eq!(ask(app, DEFIB[2]).await["kind"], "not_understood");

    // Deploy: served, and the same questions are answered with that item.
    s.deploy("demo").await;
    let after = expect(s.get("/api/v1/bots/demo/learning/measure").await, 200).await;
    // The five défibrillateur questions of the period (the last one asked before the deploy).
    assert_eq!(after["now"], json!({"answered": 5, "total": 5}), "{after}");
    assert_eq!(after["pending"], false);
    for q in DEFIB {
        let bot = ask(app, q).await;
        assert_eq!(
            (bot["kind"].as_str(), bot["knowledge"]["id"].as_str()),
            (Some("knowledge"), Some(closest)),
            "{q}"
        );
    }
}

async fn only_admins_and_supervisors_see_it_and_only_admins_write_knowledge(app: &TestApp) {
    ask(app, DEFIB[0]).await;
    let claire = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    expect(claire.get("/api/v1/bots/demo/learning").await, 403).await;
    let id = app
        .store
        .operator_by_email(OPERATOR_EMAIL)
        .await
        .unwrap()
        .id;
    let change = vigie::store::OperatorChange {
        role: Some(vigie::domain::Role::Supervisor),
        ..Default::default()
    };
    app.store
        .change_operator(id, &change)
        .await
        .unwrap()
        .unwrap();
    let sup = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let report = expect(sup.get("/api/v1/bots/demo/learning").await, 200).await;
    assert_eq!(report["groups"].as_array().unwrap().len(), 1);
    expect(sup.get("/api/v1/bots/demo/learning/measure").await, 200).await;
    // Adding writes the knowledge: admins only.
    let body = json!({"knowledge_id": "parking", "questions": [DEFIB[0]]});
    expect(sup.post("/api/v1/bots/demo/learning/add", &body).await, 403).await;
    // Dismissing and taking back: supervisors too.
    let d = expect(
        sup.post(
            "/api/v1/bots/demo/learning/dismiss",
            &json!({"questions": [DEFIB[0]]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(d["dismissed"], 1);
    let report = expect(sup.get("/api/v1/bots/demo/learning").await, 200).await;
    assert_eq!(report["groups"], json!([]));
    let dismissed_id = report["dismissed"][0]["id"].as_i64().unwrap();
    let r = sup
        .delete(&format!(
            "/api/v1/bots/demo/learning/dismissed/{dismissed_id}"
        ))
        .await;
    assert_eq!(r.status(), 204);
    let report = expect(sup.get("/api/v1/bots/demo/learning").await, 200).await;
    assert_eq!(report["groups"].as_array().unwrap().len(), 1);

    // Clear errors.
    let s = app.admin().await;
    let e = expect(
        s.post(
            "/api/v1/bots/demo/learning/add",
            &json!({"knowledge_id": "nope", "questions": [DEFIB[0]]}),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(e["error"], "not_found", "{e}");
    let e = expect(
        s.post(
            "/api/v1/bots/demo/learning/add",
            &json!({"knowledge_id": "parking", "questions": []}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(e["fields"][0]["field"], "questions", "{e}");
    let e = expect(s.get("/api/v1/bots/demo/learning?from=20&to=10").await, 422).await;
    assert_eq!(e["fields"][0]["code"], "period_invalid", "{e}");
    // A period without the questions: nothing.
    let old = expect(
        s.get("/api/v1/bots/demo/learning?from=0&to=1000").await,
        200,
    )
    .await;
    assert_eq!(old["collected"], 0);
    expect(s.get("/api/v1/bots/nope/learning").await, 404).await;
}

both_backends!(
    missed_questions_are_grouped_added_and_then_answered,
    only_admins_and_supervisors_see_it_and_only_admins_write_knowledge,
);
