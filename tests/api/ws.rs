//! The visitor WebSocket protocol with real WebSocket clients.

use crate::both_backends;
use crate::helpers::*;
use serde_json::json;

async fn a_visitor_talks_to_the_bot(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    let (welcome, replay) = v.hello("demo").await;
    assert!(welcome["visitor_token"]
        .as_str()
        .unwrap()
        .starts_with("vt_"));
    assert!(welcome["conversation"].as_str().unwrap().starts_with("c_"));
    assert!(replay.is_empty());
    let (ack, mine, bot) = v.say("m-1", "j'ai oublié mon mot de passe").await;
    assert_eq!(ack["seq"], 1);
    assert_eq!(mine["author"], "visitor");
    assert_eq!(mine["client_id"], "m-1");
    assert_eq!(bot["seq"], 2);
    assert_eq!(bot["author"], "bot");
    assert_eq!(bot["kind"], "knowledge");
    assert_eq!(bot["knowledge"]["id"], "mot-de-passe-oublie");
    let related = bot["related"][0]["id"].as_str().unwrap().to_string();
    v.send(json!({"type": "choose", "client_id": "m-2", "knowledge_id": related}))
        .await;
    assert_eq!(v.expect("ack").await["seq"], 3);
    assert_eq!(v.expect("message").await["knowledge"]["id"], related);
    let answer = v.expect("message").await;
    assert_eq!(answer["knowledge"]["id"], related);
    let (_, _, off) = v.say("m-3", "quel temps fera-t-il à Brest demain ?").await;
    assert_eq!(off["kind"], "not_understood");
    v.send(json!({"type": "handoff", "client_id": "m-4"})).await;
    v.expect("ack").await;
    // Nobody on duty: one message says so (issue 11, item 5).
    let told = v.expect("message").await;
    assert_eq!(told["author"], "bot", "{told}");
    assert!(
        told["text"].as_str().unwrap().contains("Aucun conseiller"),
        "{told}"
    );
    v.close().await;
}

async fn resuming_after_a_cut_loses_nothing(app: &TestApp) {
    let mut tab1 = Visitor::connect(app).await;
    tab1.hello("demo").await;
    tab1.say("a-1", "mon vpn est lent").await;
    let (token, conv, seen) = (tab1.token.clone(), tab1.conversation.clone(), tab1.last_seq);
    tab1.close().await;
    // Meanwhile another tab of the same visitor goes on.
    let mut tab2 = Visitor::connect(app).await;
    tab2.token = token.clone();
    tab2.conversation = conv.clone();
    tab2.last_seq = seen;
    let (welcome, replay) = tab2.hello("demo").await;
    assert_eq!(welcome["conversation"], conv.clone().unwrap());
    assert!(replay.is_empty());
    tab2.say("b-1", "comment poser des congés").await;
    tab2.say("b-2", "où trouver ma fiche de paie").await;
    // A message acknowledged, then the socket cut before the messages were read.
    tab2.send(json!({"type": "send", "client_id": "b-3", "text": "badge perdu"}))
        .await;
    tab2.expect("ack").await;
    tab2.close().await;
    let mut back = Visitor::connect(app).await;
    back.token = token;
    back.conversation = conv;
    back.last_seq = seen;
    let (_, replay) = back.hello("demo").await;
    let seqs: Vec<i64> = replay.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (seen + 1..=seen + 6).collect::<Vec<_>>());
    assert_eq!(replay[4]["text"], "badge perdu");
    // Resuming from 0 replays the whole conversation.
    let mut fresh = Visitor::connect(app).await;
    fresh.token = back.token.clone();
    fresh.conversation = back.conversation.clone();
    let (_, all) = fresh.hello("demo").await;
    assert_eq!(all.len(), 8);
}

async fn a_retried_send_is_stored_once(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    let (ack, _, _) = v.say("same-id", "le wifi ne marche pas").await;
    v.send(json!({"type": "send", "client_id": "same-id", "text": "le wifi ne marche pas"}))
        .await;
    let again = v.expect("ack").await;
    assert_eq!(again["seq"], ack["seq"]);
    assert_eq!(again["duplicate"], true);
    // Retried on another connection too.
    let mut other = Visitor::connect(app).await;
    other.token = v.token.clone();
    other.conversation = v.conversation.clone();
    other.last_seq = 2;
    other.hello("demo").await;
    other
        .send(json!({"type": "send", "client_id": "same-id", "text": "le wifi ne marche pas"}))
        .await;
    assert_eq!(other.expect("ack").await["seq"], ack["seq"]);
    let conv = app
        .store
        .conversation_by_public_id(v.conversation.as_deref().unwrap())
        .await
        .unwrap();
    let stored = app.store.messages_after(conv.id, 0, 100).await.unwrap();
    assert_eq!(stored.len(), 2, "one visitor message and one answer");
}

async fn order_follows_sequence_numbers(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    for i in 0..8 {
        v.send(json!({"type": "send", "client_id": format!("o-{i}"), "text": format!("question numéro {i} sur le vpn")})).await;
    }
    let mut acks = 0;
    let mut seqs = Vec::new();
    while acks < 8 || seqs.len() < 16 {
        let f = v.next().await.unwrap();
        match f["type"].as_str().unwrap() {
            "ack" => acks += 1,
            "message" => seqs.push(f["seq"].as_i64().unwrap()),
            other => panic!("unexpected {other}: {f}"),
        }
    }
    assert_eq!(seqs, (1..=16).collect::<Vec<_>>());
}

async fn bad_clients_get_errors_and_disturb_nobody(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    v.send(json!({"type": "send", "client_id": "x", "text": "hi"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "hello_first");
    v.hello("demo").await;
    v.send_raw("this is not json".into()).await;
    assert_eq!(v.expect("error").await["code"], "malformed");
    v.send(json!({"text": "no type"})).await;
    assert_eq!(v.expect("error").await["code"], "malformed");
    v.send(json!({"type": "dance"})).await;
    assert_eq!(v.expect("error").await["code"], "unknown_type");
    v.send(json!({"type": "send", "client_id": "big", "text": "a".repeat(20_000)}))
        .await;
    assert_eq!(v.expect("error").await["code"], "too_large");
    v.send(json!({"type": "send", "client_id": "long", "text": "a".repeat(1001)}))
        .await;
    let e = v.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["client_id"].as_str()),
        (Some("message_too_long"), Some("long"))
    );
    v.send(json!({"type": "send", "client_id": "bad id!", "text": "x"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "client_id_invalid");
    v.send(json!({"type": "choose", "client_id": "c1", "knowledge_id": "does-not-exist"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "not_found");
    v.send(json!({"type": "ping"})).await;
    v.expect("pong").await;
    // Still usable.
    let (ack, _, _) = v.say("after-errors", "imprimante bloquée").await;
    assert_eq!(ack["seq"], 1);

    // A flood is refused, and a quiet visitor is not affected.
    let mut quiet = Visitor::connect(app).await;
    quiet.hello("demo").await;
    for i in 0..40 {
        v.send(json!({"type": "typing", "on": i % 2 == 0})).await;
    }
    let mut limited = 0;
    for _ in 0..40 {
        let f = v.next().await.unwrap();
        if f["code"] == "rate_limited" {
            limited += 1;
        }
        if limited >= 15 {
            break;
        }
    }
    assert!(limited >= 15, "only {limited} frames refused");
    let (ack, _, bot) = quiet.say("q-1", "mot de passe oublié").await;
    assert_eq!(ack["seq"], 1);
    assert_eq!(bot["author"], "bot");
}

async fn a_visitor_cannot_read_another_conversation(app: &TestApp) {
    let mut alice = Visitor::connect(app).await;
    alice.hello("demo").await;
    alice
        .say("a1", "j'ai perdu mon badge, c'est confidentiel")
        .await;
    let mut mallory = Visitor::connect(app).await;
    mallory.hello("demo").await;
    mallory.conversation = alice.conversation.clone();
    mallory.send(json!({"type": "hello", "bot": "demo", "visitor_token": mallory.token, "conversation": mallory.conversation, "last_seq": 0})).await;
    assert_eq!(mallory.expect("error").await["code"], "forbidden");
    // A forged token gets a new identity, never Alice's conversation.
    let mut forger = Visitor::connect(app).await;
    forger.send(json!({"type": "hello", "bot": "demo", "visitor_token": "vt_forged", "conversation": alice.conversation, "last_seq": 0})).await;
    assert_eq!(forger.expect("error").await["code"], "forbidden");
    // Neither saw a single message of Alice's; Alice still sees hers.
    let mut again = Visitor::connect(app).await;
    again.token = alice.token.clone();
    again.conversation = alice.conversation.clone();
    let (_, replay) = again.hello("demo").await;
    assert_eq!(replay.len(), 2);
}

async fn unknown_bots_are_refused(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    v.send(json!({"type": "hello", "bot": "nope"})).await;
    assert_eq!(v.expect("error").await["code"], "unknown_bot");
    assert!(v.next().await.is_none(), "the connection is closed");
}

async fn the_deployed_configuration_drives_the_chatbox(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    let (welcome, _) = v.hello("demo").await;
    assert_eq!(welcome["config"]["modules"]["livechat"], true);
    assert!(welcome["config"]["resources"]["title"].is_string());
    let (_, _, bot) = v.say("r-1", "j'ai oublié mon mot de passe").await;
    assert!(!bot["related"].as_array().unwrap().is_empty());
    v.close().await;

    let admin = app.admin().await;
    expect(admin.put("/api/v1/bots/demo/config", &json!({"modules": {"livechat": false, "suggestions": false}, "resources": {"no_operator_available": {"fr": "Pas de conseiller ici.", "en": "No operator here."}}})).await, 200).await;
    // Saved is not deployed: the chatbox still gets the old configuration.
    let mut v = Visitor::connect(app).await;
    let (welcome, _) = v.hello("demo").await;
    assert_eq!(welcome["config"]["modules"]["livechat"], true);
    v.close().await;
    admin.deploy("demo").await;

    let mut v = Visitor::connect(app).await;
    let (welcome, _) = v.hello("demo").await;
    assert_eq!(welcome["config"]["modules"]["livechat"], false);
    v.send(json!({"type": "handoff", "client_id": "h-1"})).await;
    let e = v.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["message"].as_str()),
        (Some("livechat_off"), Some("Pas de conseiller ici."))
    );
    let (_, _, bot) = v.say("h-2", "je veux parler à un conseiller").await;
    assert_eq!(bot["text"], "Pas de conseiller ici.");
    let (_, _, bot) = v.say("r-2", "j'ai oublié mon mot de passe").await;
    assert_eq!(bot["kind"], "knowledge");
    assert!(
        bot["related"].as_array().unwrap().is_empty(),
        "suggestions module is off: {bot}"
    );
}

/// Two nodes on one PostgreSQL database, no sticky sessions: a visitor's two tabs on two
/// nodes see each other's messages live. (A conversation exists from its first message on:
/// a tab opened before it holds a session in memory only, and gets that message when it
/// reconnects — the chatbox does on its next page; docs/protocol.md, "Nothing stored before
/// the first message".)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_conversations_live() {
    let node1 = TestApp::spawn(vigie::store::Backend::Postgres).await;
    let node2 = node1.another_node().await;
    let mut tab1 = Visitor::connect(&node1).await;
    tab1.hello("demo").await;
    tab1.say("n0", "bonjour, j'ai une question").await;
    let mut tab2 = Visitor::connect(&node2).await;
    tab2.token = tab1.token.clone();
    tab2.conversation = tab1.conversation.clone();
    let (_, replay) = tab2.hello("demo").await;
    assert_eq!(
        replay.len(),
        2,
        "the first message and its answer: {replay:?}"
    );
    tab2.last_seq = 2;
    tab1.say("n1", "mon vpn est lent").await;
    let first = tab2.expect("message").await;
    assert_eq!(
        (first["seq"].as_i64(), first["client_id"].as_str()),
        (Some(3), Some("n1"))
    );
    assert_eq!(tab2.expect("message").await["author"], "bot");
    tab2.say("n2", "et mon badge est perdu").await;
    assert_eq!(tab1.expect("message").await["seq"], 5);
    assert_eq!(tab1.expect("message").await["seq"], 6);
    tab1.close().await;
    tab2.close().await;
    node2.finish().await;
    node1.finish().await;
}

/// A frame of a known type missing a required field (or with one of the wrong type) is
/// refused `malformed`, naming its `client_id`; the connection stays usable.
async fn a_visitor_frame_missing_a_field_is_malformed(app: &TestApp) {
    let mut v = Visitor::connect(app).await;
    v.send(json!({"type": "hello", "v": 1, "lang": "fr"})).await;
    let e = v.expect("error").await;
    assert_eq!(e["code"], "malformed", "{e}");
    assert!(e["message"].as_str().unwrap().contains("bot"), "{e}");
    v.hello("demo").await;
    for (frame, client_id) in [
        (json!({"type": "send", "client_id": "m-1"}), Some("m-1")),
        (json!({"type": "send", "text": "bonjour"}), None),
        (json!({"type": "choose", "client_id": "m-2"}), Some("m-2")),
        (json!({"type": "handoff"}), None),
        (
            json!({"type": "help_reply", "client_id": "m-3"}),
            Some("m-3"),
        ),
        (
            json!({"type": "help_reply", "client_id": "m-4", "accept": "yes"}),
            Some("m-4"),
        ),
        (json!({"type": "typing"}), None),
    ] {
        v.send(frame.clone()).await;
        let e = v.expect("error").await;
        assert_eq!(e["code"], "malformed", "{frame} → {e}");
        assert_eq!(e["client_id"].as_str(), client_id, "{frame} → {e}");
    }
    let (ack, _, _) = v.say("after-malformed", "imprimante bloquée").await;
    assert_eq!(ack["duplicate"], false);
}

both_backends!(
    a_visitor_frame_missing_a_field_is_malformed,
    a_visitor_talks_to_the_bot,
    resuming_after_a_cut_loses_nothing,
    a_retried_send_is_stored_once,
    order_follows_sequence_numbers,
    bad_clients_get_errors_and_disturb_nobody,
    a_visitor_cannot_read_another_conversation,
    unknown_bots_are_refused,
    the_deployed_configuration_drives_the_chatbox,
);
