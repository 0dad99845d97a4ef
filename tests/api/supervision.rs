//! Live supervision (issue 14, item 1), with real WebSocket clients: the supervision list
//! updated live, following a conversation silently, the whisper (never on the visitor's
//! socket nor in the visitor's replay), take over, reassign, end, the audit log, and an
//! operator refused.

use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};
use vigie::domain::conversation::ConversationState;
use vigie::store::AuditQuery;

const SUP_EMAIL: &str = "sophie@example.com";
const SUP_PASSWORD: &str = "sophie password 123";

async fn add(app: &TestApp, email: &str, name: &str, role: &str, password: &str) {
    vigie::service::actions::add_operator(&app.core, email, name, role, password.into())
        .await
        .unwrap();
}

/// A visitor who asked for a human and was given to the available operator.
async fn visitor_with_operator(app: &TestApp, cid: &str) -> Visitor {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.say(&format!("{cid}-q"), "mon vpn ne se connecte pas")
        .await;
    v.send(json!({"type": "handoff", "client_id": cid})).await;
    v.expect("ack").await;
    assert_eq!(v.expect("message").await["event"], "operator_joined");
    v
}

fn listed<'a>(frame: &'a Value, conversation: &str) -> Option<&'a Value> {
    frame["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["conversation"] == conversation)
}

async fn audited(app: &TestApp, action: &str) -> Vec<vigie::store::AuditEntry> {
    app.store
        .search_audit(&AuditQuery {
            action: Some(action.into()),
            page: 1,
            per_page: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .0
}

async fn a_supervisor_watches_whispers_takes_over_and_ends(app: &TestApp) {
    add(app, SUP_EMAIL, "Sophie", "supervisor", SUP_PASSWORD).await;
    let mut claire = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    claire.hello(json!({})).await;
    claire.available().await;
    let mut v = visitor_with_operator(app, "h-1").await;
    let conv = v.conversation.clone().unwrap();
    claire.until_assigned(&conv).await;

    // The supervision list: the live conversation with its bot, state and operator.
    let mut sup = Console::connect(app, SUP_EMAIL, SUP_PASSWORD).await;
    sup.hello(json!({})).await;
    sup.send(json!({"type": "supervise", "on": true})).await;
    let list = sup.until(|f| f["type"] == "supervision").await;
    let row = listed(&list, &conv).expect("the live conversation is listed");
    assert_eq!(row["state"], "live");
    assert_eq!(row["bot"], "demo");
    assert_eq!(row["operator"]["name"], "Claire");
    assert!(row["last_activity"].as_i64().unwrap() > 0);
    assert!(list["now"].as_i64().unwrap() >= row["last_activity"].as_i64().unwrap());

    // A new visitor talking to the bot appears without being asked for (no polling).
    let mut other = Visitor::connect(app).await;
    other.hello("demo").await;
    other.say("o-1", "bonjour").await;
    let other_conv = other.conversation.clone().unwrap();
    let list = sup
        .until(|f| f["type"] == "supervision" && listed(f, &other_conv).is_some())
        .await;
    assert_eq!(listed(&list, &other_conv).unwrap()["state"], "bot");

    // Following it: the replay, and nobody told (no message stored).
    let before = app
        .store
        .conversation_by_public_id(&conv)
        .await
        .unwrap()
        .last_seq;
    sup.send(json!({"type": "open", "conversation": conv, "last_seq": 0}))
        .await;
    let described = sup.until(|f| f["type"] == "conversation").await;
    assert_eq!(described["state"], "live");
    sup.until(|f| f["type"] == "message" && f["event"] == "operator_joined")
        .await;
    let after = app
        .store
        .conversation_by_public_id(&conv)
        .await
        .unwrap()
        .last_seq;
    assert_eq!(before, after, "following stores nothing");

    // The whisper: the operator's socket gets it, marked, the visitor's never does.
    sup.send(json!({"type": "whisper", "client_id": "w-1", "conversation": conv, "text": "Propose-lui la réinitialisation du jeton."})).await;
    let ack = sup.until(|f| f["type"] == "ack").await;
    assert_eq!(ack["client_id"], "w-1");
    let whisper_seq = ack["seq"].as_i64().unwrap();
    let got = claire
        .until(|f| f["type"] == "message" && f["kind"] == "whisper")
        .await;
    assert_eq!(got["text"], "Propose-lui la réinitialisation du jeton.");
    assert_eq!(got["operator"]["name"], "Sophie");
    assert_eq!(got["author"], "operator");
    // Claire answers: the visitor's next frame is her answer, the whisper skipped.
    claire.send(json!({"type": "send", "client_id": "c-1", "conversation": conv, "text": "Essayons de réinitialiser votre jeton."})).await;
    claire.until(|f| f["type"] == "ack").await;
    let next = v.expect("message").await;
    assert_eq!(next["text"], "Essayons de réinitialiser votre jeton.");
    assert!(next["seq"].as_i64().unwrap() > whisper_seq);
    // The visitor's replay from the start has no whisper either.
    let mut again = Visitor::connect(app).await;
    again.token = v.token.clone();
    again.conversation = v.conversation.clone();
    let (_, replay) = again.hello("demo").await;
    assert!(replay.len() >= 4, "{replay:?}");
    assert!(
        replay
            .iter()
            .all(|m| m["kind"] != "whisper" && m["seq"] != whisper_seq),
        "{replay:?}"
    );
    again.close().await;
    // Stored, marked as a whisper.
    let stored = app
        .store
        .messages_after(
            app.store.conversation_by_public_id(&conv).await.unwrap().id,
            0,
            100,
        )
        .await
        .unwrap();
    assert!(stored.iter().any(
        |m| m.seq == whisper_seq && m.kind == vigie::domain::conversation::MessageKind::Whisper
    ));

    // Take over: it becomes Sophie's; Claire is told; the visitor reads Sophie joined.
    sup.send(json!({"type": "take_over", "client_id": "t-1", "conversation": conv}))
        .await;
    sup.until(|f| f["type"] == "ack" && f["client_id"] == "t-1")
        .await;
    let told = claire.until(|f| f["type"] == "taken_over").await;
    assert_eq!(
        (
            told["conversation"].as_str(),
            told["action"].as_str(),
            told["by"].as_str(),
            told["to"].as_str()
        ),
        (
            Some(conv.as_str()),
            Some("take_over"),
            Some("Sophie"),
            Some("Sophie")
        )
    );
    let joined = v.expect("message").await;
    assert_eq!(joined["event"], "taken_over");
    assert_eq!(joined["text"], "Sophie a rejoint la conversation.");
    sup.until_assigned(&conv).await;
    let c = app.store.conversation_by_public_id(&conv).await.unwrap();
    assert_eq!(c.state, ConversationState::Live);
    // Claire no longer holds it; Sophie writes to the visitor.
    claire
        .send(
            json!({"type": "send", "client_id": "c-2", "conversation": conv, "text": "encore moi"}),
        )
        .await;
    let refused = claire.until(|f| f["type"] == "error").await;
    assert_eq!(refused["code"], "not_yours");
    sup.send(json!({"type": "send", "client_id": "s-1", "conversation": conv, "text": "Bonjour, je prends le relais."})).await;
    sup.until(|f| f["type"] == "ack" && f["client_id"] == "s-1")
        .await;
    let said = v.expect("message").await;
    assert_eq!(said["operator"]["name"], "Sophie");
    // Loads follow: Claire 0, Sophie 1.
    let presences = app.store.presences(0).await.unwrap();
    let load = |name: &str| presences.iter().find(|p| p.name == name).map(|p| p.load);
    assert_eq!((load("Claire"), load("Sophie")), (Some(0), Some(1)));

    // End.
    sup.send(json!({"type": "end", "client_id": "e-1", "conversation": conv}))
        .await;
    sup.until(|f| f["type"] == "ack" && f["client_id"] == "e-1")
        .await;
    assert_eq!(v.expect("message").await["event"], "operator_left");
    let c = app.store.conversation_by_public_id(&conv).await.unwrap();
    assert_eq!(c.state, ConversationState::Bot);

    let taken = audited(app, "supervision.take_over").await;
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].target, format!("conversation:{conv}"));
    assert_eq!(taken[0].details["from"], "Claire");
    assert!(taken[0].actor_name.contains("Sophie"));
    // Her own conversation by then: ended as any operator does, not a supervisor's act.
    assert!(audited(app, "supervision.end").await.is_empty());
    other.close().await;
}

async fn a_supervisor_reassigns_and_ends_someone_elses_conversation(app: &TestApp) {
    add(app, SUP_EMAIL, "Sophie", "supervisor", SUP_PASSWORD).await;
    add(
        app,
        "bob@example.com",
        "Bob",
        "operator",
        "bob password 123",
    )
    .await;
    let mut claire = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    claire.hello(json!({})).await;
    claire.available().await;
    let mut v = visitor_with_operator(app, "h-2").await;
    let conv = v.conversation.clone().unwrap();
    claire.until_assigned(&conv).await;
    let mut bob = Console::connect(app, "bob@example.com", "bob password 123").await;
    bob.hello(json!({})).await;
    bob.available().await;
    let bob_id = app
        .store
        .presences(0)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Bob")
        .unwrap()
        .operator_id;

    let mut sup = Console::connect(app, SUP_EMAIL, SUP_PASSWORD).await;
    sup.hello(json!({})).await;
    sup.send(json!({"type": "reassign", "client_id": "r-1", "conversation": conv, "to": bob_id}))
        .await;
    sup.until(|f| f["type"] == "ack" && f["client_id"] == "r-1")
        .await;
    let told = claire.until(|f| f["type"] == "taken_over").await;
    assert_eq!(
        (
            told["action"].as_str(),
            told["by"].as_str(),
            told["to"].as_str()
        ),
        (Some("reassign"), Some("Sophie"), Some("Bob"))
    );
    bob.until_assigned(&conv).await;
    let moved = v.expect("message").await;
    assert_eq!(moved["event"], "transferred");
    assert_eq!(moved["text"], "Votre conversation a été confiée à Bob.");
    // Reassigning to the one who holds it is refused.
    sup.send(json!({"type": "reassign", "client_id": "r-2", "conversation": conv, "to": bob_id}))
        .await;
    let refused = sup.until(|f| f["type"] == "error").await;
    assert_eq!(
        (refused["code"].as_str(), refused["client_id"].as_str()),
        (Some("same_operator"), Some("r-2"))
    );

    // Sophie ends Bob's conversation: Bob is told, the visitor back with the bot.
    sup.send(json!({"type": "end", "client_id": "e-1", "conversation": conv}))
        .await;
    sup.until(|f| f["type"] == "ack" && f["client_id"] == "e-1")
        .await;
    let told = bob.until(|f| f["type"] == "taken_over").await;
    assert_eq!(
        (
            told["action"].as_str(),
            told["by"].as_str(),
            told["to"].as_str()
        ),
        (Some("end"), Some("Sophie"), None)
    );
    let ended = v.expect("message").await;
    assert_eq!(ended["event"], "operator_left");
    assert_eq!(
        ended["text"],
        "Sophie a terminé la conversation. L'assistant reste à votre disposition."
    );
    let (_, _, bot) = v.say("v-9", "et mon mot de passe est expiré").await;
    assert_eq!(bot["author"], "bot");
    let presences = app.store.presences(0).await.unwrap();
    assert!(presences.iter().all(|p| p.load == 0), "{presences:?}");

    let reassigned = audited(app, "supervision.reassign").await;
    assert_eq!(reassigned.len(), 1);
    assert_eq!(
        (
            reassigned[0].details["from"].as_str(),
            reassigned[0].details["to"].as_str()
        ),
        (Some("Claire"), Some("Bob"))
    );
    let ended = audited(app, "supervision.end").await;
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].details["from"], "Bob");
}

async fn an_operator_is_refused_supervision(app: &TestApp) {
    add(
        app,
        "bob@example.com",
        "Bob",
        "operator",
        "bob password 123",
    )
    .await;
    let mut claire = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    claire.hello(json!({})).await;
    claire.available().await;
    let v = visitor_with_operator(app, "h-3").await;
    let conv = v.conversation.clone().unwrap();
    let last = app
        .store
        .conversation_by_public_id(&conv)
        .await
        .unwrap()
        .last_seq;
    let mut bob = Console::connect(app, "bob@example.com", "bob password 123").await;
    bob.hello(json!({})).await;
    bob.send(json!({"type": "supervise", "on": true})).await;
    let e = bob.until(|f| f["type"] == "error").await;
    assert_eq!(e["code"], "supervisor_only");
    for (frame, cid) in [
        (
            json!({"type": "whisper", "client_id": "b-1", "conversation": conv, "text": "psst"}),
            "b-1",
        ),
        (
            json!({"type": "take_over", "client_id": "b-2", "conversation": conv}),
            "b-2",
        ),
        (
            json!({"type": "reassign", "client_id": "b-3", "conversation": conv, "to": 1}),
            "b-3",
        ),
    ] {
        bob.send(frame).await;
        let e = bob.until(|f| f["type"] == "error").await;
        assert_eq!(
            (e["code"].as_str(), e["client_id"].as_str()),
            (Some("supervisor_only"), Some(cid))
        );
    }
    // Ending a colleague's conversation is not an operator's to do either.
    bob.send(json!({"type": "end", "client_id": "b-4", "conversation": conv}))
        .await;
    let e = bob.until(|f| f["type"] == "error").await;
    assert_eq!(
        (e["code"].as_str(), e["client_id"].as_str()),
        (Some("not_yours"), Some("b-4"))
    );
    // No supervision list came, nothing was stored, nothing moved, nothing audited.
    bob.send(json!({"type": "ping"})).await;
    let pong = bob
        .until(|f| f["type"] == "pong" || f["type"] == "supervision")
        .await;
    assert_eq!(pong["type"], "pong");
    let c = app.store.conversation_by_public_id(&conv).await.unwrap();
    assert_eq!((c.last_seq, c.state), (last, ConversationState::Live));
    assert!(audited(app, "supervision.").await.is_empty());
}

both_backends!(
    a_supervisor_watches_whispers_takes_over_and_ends,
    a_supervisor_reassigns_and_ends_someone_elses_conversation,
    an_operator_is_refused_supervision,
);
