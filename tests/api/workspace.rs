//! The operator's workspace (issue 13): private notes (item 3), blocking abuse (item 8),
//! canned answers (item 1).

use crate::helpers::*;
use crate::mail_sink::Sink;
use serde_json::{json, Value};
use vigie::store::Backend;

async fn spawn_with_smtp(backend: Backend, port: u16) -> TestApp {
    TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_retry_seconds = 1;
    })
    .await
}

/// A visitor put through to Claire (available): the visitor, Claire's console, the id.
async fn live_with_claire(app: &TestApp) -> (Visitor, Console, String) {
    let mut op = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    op.hello(json!({})).await;
    op.available().await;
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.say("q-1", "mon vpn ne se connecte pas").await;
    v.send(json!({"type": "handoff", "client_id": "h-1"})).await;
    v.expect("ack").await;
    assert!(is_event(&v.expect("message").await, "operator_joined"));
    let conv = v.conversation.clone().unwrap();
    op.until(|f| is_event(f, "operator_joined")).await;
    (v, op, conv)
}

/// The next `message` frame the visitor gets (skipping typing and the like).
async fn visitor_message(v: &mut Visitor) -> Value {
    loop {
        let f = v.next().await.expect("a frame");
        if f["type"] == "message" {
            assert_ne!(f["kind"], "note", "a note reached the visitor: {f}");
            return f;
        }
    }
}

async fn op_ack(op: &mut Console, client_id: &str) -> Value {
    op.until(|f| (f["type"] == "ack" || f["type"] == "error") && f["client_id"] == client_id)
        .await
}

/// Item 3: a note is stored in the conversation's sequence, reaches every staff console
/// that follows it, and never the visitor: not live, not in a replay from any cursor,
/// not in the mailed transcript; the staff record and transcript show it, marked.
async fn private_notes_never_reach_the_visitor(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let admin = app.admin().await;
    expect(
        admin
            .put(
                "/api/v1/bots/demo/config",
                &json!({"modules": {"transcript": true}}),
            )
            .await,
        200,
    )
    .await;
    admin.deploy("demo").await;
    let (mut v, mut op, conv) = live_with_claire(&app).await;
    // A supervisor (here the admin) follows the conversation in a tab.
    let mut sup = Console::connect(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    sup.hello(json!({})).await;
    sup.send(json!({"type": "open", "conversation": conv, "last_seq": 0}))
        .await;
    sup.until(|f| is_event(f, "operator_joined")).await;

    op.send(json!({"type": "send", "client_id": "o-1", "conversation": conv, "text": "Je regarde votre VPN."}))
        .await;
    assert_eq!(op_ack(&mut op, "o-1").await["type"], "ack");
    let before = visitor_message(&mut v).await;
    assert_eq!(before["text"], "Je regarde votre VPN.");
    let before_seq = before["seq"].as_i64().unwrap();

    op.send(json!({"type": "note", "client_id": "n-1", "conversation": conv, "text": "Client pressé : code secret 4242"}))
        .await;
    let ack = op_ack(&mut op, "n-1").await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let note_seq = ack["seq"].as_i64().unwrap();
    assert_eq!(note_seq, before_seq + 1);
    // Both staff consoles get it, marked as a note, with who wrote it.
    for console in [&mut op, &mut sup] {
        let n = console
            .until(|f| f["type"] == "message" && f["seq"] == note_seq)
            .await;
        assert_eq!(
            (n["kind"].as_str(), n["author"].as_str(), n["text"].as_str()),
            (
                Some("note"),
                Some("operator"),
                Some("Client pressé : code secret 4242")
            ),
            "{n}"
        );
        assert_eq!(n["operator"]["name"], "Claire");
    }
    // A supervisor who does not hold the conversation may write a note too.
    sup.send(json!({"type": "note", "client_id": "n-2", "conversation": conv, "text": "Vu, je surveille."}))
        .await;
    assert_eq!(op_ack(&mut sup, "n-2").await["type"], "ack");
    op.until(|f| f["type"] == "message" && f["kind"] == "note" && f["text"] == "Vu, je surveille.")
        .await;
    // An empty note is refused with its code.
    op.send(json!({"type": "note", "client_id": "n-3", "conversation": conv, "text": "  "}))
        .await;
    assert_eq!(op_ack(&mut op, "n-3").await["code"], "message_empty");

    // The visitor's next message is the operator's next answer: the notes' numbers are
    // skipped, nothing else.
    op.send(
        json!({"type": "send", "client_id": "o-2", "conversation": conv, "text": "C'est réparé."}),
    )
    .await;
    op_ack(&mut op, "o-2").await;
    let after = visitor_message(&mut v).await;
    assert_eq!(after["text"], "C'est réparé.");
    assert_eq!(after["seq"].as_i64().unwrap(), note_seq + 2);

    // Resuming from before the notes, from nothing, and from the note's own number: the
    // replay never holds them.
    let (token, id) = (v.token.clone(), v.conversation.clone());
    v.close().await;
    for cursor in [before_seq, 0, note_seq, note_seq + 1] {
        let mut again = Visitor::connect(&app).await;
        again.token = token.clone();
        again.conversation = id.clone();
        again.last_seq = cursor;
        let (welcome, replay) = again.hello("demo").await;
        assert_eq!(welcome["conversation"], conv.as_str());
        assert!(
            replay
                .iter()
                .all(|m| m["kind"] != "note" && !m["text"].as_str().unwrap_or("").contains("4242")),
            "from {cursor}: {replay:?}"
        );
        assert!(
            replay.iter().any(|m| m["text"] == "C'est réparé."),
            "from {cursor}: {replay:?}"
        );
        again.close().await;
    }

    // A note written last (nothing after it) is not sent either: the next frame the
    // visitor gets is the operator's later answer.
    let mut v = Visitor::connect(&app).await;
    v.token = token.clone();
    v.conversation = id.clone();
    v.last_seq = note_seq + 2;
    v.hello("demo").await;
    op.send(json!({"type": "note", "client_id": "n-4", "conversation": conv, "text": "Dernière note 4242"}))
        .await;
    op_ack(&mut op, "n-4").await;
    op.send(json!({"type": "end", "client_id": "o-3", "conversation": conv}))
        .await;
    op_ack(&mut op, "o-3").await;
    let left = visitor_message(&mut v).await;
    assert_eq!(left["event"], "operator_left", "{left}");

    // The staff record and transcript hold the notes, marked.
    let s = app.operator().await;
    let record = expect(s.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;
    let notes: Vec<&Value> = record["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 3, "{record}");
    let txt = s
        .get(&format!("/api/v1/conversations/{conv}/transcript"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        txt.contains("Claire : [Note privée] Client pressé : code secret 4242"),
        "{txt}"
    );

    // The transcript the visitor asks for by mail: without the notes.
    v.send(json!({"type": "transcript", "client_id": "t-1", "email": "moi@example.com"}))
        .await;
    loop {
        let f = v.next().await.expect("transcript_sent");
        assert_ne!(f["kind"], "note");
        if f["type"] == "transcript_sent" {
            break;
        }
        assert_ne!(f["type"], "error", "{f}");
    }
    // And the one an operator mails from the history: without them too.
    expect(
        s.post(
            &format!("/api/v1/conversations/{conv}/transcript/mail"),
            &json!({"email": "visiteur@example.com"}),
        )
        .await,
        202,
    )
    .await;
    let mails = sink.wait_for(2).await;
    for mail in &mails {
        assert!(mail.text.contains("C'est réparé."), "{}", mail.text);
        assert!(
            !mail.text.contains("4242") && !mail.text.contains("Note privée"),
            "{}",
            mail.text
        );
        assert!(!mail.html.contains("4242"), "{}", mail.html);
    }
    v.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_notes_never_reach_the_visitor_sqlite() {
    private_notes_never_reach_the_visitor(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_notes_never_reach_the_visitor_postgres() {
    private_notes_never_reach_the_visitor(Backend::Postgres).await;
}

/// Item 8: an operator blocks the visitor of a conversation; the visitor cannot write nor
/// start another conversation (`visitor_blocked`), by its identity and its address; the
/// supervisors and admins list blocks and lift them; both acts are audited.
async fn a_blocked_visitor_cannot_write(app: &TestApp) {
    let (mut v, _op, conv) = live_with_claire(app).await;
    let claire = app.operator().await;
    let admin = app.admin().await;
    let path = format!("/api/v1/conversations/{conv}/block");

    // Refusals, each with its code and field.
    let bad = expect(
        claire
            .post(&path, &json!({"duration": "2h", "reason": "Insultes"}))
            .await,
        422,
    )
    .await;
    assert_eq!(
        (
            bad["fields"][0]["field"].as_str(),
            bad["fields"][0]["code"].as_str()
        ),
        (Some("duration"), Some("block_duration_invalid")),
        "{bad}"
    );
    let bad = expect(
        claire
            .post(&path, &json!({"duration": "24h", "reason": "   "}))
            .await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["field"], "reason", "{bad}");
    assert_eq!(bad["fields"][0]["code"], "required", "{bad}");
    expect(
        claire
            .post(
                "/api/v1/conversations/c_nope/block",
                &json!({"duration": "1h", "reason": "x"}),
            )
            .await,
        404,
    )
    .await;
    expect(
        app.anonymous()
            .post(&path, &json!({"duration": "1h", "reason": "x"}))
            .await,
        401,
    )
    .await;

    // Claire (an operator) blocks for 24 hours: the visitor and its address.
    let before = vigie::domain::now_ms();
    let b = expect(
        claire
            .post(
                &path,
                &json!({"duration": "24h", "reason": "Insultes répétées"}),
            )
            .await,
        201,
    )
    .await;
    let until = b["expires_at"].as_i64().unwrap();
    assert!(
        until >= before + 86_400_000 && until < before + 86_400_000 + 60_000,
        "{b}"
    );
    assert_eq!(b["address"], "127.0.0.1", "{b}");
    assert_eq!(b["created_by"], "Claire");
    assert_eq!(b["conversation"], conv.as_str());
    assert!(b["visitor_id"].as_i64().is_some());
    let id = b["id"].as_i64().unwrap();

    // The visitor can no longer write, choose nor ask for a human.
    v.send(json!({"type": "send", "client_id": "b-1", "text": "encore une insulte"}))
        .await;
    let e = v.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["client_id"].as_str()),
        (Some("visitor_blocked"), Some("b-1")),
        "{e}"
    );
    v.send(json!({"type": "handoff", "client_id": "b-2"})).await;
    assert_eq!(v.expect("error").await["code"], "visitor_blocked");
    v.send(json!({"type": "choose", "client_id": "b-3", "knowledge_id": "vpn-lent"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "visitor_blocked");
    // Nothing was stored: Claire sees no new visitor message.
    let record = expect(
        claire.get(&format!("/api/v1/conversations/{conv}")).await,
        200,
    )
    .await;
    assert!(
        !record.to_string().contains("encore une insulte"),
        "{record}"
    );

    // Coming back: the welcome says it (until when); starting another conversation is
    // refused, and the socket stays open (the chatbox shows the text).
    let (token, id_conv) = (v.token.clone(), v.conversation.clone());
    v.close().await;
    let mut back = Visitor::connect(app).await;
    back.token = token.clone();
    back.conversation = id_conv.clone();
    let (welcome, _) = back.hello("demo").await;
    assert_eq!(welcome["blocked"]["until"], until, "{welcome}");
    back.conversation = None;
    back.send(json!({"type": "hello", "v": 1, "bot": "demo", "lang": "fr", "visitor_token": token, "conversation": null, "last_seq": 0}))
        .await;
    let e = back.expect("error").await;
    assert_eq!(e["code"], "visitor_blocked", "{e}");
    back.send(json!({"type": "ping"})).await;
    back.expect("pong").await;
    back.close().await;
    // A new browser from the same address: refused too.
    let mut fresh = Visitor::connect(app).await;
    fresh
        .send(json!({"type": "hello", "v": 1, "bot": "demo", "lang": "fr", "visitor_token": null, "conversation": null, "last_seq": 0}))
        .await;
    assert_eq!(fresh.expect("error").await["code"], "visitor_blocked");
    fresh.close().await;

    // Operators do not see nor lift blocks; supervisors and admins do.
    expect(claire.get("/api/v1/blocks").await, 403).await;
    expect(claire.delete(&format!("/api/v1/blocks/{id}")).await, 403).await;
    let list = expect(admin.get("/api/v1/blocks").await, 200).await;
    let blocks = list["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 1, "{list}");
    assert_eq!(blocks[0]["reason"], "Insultes répétées");
    assert_eq!(blocks[0]["bot"], "demo");
    let lifted = expect(admin.delete(&format!("/api/v1/blocks/{id}")).await, 200).await;
    assert!(lifted["lifted_at"].as_i64().is_some(), "{lifted}");
    assert_eq!(lifted["lifted_by"], "Ada Admin");
    let again = expect(admin.delete(&format!("/api/v1/blocks/{id}")).await, 409).await;
    assert_eq!(again["error"], "block_over", "{again}");
    expect(admin.delete("/api/v1/blocks/999999").await, 404).await;
    let list = expect(admin.get("/api/v1/blocks").await, 200).await;
    assert!(list["blocks"].as_array().unwrap().is_empty(), "{list}");
    let all = expect(admin.get("/api/v1/blocks?all=1").await, 200).await;
    assert_eq!(all["blocks"].as_array().unwrap().len(), 1, "{all}");

    // Both acts are in the audit log, with who and from where.
    let log = expect(admin.get("/api/v1/audit?action=visitor.").await, 200).await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["visitor.unblock", "visitor.block"], "{log}");
    assert_eq!(log["entries"][1]["ip"], "127.0.0.1");
    assert!(log["entries"][1]["actor_name"]
        .as_str()
        .unwrap()
        .contains("Claire"));

    // Lifted: the visitor writes again.
    let mut back = Visitor::connect(app).await;
    back.token = token.clone();
    back.conversation = id_conv.clone();
    let (welcome, _) = back.hello("demo").await;
    assert!(welcome.get("blocked").is_none(), "{welcome}");
    back.send(json!({"type": "send", "client_id": "b-4", "text": "pardon"}))
        .await;
    assert_eq!(back.expect("ack").await["client_id"], "b-4");

    // Without the address, permanently: only that visitor; another browser may write.
    let b = expect(
        claire
            .post(
                &path,
                &json!({"duration": "permanent", "reason": "Spam", "by_address": false}),
            )
            .await,
        201,
    )
    .await;
    assert!(b["expires_at"].is_null() && b["address"].is_null(), "{b}");
    back.send(json!({"type": "send", "client_id": "b-5", "text": "re"}))
        .await;
    loop {
        let f = back.next().await.expect("a frame");
        if f["type"] == "error" {
            assert_eq!(f["code"], "visitor_blocked", "{f}");
            break;
        }
        assert_ne!(
            f["type"], "ack",
            "a blocked visitor's message was stored: {f}"
        );
    }
    let mut other = Visitor::connect(app).await;
    other.hello("demo").await;
    other.say("x-1", "bonjour").await;
    back.close().await;
    other.close().await;
}

crate::both_backends!(a_blocked_visitor_cannot_write);

/// Item 1: canned answers, global or per bot, fr/en, with a shortcut and variables;
/// Markdown sanitized; operators read them, supervisors and admins manage them (audited),
/// import (all or nothing) and export as JSON.
async fn canned_answers_are_managed_and_listed(app: &TestApp) {
    let admin = app.admin().await;
    let claire = app.operator().await;
    let vpn = json!({"lang": "fr", "shortcut": "/VPN", "title": "VPN à redémarrer",
        "body": "Bonjour {visitor_name}, ici {operator_name}. **Redémarrez** le VPN (conversation {conversation_name}) : [aide](https://intra.example/vpn)."});
    // Operators may not write them.
    expect(claire.post("/api/v1/canned-answers", &vpn).await, 403).await;
    let created = expect(admin.post("/api/v1/canned-answers", &vpn).await, 201).await;
    assert_eq!(created["shortcut"], "/vpn");
    assert!(created["bot"].is_null());
    assert!(
        created["html"]
            .as_str()
            .unwrap()
            .contains("<strong>Redémarrez</strong>"),
        "{created}"
    );
    assert!(
        created["text"]
            .as_str()
            .unwrap()
            .starts_with("Bonjour {visitor_name}, ici {operator_name}. Redémarrez"),
        "{created}"
    );
    let id = created["id"].as_i64().unwrap();
    // Sanitized like knowledge answers.
    let evil = expect(
        admin
            .post(
                "/api/v1/canned-answers",
                &json!({"lang": "fr", "shortcut": "/piege", "title": "Piège",
                    "body": "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"}),
            )
            .await,
        201,
    )
    .await;
    let html = evil["html"].as_str().unwrap();
    assert!(
        !html.contains("<script")
            && !html.contains("href=\"javascript")
            && !html.contains("onerror"),
        "{html}"
    );

    // Refusals, each field named with its code.
    let dup = expect(admin.post("/api/v1/canned-answers", &vpn).await, 422).await;
    assert_eq!(
        (
            dup["fields"][0]["field"].as_str(),
            dup["fields"][0]["code"].as_str()
        ),
        (Some("shortcut"), Some("canned_shortcut_taken")),
        "{dup}"
    );
    assert_eq!(dup["fields"][0]["params"]["shortcut"], "/vpn");
    let bad = expect(
        admin
            .post(
                "/api/v1/canned-answers",
                &json!({"bot": "nope", "lang": "de", "shortcut": "/deux mots", "title": "", "body": "Bonjour {prenom}"}),
            )
            .await,
        422,
    )
    .await;
    let codes: Vec<(String, String)> = bad["fields"]
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
    for want in [
        ("lang", "lang_invalid"),
        ("shortcut", "canned_shortcut_invalid"),
        ("title", "required"),
        ("body", "canned_variable_unknown"),
    ] {
        assert!(
            codes.iter().any(|(f, c)| f == want.0 && c == want.1),
            "{want:?} in {bad}"
        );
    }
    let bad = expect(
        admin
            .post(
                "/api/v1/canned-answers",
                &json!({"bot": "nope", "lang": "fr", "shortcut": "/x", "title": "X", "body": "x"}),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["field"], "bot");
    assert_eq!(bad["fields"][0]["code"], "unknown_bot");
    // The same shortcut in English, and for the demo bot: other answers.
    expect(
        admin
            .post(
                "/api/v1/canned-answers",
                &json!({"lang": "en", "shortcut": "/vpn", "title": "VPN", "body": "Hello {visitor_name}, restart the VPN."}),
            )
            .await,
        201,
    )
    .await;
    expect(
        admin
            .post(
                "/api/v1/canned-answers",
                &json!({"bot": "demo", "lang": "fr", "shortcut": "/vpn", "title": "VPN du démo", "body": "Le VPN du démo."}),
            )
            .await,
        201,
    )
    .await;
    admin
        .post(
            "/api/v1/bots",
            &json!({"slug": "autre", "name": "Autre", "lang": "fr"}),
        )
        .await;

    // Operators read them: a bot's view holds the global ones and its own.
    let l = expect(
        claire.get("/api/v1/canned-answers?bot=demo&lang=fr").await,
        200,
    )
    .await;
    let titles: Vec<&str> = l["canned_answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["Piège", "VPN à redémarrer", "VPN du démo"],
        "{l}"
    );
    let l = expect(
        claire.get("/api/v1/canned-answers?bot=autre&lang=en").await,
        200,
    )
    .await;
    assert_eq!(l["canned_answers"].as_array().unwrap().len(), 1, "{l}");
    expect(app.anonymous().get("/api/v1/canned-answers").await, 401).await;

    // Edit, delete.
    let mut changed = vpn.clone();
    changed["title"] = json!("VPN : redémarrage");
    changed["shortcut"] = json!("/vpn");
    let e = expect(
        admin
            .put(&format!("/api/v1/canned-answers/{id}"), &changed)
            .await,
        200,
    )
    .await;
    assert_eq!(e["title"], "VPN : redémarrage");
    expect(
        claire
            .put(&format!("/api/v1/canned-answers/{id}"), &changed)
            .await,
        403,
    )
    .await;
    expect(
        admin.put("/api/v1/canned-answers/999999", &changed).await,
        404,
    )
    .await;
    let piege = evil["id"].as_i64().unwrap();
    let r = admin
        .delete(&format!("/api/v1/canned-answers/{piege}"))
        .await;
    assert_eq!(r.status().as_u16(), 204);
    expect(
        admin
            .delete(&format!("/api/v1/canned-answers/{piege}"))
            .await,
        404,
    )
    .await;

    // Export, then import: all or nothing, each problem located.
    let file = expect(admin.get("/api/v1/canned-answers/export").await, 200).await;
    assert_eq!(
        file["canned_answers"].as_array().unwrap().len(),
        3,
        "{file}"
    );
    expect(claire.get("/api/v1/canned-answers/export").await, 403).await;
    let bad_file = json!({"canned_answers": [
        {"lang": "fr", "shortcut": "/merci", "title": "Merci", "body": "Merci {visitor_name} !"},
        {"lang": "fr", "shortcut": "/ bad", "title": "Mauvais", "body": "x"},
        {"lang": "fr", "shortcut": "/merci", "title": "Doublon", "body": "y"}
    ]});
    let refused = expect(
        admin.post("/api/v1/canned-answers/import", &bad_file).await,
        422,
    )
    .await;
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["canned_answers[1].shortcut", "canned_answers[2].shortcut"],
        "{refused}"
    );
    let after = expect(admin.get("/api/v1/canned-answers/export").await, 200).await;
    assert_eq!(after, file, "a refused import changes nothing");
    let mut good = file.clone();
    good["canned_answers"][0]["title"] = json!("VPN (importé)");
    good["canned_answers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"bot": "demo", "lang": "en", "shortcut": "/thanks", "title": "Thanks", "body": "Thank you {visitor_name}!"}));
    let done = expect(
        admin.post("/api/v1/canned-answers/import", &good).await,
        200,
    )
    .await;
    assert_eq!(
        (done["added"].as_u64(), done["replaced"].as_u64()),
        (Some(1), Some(3))
    );
    let now = expect(admin.get("/api/v1/canned-answers/export").await, 200).await;
    assert_eq!(now["canned_answers"].as_array().unwrap().len(), 4, "{now}");
    expect(
        claire.post("/api/v1/canned-answers/import", &good).await,
        403,
    )
    .await;

    // Audited.
    let log = expect(admin.get("/api/v1/audit?action=canned.").await, 200).await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "canned.import",
            "canned.delete",
            "canned.update",
            "canned.create",
            "canned.create",
            "canned.create",
            "canned.create"
        ],
        "{log}"
    );
}

crate::both_backends!(canned_answers_are_managed_and_listed);
