//! The login throttle under parallel guesses: an attempt is counted before its password is
//! checked, so a burst from one address, or for one username, checks no more than five.
//! "Checked" is a `login_attempts` row: refused attempts write none.

use domain::Portal;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use tests::TestApp;
use tests::app::DEMO_PASSWORD;

async fn api_login(app: &TestApp, ip: Option<String>, username: String) -> StatusCode {
    let mut req = app
        .client()
        .post(app.url(Portal::Mitra, "/api/v1/auth/login"))
        .json(&json!({"username": username, "password": "tebakan"}));
    if let Some(ip) = ip {
        req = req.header("X-Real-IP", ip);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn fifty_parallel_guesses_for_fifty_usernames_from_one_address_check_at_most_five() {
    let (app, _) = TestApp::with_world().await;
    let answers = join_all((0..50).map(|n| api_login(&app, None, format!("mitra{n:04}")))).await;
    let checked = answers
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        answers
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{answers:?}"
    );
    let rows = app.count("SELECT count(*) FROM login_attempts").await;
    eprintln!("one address, 50 usernames: {checked} of 50 checked");
    assert!((1..=5).contains(&checked), "{checked} checked: {answers:?}");
    assert_eq!(rows, i64::try_from(checked).unwrap());
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE success IS NULL")
            .await,
        0
    );
    // The address stays blocked, for the right password too.
    let res = app
        .submit_login(&app.client(), Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn fifty_parallel_guesses_for_one_username_from_fifty_addresses_check_at_most_five() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    tests::fixtures::World::build(&app.db.pool).await;
    let answers = join_all(
        (0..50).map(|n| api_login(&app, Some(format!("203.0.113.{n}")), "mitra0001".into())),
    )
    .await;
    let checked = answers
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    eprintln!("one username, 50 addresses: {checked} of 50 checked");
    assert!((1..=5).contains(&checked), "{checked} checked: {answers:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts").await,
        i64::try_from(checked).unwrap()
    );
}
