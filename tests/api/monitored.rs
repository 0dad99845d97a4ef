//! Monitored conversations end to end over the API, with a real SMTP server, real visitor
//! and operator WebSockets, on both backends.

use crate::helpers::*;
use crate::mail_sink::{token_in, Sink};
use serde_json::{json, Value};
use std::time::Duration;
use vigie::store::Backend;

/// A Vigie that sends its mail to the SMTP server on `port` (retries after 1 s).
pub(crate) async fn spawn_with_smtp(backend: Backend, port: u16) -> TestApp {
    TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_from = "Vigie Helpdesk <helpdesk@example.com>".into();
        s.mail_retry_seconds = 1;
    })
    .await
}

fn request(email: &str, strong: bool) -> Value {
    json!({"bot": "demo", "name": "Appel de M. Martin", "starting_knowledge": "vpn-lent",
           "email": email, "strong_monitoring": strong})
}

async fn item(s: &Session, conv: &str) -> Value {
    expect(
        s.get(&format!("/api/v1/monitored-conversations/{conv}"))
            .await,
        200,
    )
    .await
}

/// Polls the conversation until `pred` holds on it (10 s at most).
async fn wait_item(s: &Session, conv: &str, pred: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let v = item(s, conv).await;
        if pred(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition never held: {}", item(s, conv).await);
}

/// Creates a monitored conversation on the demo bot; returns the answer and its id.
async fn create(s: &Session, email: &str, strong: bool) -> (Value, String) {
    let created = expect(
        s.post("/api/v1/monitored-conversations", &request(email, strong))
            .await,
        201,
    )
    .await;
    let conv = created["id"].as_str().unwrap().to_string();
    (created, conv)
}

macro_rules! with_smtp {
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

with_smtp!(
    the_mail_carries_a_link_that_opens_the_conversation,
    smtp_down_at_creation_sends_once_when_it_comes_back,
    links_expire_are_revoked_and_cannot_be_forged,
    the_operator_guides_offers_help_and_takes_over,
    bad_input_names_the_field,
    templates_are_checked_and_previewed,
    mail_status_and_activity_reach_the_console_live,
);

/// The item `conv` in a console's `monitored` frame, once `pred` holds on it.
async fn until_listed(console: &mut Console, conv: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let frame = console
        .until(|f| {
            f["type"] == "monitored"
                && f["items"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|i| i["conversation"] == conv && pred(i)))
        })
        .await;
    frame["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["conversation"] == conv)
        .unwrap()
        .clone()
}

/// Issue 11, items 7 and 8: every mail status change (queued, retrying, sent) and every
/// visitor message reach the console's list live, and the list's copy carries when it was
/// read, so that an older copy (the create's answer) never undoes a newer one.
async fn mail_status_and_activity_reach_the_console_live(backend: Backend) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let app = spawn_with_smtp(backend, port).await;
    let mut console = Console::connect(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    console.hello(json!({})).await;
    let op = app.operator().await;
    let (created, conv) = create(&op, "visitor@example.com", false).await;
    let created_read = created["item"]["read_at"].as_i64().unwrap();
    let failed = until_listed(&mut console, &conv, |i| i["mail"]["status"] == "retrying").await;
    assert!(!failed["mail"]["error"].as_str().unwrap().is_empty());
    // The SMTP server comes back: "sent" reaches the list without anything else happening.
    let sink = Sink::serve(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
    // Due now rather than after the backoff (which may have grown past the frame timeout).
    app.sql("UPDATE mail_outbox SET next_attempt_at = 0").await;
    app.core.mailer.wake();
    let sent = until_listed(&mut console, &conv, |i| i["mail"]["status"] == "sent").await;
    assert!(sent["read_at"].as_i64().unwrap() > created_read, "{sent}");
    let mail = sink.wait_for(1).await.remove(0);

    // The visitor writes: the list's last activity follows at once.
    let mut visitor = Visitor::connect(&app).await;
    visitor.hello_mc(&token_in(&mail)).await.unwrap();
    until_listed(&mut console, &conv, |i| !i["opened_at"].is_null()).await;
    let (_, mine, _) = visitor.say("v-1", "merci, et pour le wifi ?").await;
    let at = mine["created_at"].as_i64().unwrap();
    let listed = until_listed(&mut console, &conv, |i| {
        i["last_activity_at"].as_i64().unwrap() >= at
    })
    .await;
    assert_eq!(listed["mail"]["status"], "sent");
    app.finish().await;
}

async fn the_mail_carries_a_link_that_opens_the_conversation(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let op = app.operator().await;
    let (created, conv) = create(&op, "Martin@Example.com", true).await;
    assert_eq!(created["conversation"], conv.as_str());
    let link = created["link"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{}/c/demo/?vigie_mc=mc_", app.base)),
        "the link is under the prefix URL (the demo's deployed URL): {link}"
    );
    assert_eq!(created["item"]["email"], "Martin@example.com");
    assert_eq!(created["item"]["strong"], true);
    assert_eq!(created["item"]["creator"]["name"], "Claire");

    // The mail, through SMTP, rendered from the default French template.
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, "Martin@example.com");
    assert!(
        mail.subject.contains("Claire vous a envoyé une réponse"),
        "{}",
        mail.subject
    );
    assert!(mail.subject.contains("VPN lent"), "{}", mail.subject);
    assert!(
        mail.text.contains(link),
        "the text part holds the link: {}",
        mail.text
    );
    assert!(mail.html.contains("<h2>VPN lent"), "{}", mail.html);
    assert!(
        mail.text.contains("- Préférez un câble Ethernet") && !mail.text.contains("**"),
        "the answer as plain text, not Markdown: {}",
        mail.text
    );
    let from = mail.raw.lines().find(|l| l.starts_with("From:")).unwrap();
    assert!(
        from.contains("Vigie Helpdesk") && from.contains("<helpdesk@example.com>"),
        "{from}"
    );
    assert!(
        mail.message_id.ends_with("@127.0.0.1"),
        "{}",
        mail.message_id
    );
    let token = token_in(&mail);
    assert!(link.ends_with(&token));
    // The expiry written out in French (issue 11, item 22): "jusqu'au 2 mars 2027".
    let day =
        vigie::domain::long_date(created["expires_at"].as_i64().unwrap(), vigie_bot::Lang::Fr);
    assert!(
        mail.text.contains(&format!("valable jusqu'au {day}.")) && mail.html.contains(&day),
        "{day}: {}",
        mail.text
    );
    let sent = wait_item(&op, &conv, |v| v["mail"]["status"] == "sent").await;
    assert_eq!(sent["mail"]["attempts"], 1);
    assert!(sent["opened_at"].is_null());

    // The visitor follows the link: the conversation opens on the starting knowledge.
    let mut visitor = Visitor::connect(&app).await;
    let (welcome, replay) = visitor.hello_mc(&token).await.expect("the link opens");
    assert_eq!(welcome["conversation"], conv.as_str());
    assert!(
        welcome["visitor_token"].is_null(),
        "the link is the credential"
    );
    assert_eq!(welcome["monitored"]["operator"], "Claire");
    assert_eq!(
        welcome["config"]["modules"]["monitored_conversations"],
        true
    );
    assert_eq!(replay.len(), 1);
    assert_eq!(replay[0]["seq"], 1);
    assert_eq!(replay[0]["kind"], "knowledge");
    assert_eq!(replay[0]["knowledge"]["id"], "vpn-lent");
    let opened = wait_item(&op, &conv, |v| !v["opened_at"].is_null()).await;
    let first_open = opened["opened_at"].as_i64().unwrap();

    // The visitor answers; the bot answers back.
    let (_, mine, bot) = visitor
        .say("q-1", "comment réinitialiser mon mot de passe ?")
        .await;
    assert_eq!(mine["author"], "visitor");
    assert_eq!(bot["author"], "bot");
    visitor.close().await;

    // Days later, from another device: the same link, the whole conversation.
    let mut other = Visitor::connect(&app).await;
    let (_, replay) = other.hello_mc(&token).await.expect("the link still opens");
    assert_eq!(replay.len(), 3);
    assert_eq!(
        replay[1]["text"],
        "comment réinitialiser mon mot de passe ?"
    );
    assert_eq!(
        item(&op, &conv).await["opened_at"].as_i64().unwrap(),
        first_open,
        "the first opening is what is recorded"
    );
    // No mail is sent twice for one creation.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.count(), 1);
    app.finish().await;
}

async fn smtp_down_at_creation_sends_once_when_it_comes_back(backend: Backend) {
    // A port with nobody listening: the SMTP server is down.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let app = spawn_with_smtp(backend, port).await;
    let op = app.operator().await;
    let (created, conv) = create(&op, "visitor@example.com", false).await;
    // The worker may already have tried by the time the answer is built.
    let status = created["item"]["mail"]["status"].as_str().unwrap();
    assert!(
        matches!(status, "queued" | "sending" | "retrying"),
        "{status}"
    );
    let failed = wait_item(&op, &conv, |v| v["mail"]["status"] == "retrying").await;
    let reason = failed["mail"]["error"].as_str().unwrap();
    assert!(!reason.is_empty(), "the server's reason is shown: {failed}");
    assert!(failed["mail"]["attempts"].as_i64().unwrap() >= 1);

    // Vigie restarts (another process on the same database), then the SMTP server comes
    // back on the same port: the mail goes, once.
    let mut app = app;
    app.stop_server().await;
    let restarted = app.another_node().await;
    let op = restarted.operator().await;
    let sink = Sink::serve(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].to, "visitor@example.com");
    let sent = wait_item(&op, &conv, |v| v["mail"]["status"] == "sent").await;
    assert!(sent["mail"]["error"].is_null());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(sink.count(), 1, "sent once");
    restarted.finish().await;
    app.finish().await;
}

async fn links_expire_are_revoked_and_cannot_be_forged(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let op = app.operator().await;
    let (_, conv) = create(&op, "wrong@exmaple.com", false).await;
    let old = token_in(&sink.wait_for(1).await[0]);

    // Forged and unknown links open nothing.
    for forged in [
        "mc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string(),
        format!("{}x", &old[..old.len() - 1]),
        "vt_not-a-link".to_string(),
        "x".repeat(500),
    ] {
        let mut v = Visitor::connect(&app).await;
        let e = v
            .hello_mc(&forged)
            .await
            .expect_err("a forged link opens nothing");
        assert_eq!(e["code"], "link_invalid", "{forged}: {e}");
    }

    // Weak monitoring, wrong address: resend to the right one; the old link stops.
    let resent = expect(
        op.post(
            &format!("/api/v1/monitored-conversations/{conv}/resend"),
            &json!({"email": "right@example.com"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(resent["conversation"], conv.as_str());
    assert_eq!(resent["item"]["email"], "right@example.com");
    let mails = sink.wait_for(2).await;
    assert_eq!(mails[1].to, "right@example.com");
    let new = token_in(&mails[1]);
    assert_ne!(new, old);
    assert!(item(&op, &conv).await["dead_link"].is_null());
    let mut v = Visitor::connect(&app).await;
    assert_eq!(v.hello_mc(&old).await.unwrap_err()["code"], "link_revoked");
    // The attempt is recorded for the operators (issue 11, item 9).
    let tried = item(&op, &conv).await;
    assert_eq!(tried["dead_link"]["reason"], "link_revoked", "{tried}");
    assert!(tried["dead_link"]["at"].as_i64().unwrap() > 0);
    let mut v = Visitor::connect(&app).await;
    let (_, replay) = v.hello_mc(&new).await.expect("the new link opens");
    assert_eq!(
        replay[0]["knowledge"]["id"], "vpn-lent",
        "same conversation, same history"
    );
    let detail = item(&op, &conv).await;
    let links = detail["links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert!(links[1]["revoked_at"].is_i64() && links[0]["revoked_at"].is_null());

    // A bad address for the resend is refused, nothing changes.
    let r = expect(
        op.post(
            &format!("/api/v1/monitored-conversations/{conv}/resend"),
            &json!({"email": "no\r\nBcc: x@y.org"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(r["fields"][0]["field"], "email");

    // Expired: the link's date is past.
    app.sql("UPDATE monitored_links SET expires_at = 1").await;
    let mut v = Visitor::connect(&app).await;
    assert_eq!(v.hello_mc(&new).await.unwrap_err()["code"], "link_expired");
    assert_eq!(
        item(&op, &conv).await["dead_link"]["reason"],
        "link_expired"
    );

    // Revoked by hand.
    app.sql("UPDATE monitored_links SET expires_at = 99999999999999")
        .await;
    expect(
        op.post(
            &format!("/api/v1/monitored-conversations/{conv}/revoke"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let mut v = Visitor::connect(&app).await;
    assert_eq!(v.hello_mc(&new).await.unwrap_err()["code"], "link_revoked");
    // Unknown conversations are 404.
    expect(
        op.post("/api/v1/monitored-conversations/c_nope/revoke", &json!({}))
            .await,
        404,
    )
    .await;
    expect(op.get("/api/v1/monitored-conversations/c_nope").await, 404).await;
    app.finish().await;
}

async fn the_operator_guides_offers_help_and_takes_over(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let mut console = Console::connect(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    console.hello(json!({})).await;
    console.available().await;
    let op = app.operator().await;
    let (_, conv) = create(&op, "visitor@example.com", true).await;

    // Strong monitoring: the creator's console is told (it opens the tab).
    let listed = console
        .until(|v| {
            v["type"] == "monitored"
                && v["items"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|i| i["conversation"] == conv.as_str()))
        })
        .await;
    let it = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["conversation"] == conv.as_str())
        .unwrap();
    assert_eq!(it["strong"], true);
    assert_eq!(it["mine"], true);
    console
        .send(json!({"type": "open", "conversation": conv, "last_seq": 0}))
        .await;
    let info = console.until(|v| v["type"] == "conversation").await;
    assert_eq!(info["conversation"], conv.as_str());
    assert_eq!(info["bot"], "demo");
    assert_eq!(info["lang"], "fr");
    assert_eq!(info["kind"], "monitored");
    let first = console.until(|v| v["type"] == "message").await;
    assert_eq!(first["kind"], "knowledge");

    // The visitor writes: the operator sees it live, with the bot's answer.
    let token = token_in(&sink.wait_for(1).await[0]);
    let mut visitor = Visitor::connect(&app).await;
    visitor.hello_mc(&token).await.unwrap();
    visitor.say("v-1", "mon mot de passe a expiré").await;
    let seen = console
        .until(|v| v["type"] == "message" && v["author"] == "visitor")
        .await;
    assert_eq!(seen["text"], "mon mot de passe a expiré");
    console
        .until(|v| v["type"] == "message" && v["author"] == "bot")
        .await;

    // Guide: a knowledge sent without holding the conversation; the visitor sees an answer.
    console.send(json!({"type": "knowledge", "client_id": "g-1", "conversation": conv, "knowledge_id": "mot-de-passe-oublie"})).await;
    console
        .until(|v| v["type"] == "ack" && v["client_id"] == "g-1")
        .await;
    let guided = visitor.expect("message").await;
    // The operator's act (issue 11, item 10).
    assert_eq!(guided["author"], "operator");
    assert_eq!(guided["operator"]["name"], "Claire");
    assert_eq!(guided["knowledge"]["id"], "mot-de-passe-oublie");
    // Writing text needs the conversation live.
    console
        .send(json!({"type": "send", "client_id": "t-0", "conversation": conv, "text": "bonjour"}))
        .await;
    let refused = console
        .until(|v| v["type"] == "error" && v["client_id"] == "t-0")
        .await;
    assert_eq!(refused["code"], "not_yours");

    // Offer help; a second offer while the first waits is refused.
    console
        .send(json!({"type": "offer_help", "client_id": "o-1", "conversation": conv}))
        .await;
    console
        .until(|v| v["type"] == "ack" && v["client_id"] == "o-1")
        .await;
    let offer = visitor.expect("message").await;
    assert!(is_event(&offer, "help_offered"), "{offer}");
    assert_eq!(offer["operator"]["name"], "Claire");
    console
        .send(json!({"type": "offer_help", "client_id": "o-2", "conversation": conv}))
        .await;
    let e = console
        .until(|v| v["type"] == "error" && v["client_id"] == "o-2")
        .await;
    assert!(
        e["message"].as_str().unwrap().contains("already waiting"),
        "{e}"
    );
    assert_eq!(item(&op, &conv).await["offer_pending"], true);

    // The visitor declines: the operator sees it; a second answer has nothing to answer.
    visitor
        .send(json!({"type": "help_reply", "client_id": "h-1", "accept": false}))
        .await;
    visitor.expect("ack").await;
    assert!(is_event(&visitor.expect("message").await, "help_declined"));
    console.until(|v| is_event(v, "help_declined")).await;
    visitor
        .send(json!({"type": "help_reply", "client_id": "h-2", "accept": true}))
        .await;
    let e = visitor.expect("error").await;
    assert_eq!(e["code"], "no_offer");
    // A retried answer is the same answer, stored once.
    visitor
        .send(json!({"type": "help_reply", "client_id": "h-1", "accept": false}))
        .await;
    assert_eq!(visitor.expect("ack").await["duplicate"], true);

    // Offer again; this time the visitor accepts: livechat with that operator.
    console
        .send(json!({"type": "offer_help", "client_id": "o-3", "conversation": conv}))
        .await;
    console
        .until(|v| v["type"] == "ack" && v["client_id"] == "o-3")
        .await;
    assert!(is_event(&visitor.expect("message").await, "help_offered"));
    visitor
        .send(json!({"type": "help_reply", "client_id": "h-3", "accept": true}))
        .await;
    visitor.expect("ack").await;
    assert!(is_event(&visitor.expect("message").await, "help_accepted"));
    let joined = visitor.expect("message").await;
    assert!(is_event(&joined, "operator_joined"), "{joined}");
    console.until_assigned(&conv).await;
    console.send(json!({"type": "send", "client_id": "t-1", "conversation": conv, "text": "Je suis là, que se passe-t-il ?"})).await;
    console
        .until(|v| v["type"] == "ack" && v["client_id"] == "t-1")
        .await;
    let said = visitor.expect("message").await;
    assert_eq!(said["author"], "operator");
    let now = item(&op, &conv).await;
    assert_eq!(now["state"], "live");
    assert_eq!(now["operator"]["name"], "Claire");
    assert_eq!(now["offer_pending"], false);
    // While live, no offer can be made.
    console
        .send(json!({"type": "offer_help", "client_id": "o-4", "conversation": conv}))
        .await;
    console
        .until(|v| v["type"] == "error" && v["client_id"] == "o-4")
        .await;
    app.finish().await;
}

async fn a_weak_conversation_opens_no_tab_and_the_visitor_can_ask_for_a_human(app: &TestApp) {
    let mut console = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    console.hello(json!({})).await;
    console.available().await;
    let admin = app.admin().await;
    let (created, conv) = create(&admin, "visitor@example.com", false).await;
    let link = created["link"].as_str().unwrap();
    let token = &link[link.find("vigie_mc=").unwrap() + 9..];
    // Listed for everyone (not Claire's: `mine` is false, so no tab opens in her console).
    let listed = console
        .until(|v| v["type"] == "monitored" && v["items"].as_array().is_some_and(|a| !a.is_empty()))
        .await;
    assert_eq!(listed["items"][0]["strong"], false);
    assert_eq!(listed["items"][0]["mine"], false);
    // The mail went to the file outbox (no SMTP configured).
    let outbox = app.core.settings.data_dir.join("outbox");
    let mut found = false;
    for _ in 0..100 {
        if let Ok(dir) = std::fs::read_dir(&outbox) {
            for e in dir.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.ends_with(".eml") {
                    let text = std::fs::read_to_string(e.path()).unwrap();
                    assert!(text.contains("To: visitor@example.com"));
                    found = true;
                }
            }
        }
        if found {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(found, "an .eml file in {}", outbox.display());

    // The visitor asks for a human: the classic hand-over, to the available operator.
    let mut visitor = Visitor::connect(app).await;
    visitor.hello_mc(token).await.unwrap();
    visitor
        .send(json!({"type": "handoff", "client_id": "hand-1"}))
        .await;
    visitor.expect("ack").await;
    let joined = visitor.expect("message").await;
    assert!(is_event(&joined, "operator_joined"), "{joined}");
    console.until_assigned(&conv).await;
    let listed = expect(admin.get("/api/v1/monitored-conversations").await, 200).await;
    assert_eq!(listed["items"][0]["state"], "live");
    assert_eq!(listed["items"][0]["mine"], true, "the admin created it");

    // History: found by the visitor's address (part of it, any case), not by another.
    let found = expect(
        admin.get("/api/v1/conversations?visitor=VISITOR@exa").await,
        200,
    )
    .await;
    let convs = found["conversations"].as_array().unwrap();
    assert_eq!(convs.len(), 1, "{found}");
    assert_eq!(convs[0]["conversation"], conv.as_str());
    assert_eq!(convs[0]["visitor"], "visitor@example.com");
    assert_eq!(convs[0]["monitored"], "Appel de M. Martin");
    assert_eq!(convs[0]["kind"], "monitored");
    let none = expect(
        admin
            .get("/api/v1/conversations?visitor=someone_else%25")
            .await,
        200,
    )
    .await;
    assert_eq!(none["conversations"].as_array().unwrap().len(), 0, "{none}");
}

crate::both_backends!(a_weak_conversation_opens_no_tab_and_the_visitor_can_ask_for_a_human);

/// Issue 11, item 13: who may act on whose monitored conversation (docs/monitored-
/// conversations.md, "Who may act"): its creator, an admin, the operator holding it once
/// handed over; every operator sees it, with its creator, and whether they may act.
async fn only_the_creator_an_admin_or_the_holder_may_act(app: &TestApp) {
    vigie::service::actions::add_operator(
        &app.core,
        "bob@example.com",
        "Bob",
        "operator",
        "bob password 123".into(),
    )
    .await
    .unwrap();
    let claire = app.operator().await;
    let (_, conv) = create(&claire, "visitor@example.com", false).await;
    let bob = app.login("bob@example.com", "bob password 123").await;
    let seen = item(&bob, &conv).await;
    assert_eq!(seen["creator"]["name"], "Claire");
    assert_eq!(
        (seen["mine"].as_bool(), seen["may_act"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(item(&claire, &conv).await["may_act"], true);
    // The console offers resend and revoke to whom may manage the link.
    assert_eq!(seen["may_manage_links"], false);
    assert_eq!(item(&claire, &conv).await["may_manage_links"], true);
    // "Seen" per operator (issue 12): opening it in a console records it for that operator
    // only, so their other browsers do not show it as new.
    assert_eq!(item(&claire, &conv).await["seen"], false);
    let mut elsewhere = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    elsewhere.hello(json!({})).await;
    elsewhere
        .send(json!({"type": "open", "conversation": conv}))
        .await;
    elsewhere
        .until(|f| f["type"] == "conversation" && f["conversation"] == conv.as_str())
        .await;
    assert_eq!(item(&claire, &conv).await["seen"], true);
    assert_eq!(item(&bob, &conv).await["seen"], false);
    // The list's filters (issue 11, item 14): whose, state, mail status, text.
    let count = |v: Value| v["items"].as_array().unwrap().len();
    let list = |s: &Session, q: &'static str| {
        let s = s.clone();
        async move {
            expect(
                s.get(&format!("/api/v1/monitored-conversations{q}")).await,
                200,
            )
            .await
        }
    };
    assert_eq!(count(list(&bob, "?whose=mine").await), 0);
    assert_eq!(count(list(&bob, "?whose=all").await), 1);
    assert_eq!(count(list(&claire, "?whose=mine").await), 1);
    assert_eq!(count(list(&bob, "?q=appel%20de%20m.%20MARTIN").await), 1);
    assert_eq!(count(list(&bob, "?q=claire").await), 1, "by creator");
    assert_eq!(count(list(&bob, "?q=zzz").await), 0);
    assert_eq!(count(list(&bob, "?state=bot").await), 1);
    assert_eq!(count(list(&bob, "?state=live").await), 0);
    assert_eq!(count(list(&bob, "?mail=failed").await), 0);
    let e = expect(
        bob.get("/api/v1/monitored-conversations?mail=lost").await,
        422,
    )
    .await;
    assert_eq!(e["fields"][0]["field"], "mail");
    let e = expect(
        bob.post(
            &format!("/api/v1/monitored-conversations/{conv}/revoke"),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(e["error"], "monitored_links_not_yours");
    expect(
        bob.post(
            &format!("/api/v1/monitored-conversations/{conv}/resend"),
            &json!({"email": "other@example.com"}),
        )
        .await,
        403,
    )
    .await;
    // Nor guide nor offer help from Bob's console.
    let mut bob_console = Console::connect(app, "bob@example.com", "bob password 123").await;
    bob_console.hello(json!({})).await;
    bob_console.send(json!({"type": "knowledge", "client_id": "b-1", "conversation": conv, "knowledge_id": "vpn-lent"})).await;
    assert_eq!(
        bob_console.until(|f| f["type"] == "error").await["client_id"],
        "b-1"
    );
    bob_console
        .send(json!({"type": "offer_help", "client_id": "b-2", "conversation": conv}))
        .await;
    assert_eq!(
        bob_console.until(|f| f["type"] == "error").await["client_id"],
        "b-2"
    );
    // An admin may (a supervisor), and the creator may.
    let admin = app.admin().await;
    assert_eq!(item(&admin, &conv).await["may_act"], true);
    assert_eq!(item(&admin, &conv).await["may_manage_links"], true);
    expect(
        admin
            .post(
                &format!("/api/v1/monitored-conversations/{conv}/resend"),
                &json!({"email": "visitor2@example.com"}),
            )
            .await,
        200,
    )
    .await;
    let mut claire_console = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    claire_console.hello(json!({})).await;
    claire_console
        .send(json!({"type": "offer_help", "client_id": "c-1", "conversation": conv}))
        .await;
    claire_console.until(|f| f["type"] == "ack").await;
    expect(
        claire
            .post(
                &format!("/api/v1/monitored-conversations/{conv}/revoke"),
                &json!({}),
            )
            .await,
        200,
    )
    .await;
}

crate::both_backends!(only_the_creator_an_admin_or_the_holder_may_act);

/// Issue 11, item 11: a prefix URL per bot, falling back to the global one.
async fn each_bot_has_its_own_prefix_url(app: &TestApp) {
    let admin = app.admin().await;
    let mut settings = expect(admin.get("/api/v1/livechat/settings").await, 200).await;
    let global = settings["monitored_prefix_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(settings["monitored_prefix_urls"], json!({}));
    settings["monitored_prefix_urls"] = json!({"demo": "not a url"});
    let e = expect(admin.put("/api/v1/livechat/settings", &settings).await, 422).await;
    assert_eq!(e["fields"][0]["field"], "monitored_prefix_urls.demo", "{e}");
    settings["monitored_prefix_urls"] = json!({"demo": "https://intranet.example.com/aide/demo"});
    expect(admin.put("/api/v1/livechat/settings", &settings).await, 200).await;
    let (created, _) = create(&admin, "visitor@example.com", false).await;
    let link = created["link"].as_str().unwrap();
    assert!(
        link.starts_with("https://intranet.example.com/aide/demo?vigie_mc=mc_"),
        "{link}"
    );
    assert_eq!(created["item"]["bot"], "demo");
    // Emptied: back to the global prefix.
    settings["monitored_prefix_urls"] = json!({"demo": ""});
    expect(admin.put("/api/v1/livechat/settings", &settings).await, 200).await;
    let (created, _) = create(&admin, "visitor@example.com", false).await;
    assert!(created["link"].as_str().unwrap().starts_with(&global));
}

crate::both_backends!(each_bot_has_its_own_prefix_url);

/// Switches the module on or off in the demo's dialog box, and deploys.
async fn deploy_module(admin: &Session, on: bool) {
    let modules = json!({"modules": {"monitored_conversations": on}});
    expect(admin.put("/api/v1/bots/demo/config", &modules).await, 200).await;
    admin.deploy("demo").await;
}

async fn bad_input_names_the_field(backend: Backend) {
    let (_sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let op = app.operator().await;
    let post = |body: Value| {
        let op = op.clone();
        async move { op.post("/api/v1/monitored-conversations", &body).await }
    };
    let field = |v: &Value| v["fields"][0]["field"].as_str().unwrap_or("").to_string();

    let r = expect(
        post(json!({"bot": "demo", "name": "x", "starting_knowledge": "vpn-lent"})).await,
        422,
    )
    .await;
    assert_eq!(field(&r), "email", "{r}");
    let r = expect(post(json!({"bot": "demo", "name": "x", "starting_knowledge": "vpn-lent", "email": "martin@"})).await, 422).await;
    assert_eq!(field(&r), "email");
    assert!(
        r["message"].as_str().unwrap().contains("not a valid email"),
        "{r}"
    );
    let r = expect(post(json!({"bot": "demo", "name": "x", "starting_knowledge": "vpn-lent", "email": "a@b.org\r\nBcc: c@d.org"})).await, 422).await;
    assert_eq!(field(&r), "email");
    let r = expect(post(json!({"bot": "demo", "name": "x", "starting_knowledge": "no-such-thing", "email": "a@b.org"})).await, 422).await;
    assert_eq!(field(&r), "starting_knowledge");
    // The conversation's language is the visitor's: the starting knowledge must be in it
    // (issue 11, item 3).
    let r = expect(post(json!({"bot": "demo", "name": "x", "starting_knowledge": "vpn-lent", "email": "a@b.org", "lang": "en"})).await, 422).await;
    assert_eq!(field(&r), "starting_knowledge");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("in French, the conversation in English"),
        "{r}"
    );
    let en = expect(post(json!({"bot": "demo", "name": "x", "starting_knowledge": "talk-to-an-agent", "email": "a@b.org", "lang": "en"})).await, 201).await;
    assert_eq!(en["item"]["lang"], "en");
    let r = expect(post(json!({"bot": "demo", "name": "a\nb", "starting_knowledge": "vpn-lent", "email": "a@b.org"})).await, 422).await;
    assert_eq!(field(&r), "name");
    let r = expect(post(json!({"bot": "demo", "name": "", "starting_knowledge": "vpn-lent", "email": "a@b.org"})).await, 422).await;
    assert_eq!(field(&r), "name");
    let r = expect(post(json!({"bot": "nope", "name": "x", "starting_knowledge": "vpn-lent", "email": "a@b.org"})).await, 404).await;
    assert!(r["message"].as_str().unwrap().contains("bot"), "{r}");
    let r = expect(post(json!({"bot": "demo", "name": "x", "starting_knowledge": "vpn-lent", "email": "a@b.org", "colour": 1})).await, 422).await;
    assert!(r["message"].as_str().unwrap().contains("colour"), "{r}");
    let r = expect(
        op.post_raw(
            "/api/v1/monitored-conversations",
            "application/json",
            "{\"bot\": ",
        )
        .await,
        400,
    )
    .await;
    assert_eq!(r["error"], "json_malformed");
    expect(
        app.anonymous()
            .post("/api/v1/monitored-conversations", &request("a@b.org", true))
            .await,
        401,
    )
    .await;

    // Module off in the deployed configuration: refused, saying where to switch it on.
    let admin = app.admin().await;
    deploy_module(&admin, false).await;
    let r = expect(post(request("a@b.org", true)).await, 422).await;
    assert_eq!(field(&r), "bot");
    assert!(r["message"].as_str().unwrap().contains("Dialog box"), "{r}");
    deploy_module(&admin, true).await;

    // No prefix URL: refused, saying where to set it.
    let mut settings = expect(admin.get("/api/v1/livechat/settings").await, 200).await;
    settings["monitored_prefix_url"] = json!("");
    expect(admin.put("/api/v1/livechat/settings", &settings).await, 200).await;
    let r = expect(post(request("a@b.org", true)).await, 422).await;
    assert_eq!(field(&r), "monitored_prefix_url");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("Livechat settings > General > Misc"),
        "{r}"
    );

    // A prefix URL with a query: the token joins it with `&`.
    settings["monitored_prefix_url"] = json!("https://intranet.example.com/aide?page=chat");
    expect(admin.put("/api/v1/livechat/settings", &settings).await, 200).await;
    let ok = expect(post(request("a@b.org", true)).await, 201).await;
    assert!(
        ok["link"]
            .as_str()
            .unwrap()
            .starts_with("https://intranet.example.com/aide?page=chat&vigie_mc=mc_"),
        "{ok}"
    );
    app.finish().await;
}

async fn templates_are_checked_and_previewed(backend: Backend) {
    let (sink, port) = Sink::start();
    let app = spawn_with_smtp(backend, port).await;
    let admin = app.admin().await;
    let before = expect(admin.get("/api/v1/livechat/settings").await, 200).await;
    assert_eq!(before["monitored_link_days"], 90);
    assert!(before["monitored_prefix_url"]
        .as_str()
        .unwrap()
        .ends_with("/c/demo/"));

    // Unknown variable: refused with the part and the line; the stored one stays.
    let mut broken = before.clone();
    broken["monitored_mail"]["fr"]["html"] = json!("<p>Bonjour</p>\n<p>{{ nope }}</p>");
    let r = expect(admin.put("/api/v1/livechat/settings", &broken).await, 422).await;
    assert_eq!(r["fields"][0]["field"], "monitored_mail.fr.html");
    assert!(
        r["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 2: unknown variable `nope`"),
        "{r}"
    );
    // Does not compile.
    let mut broken = before.clone();
    broken["monitored_mail"]["en"]["text"] = json!("Hello\n{% if link %}\nno end");
    let r = expect(admin.put("/api/v1/livechat/settings", &broken).await, 422).await;
    assert_eq!(r["fields"][0]["field"], "monitored_mail.en.text");
    assert!(
        r["fields"][0]["message"].as_str().unwrap().contains("line"),
        "{r}"
    );
    // Bad prefix URL, bad link validity.
    let mut broken = before.clone();
    broken["monitored_prefix_url"] = json!("c/demo/");
    broken["monitored_link_days"] = json!(0);
    let r = expect(admin.put("/api/v1/livechat/settings", &broken).await, 422).await;
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["monitored_prefix_url", "monitored_link_days"]);
    assert_eq!(
        expect(admin.get("/api/v1/livechat/settings").await, 200).await,
        before
    );
    // An operator cannot change the settings.
    expect(
        app.operator()
            .await
            .put("/api/v1/livechat/settings", &before)
            .await,
        403,
    )
    .await;

    // Preview with sample values.
    let p = expect(
        admin.post("/api/v1/livechat/mail-preview", &json!({"lang": "en", "template": {
            "subject": "For {{ conversation_name }}", "html": "<b>{{ operator_name }}</b> {{ knowledge_answer_html }}", "text": "{{ link }}"}})).await,
        200,
    )
    .await;
    assert_eq!(p["subject"], "For Call from Mr Martin");
    assert!(
        p["html"].as_str().unwrap().starts_with("<b>Claire</b> <p>"),
        "{p}"
    );
    let r = expect(
        admin.post("/api/v1/livechat/mail-preview", &json!({"lang": "fr", "template": {"subject": "{{ x }}", "html": "a", "text": "b"}})).await,
        422,
    )
    .await;
    assert_eq!(r["fields"][0]["field"], "template.subject");

    // An edited template is what the next mail uses.
    let mut edited = before.clone();
    edited["monitored_mail"]["fr"]["subject"] = json!("[Helpdesk] {{ conversation_name }}");
    edited["monitored_link_days"] = json!(7);
    expect(admin.put("/api/v1/livechat/settings", &edited).await, 200).await;
    let (created, _) = create(&admin, "a@b.org", true).await;
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.subject, "[Helpdesk] Appel de M. Martin");
    let days =
        (created["expires_at"].as_i64().unwrap() - vigie::domain::now_ms()) as f64 / 86_400_000.0;
    assert!((6.9..7.01).contains(&days), "{days}");
    app.finish().await;
}

/// A private authority and a certificate for `localhost` signed by it (openssl).
fn private_ca(
    dir: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n").unwrap();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Vigie test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "srv.key",
        "-out",
        "srv.csr",
        "-subj",
        "/CN=localhost",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (dir.join("ca.pem"), dir.join("srv.pem"), dir.join("srv.key"))
}

/// STARTTLS required and credentials from `VIGIE_SMTP_URL`, the server's certificate from
/// a private authority (`VIGIE_SMTP_CA_FILE`): the mail goes; a wrong password is shown
/// to the operator with the server's reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_with_starttls_and_credentials() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = private_ca(certs.path());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = Sink::serve_tls(listener, &cert, &key, "vigie", "s3cret pass");
    for (password, works) in [("s3cret%20pass", true), ("wrong", false)] {
        let app = TestApp::spawn_with(Backend::Sqlite, |s| {
            s.smtp_url = Some(format!(
                "smtp://vigie:{password}@localhost:{port}?tls=required"
            ));
            s.smtp_ca_file = Some(ca.clone());
            s.mail_retry_seconds = 1;
        })
        .await;
        let op = app.operator().await;
        let (_, conv) = create(&op, "tls@example.com", true).await;
        if works {
            let mails = sink.wait_for(1).await;
            assert_eq!(mails[0].to, "tls@example.com");
            wait_item(&op, &conv, |v| v["mail"]["status"] == "sent").await;
        } else {
            let failed = wait_item(&op, &conv, |v| v["mail"]["status"] == "retrying").await;
            let reason = failed["mail"]["error"].as_str().unwrap();
            assert!(
                reason.contains("535") || reason.to_lowercase().contains("credentials"),
                "{reason}"
            );
            assert!(
                !reason.contains("wrong"),
                "the password is not shown: {reason}"
            );
            assert_eq!(sink.count(), 1, "nothing more delivered");
        }
        app.finish().await;
    }
    let logins = sink.logins.lock().unwrap().clone();
    assert_eq!(
        logins.first(),
        Some(&("vigie".to_string(), true)),
        "{logins:?}"
    );
    assert!(logins.iter().any(|(_, ok)| !ok));
}
