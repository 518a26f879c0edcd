//! Accounts: a user changes their own password (the current one required, their other
//! sessions ended, told by WhatsApp), pusat re-enters its own password before resetting one
//! or touching a FINANCE or PUSAT account, and prices and credit limits have an upper bound.

use domain::Portal;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::api_client::Api;
use tests::app::DEMO_PASSWORD;

const NEW: &str = "sandi-baru-2026";

async fn set_phone(api: &Api, username: &str, phone: &str) {
    sqlx::query("UPDATE users SET phone = $2 WHERE username = $1")
        .bind(username)
        .bind(phone)
        .execute(&api.app.db.pool)
        .await
        .unwrap();
}

/// (event, status, phone, message) of the user's password messages, oldest first.
async fn password_messages(api: &Api, username: &str) -> Vec<(String, String, String, String)> {
    sqlx::query_as(
        "SELECT l.event, l.status, l.phone, l.message FROM whatsapp_logs l
         JOIN users u ON u.id = l.user_id
         WHERE u.username = $1 AND l.event LIKE 'password_%' ORDER BY l.id",
    )
    .bind(username)
    .fetch_all(&api.app.db.pool)
    .await
    .unwrap()
}

async fn api_login(api: &Api, portal: Portal, username: &str, password: &str) -> StatusCode {
    api.app
        .client()
        .post(api.app.url(portal, "/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_user_changes_their_own_password_over_the_api_and_other_sessions_end() {
    let api = Api::spawn().await;
    set_phone(&api, "mitra0001", "6281211110001").await;
    let browser = api.app.user(Portal::Mitra, "mitra0001").await;
    let other_token = api.app.bearer(Portal::Mitra, "mitra0001").await;

    // The wrong current password changes nothing.
    let wrong = api
        .post(
            "mitra0001",
            "/auth/password",
            json!({"current_password": "bukan-ini", "new_password": NEW}),
        )
        .await
        .expect_field("current_password");
    assert_eq!(
        wrong["error"]["fields"]["current_password"],
        "kata sandi saat ini salah"
    );
    let short = api
        .post(
            "mitra0001",
            "/auth/password",
            json!({"current_password": DEMO_PASSWORD, "new_password": "pendek"}),
        )
        .await
        .expect_field("new_password");
    assert_eq!(
        short["error"]["fields"]["new_password"],
        "minimal 8 karakter"
    );
    assert!(password_messages(&api, "mitra0001").await.is_empty());

    let done = api
        .post(
            "mitra0001",
            "/auth/password",
            json!({"current_password": DEMO_PASSWORD, "new_password": NEW}),
        )
        .await
        .expect(StatusCode::OK);
    // The browser session and the second token end; the token used here stays.
    assert_eq!(done["sessions_ended"], 2, "{done}");
    assert_eq!(api.get("mitra0001", "/me").await.status, StatusCode::OK);
    let other = api
        .app
        .client()
        .get(api.app.url(Portal::Mitra, "/api/v1/me"))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = api.app.get_as(&browser, Portal::Mitra, "/dashboard").await;
    assert!(
        status.is_redirection(),
        "the browser is logged out: {status}"
    );

    assert_eq!(
        api_login(&api, Portal::Mitra, "mitra0001", DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api_login(&api, Portal::Mitra, "mitra0001", NEW).await,
        StatusCode::OK
    );

    // Told by WhatsApp, on the user's own number, with its send job.
    let messages = password_messages(&api, "mitra0001").await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let (event, status, phone, message) = &messages[0];
    assert_eq!(
        (event.as_str(), status.as_str(), phone.as_str()),
        ("password_changed", "PENDING", "6281211110001")
    );
    assert!(
        message.contains("Kata sandi akun D'Fresto Anda (mitra0001) baru saja Anda ganti"),
        "{message}"
    );
    assert!(message.contains("segera hubungi kantor pusat"), "{message}");
    assert_eq!(api.app.pending_jobs(jobs::queue::WHATSAPP).await.len(), 1);
}

#[tokio::test]
async fn the_password_page_works_on_every_portal() {
    let api = Api::spawn().await;
    for (portal, username) in [
        (Portal::Mitra, "mitra0002"),
        (Portal::Stokis, "stokis002"),
        (Portal::Admin, "gudang"),
    ] {
        let user = api.app.user(portal, username).await;
        let (status, page) = api.app.get_as(&user, portal, "/password").await;
        assert_eq!(status, StatusCode::OK, "{username}");
        assert!(page.contains("Kata sandi saat ini"), "{username}");
        let wrong = api
            .app
            .post_as(
                &user,
                portal,
                "/password",
                &[("current_password", "salah-sekali"), ("new_password", NEW)],
            )
            .await;
        assert_eq!(
            wrong.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{username}"
        );
        assert!(
            wrong
                .text()
                .await
                .unwrap()
                .contains("kata sandi saat ini salah")
        );
        let ok = api
            .app
            .post_as(
                &user,
                portal,
                "/password",
                &[("current_password", DEMO_PASSWORD), ("new_password", NEW)],
            )
            .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{username}");
        // This browser stays logged in and sees the confirmation.
        let (status, page) = api.app.get_as(&user, portal, "/password").await;
        assert_eq!(status, StatusCode::OK, "{username}");
        assert!(page.contains("Kata sandi diganti"), "{username}: {page}");
        assert_eq!(
            api_login(&api, portal, username, NEW).await,
            StatusCode::OK,
            "{username}"
        );
        // No phone on the account: the message is written FAILED, as every message without a number.
        let messages = password_messages(&api, username).await;
        assert_eq!(messages.len(), 1, "{username}");
        assert_eq!(messages[0].1, "FAILED", "{username}");
    }
}

async fn user_id(api: &Api, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&api.app.db.pool)
        .await
        .unwrap()
}

async fn password_hash(api: &Api, username: &str) -> String {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&api.app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn pusat_re_enters_its_own_password_to_reset_or_touch_staff_accounts() {
    let api = Api::spawn().await;
    set_phone(&api, "stokis001", "6281211110002").await;
    let pusat = api.app.user(Portal::Admin, "pusat").await;
    let stokis = user_id(&api, "stokis001").await;
    let before = password_hash(&api, "stokis001").await;
    let path = format!("/users/{stokis}/password");

    for (admin_password, message) in [
        ("", "isi kata sandi Anda sendiri"),
        ("salah-sekali", "kata sandi Anda salah"),
    ] {
        let res = api
            .app
            .post_as(
                &pusat,
                Portal::Admin,
                &path,
                &[("password", NEW), ("admin_password", admin_password)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(message), "{message}");
        assert_eq!(password_hash(&api, "stokis001").await, before);
    }
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            &path,
            &[("password", NEW), ("admin_password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        api_login(&api, Portal::Stokis, "stokis001", NEW).await,
        StatusCode::OK
    );
    let messages = password_messages(&api, "stokis001").await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(
        (messages[0].0.as_str(), messages[0].1.as_str()),
        ("password_reset", "PENDING")
    );
    assert!(
        messages[0].3.contains("direset oleh kantor pusat"),
        "{}",
        messages[0].3
    );

    // Creating a FINANCE user needs it; a GUDANG user does not.
    let new_user = |username: &'static str, role: &'static str, admin: &'static str| {
        vec![
            ("username", username),
            ("name", "Staf Baru"),
            ("role", role),
            ("phone", ""),
            ("link_code", ""),
            ("password", NEW),
            ("admin_password", admin),
        ]
    };
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            "/users",
            &new_user("fin2", "FINANCE", "salah-sekali"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("kata sandi Anda salah"));
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            "/users",
            &new_user("gudang2", "GUDANG", ""),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            "/users",
            &new_user("fin2", "FINANCE", DEMO_PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE username IN ('fin2', 'gudang2')")
            .fetch_one(&api.app.db.pool)
            .await
            .unwrap();
    assert_eq!(count, 2);

    // Deactivating finance needs it too.
    let finance = user_id(&api, "finance").await;
    let active = |api: &Api| {
        let pool = api.app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>("SELECT active FROM users WHERE id = $1")
                .bind(finance)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            &format!("/users/{finance}/deactivate"),
            &[("admin_password", "salah-sekali")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(active(&api).await, "a wrong password deactivates nothing");
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            &format!("/users/{finance}/deactivate"),
            &[("admin_password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!active(&api).await);
}

#[tokio::test]
async fn prices_and_credit_limits_above_a_trillion_rupiah_are_refused() {
    let api = Api::spawn().await;
    let pusat = api.app.user(Portal::Admin, "pusat").await;
    let product = |price: &'static str| {
        vec![
            ("sku", "BIG-001"),
            ("name", "Produk Mahal"),
            ("category", ""),
            ("unit", "pak"),
            ("price_to_mitra", price),
            ("price_to_stokis", "1000"),
            ("active", "on"),
        ]
    };
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            "/products",
            &product("1.000.000.000.001"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("maksimal Rp 1.000.000.000.000")
    );
    let res = api
        .app
        .post_as(
            &pusat,
            Portal::Admin,
            "/products",
            &product("1.000.000.000.000"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let saved: Value = json!(
        sqlx::query_scalar::<_, i64>("SELECT price_to_mitra FROM products WHERE sku = 'BIG-001'")
            .fetch_one(&api.app.db.pool)
            .await
            .unwrap()
    );
    assert_eq!(saved, json!(1_000_000_000_000_i64));
}
