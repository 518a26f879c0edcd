//! Login and sessions: login/logout on each portal, the cookie's flags, wrong passwords, the
//! throttle, another portal's account refused, revoked/expired/deactivated sessions, sessions
//! bound to their portal, CSRF, argon2id, and the API's bearer login.

use chrono::Duration;
use domain::{Clock, Portal};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};
use tests::TestApp;
use tests::app::{DEMO_PASSWORD, csrf_field};
use tests::fixtures::World;

async fn app_with_world() -> TestApp {
    let app = TestApp::spawn().await;
    World::build(&app.db.pool).await;
    app
}

fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn me(app: &TestApp, client: &reqwest::Client, portal: Portal) -> StatusCode {
    client
        .get(app.url(portal, "/api/v1/me"))
        .send()
        .await
        .unwrap()
        .status()
}

async fn home(app: &TestApp, client: &reqwest::Client, portal: Portal) -> String {
    let res = client.get(app.url(portal, "/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    res.headers()[LOCATION].to_str().unwrap().to_owned()
}

async fn logout(
    app: &TestApp,
    client: &reqwest::Client,
    portal: Portal,
    token: &str,
) -> reqwest::Response {
    client
        .post(app.url(portal, "/logout"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap()
}

const USERS: [(Portal, &str); 5] = [
    (Portal::Mitra, "mitra0001"),
    (Portal::Stokis, "stokis001"),
    (Portal::Admin, "pusat"),
    (Portal::Admin, "finance"),
    (Portal::Admin, "gudang"),
];

#[tokio::test]
async fn each_role_logs_in_and_out_on_its_portal() {
    let app = app_with_world().await;
    for (portal, username) in USERS {
        let client = app.client();
        assert_eq!(home(&app, &client, portal).await, "/login");
        let res = app
            .submit_login(&client, portal, username, DEMO_PASSWORD)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username}");
        assert_eq!(res.headers()[LOCATION], "/dashboard");
        let cookie = set_cookie(&res, "dfresto_session").expect("a session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Domain="), "host-only: {cookie}");
        assert!(!cookie.contains("Secure"), "not configured: {cookie}");
        let token = cookie_value(&cookie);
        assert_eq!(token.len(), 43, "32 random bytes, base64url");

        // Logged in: home and the login page lead to the dashboard; the API knows the user.
        assert_eq!(home(&app, &client, portal).await, "/dashboard");
        let res = client.get(app.url(portal, "/login")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()[LOCATION], "/dashboard");
        let body: Value = client
            .get(app.url(portal, "/api/v1/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["username"], username);
        assert_eq!(body["portal"], portal.as_str());

        // Stored: only the SHA-256 of the token, kind COOKIE, the portal, an expiry 12 h ahead.
        let row: (Vec<u8>, String, String, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
            "SELECT s.token_hash, s.portal, s.kind, s.expires_at FROM sessions s
               JOIN users u ON u.id = s.user_id WHERE u.username = $1",
        )
        .bind(username)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(row.0, domain::auth::session::token_hash(&token).to_vec());
        assert_eq!(row.1, portal.as_str());
        assert_eq!(row.2, "COOKIE");
        assert_eq!(row.3, app.clock.now() + Duration::hours(12));

        // Logout revokes the session and drops the cookie.
        let csrf = app.csrf(username).await;
        let res = logout(&app, &client, portal, &csrf).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()[LOCATION], "/login");
        let cleared = set_cookie(&res, "dfresto_session").expect("cookie removed");
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        let revoked = count(
            &app,
            &format!(
                "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
                  WHERE u.username = '{username}' AND s.revoked_at IS NOT NULL"
            ),
        )
        .await;
        assert_eq!(revoked, 1);
        assert_eq!(home(&app, &client, portal).await, "/login");
        assert_eq!(me(&app, &client, portal).await, StatusCode::UNAUTHORIZED);

        // The login page says so once.
        let html = client
            .get(app.url(portal, "/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Anda sudah keluar."), "{html}");
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_configured() {
    let app = TestApp::spawn_with(|c| c.cookie_secure = true).await;
    World::build(&app.db.pool).await;
    let client = app.client();
    // The CSRF cookie is Secure too, so a plain-HTTP client would not send it back: take the
    // token from the page and send the cookie by hand.
    let page = client
        .get(app.url(Portal::Mitra, "/login"))
        .send()
        .await
        .unwrap();
    let csrf_cookie = set_cookie(&page, "dfresto_csrf").unwrap();
    assert!(csrf_cookie.contains("Secure"), "{csrf_cookie}");
    let token = csrf_field(&page.text().await.unwrap()).unwrap();
    let res = client
        .post(app.url(Portal::Mitra, "/login"))
        .header(COOKIE, format!("dfresto_csrf={token}"))
        .form(&[
            ("username", "mitra0001"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&res, "dfresto_session").unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_refused_with_a_message() {
    let app = app_with_world().await;
    let client = app.client();
    for (username, password) in [
        ("mitra0001", "salah"),
        ("nobody", DEMO_PASSWORD),
        ("mitra0001", ""),
    ] {
        let res = app
            .submit_login(&client, Portal::Mitra, username, password)
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{username}");
        assert!(set_cookie(&res, "dfresto_session").is_none());
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Nama pengguna atau kata sandi salah."),
            "{html}"
        );
        // The form keeps the username, never the password.
        assert!(html.contains(&format!(r#"value="{username}""#)), "{html}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM login_attempts WHERE NOT success"
        )
        .await,
        3
    );
    // Usernames are not case-sensitive.
    let res = app
        .submit_login(&client, Portal::Mitra, " MITRA0001 ", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn five_failures_per_username_block_it_for_fifteen_minutes() {
    // Behind a trusted proxy each attempt comes from a different address: only the username
    // counter can be what blocks.
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    World::build(&app.db.pool).await;
    let attempt = |n: u32, password: &'static str| {
        let app = &app;
        async move {
            let client = app.client();
            let page = client
                .get(app.url(Portal::Stokis, "/login"))
                .send()
                .await
                .unwrap();
            let token = csrf_field(&page.text().await.unwrap()).unwrap();
            client
                .post(app.url(Portal::Stokis, "/login"))
                .header("X-Real-IP", format!("203.0.113.{n}"))
                .form(&[
                    ("username", "stokis001"),
                    ("password", password),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for n in 1..=5 {
        assert_eq!(
            attempt(n, "tebakan").await.status(),
            StatusCode::UNAUTHORIZED
        );
        app.clock.advance(Duration::minutes(1));
    }
    // The right password does not help now; the first failure was 5 minutes ago.
    let res = attempt(6, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()[RETRY_AFTER], "600");
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Terlalu banyak percobaan login. Coba lagi dalam 10 menit."),
        "{html}"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 0);
    // Throttled attempts are not counted, so waiting works.
    app.clock
        .advance(Duration::minutes(9) + Duration::seconds(30));
    let res = attempt(7, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Coba lagi dalam 1 menit.")
    );
    app.clock.advance(Duration::seconds(31));
    assert_eq!(
        attempt(8, DEMO_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // Other usernames were never blocked.
    let res = app
        .submit_login(&app.client(), Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn five_failures_from_one_address_block_it_for_any_username() {
    let app = app_with_world().await;
    let client = app.client();
    for username in ["a-user", "b-user", "c-user", "d-user", "mitra0002"] {
        let res = app
            .submit_login(&client, Portal::Mitra, username, "tebakan")
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .submit_login(&client, Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Terlalu banyak percobaan login. Coba lagi dalam 15 menit.")
    );
    // The API shares the throttle.
    let res = client
        .post(app.url(Portal::Mitra, "/api/v1/auth/login"))
        .json(&json!({"username": "mitra0001", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()[RETRY_AFTER], "900");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert_eq!(
        body["error"]["message"],
        "Terlalu banyak percobaan login. Coba lagi dalam 15 menit."
    );
    app.clock.advance(Duration::minutes(15));
    let res = app
        .submit_login(&client, Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_portals_account_is_refused_with_the_portal_to_use() {
    let app = app_with_world().await;
    let port = app.port();
    let cases = [
        (
            Portal::Admin,
            "mitra0001",
            "Akun mitra masuk lewat portal Mitra",
            Portal::Mitra,
        ),
        (
            Portal::Mitra,
            "stokis001",
            "Akun stokis masuk lewat portal Stokis",
            Portal::Stokis,
        ),
        (
            Portal::Stokis,
            "finance",
            "Akun finance masuk lewat portal Admin",
            Portal::Admin,
        ),
        (
            Portal::Mitra,
            "pusat",
            "Akun pusat masuk lewat portal Admin",
            Portal::Admin,
        ),
    ];
    for (on, username, message, right) in cases {
        let client = app.client();
        let res = app.submit_login(&client, on, username, DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{username}");
        assert!(set_cookie(&res, "dfresto_session").is_none());
        let html = res.text().await.unwrap();
        let url = format!("http://{}.localhost:{port}/login", right.as_str());
        assert!(
            html.contains(&format!(r#"{message}: <a href="{url}">{url}</a>"#)),
            "{html}"
        );
        assert_eq!(me(&app, &client, on).await, StatusCode::UNAUTHORIZED);

        let res = client
            .post(app.url(on, "/api/v1/auth/login"))
            .json(&json!({"username": username, "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
        assert_eq!(
            body["error"]["message"],
            format!(
                "{message}: http://{}.localhost:{port}/api/v1/auth/login",
                right.as_str()
            )
        );
    }
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 0);
    // A right password on the wrong portal is not a failure to throttle.
    assert_eq!(count(&app, "SELECT count(*) FROM login_attempts").await, 0);
}

#[tokio::test]
async fn a_revoked_session_no_longer_works() {
    let app = app_with_world().await;
    let client = app.client();
    let res = app
        .submit_login(&client, Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    let token = cookie_value(&set_cookie(&res, "dfresto_session").unwrap());
    let csrf = app.csrf("mitra0001").await;
    assert_eq!(
        logout(&app, &client, Portal::Mitra, &csrf).await.status(),
        StatusCode::SEE_OTHER
    );
    // Someone who kept a copy of the cookie gets nothing from it.
    let stranger = app.client();
    let res = stranger
        .get(app.url(Portal::Mitra, "/api/v1/me"))
        .header(COOKIE, format!("dfresto_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = stranger
        .get(app.url(Portal::Mitra, "/"))
        .header(COOKIE, format!("dfresto_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/login");
    // and is told to forget it.
    assert!(
        set_cookie(&res, "dfresto_session")
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[tokio::test]
async fn a_session_expires_after_its_ttl_and_last_seen_is_kept_cheaply() {
    let app = app_with_world().await;
    let client = app.login(Portal::Stokis, "stokis001").await;
    let last_seen = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>("SELECT last_seen_at FROM sessions")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let login_at = app.clock.now();
    app.clock.advance(Duration::seconds(30));
    assert_eq!(me(&app, &client, Portal::Stokis).await, StatusCode::OK);
    assert_eq!(last_seen().await, login_at, "not written within a minute");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(me(&app, &client, Portal::Stokis).await, StatusCode::OK);
    assert_eq!(last_seen().await, app.clock.now());

    app.clock
        .set(login_at + Duration::hours(12) - Duration::seconds(1));
    assert_eq!(me(&app, &client, Portal::Stokis).await, StatusCode::OK);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(
        me(&app, &client, Portal::Stokis).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(home(&app, &client, Portal::Stokis).await, "/login");
}

#[tokio::test]
async fn ended_sessions_and_old_login_attempts_are_pruned_after_their_keep() {
    let app = app_with_world().await;
    let client = app.login(Portal::Stokis, "stokis001").await;
    let other = app.login(Portal::Mitra, "mitra0001").await;
    app.submit_login(&app.client(), Portal::Mitra, "mitra0001", "wrong")
        .await;
    let csrf = app.csrf("mitra0001").await;
    logout(&app, &other, Portal::Mitra, &csrf).await;
    let prune = |later: Duration| {
        let pool = app.db.pool.clone();
        let at = app.clock.now() + later;
        async move {
            let mut conn = pool.acquire().await.unwrap();
            domain::auth::retention::prune(&mut conn, at, 1000)
                .await
                .unwrap()
        }
    };
    let month = Duration::days(30);
    // The revoked session goes 30 days after the logout; the live one, which expires in 12
    // hours, 30 days after that; the attempts (two logins, one wrong password) stay 90 days.
    assert_eq!(prune(month - Duration::hours(1)).await, (0, 0));
    assert_eq!(prune(month + Duration::hours(1)).await, (1, 0));
    assert_eq!(me(&app, &client, Portal::Stokis).await, StatusCode::OK);
    assert_eq!(prune(month + Duration::hours(13)).await, (1, 0));
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM login_attempts").await, 3);
    assert_eq!(prune(Duration::days(89)).await, (0, 0));
    assert_eq!(prune(Duration::days(91)).await, (0, 3));
}

#[tokio::test]
async fn a_deactivated_user_loses_every_session_and_cannot_log_in() {
    let app = app_with_world().await;
    let client = app.login(Portal::Mitra, "mitra0001").await;
    let token = app.bearer(Portal::Mitra, "mitra0001").await;
    sqlx::query("UPDATE users SET active = FALSE WHERE username = 'mitra0001'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        me(&app, &client, Portal::Mitra).await,
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .client()
        .get(app.url(Portal::Mitra, "/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .submit_login(&app.client(), Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("sudah dinonaktifkan"));

    // Pusat's deactivation also revokes them outright.
    let mut conn = app.db.pool.acquire().await.unwrap();
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'mitra0001'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let n = domain::auth::session::revoke_all_for_user(&mut conn, user_id, app.clock.now())
        .await
        .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_session_works_only_on_the_portal_it_was_opened_on() {
    let app = app_with_world().await;
    let client = app.login(Portal::Mitra, "mitra0001").await;
    assert_eq!(me(&app, &client, Portal::Mitra).await, StatusCode::OK);
    // The cookie is host-only: the browser does not even send it elsewhere.
    for other in [Portal::Stokis, Portal::Admin] {
        assert_eq!(me(&app, &client, other).await, StatusCode::UNAUTHORIZED);
        assert_eq!(home(&app, &client, other).await, "/login");
    }
    // Sent by hand, the portal check refuses it anyway.
    let res = app
        .submit_login(&app.client(), Portal::Mitra, "mitra0002", DEMO_PASSWORD)
        .await;
    let token = cookie_value(&set_cookie(&res, "dfresto_session").unwrap());
    for other in [Portal::Stokis, Portal::Admin] {
        let res = app
            .client()
            .get(app.url(other, "/api/v1/me"))
            .header(COOKIE, format!("dfresto_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{other:?}");
    }

    // A mitra's bearer token on another portal: refused, naming the right one.
    let bearer = app.bearer(Portal::Mitra, "mitra0001").await;
    for other in [Portal::Stokis, Portal::Admin] {
        let res = app
            .client()
            .get(app.url(other, "/api/v1/me"))
            .bearer_auth(&bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{other:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("portal Mitra"),
            "{body}"
        );
    }
    // The role is checked on every request, not only at login: a session row claiming the
    // admin portal for a mitra user (as if the role had changed) opens nothing there.
    let forged = domain::auth::session::new_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, portal, kind, csrf_token, created_at, last_seen_at, expires_at)
         SELECT $1, id, 'admin', 'COOKIE', 'x', $2, $2, $2 + interval '1 hour' FROM users WHERE username = 'mitra0001'",
    )
    .bind(domain::auth::session::token_hash(&forged).as_slice())
    .bind(app.clock.now())
    .execute(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .client()
        .get(app.url(Portal::Admin, "/api/v1/me"))
        .header(COOKIE, format!("dfresto_session={forged}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A cookie token is no bearer token, and a bearer token no cookie.
    let res = app
        .client()
        .get(app.url(Portal::Mitra, "/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .client()
        .get(app.url(Portal::Mitra, "/api/v1/me"))
        .header(COOKIE, format!("dfresto_session={bearer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = app_with_world().await;

    // Login form: no token, a wrong one, or no cookie to match.
    let client = app.client();
    let page = client
        .get(app.url(Portal::Admin, "/login"))
        .send()
        .await
        .unwrap();
    let token = csrf_field(&page.text().await.unwrap()).unwrap();
    let wrong = "0".repeat(64);
    for sent in [None, Some(wrong.as_str())] {
        let mut form = vec![("username", "finance"), ("password", DEMO_PASSWORD)];
        if let Some(t) = sent {
            form.push(("csrf_token", t));
        }
        let res = client
            .post(app.url(Portal::Admin, "/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Formulir login sudah kedaluwarsa")
        );
    }
    let res = app
        .client()
        .post(app.url(Portal::Admin, "/login"))
        .form(&[
            ("username", "finance"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "token without its cookie"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM login_attempts").await, 0);

    // Logout form: the session's token is required.
    let client = app.login(Portal::Admin, "finance").await;
    let login_csrf = token;
    for sent in ["", wrong.as_str(), login_csrf.as_str()] {
        let res = logout(&app, &client, Portal::Admin, sent).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{sent:?}");
        assert!(set_cookie(&res, "dfresto_session").is_none());
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM sessions WHERE revoked_at IS NULL"
        )
        .await,
        1
    );
    assert_eq!(me(&app, &client, Portal::Admin).await, StatusCode::OK);

    // The API with the cookie session needs the token in X-CSRF-Token; a bearer does not.
    let res = client
        .post(app.url(Portal::Admin, "/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(me(&app, &client, Portal::Admin).await, StatusCode::OK);
    let res = client
        .post(app.url(Portal::Admin, "/api/v1/auth/logout"))
        .header("X-CSRF-Token", app.csrf("finance").await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        me(&app, &client, Portal::Admin).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_and_verified() {
    let app = app_with_world().await;
    let hash = domain::auth::password::hash("kata-sandi-baru").unwrap();
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    sqlx::query("UPDATE users SET password_hash = $1 WHERE username = 'gudang'")
        .bind(&hash)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .submit_login(&app.client(), Portal::Admin, "gudang", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .submit_login(&app.client(), Portal::Admin, "gudang", "kata-sandi-baru")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored: (String, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT password_hash, last_login_at FROM users WHERE username = 'gudang'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(stored.0.starts_with("$argon2id$"));
    assert_eq!(stored.1, Some(app.clock.now()));
}

#[tokio::test]
async fn the_api_logs_in_with_a_bearer_token_and_out_again() {
    let app = app_with_world().await;
    let client = app.client();
    let res = client
        .post(app.url(Portal::Stokis, "/api/v1/auth/login"))
        .json(&json!({"username": "stokis001", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        set_cookie(&res, "dfresto_session").is_none(),
        "no cookie for the API"
    );
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    assert_eq!(body["user"]["username"], "stokis001");
    assert_eq!(body["user"]["role"], "STOKIS");
    assert!(body["user"]["stokis_id"].is_i64());
    assert!(body["expires_at"].is_string());
    let stored: (Vec<u8>, String) = sqlx::query_as("SELECT token_hash, kind FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.0, domain::auth::session::token_hash(&token).to_vec());
    assert_eq!(stored.1, "BEARER");

    let res = client
        .get(app.url(Portal::Stokis, "/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me_body: Value = res.json().await.unwrap();
    assert_eq!(me_body["username"], "stokis001");
    assert_eq!(me_body["name"], "User stokis001");

    // No CSRF token needed with a bearer.
    let res = client
        .post(app.url(Portal::Stokis, "/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = client
        .get(app.url(Portal::Stokis, "/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    // Wrong password, no token, garbage token, bad body.
    let res = client
        .post(app.url(Portal::Stokis, "/api/v1/auth/login"))
        .json(&json!({"username": "stokis001", "password": "salah"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Nama pengguna atau kata sandi salah."
    );
    assert_eq!(
        me(&app, &client, Portal::Stokis).await,
        StatusCode::UNAUTHORIZED
    );
    let res = client
        .get(app.url(Portal::Stokis, "/api/v1/me"))
        .header("Authorization", "Bearer not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client
        .post(app.url(Portal::Stokis, "/api/v1/auth/login"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
}

#[tokio::test]
async fn login_goes_on_to_a_safe_next_page_only() {
    let app = app_with_world().await;
    let page = app
        .client()
        .get(app.url(Portal::Mitra, "/login?next=/orders/7"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"name="next" value="&#x2F;orders&#x2F;7""#),
        "{page}"
    );
    for (next, expected) in [
        ("/orders/7?page=2", "/orders/7?page=2"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/x", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("", "/dashboard"),
    ] {
        let client = app.client();
        let page = client
            .get(app.url(Portal::Mitra, "/login"))
            .send()
            .await
            .unwrap();
        let token = csrf_field(&page.text().await.unwrap()).unwrap();
        let res = client
            .post(app.url(Portal::Mitra, "/login"))
            .form(&[
                ("username", "mitra0001"),
                ("password", DEMO_PASSWORD),
                ("csrf_token", token.as_str()),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()[LOCATION], expected, "{next:?}");
    }
}

#[tokio::test]
async fn a_page_needing_a_login_sends_to_the_form_and_back() {
    let app = app_with_world().await;
    let client = app.client();
    let res = client
        .get(app.url(Portal::Mitra, "/dashboard?page=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[LOCATION], "/login?next=/dashboard%3Fpage%3D2");
    // A form posted without a session changes nothing and goes to the login page.
    let res = client
        .post(app.url(Portal::Mitra, "/orders"))
        .form(&[("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[LOCATION], "/login");

    let page = client
        .get(app.url(Portal::Mitra, "/login?next=/dashboard%3Fpage%3D2"))
        .send()
        .await
        .unwrap();
    let token = csrf_field(&page.text().await.unwrap()).unwrap();
    let res = client
        .post(app.url(Portal::Mitra, "/login"))
        .form(&[
            ("username", "mitra0001"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
            ("next", "/dashboard?page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/dashboard?page=2");

    // The logged-in layout: who, the menu, and a logout form with the session's token.
    let res = client
        .get(app.url(Portal::Mitra, "/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("User mitra0001"), "{html}");
    assert!(
        html.contains(r#"<form method="post" action="/logout""#),
        "{html}"
    );
    assert_eq!(csrf_field(&html).unwrap(), app.csrf("mitra0001").await);
    assert!(html.contains(r#"href="/catalogue""#), "{html}");

    // A page form without the session's token is refused before the handler runs.
    let res = client
        .post(app.url(Portal::Mitra, "/orders"))
        .form(&[("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Formulir sudah kedaluwarsa")
    );
}
