//! Sessions after the login: revoked, expired (with `last_seen_at` written cheaply), pruned
//! after their keep, ended with a deactivated user, bound to the portal they were opened on;
//! and the API's bearer login and logout.

use chrono::Duration;
use domain::{Clock, Portal};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};
use tests::TestApp;
use tests::app::DEMO_PASSWORD;
use tests::sessions::{cookie_value, set_cookie};

#[tokio::test]
async fn a_revoked_session_no_longer_works() {
    let (app, _) = TestApp::with_world().await;
    let client = app.client();
    let res = app
        .submit_login(&client, Portal::Mitra, "mitra0001", DEMO_PASSWORD)
        .await;
    let token = cookie_value(&set_cookie(&res, "dfresto_session").unwrap());
    let csrf = app.csrf("mitra0001").await;
    assert_eq!(
        app.logout(&client, Portal::Mitra, &csrf).await.status(),
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
    let (app, _) = TestApp::with_world().await;
    let client = app.login(Portal::Stokis, "stokis001").await;
    let last_seen = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>("SELECT last_seen_at FROM sessions")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let login_at = app.clock.now();
    app.clock.advance(Duration::seconds(30));
    assert_eq!(app.me(&client, Portal::Stokis).await, StatusCode::OK);
    assert_eq!(last_seen().await, login_at, "not written within a minute");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.me(&client, Portal::Stokis).await, StatusCode::OK);
    assert_eq!(last_seen().await, app.clock.now());

    app.clock
        .set(login_at + Duration::hours(12) - Duration::seconds(1));
    assert_eq!(app.me(&client, Portal::Stokis).await, StatusCode::OK);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(
        app.me(&client, Portal::Stokis).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.home(&client, Portal::Stokis).await, "/login");
}

#[tokio::test]
async fn ended_sessions_and_old_login_attempts_are_pruned_after_their_keep() {
    let (app, _) = TestApp::with_world().await;
    let client = app.login(Portal::Stokis, "stokis001").await;
    let other = app.login(Portal::Mitra, "mitra0001").await;
    app.submit_login(&app.client(), Portal::Mitra, "mitra0001", "wrong")
        .await;
    let csrf = app.csrf("mitra0001").await;
    app.logout(&other, Portal::Mitra, &csrf).await;
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
    assert_eq!(app.me(&client, Portal::Stokis).await, StatusCode::OK);
    assert_eq!(prune(month + Duration::hours(13)).await, (1, 0));
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM login_attempts").await, 3);
    assert_eq!(prune(Duration::days(89)).await, (0, 0));
    assert_eq!(prune(Duration::days(91)).await, (0, 3));
}

#[tokio::test]
async fn a_deactivated_user_loses_every_session_and_cannot_log_in() {
    let (app, _) = TestApp::with_world().await;
    let client = app.login(Portal::Mitra, "mitra0001").await;
    let token = app.bearer(Portal::Mitra, "mitra0001").await;
    sqlx::query("UPDATE users SET active = FALSE WHERE username = 'mitra0001'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.me(&client, Portal::Mitra).await,
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
    let (app, _) = TestApp::with_world().await;
    let client = app.login(Portal::Mitra, "mitra0001").await;
    assert_eq!(app.me(&client, Portal::Mitra).await, StatusCode::OK);
    // The cookie is host-only: the browser does not even send it elsewhere.
    for other in [Portal::Stokis, Portal::Admin] {
        assert_eq!(app.me(&client, other).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.home(&client, other).await, "/login");
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
async fn the_api_logs_in_with_a_bearer_token_and_out_again() {
    let (app, _) = TestApp::with_world().await;
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
        app.me(&client, Portal::Stokis).await,
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
