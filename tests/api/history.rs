//! Issue 12, items 2, 4 and 5 over the API, on both backends: the history's search filters
//! and keyset pages, a conversation's record and exports (txt, json, CSV), the transcript
//! by mail (from the history, and the visitor's own request through the chatbox's
//! `transcript` module, with a real SMTP server), bots created, renamed and archived, and
//! every refusal with its code.

use crate::helpers::*;
use crate::mail_sink::Sink;
use serde_json::{json, Value};
use vigie::domain::conversation::{Author, ConversationKind, MessageBody, MessageKind, NewMessage};
use vigie::store::Backend;
use vigie_bot::Lang;

fn text(author: Author, t: &str) -> NewMessage {
    NewMessage {
        author,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(t.into()),
            ..Default::default()
        },
    }
}

/// A conversation with these messages, its last activity set to `updated_at`.
async fn conversation(
    app: &TestApp,
    kind: ConversationKind,
    messages: &[&str],
    updated_at: i64,
) -> (i64, String) {
    let bot = app.store.bot("demo").await.unwrap();
    let c = app
        .store
        .create_conversation(bot.id, None, kind, Lang::Fr)
        .await
        .unwrap();
    let list: Vec<NewMessage> = messages
        .iter()
        .enumerate()
        .map(|(i, t)| {
            text(
                if i % 2 == 0 {
                    Author::Visitor
                } else {
                    Author::Bot
                },
                t,
            )
        })
        .collect();
    app.store.append(c.id, None, &list).await.unwrap();
    app.sql(&format!(
        "UPDATE conversations SET updated_at = {updated_at}, created_at = {} WHERE id = {}",
        updated_at - 60_000,
        c.id
    ))
    .await;
    (c.id, c.public_id)
}

fn ids(v: &Value) -> Vec<String> {
    v["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["conversation"].as_str().unwrap().to_string())
        .collect()
}

/// A 422 whose first field error is `field` with `code`.
async fn refused(r: reqwest::Response, field: &str, code: &str) {
    let v = expect(r, 422).await;
    let f = &v["fields"][0];
    assert_eq!(
        (f["field"].as_str(), f["code"].as_str()),
        (Some(field), Some(code)),
        "{v}"
    );
}

async fn search_filters_and_keyset_pages(app: &TestApp) {
    let day = 86_400_000;
    let now = vigie::domain::now_ms();
    let (_, old) = conversation(
        app,
        ConversationKind::Bot,
        &["imprimante bloquée au 3e", "Redémarrez-la."],
        now - 30 * day,
    )
    .await;
    let (live_id, live) = conversation(
        app,
        ConversationKind::Livechat,
        &["mon VPN ne marche plus", "Un conseiller arrive."],
        now - 2 * day,
    )
    .await;
    let (_, recent) = conversation(
        app,
        ConversationKind::Bot,
        &[
            "IMPRIMANTE en panne, ticket INC_42%",
            "Voici la marche à suivre.",
        ],
        now - day,
    )
    .await;
    let claire = app.store.operator_by_email(OPERATOR_EMAIL).await.unwrap();
    app.sql(&format!(
        "INSERT INTO conversation_operators (operator_id, conversation_id) VALUES ({}, {live_id})",
        claire.id.0
    ))
    .await;
    let s = app.operator().await;

    // No filter: most recent activity first (the demo's own conversations are none).
    let all = expect(s.get("/api/v1/conversations").await, 200).await;
    assert_eq!(ids(&all), vec![recent.clone(), live.clone(), old.clone()]);
    assert!(all["next"].is_null());

    // Text: a substring, any case; `%` and `_` are not wildcards.
    let found = expect(s.get("/api/v1/conversations?q=imprimante").await, 200).await;
    assert_eq!(ids(&found), vec![recent.clone(), old.clone()]);
    let found = expect(s.get("/api/v1/conversations?q=INC_42%25").await, 200).await;
    assert_eq!(ids(&found), vec![recent.clone()]);
    let none = expect(s.get("/api/v1/conversations?q=INC%2542").await, 200).await;
    assert!(ids(&none).is_empty(), "{none}");
    let found = expect(s.get("/api/v1/conversations?q=vpn%20ne").await, 200).await;
    assert_eq!(ids(&found), vec![live.clone()]);
    refused(s.get("/api/v1/conversations?q=ab").await, "q", "too_short").await;
    let long = "x".repeat(201);
    refused(
        s.get(&format!("/api/v1/conversations?q={long}")).await,
        "q",
        "too_long",
    )
    .await;

    // Kind, state, bot, operator (id or name).
    let found = expect(s.get("/api/v1/conversations?kind=livechat").await, 200).await;
    assert_eq!(ids(&found), vec![live.clone()]);
    refused(
        s.get("/api/v1/conversations?kind=phone").await,
        "kind",
        "filter_invalid",
    )
    .await;
    let found = expect(s.get("/api/v1/conversations?state=bot&bot=demo").await, 200).await;
    assert_eq!(ids(&found).len(), 3);
    refused(
        s.get("/api/v1/conversations?state=lost").await,
        "state",
        "filter_invalid",
    )
    .await;
    refused(
        s.get("/api/v1/conversations?bot=nobot").await,
        "bot",
        "unknown_bot",
    )
    .await;
    let found = expect(s.get("/api/v1/conversations?operator=Claire").await, 200).await;
    assert_eq!(ids(&found), vec![live.clone()]);
    assert_eq!(
        found["conversations"][0]["operator"], "Claire",
        "one who took part"
    );
    let found = expect(
        s.get(&format!("/api/v1/conversations?operator={}", claire.id.0))
            .await,
        200,
    )
    .await;
    assert_eq!(ids(&found), vec![live.clone()]);
    refused(
        s.get("/api/v1/conversations?operator=Nobody").await,
        "operator",
        "unknown_operator",
    )
    .await;
    refused(
        s.get("/api/v1/conversations?operator=99999").await,
        "operator",
        "unknown_operator",
    )
    .await;

    // Period: active at or after `from`, begun at or before `to`.
    let found = expect(
        s.get(&format!("/api/v1/conversations?from={}", now - 3 * day))
            .await,
        200,
    )
    .await;
    assert_eq!(ids(&found), vec![recent.clone(), live.clone()]);
    let found = expect(
        s.get(&format!("/api/v1/conversations?to={}", now - 10 * day))
            .await,
        200,
    )
    .await;
    assert_eq!(ids(&found), vec![old.clone()]);
    refused(
        s.get(&format!(
            "/api/v1/conversations?from={now}&to={}",
            now - day
        ))
        .await,
        "to",
        "period_invalid",
    )
    .await;
    refused(
        s.get("/api/v1/conversations?from=-5").await,
        "from",
        "date_invalid",
    )
    .await;
    expect(s.get("/api/v1/conversations?from=yesterday").await, 400).await;

    // Pages: two at a time, walked by the cursor, nothing seen twice or missed.
    let p1 = expect(s.get("/api/v1/conversations?limit=2").await, 200).await;
    assert_eq!(ids(&p1), vec![recent.clone(), live.clone()]);
    let next = p1["next"].as_str().expect("a next page").to_string();
    let p2 = expect(
        s.get(&format!("/api/v1/conversations?limit=2&cursor={next}"))
            .await,
        200,
    )
    .await;
    assert_eq!(ids(&p2), vec![old.clone()]);
    assert!(p2["next"].is_null());
    // With a text filter too.
    let t1 = expect(
        s.get("/api/v1/conversations?q=imprimante&limit=1").await,
        200,
    )
    .await;
    assert_eq!(ids(&t1), vec![recent.clone()]);
    let c = t1["next"].as_str().unwrap();
    let t2 = expect(
        s.get(&format!(
            "/api/v1/conversations?q=imprimante&limit=1&cursor={c}"
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&t2), vec![old.clone()]);
    refused(
        s.get("/api/v1/conversations?cursor=garbage").await,
        "cursor",
        "cursor_invalid",
    )
    .await;
    refused(
        s.get("/api/v1/conversations?limit=0").await,
        "limit",
        "out_of_range",
    )
    .await;
    refused(
        s.get("/api/v1/conversations?limit=201").await,
        "limit",
        "out_of_range",
    )
    .await;

    // Signed out: nothing.
    expect(app.anonymous().get("/api/v1/conversations").await, 401).await;
}

crate::both_backends!(search_filters_and_keyset_pages);

async fn a_record_and_its_exports(app: &TestApp) {
    let now = vigie::domain::now_ms();
    let (_, a) = conversation(
        app,
        ConversationKind::Bot,
        &["mon badge ne marche plus", "Passez à l'accueil."],
        now - 1000,
    )
    .await;
    let (_, b) = conversation(
        app,
        ConversationKind::Bot,
        &["badge perdu, que faire ?", "Déclarez-le."],
        now - 2000,
    )
    .await;
    let s = app.operator().await;

    let r = expect(s.get(&format!("/api/v1/conversations/{a}")).await, 200).await;
    assert_eq!(r["conversation"], a.as_str());
    assert_eq!(r["bot"]["slug"], "demo");
    assert_eq!(r["kind"], "bot");
    assert_eq!(r["messages"][0]["text"], "mon badge ne marche plus");
    assert_eq!(r["messages"][1]["author"], "bot");
    assert!(r["monitored"].is_null() && r["visitor"].is_null());
    expect(s.get("/api/v1/conversations/c_nope").await, 404).await;

    let txt = s
        .get(&format!("/api/v1/conversations/{a}/transcript?format=txt"))
        .await;
    assert_eq!(txt.status(), 200);
    assert!(txt.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("{a}.txt")));
    let txt = txt.text().await.unwrap();
    assert!(txt.contains("Visiteur : mon badge ne marche plus"), "{txt}");
    assert!(txt.contains("Assistant : Passez à l'accueil."), "{txt}");
    let en = s
        .get(&format!("/api/v1/conversations/{a}/transcript?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(en.contains("Visitor : mon badge"), "{en}");
    let json = expect(
        s.get(&format!("/api/v1/conversations/{a}/transcript?format=json"))
            .await,
        200,
    )
    .await;
    assert_eq!(json["messages"].as_array().unwrap().len(), 2);
    refused(
        s.get(&format!("/api/v1/conversations/{a}/transcript?format=pdf"))
            .await,
        "format",
        "format_invalid",
    )
    .await;
    refused(
        s.get(&format!("/api/v1/conversations/{a}/transcript?lang=de"))
            .await,
        "lang",
        "lang_invalid",
    )
    .await;
    expect(s.get("/api/v1/conversations/c_nope/transcript").await, 404).await;

    // CSV of a search: a header and one line per conversation, every page walked.
    let csv = s.get("/api/v1/conversations/export?q=badge&limit=1").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("conversation,bot,kind,state"), "{csv}");
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with(&a) && lines[2].starts_with(&b),
        "{csv}"
    );
    refused(
        s.get("/api/v1/conversations/export?format=xlsx").await,
        "format",
        "format_invalid",
    )
    .await;
    refused(
        s.get("/api/v1/conversations/export?q=ab").await,
        "q",
        "too_short",
    )
    .await;
    expect(
        app.anonymous().get("/api/v1/conversations/export").await,
        401,
    )
    .await;
}

crate::both_backends!(a_record_and_its_exports);

async fn spawn_with_smtp(backend: Backend, port: u16) -> TestApp {
    TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_retry_seconds = 1;
    })
    .await
}

async fn transcript_by_mail_from_the_history(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let op = app.operator().await;
    // A monitored conversation: the visitor's address is known.
    let created = expect(
        op.post(
            "/api/v1/monitored-conversations",
            &json!({"bot": "demo", "name": "Appel de Mme Durand", "starting_knowledge": "vpn-lent", "email": "durand@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let conv = created["conversation"].as_str().unwrap().to_string();
    sink.wait_for(1).await;
    let found = expect(
        op.get("/api/v1/conversations?visitor=DURAND@exam").await,
        200,
    )
    .await;
    assert_eq!(ids(&found), vec![conv.clone()]);
    assert_eq!(found["conversations"][0]["kind"], "monitored");
    let found = expect(
        op.get("/api/v1/conversations?visitor=durand@example.com&kind=monitored")
            .await,
        200,
    )
    .await;
    assert_eq!(ids(&found), vec![conv.clone()]);

    // The record holds the monitored part and its link's mail.
    let r = expect(op.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;
    assert_eq!(r["monitored"]["name"], "Appel de Mme Durand");
    assert_eq!(r["monitored"]["links"][0]["email"], "durand@example.com");
    assert_eq!(r["visitor"], "durand@example.com");
    assert_eq!(r["messages"][0]["knowledge"]["id"], "vpn-lent");

    // Sent to the known address.
    let done = expect(
        op.post(
            &format!("/api/v1/conversations/{conv}/transcript/mail"),
            &json!({}),
        )
        .await,
        202,
    )
    .await;
    assert_eq!(done["email"], "durand@example.com");
    let mail = sink.wait_for(2).await.remove(1);
    assert_eq!(mail.to, "durand@example.com");
    assert!(
        mail.subject.starts_with("Votre conversation avec"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("VPN lent"), "{}", mail.text);
    // To another address; a bad one is refused with its code and nothing is sent.
    refused(
        op.post(
            &format!("/api/v1/conversations/{conv}/transcript/mail"),
            &json!({"email": "not an address"}),
        )
        .await,
        "email",
        "email_invalid",
    )
    .await;
    expect(
        op.post(
            &format!("/api/v1/conversations/{conv}/transcript/mail"),
            &json!({"email": "autre@example.org"}),
        )
        .await,
        202,
    )
    .await;
    let mail = sink.wait_for(3).await.remove(2);
    assert_eq!(mail.to, "autre@example.org");
    let r = expect(op.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;
    let mails = r["transcript_mails"].as_array().unwrap();
    assert_eq!(mails.len(), 2, "{r}");
    assert_eq!(mails[0]["requested_by"], "operator");
    assert_eq!(mails[0]["operator"], "Claire");

    // A conversation whose visitor gave no address: one must be given.
    let (_, plain) = conversation(
        &app,
        ConversationKind::Bot,
        &["bonjour", "Bonjour !"],
        vigie::domain::now_ms(),
    )
    .await;
    refused(
        op.post(
            &format!("/api/v1/conversations/{plain}/transcript/mail"),
            &json!({}),
        )
        .await,
        "email",
        "required",
    )
    .await;
    expect(
        op.post("/api/v1/conversations/c_nope/transcript/mail", &json!({}))
            .await,
        404,
    )
    .await;
    expect(
        op.post(
            &format!("/api/v1/conversations/{plain}/transcript/mail"),
            &json!({"to": "x@example.com"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(sink.count(), 3, "no mail for the refusals");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcript_by_mail_from_the_history_sqlite() {
    transcript_by_mail_from_the_history(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcript_by_mail_from_the_history_postgres() {
    transcript_by_mail_from_the_history(Backend::Postgres).await;
}

/// The visitor's request through the chatbox's `transcript` module.
async fn the_visitor_asks_for_the_transcript(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let mut op = Console::connect(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    op.hello(json!({})).await;
    op.available().await;

    // Module off (its default): refused with `transcript_off`.
    let mut v = Visitor::connect(&app).await;
    v.hello("demo").await;
    v.say("q-1", "mon vpn ne se connecte pas").await;
    v.send(json!({"type": "transcript", "client_id": "t-0", "email": "moi@example.com"}))
        .await;
    let e = v.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["client_id"].as_str()),
        (Some("transcript_off"), Some("t-0")),
        "{e}"
    );

    // On, deployed.
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
    let mut v = Visitor::connect(&app).await;
    v.hello("demo").await;
    v.say("q-1", "mon vpn ne se connecte pas").await;
    // Before any livechat: not offered.
    v.send(json!({"type": "transcript", "client_id": "t-1", "email": "moi@example.com"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "no_livechat");
    // A livechat, ended by the operator.
    v.send(json!({"type": "handoff", "client_id": "h-1"})).await;
    v.expect("ack").await;
    let conv = v.conversation.clone().unwrap();
    op.until_assigned(&conv).await;
    op.send(json!({"type": "send", "client_id": "o-1", "conversation": conv, "text": "Bonjour, redémarrez GlobalProtect."})).await;
    op.until(|f| f["type"] == "ack").await;
    op.send(json!({"type": "end", "client_id": "o-2", "conversation": conv}))
        .await;
    op.until(|f| f["type"] == "ack").await;
    loop {
        let m = v.expect("message").await;
        if m["event"] == "operator_left" {
            break;
        }
    }
    // The address is unknown: required, and checked.
    v.send(json!({"type": "transcript", "client_id": "t-2"}))
        .await;
    let e = v.expect("error").await;
    assert_eq!(
        (e["code"].as_str(), e["client_id"].as_str()),
        (Some("required"), Some("t-2"))
    );
    v.send(json!({"type": "transcript", "client_id": "t-3", "email": "moi@@example"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "email_invalid");
    v.send(json!({"type": "transcript", "client_id": "bad id!", "email": "moi@example.com"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "client_id_invalid");
    assert_eq!(sink.count(), 0);
    v.send(json!({"type": "transcript", "client_id": "t-4", "email": "Moi@Example.com"}))
        .await;
    let sent = v.expect("transcript_sent").await;
    assert_eq!(
        (sent["client_id"].as_str(), sent["email"].as_str()),
        (Some("t-4"), Some("Moi@example.com"))
    );
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, "Moi@example.com");
    assert!(
        mail.text.contains("Bonjour, redémarrez GlobalProtect."),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("Claire"), "{}", mail.text);
    // The address is now known: the history finds the conversation by it.
    let s = app.operator().await;
    let found = expect(
        s.get("/api/v1/conversations?visitor=moi@example").await,
        200,
    )
    .await;
    assert_eq!(ids(&found), vec![conv.clone()]);
    let r = expect(s.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;
    assert_eq!(r["transcript_mails"][0]["requested_by"], "visitor");
    assert_eq!(r["operators"], json!(["Claire"]));
    // A few an hour: the fourth is refused.
    for i in 5..7 {
        v.send(json!({"type": "transcript", "client_id": format!("t-{i}")}))
            .await;
        v.expect("transcript_sent").await;
    }
    v.send(json!({"type": "transcript", "client_id": "t-9"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "too_many_transcripts");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitor_asks_for_the_transcript_sqlite() {
    the_visitor_asks_for_the_transcript(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitor_asks_for_the_transcript_postgres() {
    the_visitor_asks_for_the_transcript(Backend::Postgres).await;
}

async fn bots_are_created_renamed_and_archived(app: &TestApp) {
    let admin = app.admin().await;
    let made = expect(
        admin
            .post(
                "/api/v1/bots",
                &json!({"slug": "rh", "name": "Aide RH", "lang": "fr", "langs": ["fr", "en"]}),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(made["langs"], json!(["fr", "en"]));
    assert_eq!(made["archived"], false);
    // Refusals, each with its code; nothing changes.
    let dup = expect(
        admin
            .post("/api/v1/bots", &json!({"slug": "rh", "name": "Autre"}))
            .await,
        409,
    )
    .await;
    assert_eq!(
        (dup["error"].as_str(), dup["params"]["slug"].as_str()),
        (Some("slug_taken"), Some("rh"))
    );
    refused(
        admin
            .post("/api/v1/bots", &json!({"slug": "-RH", "name": "x"}))
            .await,
        "slug",
        "slug_invalid",
    )
    .await;
    refused(
        admin
            .post("/api/v1/bots", &json!({"slug": "ok", "name": " "}))
            .await,
        "name",
        "required",
    )
    .await;
    refused(
        admin
            .post(
                "/api/v1/bots",
                &json!({"slug": "ok", "name": "x", "lang": "en", "langs": ["fr"]}),
            )
            .await,
        "lang",
        "default_not_in_langs",
    )
    .await;
    refused(
        admin
            .post(
                "/api/v1/bots",
                &json!({"slug": "ok", "name": "x", "langs": ["de"]}),
            )
            .await,
        "langs",
        "lang_invalid",
    )
    .await;
    let op = app.operator().await;
    expect(
        op.post("/api/v1/bots", &json!({"slug": "ops", "name": "x"}))
            .await,
        403,
    )
    .await;

    // Rename and languages.
    let renamed = expect(
        admin
            .put(
                "/api/v1/bots/rh",
                &json!({"name": "Ressources humaines", "lang": "en", "langs": ["en"]}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(
        (renamed["name"].as_str(), renamed["default_lang"].as_str()),
        (Some("Ressources humaines"), Some("en"))
    );
    refused(
        admin
            .put("/api/v1/bots/rh", &json!({"name": "", "lang": "en"}))
            .await,
        "name",
        "required",
    )
    .await;
    expect(
        admin
            .put("/api/v1/bots/nobot", &json!({"name": "x", "lang": "fr"}))
            .await,
        404,
    )
    .await;
    expect(
        op.put("/api/v1/bots/rh", &json!({"name": "x", "lang": "fr"}))
            .await,
        403,
    )
    .await;
    let shown = expect(admin.get("/api/v1/bots/rh").await, 200).await;
    assert_eq!(shown["name"], "Ressources humaines");

    // Archive the demo (it has a conversation): it leaves the list, its chatbox says it is
    // unavailable, its answers stop, its history stays.
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.say("q-1", "mon vpn ne se connecte pas").await;
    let conv = v.conversation.clone().unwrap();
    expect(op.post("/api/v1/bots/demo/archive", &json!({})).await, 403).await;
    let archived = expect(
        admin.post("/api/v1/bots/demo/archive", &json!({})).await,
        200,
    )
    .await;
    assert_eq!(archived["archived"], true);
    expect(
        admin.post("/api/v1/bots/nobot/archive", &json!({})).await,
        404,
    )
    .await;
    let list = expect(admin.get("/api/v1/bots").await, 200).await;
    let slugs: Vec<&str> = list["bots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, vec!["rh"]);
    let all = expect(admin.get("/api/v1/bots?archived=true").await, 200).await;
    assert_eq!(all["bots"].as_array().unwrap().len(), 2);
    let mut v2 = Visitor::connect(app).await;
    v2.send(json!({"type": "hello", "v": 1, "bot": "demo", "lang": "fr"}))
        .await;
    assert_eq!(v2.expect("error").await["code"], "bot_archived");
    let ask = expect(
        app.anonymous()
            .post("/api/v1/bots/demo/ask", &json!({"text": "vpn"}))
            .await,
        410,
    )
    .await;
    assert_eq!(ask["error"], "bot_archived");
    let found = expect(op.get("/api/v1/conversations?bot=demo").await, 200).await;
    assert_eq!(ids(&found), vec![conv.clone()]);
    expect(op.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;

    // Back in service.
    let back = expect(
        admin.post("/api/v1/bots/demo/unarchive", &json!({})).await,
        200,
    )
    .await;
    assert_eq!(back["archived"], false);
    let mut v3 = Visitor::connect(app).await;
    v3.hello("demo").await;
}

crate::both_backends!(bots_are_created_renamed_and_archived);
