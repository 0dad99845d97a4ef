//! Office hours and the offline form (issue 13, item 5), over the API with a real SMTP
//! server and real WebSockets, on both backends: outside hours the visitor is offered a
//! form instead of an operator, the message is stored once and mailed to the team, and an
//! operator's answer by mail carries a link that opens the conversation.

use crate::helpers::*;
use crate::mail_sink::{token_in, Sink};
use crate::monitored::spawn_with_smtp;
use serde_json::{json, Value};
use vigie::store::Backend;

/// Today and tomorrow (UTC), so that a run across midnight still finds the bot closed.
fn today_and_tomorrow() -> Vec<String> {
    let now = time::OffsetDateTime::now_utc();
    [now, now + time::Duration::days(1)]
        .iter()
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .collect()
}

/// The demo bot open every day around the clock except today (a closed day).
fn closed_today(team: &str) -> Value {
    json!({"office_hours": {"demo": {
        "enabled": true,
        "timezone": "UTC",
        "weekly": ["00:00-24:00", "00:00-24:00", "00:00-24:00", "00:00-24:00", "00:00-24:00", "00:00-24:00", "00:00-24:00"],
        "closed_days": today_and_tomorrow(),
        "offline_email": team,
    }}})
}

/// A visitor who asks for a human; returns the visitor and the messages after the ack.
async fn visitor_asks_for_someone(app: &TestApp) -> (Visitor, Vec<Value>) {
    let mut v = Visitor::connect(app).await;
    v.hello("demo").await;
    v.send(json!({"type": "handoff", "client_id": "h-1"})).await;
    v.expect("ack").await;
    let said = v.expect("message").await;
    (v, vec![said])
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use vigie::store::Backend;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() { super::$name(Backend::Sqlite).await; }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() { super::$name(Backend::Postgres).await; }
            }
        )*
    };
}

both!(
    outside_hours_a_message_reaches_the_team_and_the_answer_reopens_the_conversation,
    nobody_on_duty_offers_the_form_only_with_a_team_address,
    office_hours_are_checked_before_they_are_saved,
    refusals_of_the_form_and_of_the_answer,
);

async fn outside_hours_a_message_reaches_the_team_and_the_answer_reopens_the_conversation(
    backend: Backend,
) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let admin = app.admin().await;
    expect(
        admin
            .put(
                "/api/v1/livechat/settings",
                &closed_today("equipe@example.com"),
            )
            .await,
        200,
    )
    .await;
    // An operator is on duty: outside hours, nobody is put through all the same.
    let mut console = Console::connect(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    console.hello(json!({})).await;
    console.available().await;

    let (mut v, said) = visitor_asks_for_someone(&app).await;
    let offer = &said[0];
    assert!(is_event(offer, "offline_offered"), "{offer}");
    let text = offer["text"].as_str().unwrap();
    assert!(
        text.contains("Horaires : lun.–dim. 00:00–24:00 (UTC)"),
        "{text}"
    );
    assert!(text.contains("Laissez-nous un message"), "{text}");
    let conv = v.conversation.clone().unwrap();

    // A wrong address is refused with its code, nothing is stored.
    v.send(json!({"type": "offline_message", "client_id": "off-1", "email": "marie@", "text": "Mon badge ne marche plus."}))
        .await;
    let refused = v.expect("error").await;
    assert_eq!(refused["code"], "email_invalid", "{refused}");
    assert_eq!(refused["client_id"], "off-1");
    v.send(json!({"type": "offline_message", "client_id": "off-2", "email": "marie@example.com", "text": "  "}))
        .await;
    assert_eq!(v.expect("error").await["code"], "message_empty");

    // The message: acknowledged, stored with the "sent" event.
    let msg = json!({"type": "offline_message", "client_id": "off-3", "email": "marie@example.com",
                     "text": "Bonjour, mon badge <b>ne marche plus</b> depuis ce matin."});
    v.send(msg.clone()).await;
    let ack = v.expect("ack").await;
    assert_eq!(ack["duplicate"], false);
    let mine = v.expect("message").await;
    assert_eq!(mine["author"], "visitor");
    assert!(mine["text"].as_str().unwrap().contains("ne marche plus"));
    let sent = v.expect("message").await;
    assert!(is_event(&sent, "offline_sent"), "{sent}");
    assert!(sent["text"].as_str().unwrap().contains("marie@example.com"));
    // A retry (lost ack) stores nothing twice and mails nothing twice.
    v.send(msg).await;
    assert_eq!(v.expect("ack").await["duplicate"], true);

    let team = sink.wait_for(1).await.remove(0);
    assert_eq!(team.to, "equipe@example.com");
    assert!(
        team.subject.contains("Message hors ligne"),
        "{}",
        team.subject
    );
    assert!(team.text.contains("marie@example.com") && team.text.contains("ne marche plus"));
    assert!(
        team.text.contains(&format!("/console/history#{conv}")),
        "{}",
        team.text
    );
    // What the visitor wrote is escaped in the HTML part.
    assert!(
        team.html.contains("&lt;b&gt;ne marche plus"),
        "{}",
        team.html
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.count(), 1, "the retry mailed nothing more");

    // The history marks it, and finds it by kind "offline".
    let op = app.operator().await;
    let found = expect(op.get("/api/v1/conversations?kind=offline").await, 200).await;
    let rows = found["conversations"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{found}");
    assert_eq!(rows[0]["conversation"], conv);
    assert_eq!(rows[0]["offline"], true);
    assert_eq!(rows[0]["visitor"], "marie@example.com");
    let record = expect(op.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;
    assert_eq!(
        record["state"], "bot",
        "nobody was put through outside hours"
    );
    assert_eq!(record["offline"][0]["email"], "marie@example.com");
    assert!(record["offline"][0]["answered_at"].is_null());

    // The operator answers by mail.
    let empty = op
        .post(
            &format!("/api/v1/conversations/{conv}/offline-reply"),
            &json!({"text": "  "}),
        )
        .await;
    let empty = expect(empty, 422).await;
    assert_eq!(empty["fields"][0]["field"], "text", "{empty}");
    let answered = op
        .post(
            &format!("/api/v1/conversations/{conv}/offline-reply"),
            &json!({"text": "Bonjour Marie, votre badge est réactivé.", "client_id": "r-1"}),
        )
        .await;
    assert_eq!(expect(answered, 202).await["email"], "marie@example.com");
    let reply = sink.wait_for(2).await.remove(1);
    assert_eq!(reply.to, "marie@example.com");
    assert!(
        reply.text.contains("votre badge est réactivé"),
        "{}",
        reply.text
    );

    // The link opens the conversation: the answer is there, and the visitor may go on.
    let mut back = Visitor::connect(&app).await;
    let (welcome, replay) = back
        .hello_mc(&token_in(&reply))
        .await
        .expect("the link opens");
    assert_eq!(welcome["conversation"], conv);
    assert!(
        replay.iter().any(|m| m["author"] == "operator"
            && m["text"] == "Bonjour Marie, votre badge est réactivé."),
        "{replay:?}"
    );
    let (ack, _, _) = back.say("v-after", "Merci, ça marche !").await;
    assert_eq!(ack["type"], "ack");
    // The record: answered, by whom, and now a monitored conversation addressed to her.
    let record = expect(op.get(&format!("/api/v1/conversations/{conv}")).await, 200).await;
    assert!(record["offline"][0]["answered_at"].is_i64(), "{record}");
    assert_eq!(record["offline"][0]["answered_by"], "Claire");
    assert_eq!(record["kind"], "monitored");
    assert_eq!(
        record["operators"],
        json!(["Claire"]),
        "the answerer took part"
    );
    assert_eq!(record["monitored"]["email"], "marie@example.com");
    v.close().await;
    back.close().await;
    app.finish().await;
}

async fn nobody_on_duty_offers_the_form_only_with_a_team_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    // No team address: the plain "nobody available" sentence, as before.
    let (v, said) = visitor_asks_for_someone(&app).await;
    assert_eq!(said[0]["author"], "bot");
    assert!(
        said[0]["text"]
            .as_str()
            .unwrap()
            .contains("Aucun conseiller"),
        "{}",
        said[0]
    );
    v.close().await;
    // A team address, no hours: nobody on duty offers the form.
    let hours = json!({"office_hours": {"demo": {"enabled": false, "offline_email": "equipe@example.com"}}});
    expect(admin.put("/api/v1/livechat/settings", &hours).await, 200).await;
    let (v, said) = visitor_asks_for_someone(&app).await;
    assert!(is_event(&said[0], "offline_offered"), "{}", said[0]);
    assert_eq!(
        said[0]["text"],
        "Laissez-nous un message : nous vous répondrons par e-mail."
    );
    v.close().await;
    // Within hours and an operator on duty: put through as before.
    let mut console = Console::connect(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    console.hello(json!({})).await;
    console.available().await;
    let (v, said) = visitor_asks_for_someone(&app).await;
    assert!(is_event(&said[0], "operator_joined"), "{}", said[0]);
    v.close().await;
    app.finish().await;
}

async fn office_hours_are_checked_before_they_are_saved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let before = expect(admin.get("/api/v1/livechat/settings").await, 200).await;
    assert_eq!(before["office_hours"], json!({}));
    let bad = json!({"office_hours": {"demo": {
        "enabled": true, "timezone": "Europe/Parsi",
        "weekly": ["9h-18h", "", "", "", "", "", ""],
        "closed_days": ["25/12/2026"], "offline_email": "equipe@"}}});
    let refused = expect(admin.put("/api/v1/livechat/settings", &bad).await, 422).await;
    let fields: Vec<(String, String)> = refused["fields"]
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
    for (field, code) in [
        ("office_hours.demo.timezone", "timezone_unknown"),
        ("office_hours.demo.weekly.mon", "hours_invalid"),
        ("office_hours.demo.closed_days", "date_invalid"),
        ("office_hours.demo.offline_email", "email_invalid"),
    ] {
        assert!(
            fields.contains(&(field.to_string(), code.to_string())),
            "{field} {code} in {refused}"
        );
    }
    let after = expect(admin.get("/api/v1/livechat/settings").await, 200).await;
    assert_eq!(after, before, "nothing saved");
    // A broken offline template is refused with its part.
    let tpl = json!({"offline_mail": {"fr": {"subject": "{{ nope }}", "html": "x", "text": "x"}}});
    let refused = expect(admin.put("/api/v1/livechat/settings", &tpl).await, 422).await;
    assert_eq!(
        refused["fields"][0]["field"], "offline_mail.fr.subject",
        "{refused}"
    );
    assert_eq!(refused["fields"][0]["code"], "template_variable");
    // Operators may not change them.
    let op = app.operator().await;
    let r = op
        .put("/api/v1/livechat/settings", &closed_today("x@example.com"))
        .await;
    assert_eq!(r.status(), 403);
    // The previews of both mails.
    let default = &after["offline_reply_mail"]["fr"];
    let p = expect(
        admin
            .post(
                "/api/v1/livechat/mail-preview",
                &json!({"lang": "fr", "kind": "offline_reply", "template": default}),
            )
            .await,
        200,
    )
    .await;
    assert!(p["text"].as_str().unwrap().contains("vigie_mc="), "{p}");
    app.finish().await;
}

async fn refusals_of_the_form_and_of_the_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // No team address: the form's frame is refused, nothing is stored.
    let mut v = Visitor::connect(&app).await;
    v.hello("demo").await;
    v.send(json!({"type": "offline_message", "client_id": "o-1", "email": "a@example.com", "text": "allô ?"}))
        .await;
    let refused = v.expect("error").await;
    assert_eq!(refused["code"], "offline_form_off", "{refused}");
    let conv = v.conversation.clone().unwrap();
    let op = app.operator().await;
    // Answering a conversation without an offline message, or an unknown one.
    let r = op
        .post(
            &format!("/api/v1/conversations/{conv}/offline-reply"),
            &json!({"text": "Bonjour"}),
        )
        .await;
    assert_eq!(expect(r, 409).await["error"], "not_offline");
    let r = op
        .post(
            "/api/v1/conversations/c_doesnotexist/offline-reply",
            &json!({"text": "Bonjour"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    // Signed out: refused.
    let r = app
        .anonymous()
        .post(
            &format!("/api/v1/conversations/{conv}/offline-reply"),
            &json!({"text": "Bonjour"}),
        )
        .await;
    assert_eq!(r.status(), 401);
    v.close().await;
    app.finish().await;
}
