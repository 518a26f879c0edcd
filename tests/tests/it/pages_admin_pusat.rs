//! The admin portal's pages for PUSAT: the month's overview, and the master data: products
//! (never a negative price), stokis credit limits and terms, moving a mitra to another stokis,
//! users (create, reset, deactivate), and lists that page and keep their filters.

use domain::Portal;
use reqwest::StatusCode;
use tests::TestApp;
use tests::fixtures::{count, warehouse_stock};

#[tokio::test]
async fn the_overview_counts_this_month() {
    let (app, w) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    let po = app.shipped_po(&w, &[(w.ayam.0, 10)]).await;
    let total = po.total;
    let (status, html) = app.page(&pusat, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    let rupiah = domain::money::format_rupiah(total);
    assert!(
        html.contains(&format!("{rupiah} <span class=\"muted small\">(1 PO)")),
        "{html}"
    );
    assert!(html.contains("(1 invoice)"), "{html}");
}

#[tokio::test]
async fn pusat_edits_products_and_refuses_negative_prices() {
    let (app, _) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    let before = count(&app.db.pool, "products").await;
    let res = app
        .submit(
            &pusat,
            "/products",
            &[
                ("sku", "ayam-002"),
                ("name", "Ayam Paha"),
                ("unit", "pak"),
                ("price_to_mitra", "-5000"),
                ("price_to_stokis", "abc"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("jumlah tidak boleh negatif"), "{html}");
    assert!(html.contains(r#"value="Ayam Paha""#), "input kept: {html}");
    assert_eq!(count(&app.db.pool, "products").await, before);

    let res = app
        .submit(
            &pusat,
            "/products",
            &[
                ("sku", "AYM-001"),
                ("name", "Dobel"),
                ("unit", "pak"),
                ("price_to_mitra", "1"),
                ("price_to_stokis", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("SKU ini sudah dipakai"));

    let res = app
        .submit(
            &pusat,
            "/products",
            &[
                ("sku", "ayam-002"),
                ("name", "Ayam Paha"),
                ("unit", "pak"),
                ("price_to_mitra", "Rp 60.000"),
                ("price_to_stokis", "52.000"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (id, mitra_price, stokis_price): (i64, i64, i64) = sqlx::query_as(
        "SELECT id, price_to_mitra, price_to_stokis FROM products WHERE sku = 'AYAM-002'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((mitra_price, stokis_price), (60_000, 52_000));
    assert_eq!(warehouse_stock(&app.db.pool, id).await, 0);

    let (status, html) = app.page(&pusat, &format!("/products/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"value="60000""#), "{html}");
    let res = app
        .submit(
            &pusat,
            &format!("/products/{id}"),
            &[
                ("sku", "AYAM-002"),
                ("name", "Ayam Paha"),
                ("unit", "pak"),
                ("price_to_mitra", "61000"),
                ("price_to_stokis", "-1"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(
            &pusat,
            &format!("/products/{id}"),
            &[
                ("sku", "AYAM-002"),
                ("name", "Ayam Paha"),
                ("unit", "pak"),
                ("price_to_mitra", "61000"),
                ("price_to_stokis", "53000"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (price, active): (i64, bool) =
        sqlx::query_as("SELECT price_to_mitra, active FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((price, active), (61_000, false));

    let (status, html) = app.page(&pusat, "/products?q=paha&active=0").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ayam Paha"), "{html}");
    let (_, html) = app.page(&pusat, "/products?active=1").await;
    assert!(!html.contains("Ayam Paha"), "{html}");
}

#[tokio::test]
async fn pusat_sets_credit_limits_and_terms_never_below_zero() {
    let (app, w) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    let path = format!("/stokis/{}", w.stokis_a);
    let (status, html) = app.page(&pusat, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"value="10000000""#), "{html}");

    let fields = |limit: &'static str, terms: &'static str| {
        vec![
            ("code", "STK001"),
            ("name", "Stokis Sumber Rejeki"),
            ("city", "Bandung"),
            ("phone", "0812-3456-7001"),
            ("credit_limit", limit),
            ("payment_terms_days", terms),
            ("active", "1"),
        ]
    };
    let res = app.submit(&pusat, &path, &fields("-1", "14")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("jumlah tidak boleh negatif"), "{html}");
    let res = app.submit(&pusat, &path, &fields("1000", "-3")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("tidak boleh negatif"));
    let (limit, terms): (i64, i32) =
        sqlx::query_as("SELECT credit_limit, payment_terms_days FROM stokis WHERE id = $1")
            .bind(w.stokis_a)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((limit, terms), (10_000_000, 14));

    let res = app
        .submit(&pusat, &path, &fields("Rp 25.000.000", "21"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (limit, terms): (i64, i32) =
        sqlx::query_as("SELECT credit_limit, payment_terms_days FROM stokis WHERE id = $1")
            .bind(w.stokis_a)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((limit, terms), (25_000_000, 21));
    let (_, html) = app.page(&pusat, "/stokis?q=bandung").await;
    assert!(html.contains("Rp 25.000.000"), "{html}");
    assert!(html.contains("21 hari"), "{html}");
}

#[tokio::test]
async fn pusat_moves_a_mitra_to_another_stokis() {
    let (app, w) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    let path = format!("/mitra/{}", w.mitra_a);
    let (status, html) = app.page(&pusat, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Stokis Maju Jaya"), "stokis picker: {html}");
    let stokis_b = w.stokis_b.to_string();
    let res = app
        .submit(
            &pusat,
            &path,
            &[
                ("code", "MTR0001"),
                ("name", "D'Fresto Dago"),
                ("city", "Bandung"),
                ("stokis_id", &stokis_b),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stokis: i64 = sqlx::query_scalar("SELECT stokis_id FROM mitra WHERE id = $1")
        .bind(w.mitra_a)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stokis, w.stokis_b);
    let (_, html) = app
        .page(&pusat, &format!("/mitra?stokis={}", w.stokis_b))
        .await;
    assert!(html.contains("D&#x27;Fresto Dago"), "{html}");

    let res = app
        .submit(
            &pusat,
            &path,
            &[
                ("code", "MTR0001"),
                ("name", "D'Fresto Dago"),
                ("city", "Bandung"),
                ("stokis_id", "999999"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("stokis tidak ditemukan"));
}

#[tokio::test]
async fn pusat_creates_deactivates_and_resets_users() {
    let (app, w) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    let res = app
        .submit(
            &pusat,
            "/users",
            &[
                ("username", "Budi.K"),
                ("name", "Budi K"),
                ("role", "STOKIS"),
                ("link_code", "STK999"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("tidak ditemukan"), "{html}");
    assert!(html.contains("minimal 8 karakter"), "{html}");
    assert!(
        !html.contains(r#"value="short""#),
        "password never echoed: {html}"
    );

    let res = app
        .submit(
            &pusat,
            "/users",
            &[
                ("username", "Budi.K"),
                ("name", "Budi K"),
                ("role", "FINANCE"),
                ("password", "rahasia-123"),
                ("admin_password", "dfresto-demo"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (id, hash): (i64, String) =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE username = 'budi.k'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let client = app.client();
    let res = app
        .submit_login(&client, Portal::Admin, "budi.k", "rahasia-123")
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the new user can log in"
    );

    // Reset: old password gone, the session revoked.
    let res = app
        .submit(
            &pusat,
            &format!("/users/{id}/password"),
            &[("password", "123")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(
            &pusat,
            &format!("/users/{id}/password"),
            &[
                ("password", "baru-456789"),
                ("admin_password", "dfresto-demo"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(live, 0);
    let res = client
        .get(app.url(Portal::Admin, "/dashboard"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "logged out after the reset");
    let res = app
        .submit_login(&client, Portal::Admin, "budi.k", "baru-456789")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Deactivate: sessions revoked at once, login refused.
    let res = app
        .submit(
            &pusat,
            &format!("/users/{id}/deactivate"),
            &[("admin_password", "dfresto-demo")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = client
        .get(app.url(Portal::Admin, "/dashboard"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "session ended");
    let res = app
        .submit_login(&client, Portal::Admin, "budi.k", "baru-456789")
        .await;
    assert_ne!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&pusat, "/users?active=0").await;
    assert!(html.contains("budi.k"), "{html}");

    // Pusat cannot lock itself out.
    let me = w.pusat.user_id;
    let res = app
        .submit(&pusat, &format!("/users/{me}/deactivate"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(active);
}

#[tokio::test]
async fn lists_page_and_keep_their_filters() {
    let (app, _) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    for i in 0..25 {
        sqlx::query(
            "INSERT INTO products (sku, name, unit, price_to_mitra, price_to_stokis) VALUES ($1, $2, 'pak', 1000, 900)",
        )
        .bind(format!("BULK-{i:03}"))
        .bind(format!("Bumbu Curah {i:03}"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let (_, html) = app.page(&pusat, "/products?q=curah").await;
    assert!(html.contains("Menampilkan 1–20 dari 25"), "{html}");
    assert!(html.contains("q=curah&amp;page=2"), "{html}");
    let (_, html) = app.page(&pusat, "/products?q=curah&page=2").await;
    assert!(html.contains("Menampilkan 21–25 dari 25"), "{html}");
    assert!(html.contains("Bumbu Curah 024"), "{html}");
    assert!(!html.contains("Bumbu Curah 000"), "{html}");
}
