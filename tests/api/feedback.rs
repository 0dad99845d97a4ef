//! Visitors' feedback (issue 14, item 4), with real WebSocket clients on both backends: the
//! 👍/👎 under a bot answer (`feedback` frame, one rating per answer, only a real bot answer
//! of the visitor's own conversation) and the satisfaction survey at the end of a livechat
//! (`satisfaction` frame, once per livechat, with the operator who held it), both modules
//! off by default, and the scores in the conversation's history record.

use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};

async fn switch_on(app: &TestApp, modules: Value) {
    let s = app.admin().await;
    expect(
        s.put("/api/v1/bots/demo/config", &json!({ "modules": modules }))
            .await,
        200,
    )
    .await;
    s.deploy("demo").await;
}

async fn record(app: &TestApp, conversation: &str) -> Value {
    let s = app.admin().await;
    expect(
        s.get(&format!("/api/v1/conversations/{conversation}"))
            .await,
        200,
    )
    .await
}

async fn answers_are_rated_once_each_on_the_visitors_own_conversation(app: &TestApp) {
    // Off by default: refused, nothing stored.
    let mut v = Visitor::connect(app).await;
    let (welcome, _) = v.hello("demo").await;
    assert_eq!(welcome["config"]["modules"]["answer_feedback"], false);
    assert_eq!(welcome["config"]["modules"]["satisfaction"], false);
    let (_, _, answer) = v.say("q-1", "mon vpn ne se connecte pas").await;
    assert_eq!(answer["kind"], "knowledge", "{answer}");
    let seq = answer["seq"].as_i64().unwrap();
    v.send(json!({"type": "feedback", "client_id": "f-0", "seq": seq, "helpful": true}))
        .await;
    let off = v.expect("error").await;
    assert_eq!(
        (off["code"].as_str(), off["client_id"].as_str()),
        (Some("module_off"), Some("f-0"))
    );
    v.close().await;

    switch_on(app, json!({"answer_feedback": true})).await;
    let mut v = Visitor::connect(app).await;
    let (welcome, _) = v.hello("demo").await;
    assert_eq!(welcome["config"]["modules"]["answer_feedback"], true);
    assert_eq!(
        welcome["config"]["resources"]["feedback_question"],
        "Cette réponse vous a-t-elle aidé ?"
    );
    let (_, question, answer) = v.say("q-1", "mon vpn ne se connecte pas").await;
    let seq = answer["seq"].as_i64().unwrap();
    v.send(json!({"type": "feedback", "client_id": "f-1", "seq": seq, "helpful": true}))
        .await;
    let saved = v.expect("feedback_saved").await;
    assert_eq!(
        saved,
        json!({"type": "feedback_saved", "client_id": "f-1", "seq": seq, "helpful": true})
    );
    // A second click replaces the first: one row, now 👎.
    v.send(json!({"type": "feedback", "client_id": "f-2", "seq": seq, "helpful": false}))
        .await;
    assert_eq!(v.expect("feedback_saved").await["helpful"], false);
    // Not a bot answer (the visitor's own message), an unknown seq: refused, clearly.
    for (cid, bad) in [("f-3", question["seq"].as_i64().unwrap()), ("f-4", 999)] {
        v.send(json!({"type": "feedback", "client_id": cid, "seq": bad, "helpful": false}))
            .await;
        let e = v.expect("error").await;
        assert_eq!(e["code"], "seq_unknown", "{e}");
        assert_eq!(e["client_id"], cid);
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("not a bot answer of this conversation"),
            "{e}"
        );
    }
    // A malformed rating.
    v.send(json!({"type": "feedback", "client_id": "f-5", "seq": "x", "helpful": true}))
        .await;
    assert_eq!(v.expect("error").await["code"], "malformed");
    let conv = v.conversation.clone().unwrap();
    let stored = app
        .store
        .answer_ratings(app.store.conversation_by_public_id(&conv).await.unwrap().id)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].helpful);
    assert_eq!(
        stored[0].knowledge_id.as_deref(),
        Some("vpn-connexion-echoue")
    );

    // Another visitor cannot rate this conversation's answer: the seq is read in its own
    // conversation, where it is the visitor's question (or nothing).
    let mut other = Visitor::connect(app).await;
    other.hello("demo").await;
    other
        .send(json!({"type": "feedback", "client_id": "f-6", "seq": seq, "helpful": true}))
        .await;
    assert_eq!(other.expect("error").await["code"], "seq_unknown");
    other.close().await;

    // The record shows the rating on the answer.
    let r = record(app, &conv).await;
    assert_eq!(
        r["ratings"],
        json!([{"seq": seq, "knowledge_id": "vpn-connexion-echoue", "helpful": false, "created_at": r["ratings"][0]["created_at"]}])
    );
    v.close().await;
}

/// A livechat with Claire, ended by her; the visitor's socket, the conversation and the
/// seq of the `operator_left` event.
async fn a_livechat_that_ended(app: &TestApp, op: &mut Console) -> (Visitor, String, i64) {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.say("q-1", "mon vpn ne se connecte pas").await;
    v.send(json!({"type": "handoff", "client_id": "h-1"})).await;
    v.expect("ack").await;
    assert_eq!(v.expect("message").await["event"], "operator_joined");
    let conv = v.conversation.clone().unwrap();
    op.until(|f| is_event(f, "operator_joined") && f["conversation"] == conv.as_str())
        .await;
    op.send(json!({"type": "end", "client_id": format!("end-{conv}"), "conversation": conv}))
        .await;
    op.until(|f| f["type"] == "ack").await;
    let left = v.expect("message").await;
    assert_eq!(left["event"], "operator_left");
    (v, conv, left["seq"].as_i64().unwrap())
}

async fn a_survey_rates_each_livechat_once(app: &TestApp) {
    let mut op = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    op.hello(json!({})).await;
    op.available().await;
    // Off by default.
    let (mut v, _, ended) = a_livechat_that_ended(app, &mut op).await;
    v.send(json!({"type": "satisfaction", "client_id": "s-0", "ended_seq": ended, "score": 5}))
        .await;
    assert_eq!(v.expect("error").await["code"], "module_off");
    v.close().await;

    switch_on(app, json!({"satisfaction": true})).await;
    let (mut v, conv, ended) = a_livechat_that_ended(app, &mut op).await;
    // Out of range, too long, not an end of livechat: refused, nothing stored.
    let long = "x".repeat(1001);
    for (frame, code) in [
        (json!({"score": 0}), "out_of_range"),
        (json!({"score": 6}), "out_of_range"),
        (json!({"score": 4, "comment": long}), "too_long"),
        (json!({"score": 4, "ended_seq": 1}), "seq_unknown"),
    ] {
        let mut f = json!({"type": "satisfaction", "client_id": "s-1", "ended_seq": ended});
        for (k, val) in frame.as_object().unwrap() {
            f[k] = val.clone();
        }
        v.send(f).await;
        let e = v.expect("error").await;
        assert_eq!(e["code"], code, "{e}");
    }
    v.send(json!({"type": "satisfaction", "client_id": "s-2", "ended_seq": ended, "score": 4, "comment": "  Très efficace, merci  "}))
        .await;
    assert_eq!(
        v.expect("satisfaction_saved").await,
        json!({"type": "satisfaction_saved", "client_id": "s-2", "ended_seq": ended, "score": 4})
    );
    // The same answer again (a retry) is fine; another one for the same livechat is not.
    v.send(json!({"type": "satisfaction", "client_id": "s-3", "ended_seq": ended, "score": 4, "comment": "Très efficace, merci"}))
        .await;
    v.expect("satisfaction_saved").await;
    v.send(json!({"type": "satisfaction", "client_id": "s-4", "ended_seq": ended, "score": 1}))
        .await;
    let e = v.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["client_id"].as_str()),
        (Some("survey_answered"), Some("s-4"))
    );
    // Shown to operators in the history record: the score, the comment, who held it.
    let r = record(app, &conv).await;
    let s = &r["satisfaction"];
    assert_eq!(s.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(
        (
            s[0]["score"].as_i64(),
            s[0]["comment"].as_str(),
            s[0]["operator"].as_str(),
            s[0]["ended_seq"].as_i64()
        ),
        (
            Some(4),
            Some("Très efficace, merci"),
            Some("Claire"),
            Some(ended)
        )
    );
    // A second livechat in the same conversation is a new survey.
    v.send(json!({"type": "handoff", "client_id": "h-2"})).await;
    v.expect("ack").await;
    assert_eq!(v.expect("message").await["event"], "operator_joined");
    op.until(|f| is_event(f, "operator_joined") && f["conversation"] == conv.as_str())
        .await;
    op.send(json!({"type": "end", "client_id": "end-2", "conversation": conv}))
        .await;
    op.until(|f| f["type"] == "ack").await;
    let second = v.expect("message").await["seq"].as_i64().unwrap();
    v.send(json!({"type": "satisfaction", "client_id": "s-5", "ended_seq": second, "score": 2}))
        .await;
    v.expect("satisfaction_saved").await;
    let r = record(app, &conv).await;
    let scores: Vec<i64> = r["satisfaction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, [4, 2]);
    v.close().await;
}

both_backends!(
    answers_are_rated_once_each_on_the_visitors_own_conversation,
    a_survey_rates_each_livechat_once,
);
