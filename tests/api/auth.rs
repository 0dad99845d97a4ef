use crate::both_backends;
use crate::helpers::*;
use serde_json::json;

async fn login_sets_a_safe_cookie(app: &TestApp) {
    let s = app.anonymous();
    let r = s
        .post(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("vigie_session=vgs_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let body = expect(r, 200).await;
    assert_eq!(body["operator"]["role"], "admin");
    assert!(body["operator"].get("password_hash").is_none());
    let me = expect(s.get("/api/v1/auth/me").await, 200).await;
    assert_eq!(me["operator"]["email"], ADMIN_EMAIL);
    // The session is stored hashed: the cookie value is nowhere in the database.
    let token = cookie
        .trim_start_matches("vigie_session=")
        .split(';')
        .next()
        .unwrap();
    let stored = app
        .store
        .session(&vigie::auth::token_hash(token))
        .await
        .unwrap();
    assert_eq!(stored.operator.email, ADMIN_EMAIL);
}

async fn wrong_credentials_get_one_generic_error(app: &TestApp) {
    let s = app.anonymous();
    let wrong_pw = expect(
        s.post(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": "not the password"}),
        )
        .await,
        401,
    )
    .await;
    let no_user = expect(
        s.post(
            "/api/v1/auth/login",
            &json!({"email": "nobody@example.com", "password": "whatever123"}),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(wrong_pw, no_user);
    assert_eq!(wrong_pw["message"], "invalid email or password");
    let malformed = expect(
        s.post_raw("/api/v1/auth/login", "application/json", "{\"email\": ")
            .await,
        400,
    )
    .await;
    assert!(
        malformed["message"]
            .as_str()
            .unwrap()
            .contains("malformed JSON"),
        "{malformed}"
    );
    let missing = expect(
        s.post("/api/v1/auth/login", &json!({"email": ADMIN_EMAIL}))
            .await,
        422,
    )
    .await;
    assert!(
        missing["message"].as_str().unwrap().contains("password"),
        "{missing}"
    );
    // Signed out: "nobody", not an error.
    let me = expect(s.get("/api/v1/auth/me").await, 200).await;
    assert!(me["operator"].is_null(), "{me}");
}

/// Wrong passwords lock (address, account), not the account: exactly the limit (10) is
/// admitted from one address, then that address is refused for that account, even with
/// the right password, while the same account from another address and another account
/// from this one still log in.
async fn login_is_rate_limited(app: &TestApp) {
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap()
    };
    let login = |client: &reqwest::Client, email: &str, password: &str| {
        client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    let attacker = from([127, 0, 0, 1]);
    for i in 0..10 {
        let r = login(&attacker, ADMIN_EMAIL, "guess guess").await.unwrap();
        assert_eq!(r.status(), 401, "attempt {i} is checked");
    }
    let r = login(&attacker, ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let body = expect(r, 429).await;
    assert_eq!(body["error"], "login_locked", "{body}");
    assert!(body["params"]["seconds"].as_u64().unwrap() >= 50, "{body}");
    // The admin, from their own address, is not kept out.
    let admin = from([127, 0, 0, 2]);
    let r = login(&admin, ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    assert_eq!(r.status(), 200);
    // Nor is another account from the attacker's address.
    let r = login(&attacker, OPERATOR_EMAIL, OPERATOR_PASSWORD)
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn writes_need_the_csrf_token(app: &TestApp) {
    let mut s = app.admin().await;
    let token = s.csrf.take();
    let body = expect(
        s.post("/api/v1/bots", &json!({"slug": "rh", "name": "RH"}))
            .await,
        403,
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("CSRF"));
    s.csrf = Some("forged".into());
    expect(
        s.post("/api/v1/bots", &json!({"slug": "rh", "name": "RH"}))
            .await,
        403,
    )
    .await;
    s.csrf = token;
    expect(
        s.post("/api/v1/bots", &json!({"slug": "rh", "name": "RH"}))
            .await,
        201,
    )
    .await;
}

async fn logout_ends_the_session(app: &TestApp) {
    let s = app.operator().await;
    expect(s.get("/api/v1/bots").await, 200).await;
    let cookie_jar_copy = s.clone();
    expect(s.post("/api/v1/auth/logout", &json!({})).await, 200).await;
    expect(cookie_jar_copy.get("/api/v1/bots").await, 401).await;
}

async fn api_tokens_authenticate(app: &TestApp) {
    let token = vigie::service::actions::create_api_token(&app.core, ADMIN_EMAIL, "crm")
        .await
        .unwrap();
    assert!(token.starts_with("vgt_"));
    let client = reqwest::Client::new();
    let r = client
        .post(app.url("/api/v1/bots"))
        .bearer_auth(&token)
        .json(&json!({"slug": "crm", "name": "CRM"}))
        .send()
        .await
        .unwrap();
    expect(r, 201).await;
    let r = client
        .get(app.url("/api/v1/bots"))
        .bearer_auth("vgt_forged")
        .send()
        .await
        .unwrap();
    let body = expect(r, 401).await;
    assert_eq!(body["message"], "invalid API token");
}

async fn operators_cannot_do_admin_things(app: &TestApp) {
    let s = app.operator().await;
    expect(s.get("/api/v1/bots/demo/knowledge").await, 200).await;
    let body = expect(
        s.post("/api/v1/bots", &json!({"slug": "x1", "name": "X"}))
            .await,
        403,
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("admin"));
    expect(s.delete("/api/v1/bots/demo/knowledge/vpn-lent").await, 403).await;
    expect(
        s.post("/api/v1/bots/demo/deployments", &json!({})).await,
        403,
    )
    .await;
    expect(
        app.anonymous().get("/api/v1/bots/demo/knowledge").await,
        401,
    )
    .await;
}

both_backends!(
    login_sets_a_safe_cookie,
    wrong_credentials_get_one_generic_error,
    login_is_rate_limited,
    writes_need_the_csrf_token,
    logout_ends_the_session,
    api_tokens_authenticate,
    operators_cannot_do_admin_things,
);
