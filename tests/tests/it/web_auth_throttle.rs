//! The login throttle: five failures block a username, or an address for any username, for
//! fifteen minutes; the API shares it.

use chrono::Duration;
use domain::Portal;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};
use tests::TestApp;
use tests::app::{DEMO_PASSWORD, csrf_field};
use tests::fixtures::World;

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
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
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
