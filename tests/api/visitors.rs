//! Who the visitor is (issue 13, item 2): the embedding site's identity (`user_hash`, an
//! HMAC-SHA256 of the user id with the bot's secret), refused when forged, and the same
//! user's conversation from any device; the visitor record an operator reads (pages,
//! referrer, browser and system, languages, time zone, attributes, previous conversations),
//! kept up to date live (`page` → `visitor_changed`).

use crate::helpers::*;
use serde_json::{json, Value};
use vigie::domain::visitor_context::user_hash;

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

fn identity(id: &str, hash: &str) -> Value {
    json!({"context": {
        "user": {"id": id, "email": "marie.dupont@example.fr", "name": "Marie Dupont"},
        "user_hash": hash,
    }})
}

async fn identities_are_checked_and_follow_the_user(app: &TestApp) {
    let admin = app.admin().await;
    // No secret yet: an identity is refused, the conversation goes on anonymously.
    let none = expect(admin.get("/api/v1/bots/demo/identity").await, 200).await;
    assert_eq!(none["secret"], Value::Null);
    let mut early = Visitor::connect(app).await;
    let (w, _) = early
        .hello_with("demo", identity("u-42", &user_hash("whatever", "u-42")))
        .await
        .unwrap();
    assert_eq!(w["identity"], "refused");

    let secret = expect(
        admin
            .post("/api/v1/bots/demo/identity/secret", &json!({}))
            .await,
        200,
    )
    .await;
    let secret = secret["secret"].as_str().unwrap().to_string();
    assert!(secret.len() >= 32, "{secret}");
    let read = expect(admin.get("/api/v1/bots/demo/identity").await, 200).await;
    assert_eq!(read["secret"], secret.as_str());
    // Only admins read or change it.
    let op = app.operator().await;
    expect(op.get("/api/v1/bots/demo/identity").await, 403).await;
    expect(
        op.post("/api/v1/bots/demo/identity/secret", &json!({}))
            .await,
        403,
    )
    .await;

    // Device A: identified, writes.
    let good = user_hash(&secret, "u-42");
    let mut a = Visitor::connect(app).await;
    let (w, _) = a.hello_with("demo", identity("u-42", &good)).await.unwrap();
    assert_eq!(w["identity"], "verified");
    a.say("a-1", "mon vpn ne se connecte pas").await;
    let conv = a.conversation.clone().unwrap();

    // Device B, nothing stored: the same user finds the conversation and its messages.
    let mut b = Visitor::connect(app).await;
    let (w, replay) = b.hello_with("demo", identity("u-42", &good)).await.unwrap();
    assert_eq!(w["identity"], "verified");
    assert_eq!(w["conversation"], conv.as_str());
    assert!(
        replay
            .iter()
            .any(|m| m["text"] == "mon vpn ne se connecte pas"),
        "{replay:?}"
    );
    // A browser holding another (anonymous) conversation gets the user's when identified.
    let (w, _) = early
        .hello_with("demo", identity("u-42", &good))
        .await
        .unwrap();
    assert_eq!(w["conversation"], conv.as_str());

    // Forged: someone else's id with this hash, or the id with a made-up hash, or no
    // hash at all: refused, never the user's conversation.
    for forged in [
        identity("u-43", &good),
        identity("u-42", &user_hash("not the secret", "u-42")),
        identity("u-42", "zz-not-hex"),
        json!({"context": {"user": {"id": "u-42"}}}),
    ] {
        let mut c = Visitor::connect(app).await;
        let (w, replay) = c.hello_with("demo", forged.clone()).await.unwrap();
        assert_eq!(w["identity"], "refused", "{forged}");
        assert_ne!(w["conversation"], conv.as_str(), "{forged}");
        assert!(replay
            .iter()
            .all(|m| m["text"] != "mon vpn ne se connecte pas"));
        // Nor by naming the conversation.
        let mut d = Visitor::connect(app).await;
        d.conversation = Some(conv.clone());
        let err = d.hello_with("demo", forged).await.unwrap_err();
        assert_eq!(err["code"], "forbidden", "{err}");
    }

    // The operator's record names the user; the refused ones are anonymous.
    let rec = expect(
        op.get(&format!("/api/v1/conversations/{conv}/visitor"))
            .await,
        200,
    )
    .await;
    assert_eq!(rec["user"]["id"], "u-42");
    assert_eq!(rec["user"]["name"], "Marie Dupont");
    assert_eq!(rec["user"]["email"], "marie.dupont@example.fr");

    // A new secret: the old hashes are refused from now on; audited.
    expect(
        admin
            .post("/api/v1/bots/demo/identity/secret", &json!({}))
            .await,
        200,
    )
    .await;
    let mut e = Visitor::connect(app).await;
    let (w, _) = e.hello_with("demo", identity("u-42", &good)).await.unwrap();
    assert_eq!(w["identity"], "refused");
    expect(admin.delete("/api/v1/bots/demo/identity/secret").await, 204).await;
    let none = expect(admin.get("/api/v1/bots/demo/identity").await, 200).await;
    assert_eq!(none["secret"], Value::Null);
    let audit = expect(
        admin
            .get("/api/v1/audit?action=bot.identity_secret_renewed")
            .await,
        200,
    )
    .await;
    assert!(
        audit.to_string().contains("bot.identity_secret_renewed"),
        "{audit}"
    );
}

async fn the_visitor_record_shows_where_they_are(app: &TestApp) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut v = Visitor::connect_as(app, FIREFOX).await;
    let context = json!({"context": {
        "page": {"url": "https://shop.example/commande/123?vue=1", "title": "Ma commande", "at": now - 1_000},
        "pages": [
            {"url": "https://shop.example/", "title": "Accueil", "at": now - 60_000},
            {"url": "javascript:alert(1)", "title": "<script>", "at": now - 30_000},
        ],
        "referrer": "https://www.google.fr/",
        "time_zone": "Europe/Paris",
        "languages": ["fr-FR", "fr", "en"],
        "attributes": {"contrat": "Pro", "postes": 12},
    }});
    v.hello_with("demo", context.clone()).await.unwrap();
    v.say("q-1", "bonjour").await;
    let conv = v.conversation.clone().unwrap();

    let op = app.operator().await;
    let rec = expect(
        op.get(&format!("/api/v1/conversations/{conv}/visitor"))
            .await,
        200,
    )
    .await;
    let urls: Vec<&str> = rec["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://shop.example/commande/123?vue=1",
            "https://shop.example/"
        ],
        "the latest first, only web URLs"
    );
    assert_eq!(rec["pages"][0]["title"], "Ma commande");
    assert_eq!(rec["referrer"], "https://www.google.fr/");
    assert_eq!(rec["browser"], "Firefox 133");
    assert_eq!(rec["system"], "Windows");
    assert_eq!(rec["time_zone"], "Europe/Paris");
    assert_eq!(rec["languages"], json!(["fr-FR", "fr", "en"]));
    assert_eq!(rec["attributes"], json!({"contrat": "Pro", "postes": "12"}));
    assert_eq!(rec["previous_count"], 0);
    assert_eq!(rec["user"], Value::Null);
    assert!(rec["first_seen"].as_i64().unwrap() > 0);

    // A console following the conversation hears of a navigation, and reads it.
    let mut console = Console::connect(app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    console.hello(json!({})).await;
    console
        .send(json!({"type": "open", "conversation": conv, "last_seq": 0}))
        .await;
    console
        .until(|f| f["type"] == "message" && f["text"] == "bonjour")
        .await;
    v.send(json!({"type": "page", "page": {"url": "https://shop.example/aide", "title": "Aide", "at": now}}))
        .await;
    let changed = console.until(|f| f["type"] == "visitor_changed").await;
    assert_eq!(changed["conversation"], conv.as_str());
    let rec = expect(
        op.get(&format!("/api/v1/conversations/{conv}/visitor"))
            .await,
        200,
    )
    .await;
    assert_eq!(rec["pages"][0]["url"], "https://shop.example/aide");
    // A page that is not a web URL is ignored, without an error.
    v.send(json!({"type": "page", "page": {"url": "data:text/html,<b>x</b>"}}))
        .await;
    v.send(json!({"type": "ping"})).await;
    assert_eq!(v.expect("pong").await["type"], "pong");

    // The same visitor's next conversation lists this one.
    let mut again = Visitor::connect_as(app, FIREFOX).await;
    again.token = v.token.clone();
    again.hello_with("demo", json!({})).await.unwrap();
    // Stored (and so known to the staff) with its first message.
    again.say("q-2", "merci").await;
    let next = again.conversation.clone().unwrap();
    assert_ne!(next, conv);
    let rec = expect(
        op.get(&format!("/api/v1/conversations/{next}/visitor"))
            .await,
        200,
    )
    .await;
    assert_eq!(rec["previous_count"], 1);
    assert_eq!(rec["previous"][0]["id"], conv.as_str());

    // Staff only, known conversations only.
    let anon = reqwest::get(format!("{}/api/v1/conversations/{conv}/visitor", app.base))
        .await
        .unwrap();
    assert_eq!(anon.status(), 401);
    expect(op.get("/api/v1/conversations/c_nope/visitor").await, 404).await;
}

crate::both_backends!(
    identities_are_checked_and_follow_the_user,
    the_visitor_record_shows_where_they_are
);
