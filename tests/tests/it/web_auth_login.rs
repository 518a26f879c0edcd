//! Logging in and out on the pages: each role on its portal with the session cookie's flags
//! (Secure when configured), wrong passwords and unknown users, another portal's account sent
//! to the portal to use, passwords stored as argon2id, and the safe `next` page a login goes on
//! to.

use chrono::Duration;
use domain::{Clock, Portal};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};
use tests::TestApp;
use tests::app::{DEMO_PASSWORD, csrf_field};
use tests::fixtures::World;
use tests::sessions::{cookie_value, set_cookie};

const USERS: [(Portal, &str); 5] = [
    (Portal::Mitra, "mitra0001"),
    (Portal::Stokis, "stokis001"),
    (Portal::Admin, "pusat"),
    (Portal::Admin, "finance"),
    (Portal::Admin, "gudang"),
];

#[tokio::test]
async fn each_role_logs_in_and_out_on_its_portal() {
    let (app, _) = TestApp::with_world().await;
    for (portal, username) in USERS {
        let client = app.client();
        assert_eq!(app.home(&client, portal).await, "/login");
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
        assert_eq!(app.home(&client, portal).await, "/dashboard");
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
        let res = app.logout(&client, portal, &csrf).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()[LOCATION], "/login");
        let cleared = set_cookie(&res, "dfresto_session").expect("cookie removed");
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        let revoked = app
            .count(&format!(
                "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
                  WHERE u.username = '{username}' AND s.revoked_at IS NOT NULL"
            ))
            .await;
        assert_eq!(revoked, 1);
        assert_eq!(app.home(&client, portal).await, "/login");
        assert_eq!(app.me(&client, portal).await, StatusCode::UNAUTHORIZED);

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
    let (app, _) = TestApp::with_world().await;
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
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE NOT success")
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
async fn another_portals_account_is_refused_with_the_portal_to_use() {
    let (app, _) = TestApp::with_world().await;
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
        assert_eq!(app.me(&client, on).await, StatusCode::UNAUTHORIZED);

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
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    // A right password on the wrong portal is not a failure to throttle.
    assert_eq!(app.count("SELECT count(*) FROM login_attempts").await, 0);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_and_verified() {
    let (app, _) = TestApp::with_world().await;
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
async fn login_goes_on_to_a_safe_next_page_only() {
    let (app, _) = TestApp::with_world().await;
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
    let (app, _) = TestApp::with_world().await;
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
