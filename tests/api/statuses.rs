//! Operator statuses as helpdesks use them (issue 13): away with a reason from the admins'
//! list, seen by colleagues; the time spent in each status; console preferences.

use crate::both_backends;
use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

async fn away_takes_a_listed_reason_that_colleagues_see(app: &TestApp) {
    let mut claire = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    claire
        .send(json!({"type": "hello", "v": 1, "conversations": {}}))
        .await;
    let welcome = claire.until(|v| v["type"] == "welcome").await;
    assert_eq!(welcome["away_reasons"][1], "Réunion", "{welcome}");
    claire.until(|v| v["type"] == "replay_done").await;
    let mut admin = Console::connect(app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    admin.hello(json!({})).await;

    claire
        .send(json!({"type": "availability", "status": "away", "reason": " Réunion "}))
        .await;
    let set = claire.until(|v| v["type"] == "availability").await;
    assert_eq!(set["status"], "away");
    assert_eq!(set["reason"], "Réunion");
    // The colleague's presence list shows it, with since when.
    let seen = admin
        .until(|v| {
            v["type"] == "presence"
                && v["operators"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["reason"] == "Réunion")
        })
        .await;
    let row = seen["operators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["reason"] == "Réunion")
        .unwrap()
        .clone();
    assert_eq!(row["status"], "away");
    assert!(row["since"].as_i64().unwrap() > 0);

    // A reason not in the list, or with another status, is refused with its code; the
    // status stays as it was.
    claire
        .send(json!({"type": "availability", "status": "away", "reason": "Sieste"}))
        .await;
    let e = claire.until(|v| v["type"] == "error").await;
    assert_eq!(e["code"], "away_reason_unknown", "{e}");
    claire
        .send(json!({"type": "availability", "status": "available", "reason": "Pause"}))
        .await;
    let e = claire.until(|v| v["type"] == "error").await;
    assert_eq!(e["code"], "reason_only_away", "{e}");

    // The admins change the list (General > Misc); a new reason is then accepted. A list
    // with the same reason twice is refused, naming the field.
    let s = app.admin().await;
    let bad = expect(
        s.put(
            "/api/v1/livechat/settings",
            &json!({"away_reasons": ["Pause", "pause"]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["field"], "away_reasons", "{bad}");
    assert_eq!(bad["fields"][0]["code"], "duplicate_value", "{bad}");
    expect(
        s.put(
            "/api/v1/livechat/settings",
            &json!({"away_reasons": ["Pause", "Rappel client"]}),
        )
        .await,
        200,
    )
    .await;
    claire
        .send(json!({"type": "availability", "status": "away", "reason": "Rappel client"}))
        .await;
    let set = claire.until(|v| v["type"] == "availability").await;
    assert_eq!(set["reason"], "Rappel client");
    // Back to available: the reason goes.
    claire
        .send(json!({"type": "availability", "status": "available"}))
        .await;
    let set = claire.until(|v| v["type"] == "availability").await;
    assert!(set["reason"].is_null(), "{set}");
}

async fn time_in_each_status_is_recorded(app: &TestApp) {
    let start = vigie::domain::now_ms();
    let mut claire = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    claire.hello(json!({})).await;
    claire.available().await;
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    claire
        .send(json!({"type": "availability", "status": "away", "reason": "Pause"}))
        .await;
    claire.until(|v| v["type"] == "availability").await;
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    claire
        .send(json!({"type": "availability", "status": "offline"}))
        .await;
    claire.until(|v| v["type"] == "availability").await;
    tokio::time::sleep(Duration::from_millis(1_200)).await; // offline: not counted

    let s = app.admin().await;
    let path = format!(
        "/api/v1/livechat/status-times?from={start}&to={}",
        vigie::domain::now_ms()
    );
    let body = expect(s.get(&path).await, 200).await;
    let rows = body["operators"].as_array().unwrap();
    let secs = |status: &str, reason: Option<&str>| -> i64 {
        rows.iter()
            .filter(|r| {
                r["name"] == "Claire" && r["status"] == status && r["reason"].as_str() == reason
            })
            .map(|r| r["seconds"].as_i64().unwrap())
            .sum()
    };
    // Slept 1.3 s and 2.3 s (plus the round trips of a busy machine).
    assert!((1..=2).contains(&secs("available", None)), "{body}");
    assert!((2..=3).contains(&secs("away", Some("Pause"))), "{body}");
    assert!(!rows.iter().any(|r| r["status"] == "offline"), "{body}");

    // A period before it all holds nothing; a reversed one is refused; operators may not
    // read it.
    let before = expect(
        s.get(&format!(
            "/api/v1/livechat/status-times?from={}&to={}",
            start - 10_000,
            start - 5_000
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(before["operators"], json!([]));
    let reversed = expect(
        s.get(&format!(
            "/api/v1/livechat/status-times?from={start}&to={}",
            start - 1
        ))
        .await,
        422,
    )
    .await;
    assert_eq!(
        reversed["fields"][0]["code"], "period_invalid",
        "{reversed}"
    );
    let op = app.operator().await;
    let refused = expect(op.get("/api/v1/livechat/status-times").await, 403).await;
    assert_eq!(refused["error"], "supervisor_only");
}

async fn console_preferences_follow_the_operator(app: &TestApp) {
    let s = app.operator().await;
    let d = expect(s.get("/api/v1/me/preferences").await, 200).await;
    assert_eq!(d["sound"], true);
    assert_eq!(d["desktop"]["queue"], true);
    assert_eq!(d["desktop"]["weak_replies"], false);
    let saved = expect(
        s.put(
            "/api/v1/me/preferences",
            &json!({"sound": false, "desktop": {"weak_replies": true}}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["desktop"]["messages"], true, "left out: the default");
    // Another session of the same operator (another browser) reads them.
    let other = app.operator().await;
    let read = expect(other.get("/api/v1/me/preferences").await, 200).await;
    assert_eq!(read["sound"], false);
    assert_eq!(read["desktop"]["weak_replies"], true);
    // A colleague keeps theirs.
    let admin = app.admin().await;
    let theirs = expect(admin.get("/api/v1/me/preferences").await, 200).await;
    assert_eq!(theirs["sound"], true);
    // Unknown fields and malformed JSON are refused and change nothing.
    let r = s
        .put(
            "/api/v1/me/preferences",
            &json!({"sound": true, "volume": 11}),
        )
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let read = expect(other.get("/api/v1/me/preferences").await, 200).await;
    assert_eq!(read["sound"], false);
    // Without the CSRF token: refused.
    let no_csrf = Session {
        csrf: None,
        ..s.clone()
    };
    let r = no_csrf
        .put("/api/v1/me/preferences", &json!({"sound": true}))
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // Signed out: 401.
    let r = app.anonymous().get("/api/v1/me/preferences").await;
    assert_eq!(r.status().as_u16(), 401);
}

both_backends!(
    away_takes_a_listed_reason_that_colleagues_see,
    time_in_each_status_is_recorded,
    console_preferences_follow_the_operator,
);
