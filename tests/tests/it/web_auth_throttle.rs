//! The login throttle: five failures block an address for any username for fifteen minutes;
//! failures for one username space its attempts out (growing delay) except from a browser or
//! address it logged in from; the API shares it.

use chrono::Duration;
use domain::Portal;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};
use tests::TestApp;
use tests::app::{DEMO_PASSWORD, csrf_field};
use tests::fixtures::World;

/// Posts the stokis login form from `ip` (behind the trusted proxy) in `client`.
async fn form_login(
    app: &TestApp,
    client: &reqwest::Client,
    ip: &str,
    password: &str,
) -> reqwest::Response {
    let page = client
        .get(app.url(Portal::Stokis, "/login"))
        .send()
        .await
        .unwrap();
    let token = csrf_field(&page.text().await.unwrap()).unwrap();
    client
        .post(app.url(Portal::Stokis, "/login"))
        .header("X-Real-IP", ip)
        .form(&[
            ("username", "stokis001"),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failures_for_a_username_slow_strangers_down_but_never_lock_out_its_own_browser() {
    // Behind a trusted proxy each attempt comes from a different address: only the username
    // rule can be what slows them.
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    World::build(&app.db.pool).await;
    // The stokis's own browser logged in yesterday from the office.
    let own = app.client();
    let res = form_login(&app, &own, "198.51.100.1", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.clock.advance(Duration::days(1));

    // Someone guesses from seven addresses, a minute apart: the first five freely, then 30 s
    // and 1 min apart (allowed at a minute each), and now the wait is 2 minutes.
    for n in 1..=7 {
        let res = form_login(&app, &app.client(), &format!("203.0.113.{n}"), "tebakan").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "guess {n}");
        app.clock.advance(Duration::minutes(1));
    }
    let res = form_login(&app, &app.client(), "203.0.113.8", "tebakan").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()[RETRY_AFTER], "60");
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Terlalu banyak percobaan login. Coba lagi dalam 1 menit.")
    );
    // A new browser on a new address waits too, even with the right password.
    let res = form_login(&app, &app.client(), "192.0.2.50", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")
            .await,
        1
    );

    // The stokis's own browser gets in from anywhere, and is told what happened.
    let res = form_login(&app, &own, "192.0.2.77", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let dashboard = own
        .get(app.url(Portal::Stokis, "/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        dashboard.contains(
            "Ada 7 percobaan login gagal ke akun Anda sejak login terakhir, dari alamat \
             203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5."
        ),
        "{dashboard}"
    );

    // That login started the username's count over: a new browser gets in again.
    let res = form_login(&app, &app.client(), "192.0.2.50", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_address_the_user_logged_in_from_keeps_getting_in_and_the_api_says_what_failed() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    World::build(&app.db.pool).await;
    let api_login = |ip: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client()
                .post(app.url(Portal::Stokis, "/api/v1/auth/login"))
                .header("X-Real-IP", ip)
                .json(&json!({"username": "stokis001", "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        api_login("198.51.100.1", DEMO_PASSWORD).await.status(),
        StatusCode::OK
    );
    app.clock.advance(Duration::days(1));
    for ip in [
        "203.0.113.1",
        "203.0.113.1",
        "203.0.113.2",
        "203.0.113.3",
        "203.0.113.4",
    ] {
        assert_eq!(
            api_login(ip, "tebakan").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        api_login("192.0.2.50", DEMO_PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let res = api_login("198.51.100.1", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["failed_logins"]["count"], 5);
    assert_eq!(
        body["failed_logins"]["addresses"],
        json!(["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"])
    );
    // Told once: the next login has nothing to report.
    let body: Value = api_login("198.51.100.1", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert!(body.get("failed_logins").is_none(), "{body}");
}

#[tokio::test]
async fn five_failures_from_one_address_block_it_for_any_username() {
    let (app, _) = TestApp::with_world().await;
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
async fn guessing_from_a_shared_address_does_not_keep_out_a_browser_that_logged_in_there() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    World::build(&app.db.pool).await;
    // The office NAT: the stokis's own browser logged in from it yesterday.
    let office = "198.51.100.1";
    let own = app.client();
    assert_eq!(
        form_login(&app, &own, office, DEMO_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    app.clock.advance(Duration::days(1));
    // Someone behind the same address fails five times: the address is blocked.
    for _ in 0..5 {
        let res = form_login(&app, &app.client(), office, "tebakan").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = form_login(&app, &app.client(), office, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The stokis's own browser still gets in from there.
    let res = form_login(&app, &own, office, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // With its own quota: five wrong passwords from it (once that session has expired and the
    // login form shows again), then it waits too.
    app.clock.advance(Duration::hours(13));
    for _ in 0..5 {
        let res = form_login(&app, &own, office, "salah").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = form_login(&app, &own, office, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}
