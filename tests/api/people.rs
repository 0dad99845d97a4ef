//! People, account links, scoped API tokens and the audit log (issue 12, items 1, 3 and 6),
//! over the real API with a real SMTP server, on both backends. Every refusal is checked
//! to change nothing.

use crate::helpers::*;
use crate::mail_sink::{Mail, Sink};
use serde_json::{json, Value};
use vigie::store::Backend;

async fn spawn_with_smtp(backend: Backend) -> (TestApp, Sink) {
    let (sink, port) = Sink::start();
    let app = TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_from = "Vigie <vigie@example.com>".into();
        s.mail_retry_seconds = 1;
    })
    .await;
    (app, sink)
}

/// The account-link token in a mail's text (`#invite=…` or `#reset=…`).
fn link_token(mail: &Mail) -> String {
    let at = mail
        .text
        .find("#invite=")
        .or_else(|| mail.text.find("#reset="))
        .expect("a link in the mail");
    let rest = &mail.text[at..];
    let start = rest.find('=').unwrap() + 1;
    rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

async fn people(s: &Session) -> Vec<Value> {
    expect(s.get("/api/v1/people").await, 200).await["people"]
        .as_array()
        .unwrap()
        .clone()
}

fn find<'a>(list: &'a [Value], email: &str) -> &'a Value {
    list.iter()
        .find(|p| p["email"] == email)
        .unwrap_or_else(|| panic!("{email} not listed"))
}

async fn invite(admin: &Session, email: &str, role: &str) -> Value {
    expect(
        admin
            .post(
                "/api/v1/people",
                &json!({"email": email, "name": "Bruno Nouveau", "role": role,
                        "languages": ["fr", "en"], "capacity": 4, "lang": "fr"}),
            )
            .await,
        201,
    )
    .await
}

async fn set_password(
    app: &TestApp,
    token: &str,
    password: &str,
    name: Option<&str>,
) -> reqwest::Response {
    app.anonymous()
        .post(
            "/api/v1/account/password",
            &json!({"token": token, "password": password, "name": name}),
        )
        .await
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    let r = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn audit(s: &Session, query: &str) -> Value {
    expect(s.get(&format!("/api/v1/audit{query}")).await, 200).await
}

fn actions(log: &Value) -> Vec<String> {
    log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

const NEW: &str = "bruno@example.com";
const GOOD: &str = "un cheval bleu dans le pré";

/// An admin invites; the mail arrives; weak passwords are refused with their code and
/// leave the link usable; the password is set once; the link then answers `link_used`;
/// an expired link answers `link_expired`; the person logs in.
async fn an_invitation_sets_a_password_once(backend: Backend) {
    let (app, sink) = spawn_with_smtp(backend).await;
    let admin = app.admin().await;
    let person = invite(&admin, NEW, "operator").await;
    assert_eq!(person["status"], "invited");
    assert_eq!(person["capacity"], 4);
    assert_eq!(person["languages"], json!(["fr", "en"]));
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, NEW);
    assert!(
        mail.subject.contains("Ada Admin vous invite"),
        "{}",
        mail.subject
    );
    let token = link_token(&mail);
    assert!(
        token.starts_with("vgi_") && token.len() == 4 + 43,
        "{token}"
    );
    // Only the hash is stored.
    assert!(app.store.account_link(&token).await.is_err());
    assert!(app
        .store
        .account_link(&vigie::auth::token_hash(&token))
        .await
        .is_ok());
    // Not yet able to log in.
    assert_eq!(login_status(&app, NEW, GOOD).await.0, 401);

    let info = expect(
        app.anonymous()
            .post("/api/v1/account/link", &json!({"token": token}))
            .await,
        200,
    )
    .await;
    assert_eq!(info["purpose"], "invite");
    assert_eq!(info["email"], NEW);

    for (pw, code) in [
        ("court", "too_short"),
        ("motdepasse123", "password_common"),
        ("Password123!", "password_common"),
        (NEW, "password_is_email"),
    ] {
        let body = expect(set_password(&app, &token, pw, None).await, 422).await;
        assert_eq!(body["fields"][0]["field"], "password", "{body}");
        assert_eq!(body["fields"][0]["code"], code, "{pw}: {body}");
    }
    assert_eq!(find(&people(&admin).await, NEW)["status"], "invited");

    let done = expect(
        set_password(&app, &token, GOOD, Some("Bruno N.")).await,
        200,
    )
    .await;
    assert_eq!(done["email"], NEW);
    let (status, me) = login_status(&app, NEW, GOOD).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["operator"]["name"], "Bruno N.");
    assert_eq!(me["operator"]["role"], "operator");
    assert_eq!(find(&people(&admin).await, NEW)["status"], "active");

    // Used: refused, and the password stays.
    let body = expect(
        set_password(&app, &token, "une autre phrase longue", None).await,
        410,
    )
    .await;
    assert_eq!(body["error"], "link_used");
    assert_eq!(login_status(&app, NEW, GOOD).await.0, 200);
    let body = expect(
        app.anonymous()
            .post("/api/v1/account/link", &json!({"token": token}))
            .await,
        410,
    )
    .await;
    assert_eq!(body["error"], "link_used");

    // Expired: a second invitation, its link moved into the past.
    invite(&admin, "carla@example.com", "supervisor").await;
    let mail = sink.wait_for(2).await.remove(1);
    let token = link_token(&mail);
    app.store
        .set_account_link_expiry(&vigie::auth::token_hash(&token), 1)
        .await
        .unwrap();
    let body = expect(set_password(&app, &token, GOOD, None).await, 410).await;
    assert_eq!(body["error"], "link_expired");
    assert_eq!(
        find(&people(&admin).await, "carla@example.com")["status"],
        "invited"
    );
    // Forged.
    let body = expect(set_password(&app, "vgi_forged", GOOD, None).await, 404).await;
    assert_eq!(body["error"], "link_unknown");
    // A new invitation replaces the expired link.
    let carla = find(&people(&admin).await, "carla@example.com")["id"].clone();
    expect(
        admin
            .post(
                &format!("/api/v1/people/{carla}/invite"),
                &json!({"lang": "en"}),
            )
            .await,
        200,
    )
    .await;
    let mail = sink.wait_for(3).await.remove(2);
    assert!(mail.subject.contains("invites you"), "{}", mail.subject);
    expect(
        set_password(&app, &link_token(&mail), GOOD, None).await,
        200,
    )
    .await;
    let (_, me) = login_status(&app, "carla@example.com", GOOD).await;
    assert_eq!(me["operator"]["role"], "supervisor");
    app.finish().await;
}

/// A duplicate email, a bad role or language: coded errors, nothing created, no mail.
async fn bad_invitations_change_nothing(app: &TestApp) {
    let admin = app.admin().await;
    let before = people(&admin).await.len();
    let body = expect(
        admin
            .post(
                "/api/v1/people",
                &json!({"email": "CLAIRE@example.com", "name": "Autre Claire"}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(body["error"], "email_taken");
    assert_eq!(body["params"]["email"], "claire@example.com");
    let body = expect(
        admin
            .post(
                "/api/v1/people",
                &json!({"email": "pas une adresse", "name": "", "role": "boss", "languages": ["français"], "capacity": 99}),
            )
            .await,
        422,
    )
    .await;
    let codes: Vec<(&str, &str)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    for want in [
        ("email", "email_invalid"),
        ("name", "required"),
        ("role", "role_invalid"),
        ("languages", "bad_language"),
        ("capacity", "out_of_range"),
    ] {
        assert!(codes.contains(&want), "{want:?} in {codes:?}");
    }
    assert_eq!(people(&admin).await.len(), before);
    let mails: i64 = app.store.search_audit(&Default::default()).await.unwrap().1;
    assert_eq!(mails, 0, "nothing audited for refused acts");
    // Operators cannot invite or list.
    let op = app.operator().await;
    expect(op.get("/api/v1/people").await, 403).await;
    expect(
        op.post(
            "/api/v1/people",
            &json!({"email": "x@example.com", "name": "X"}),
        )
        .await,
        403,
    )
    .await;
}

/// The last active admin cannot be demoted or deactivated; nor can an admin deactivate
/// themselves. With a second admin, the first may be demoted.
async fn the_last_admin_stays(app: &TestApp) {
    let admin = app.admin().await;
    let list = people(&admin).await;
    let ada = find(&list, ADMIN_EMAIL)["id"].clone();
    let claire = find(&list, OPERATOR_EMAIL)["id"].clone();
    let body = expect(
        admin
            .patch(
                &format!("/api/v1/people/{ada}"),
                &json!({"role": "operator"}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(body["error"], "last_admin");
    let body = expect(
        admin
            .post(&format!("/api/v1/people/{ada}/deactivate"), &json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(body["error"], "cannot_deactivate_self");
    assert_eq!(find(&people(&admin).await, ADMIN_EMAIL)["role"], "admin");
    // Another admin (invited, no password yet) does not count.
    let bad = expect(
        admin
            .patch(
                &format!("/api/v1/people/{claire}"),
                &json!({"role": "boss"}),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(bad["fields"][0]["code"], "role_invalid");
    expect(
        admin
            .patch(
                &format!("/api/v1/people/{claire}"),
                &json!({"role": "admin", "name": "Claire M.", "languages": ["fr"], "capacity": 5}),
            )
            .await,
        200,
    )
    .await;
    let claire_admin = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    // Now Claire demotes Ada, and the last admin (Claire) cannot be demoted by herself.
    let ada_now = expect(
        claire_admin
            .patch(
                &format!("/api/v1/people/{ada}"),
                &json!({"role": "supervisor"}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(ada_now["role"], "supervisor");
    let body = expect(
        claire_admin
            .patch(
                &format!("/api/v1/people/{claire}"),
                &json!({"role": "operator"}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(body["error"], "last_admin");
    let log = audit(&claire_admin, "?action=person.").await;
    let acts = actions(&log);
    assert!(acts.contains(&"person.role".to_string()), "{acts:?}");
    // Supervisors read the log; they change no settings and manage no one.
    let ada_sup = app.admin().await;
    expect(ada_sup.get("/api/v1/audit").await, 200).await;
    expect(ada_sup.get("/api/v1/people").await, 200).await;
    expect(
        ada_sup
            .patch(&format!("/api/v1/people/{claire}"), &json!({"name": "X"}))
            .await,
        403,
    )
    .await;
    expect(
        ada_sup
            .put("/api/v1/livechat/settings", &json!({"default_capacity": 4}))
            .await,
        403,
    )
    .await;
}

/// Deactivation ends the sessions and tokens at once, closes the open console, refuses the
/// login, keeps the history; reactivation lets them back in.
async fn deactivation_ends_everything_at_once(app: &TestApp) {
    let admin = app.admin().await;
    let claire_id = find(&people(&admin).await, OPERATOR_EMAIL)["id"].clone();
    let session = app.operator().await;
    let token = vigie::service::actions::create_api_token(&app.core, OPERATOR_EMAIL, "crm")
        .await
        .unwrap();
    let mut console = Console::connect(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    console.hello(json!({})).await;

    let person = expect(
        admin
            .post(
                &format!("/api/v1/people/{claire_id}/deactivate"),
                &json!({}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(person["status"], "deactivated");
    let (frames, code) = console.until_closed().await;
    assert!(
        frames
            .iter()
            .any(|f| f["type"] == "error" && f["code"] == "signed_out"),
        "{frames:?}"
    );
    assert_eq!(code, Some(4401));
    expect(session.get("/api/v1/tokens").await, 401).await;
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/bots"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    expect(r, 401).await;
    let (status, body) = login_status(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "account_deactivated");
    // A wrong password still gets the generic answer (no hint the account exists).
    assert_eq!(
        login_status(app, OPERATOR_EMAIL, "nope nope nope").await.0,
        401
    );
    // Kept, and out of the colleagues' presence.
    assert!(app.store.operator_by_email(OPERATOR_EMAIL).await.is_ok());
    let log = audit(&admin, "?action=person.deactivate").await;
    assert_eq!(log["total"], 1);
    assert!(log["entries"][0]["target"]
        .as_str()
        .unwrap()
        .contains(OPERATOR_EMAIL));
    assert_eq!(log["entries"][0]["ip"], "127.0.0.1");

    expect(
        admin
            .post(
                &format!("/api/v1/people/{claire_id}/reactivate"),
                &json!({}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(
        login_status(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await.0,
        200
    );
}

/// Each user changes their name and password (the current one asked), and signs out of
/// every session.
async fn everyone_manages_their_own_account(app: &TestApp) {
    let s = app.operator().await;
    let other = app.operator().await;
    let body = expect(
        s.put(
            "/api/v1/me/password",
            &json!({"current_password": "wrong one", "password": GOOD}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["fields"][0]["field"], "current_password");
    assert_eq!(body["fields"][0]["code"], "wrong_password");
    let body = expect(
        s.put(
            "/api/v1/me/password",
            &json!({"current_password": OPERATOR_PASSWORD, "password": "azertyuiop"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["fields"][0]["code"], "password_common");
    assert_eq!(
        login_status(app, OPERATOR_EMAIL, OPERATOR_PASSWORD).await.0,
        200
    );
    expect(
        s.put(
            "/api/v1/me/password",
            &json!({"current_password": OPERATOR_PASSWORD, "password": GOOD}),
        )
        .await,
        200,
    )
    .await;
    // This session stays, the other one ended.
    expect(s.get("/api/v1/auth/me").await, 200).await;
    expect(other.get("/api/v1/tokens").await, 401).await;
    assert_eq!(login_status(app, OPERATOR_EMAIL, GOOD).await.0, 200);

    let body = expect(s.put("/api/v1/me", &json!({"name": "  "})).await, 422).await;
    assert_eq!(body["fields"][0]["code"], "required");
    let me = expect(
        s.put("/api/v1/me", &json!({"name": "Claire Martin"})).await,
        200,
    )
    .await;
    assert_eq!(me["operator"]["name"], "Claire Martin");

    let third = app.login(OPERATOR_EMAIL, GOOD).await;
    let mut console = Console::connect(app, OPERATOR_EMAIL, GOOD).await;
    console.hello(json!({})).await;
    let done = expect(s.post("/api/v1/me/sessions/end", &json!({})).await, 200).await;
    assert!(done["sessions"].as_u64().unwrap() >= 3, "{done}");
    expect(s.get("/api/v1/tokens").await, 401).await;
    expect(third.get("/api/v1/tokens").await, 401).await;
    let (frames, _) = console.until_closed().await;
    assert!(
        frames.iter().any(|f| f["code"] == "signed_out"),
        "{frames:?}"
    );
}

/// The same answer whether the address exists or not; the mail only for an account;
/// rate-limited; the reset link works once.
async fn a_forgotten_password_by_mail(backend: Backend) {
    let (app, sink) = spawn_with_smtp(backend).await;
    let anon = app.anonymous();
    let known = expect(
        anon.post(
            "/api/v1/account/forgot",
            &json!({"email": OPERATOR_EMAIL, "lang": "en"}),
        )
        .await,
        202,
    )
    .await;
    let unknown = expect(
        anon.post(
            "/api/v1/account/forgot",
            &json!({"email": "nobody@example.com", "lang": "en"}),
        )
        .await,
        202,
    )
    .await;
    assert_eq!(known, unknown);
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, OPERATOR_EMAIL);
    assert!(mail.subject.contains("new password"), "{}", mail.subject);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.count(), 1, "no mail for an unknown address");
    let token = link_token(&mail);
    assert!(token.starts_with("vgr_"));
    let old_session = app.operator().await;
    expect(set_password(&app, &token, GOOD, None).await, 200).await;
    expect(old_session.get("/api/v1/tokens").await, 401).await;
    assert_eq!(login_status(&app, OPERATOR_EMAIL, GOOD).await.0, 200);
    assert_eq!(
        login_status(&app, OPERATOR_EMAIL, OPERATOR_PASSWORD)
            .await
            .0,
        401
    );
    let body = expect(
        set_password(&app, &token, "encore une autre phrase", None).await,
        410,
    )
    .await;
    assert_eq!(body["error"], "link_used");
    // Rate limit per address: a few an hour.
    let mut limited = false;
    for _ in 0..6 {
        let r = anon
            .post(
                "/api/v1/account/forgot",
                &json!({"email": "spam@example.com"}),
            )
            .await;
        if r.status() == 429 {
            limited = true;
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"], "too_many_requests");
            break;
        }
    }
    assert!(limited);
    app.finish().await;
}

async fn bearer(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut rb = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    rb.send().await.unwrap()
}

/// A `monitored:create` token creates a monitored conversation and is refused everywhere
/// else (HTTP and WebSocket) with `token_scope`; `knowledge:read` reads and does not write;
/// old tokens keep full rights; tokens are listed with their last use and revoked.
async fn token_scopes_are_enforced(app: &TestApp) {
    use reqwest::Method;
    let s = app.operator().await;
    let bad = expect(
        s.post(
            "/api/v1/tokens",
            &json!({"name": " ", "scope": "everything"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad["fields"].as_array().unwrap().len(), 2, "{bad}");
    let created = expect(
        s.post(
            "/api/v1/tokens",
            &json!({"name": "CRM", "scope": "monitored:create"}),
        )
        .await,
        201,
    )
    .await;
    let crm = created["token"].as_str().unwrap().to_string();
    assert!(crm.starts_with("vgt_"));
    assert!(created["last_used_at"].is_null());
    let r = bearer(
        app,
        &crm,
        Method::POST,
        "/api/v1/monitored-conversations",
        Some(json!({"bot": "demo", "name": "Appel CRM", "starting_knowledge": "vpn-lent", "email": "martin@example.com"})),
    )
    .await;
    let mc = expect(r, 201).await;
    assert!(mc["link"].as_str().unwrap().contains("vigie_mc="));
    for (method, path, body) in [
        (Method::GET, "/api/v1/monitored-conversations", None),
        (Method::GET, "/api/v1/conversations", None),
        (Method::GET, "/api/v1/bots", None),
        (Method::GET, "/api/v1/bots/demo/knowledge", None),
        (Method::GET, "/api/v1/auth/me", None),
        (Method::GET, "/api/v1/tokens", None),
        (Method::GET, "/api/v1/livechat/settings", None),
        (
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "escalate"})),
        ),
    ] {
        let r = bearer(app, &crm, method.clone(), path, body).await;
        let b = expect(r, 403).await;
        assert_eq!(b["error"], "token_scope", "{method} {path}: {b}");
        assert_eq!(b["params"]["scope"], "monitored:create");
    }
    // The WebSocket too.
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{}/ws/operator", app.base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {crm}").parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!(
            "the socket opened for a monitored:create token: {:?}",
            other.is_ok()
        ),
    }

    // knowledge:read reads, does not write (even an admin's).
    let admin = app.admin().await;
    let kr = expect(
        admin
            .post(
                "/api/v1/tokens",
                &json!({"name": "Wiki", "scope": "knowledge:read"}),
            )
            .await,
        201,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    expect(
        bearer(
            app,
            &kr,
            Method::GET,
            "/api/v1/bots/demo/knowledge/vpn-lent",
            None,
        )
        .await,
        200,
    )
    .await;
    expect(
        bearer(app, &kr, Method::GET, "/api/v1/bots", None).await,
        200,
    )
    .await;
    let b = expect(
        bearer(
            app,
            &kr,
            Method::DELETE,
            "/api/v1/bots/demo/knowledge/vpn-lent",
            None,
        )
        .await,
        403,
    )
    .await;
    assert_eq!(b["error"], "token_scope");
    expect(
        bearer(app, &kr, Method::GET, "/api/v1/conversations", None).await,
        403,
    )
    .await;
    // conversations:read reads the history.
    let cr = expect(
        admin
            .post(
                "/api/v1/tokens",
                &json!({"name": "BI", "scope": "conversations:read"}),
            )
            .await,
        201,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    expect(
        bearer(app, &cr, Method::GET, "/api/v1/conversations", None).await,
        200,
    )
    .await;
    expect(
        bearer(app, &cr, Method::GET, "/api/v1/bots/demo/knowledge", None).await,
        403,
    )
    .await;
    // knowledge:write of an admin writes.
    let kw = expect(
        admin
            .post(
                "/api/v1/tokens",
                &json!({"name": "Import", "scope": "knowledge:write"}),
            )
            .await,
        201,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    expect(
        bearer(
            app,
            &kw,
            Method::DELETE,
            "/api/v1/bots/demo/knowledge/vpn-lent",
            None,
        )
        .await,
        204,
    )
    .await;
    expect(
        bearer(
            app,
            &kw,
            Method::POST,
            "/api/v1/bots/demo/deployments",
            Some(json!({})),
        )
        .await,
        403,
    )
    .await;
    // A token made before scopes (the CLI's) keeps full rights.
    let old = vigie::service::actions::create_api_token(&app.core, ADMIN_EMAIL, "old")
        .await
        .unwrap();
    expect(
        bearer(
            app,
            &old,
            Method::POST,
            "/api/v1/bots/demo/deployments",
            Some(json!({})),
        )
        .await,
        201,
    )
    .await;

    // Listing: one's own; an admin sees all with ?all=1; last use shown.
    let mine = expect(s.get("/api/v1/tokens").await, 200).await;
    let list = mine["tokens"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0]["last_used_at"].as_i64().is_some());
    assert!(list[0].get("token").is_none());
    let all = expect(admin.get("/api/v1/tokens?all=1").await, 200).await;
    assert!(all["tokens"].as_array().unwrap().len() >= 5);
    // Revoking: not someone else's (for an operator), at once for one's own.
    let admin_token_id = all["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Wiki")
        .unwrap()["id"]
        .clone();
    let b = expect(
        s.delete(&format!("/api/v1/tokens/{admin_token_id}")).await,
        404,
    )
    .await;
    assert_eq!(b["error"], "token_unknown");
    expect(
        bearer(app, &kr, Method::GET, "/api/v1/bots", None).await,
        200,
    )
    .await;
    let id = list[0]["id"].clone();
    expect(s.delete(&format!("/api/v1/tokens/{id}")).await, 204).await;
    expect(
        bearer(
            app,
            &crm,
            Method::POST,
            "/api/v1/monitored-conversations",
            Some(json!({})),
        )
        .await,
        401,
    )
    .await;
    let log = audit(&admin, "?action=token.").await;
    let acts = actions(&log);
    assert!(
        acts.contains(&"token.create".to_string()) && acts.contains(&"token.revoke".to_string()),
        "{acts:?}"
    );
    assert!(
        !log.to_string().contains(&crm),
        "no secret in the audit log"
    );
}

/// The audit log: admin and supervisor acts with who, what, target, address; filters by
/// actor, action, period and text; server pagination; operators refused; old entries
/// swept after the retention.
async fn the_audit_log_records_and_filters(app: &TestApp) {
    let admin = app.admin().await;
    expect(
        admin
            .put("/api/v1/livechat/settings", &json!({"default_capacity": 5}))
            .await,
        200,
    )
    .await;
    let mut tpl =
        expect(admin.get("/api/v1/livechat/settings").await, 200).await["invite_mail"].clone();
    tpl["fr"]["subject"] = json!("Bienvenue {{ name }}");
    expect(
        admin
            .put("/api/v1/livechat/settings", &json!({"invite_mail": tpl}))
            .await,
        200,
    )
    .await;
    // A template with an unknown variable is refused, naming it.
    tpl["fr"]["text"] = json!("{{ nope }}");
    let body = expect(
        admin
            .put("/api/v1/livechat/settings", &json!({"invite_mail": tpl}))
            .await,
        422,
    )
    .await;
    assert_eq!(body["fields"][0]["field"], "invite_mail.fr.text", "{body}");
    admin.deploy("demo").await;
    expect(
        admin
            .put(
                "/api/v1/bots/demo/knowledge/vpn-lent",
                &expect(admin.get("/api/v1/bots/demo/knowledge/vpn-lent").await, 200)
                    .await
                    .as_object()
                    .map(|o| {
                        let mut o = o.clone();
                        o.remove("answer_html");
                        o.insert("title".into(), json!("VPN lent (revu)"));
                        Value::Object(o)
                    })
                    .unwrap(),
            )
            .await,
        200,
    )
    .await;
    for i in 0..3 {
        invite(&admin, &format!("p{i}@example.com"), "operator").await;
    }
    let all = audit(&admin, "").await;
    let acts = actions(&all);
    for want in [
        "settings.update",
        "template.update",
        "bot.deploy",
        "knowledge.update",
        "person.invite",
    ] {
        assert!(acts.contains(&want.to_string()), "{want} in {acts:?}");
    }
    assert_eq!(all["total"], 7);
    let e = &all["entries"][0];
    assert_eq!(e["action"], "person.invite");
    assert!(e["actor_name"].as_str().unwrap().contains("Ada Admin"));
    assert_eq!(e["ip"], "127.0.0.1");
    assert_eq!(e["details"]["role"], "operator");
    // Paginated on the server.
    let p1 = audit(&admin, "?per_page=2&page=1").await;
    let p4 = audit(&admin, "?per_page=2&page=4").await;
    assert_eq!(p1["entries"].as_array().unwrap().len(), 2);
    assert_eq!(p4["entries"].as_array().unwrap().len(), 1);
    assert_eq!(p4["total"], 7);
    // Filters.
    assert_eq!(audit(&admin, "?q=p1%40example").await["total"], 1);
    assert_eq!(audit(&admin, "?action=person.invite").await["total"], 3);
    let ada = all["entries"][0]["actor_id"].clone();
    assert_eq!(audit(&admin, &format!("?actor={ada}")).await["total"], 7);
    assert_eq!(audit(&admin, "?to=2001-01-01").await["total"], 0);
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(
        audit(&admin, &format!("?from={today}&to={today}")).await["total"],
        7
    );
    let bad = expect(admin.get("/api/v1/audit?from=hier").await, 422).await;
    assert_eq!(bad["fields"][0]["code"], "bad_date");
    // Operators do not read it.
    expect(app.operator().await.get("/api/v1/audit").await, 403).await;
    // Retention: an entry older than the retention is swept.
    let oldest = all["entries"][6]["id"].as_i64().unwrap();
    let days = i64::from(app.core.settings.audit_retention_days);
    assert!(days >= 365);
    app.store
        .set_audit_time(oldest, vigie::domain::now_ms() - (days + 1) * 86_400_000)
        .await
        .unwrap();
    assert_eq!(vigie::service::audit::sweep(&app.core).await.unwrap(), 1);
    assert_eq!(audit(&admin, "").await["total"], 6);
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
    an_invitation_sets_a_password_once,
    a_forgotten_password_by_mail
);

crate::both_backends!(
    bad_invitations_change_nothing,
    the_last_admin_stays,
    deactivation_ends_everything_at_once,
    everyone_manages_their_own_account,
    token_scopes_are_enforced,
    the_audit_log_records_and_filters,
);

/// Migration 0009 on a database that has people and tokens: roles stay (the role column is
/// replaced and renamed), existing tokens get full operator rights, sessions keep working.
async fn the_migration_keeps_roles_tokens_and_sessions(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_name) = fresh_database(backend, dir.path()).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut m = match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    m.migrations = m
        .migrations
        .iter()
        .filter(|x| x.version < 9)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    m.run(&pool).await.unwrap();
    let far = vigie::domain::now_ms() + 3_600_000;
    for statement in [
        "INSERT INTO operators (id, email, name, role, password_hash, created_at) VALUES (1, 'ada@example.com', 'Ada', 'admin', 'x', 0)".to_string(),
        "INSERT INTO operators (id, email, name, role, password_hash, created_at) VALUES (2, 'bob@example.com', 'Bob', 'operator', 'x', 0)".to_string(),
        format!("INSERT INTO api_tokens (token_hash, operator_id, label, created_at) VALUES ('{}', 2, 'crm', 0)", vigie::auth::token_hash("vgt_old")),
        format!("INSERT INTO sessions (token_hash, operator_id, csrf_token, created_at, expires_at) VALUES ('{}', 1, 'c', 0, {far})", vigie::auth::token_hash("vgs_old")),
    ] {
        sqlx::query(&statement).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = vigie::store::Store::open(&url).await.unwrap();
    let ada = store.operator_by_email("ada@example.com").await.unwrap();
    assert_eq!(ada.role, vigie::domain::Role::Admin);
    assert!(ada.languages.is_empty() && ada.deactivated_at.is_none());
    assert_eq!(
        store
            .operator_by_email("bob@example.com")
            .await
            .unwrap()
            .role,
        vigie::domain::Role::Operator
    );
    let token = store
        .api_token(&vigie::auth::token_hash("vgt_old"))
        .await
        .unwrap();
    assert_eq!(token.scope(), vigie::domain::operator::TokenScope::Operator);
    let session = store
        .session(&vigie::auth::token_hash("vgs_old"))
        .await
        .unwrap();
    assert_eq!(session.operator.email, "ada@example.com");
    // The new role is accepted, an unknown one refused by the schema.
    let change = vigie::store::OperatorChange {
        role: Some(vigie::domain::Role::Supervisor),
        ..Default::default()
    };
    assert!(store
        .change_operator(vigie::domain::OperatorId(2), &change)
        .await
        .unwrap()
        .is_ok());
    store.close().await;
    if let Some(name) = pg_name {
        drop_database(&name).await;
    }
}

with_smtp!(the_migration_keeps_roles_tokens_and_sessions);
