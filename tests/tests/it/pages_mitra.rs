//! The mitra portal's pages over HTTP: each page shows the mitra's own data; placing an order
//! through the form; bad input shown on its field with nothing written; another mitra's order
//! is a 404; cancel and delivery follow the state machine; notes with HTML are shown escaped.

use domain::Portal;
use domain::order::OrderAction;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use tests::TestApp;
use tests::fixtures::count;

#[tokio::test]
async fn each_page_shows_the_mitras_own_data() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let mine = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 2)], "").await;
    let theirs = app.place_order(&w.mitra_b_user, &[(w.saus.0, 1)], "").await;

    let (status, html) = app.page(&mitra, "/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Fresto Dago"), "{html}");
    assert!(html.contains("Stokis Sumber Rejeki"));
    assert!(html.contains(&mine.number));
    assert!(!html.contains(&theirs.number));
    assert!(html.contains("Rp 110.000"), "order total in Rupiah: {html}");
    assert!(html.contains("WIB"), "dates in WIB: {html}");

    let (status, html) = app.page(&mitra, "/catalogue").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ayam Fillet 1kg"));
    assert!(html.contains("Rp 55.000"), "mitra price: {html}");
    assert!(!html.contains("Rp 48.000"), "never the stokis price");
    assert!(
        !html.contains("Bumbu Lama"),
        "inactive products are not sold"
    );
    assert!(html.contains(&format!("/orders/new?product={}", w.ayam.0)));

    let (_, html) = app.page(&mitra, "/catalogue?q=kentang").await;
    assert!(html.contains("Kentang Goreng"));
    assert!(!html.contains("Ayam Fillet"));
    let (_, html) = app.page(&mitra, "/catalogue?q=tidak-ada-produk-ini").await;
    assert!(html.contains("Tidak ada yang cocok"), "{html}");

    let (status, html) = app
        .page(&mitra, &format!("/orders/new?product={}", w.ayam.0))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(r#"name="qty_{}""#, w.ayam.0)));
    assert!(html.contains(r#"name="csrf_token""#));
    assert!(html.contains(r#"name="idempotency_key""#));
    assert!(html.contains("Kirim pesanan"));
    assert!(
        html.contains("Rp 55.000"),
        "prefilled line counts in the total"
    );

    let (status, html) = app.page(&mitra, "/orders").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&mine.number));
    assert!(!html.contains(&theirs.number));
    assert!(html.contains("Menunggu"));
    let (_, html) = app.page(&mitra, "/orders?status=CANCELLED").await;
    assert!(!html.contains(&mine.number));
    let (_, html) = app.page(&mitra, "/orders?page=2").await;
    assert!(!html.contains(&mine.number), "page 2 of one order is empty");

    let (status, html) = app.page(&mitra, &format!("/orders/{}", mine.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&mine.number));
    assert!(html.contains("Riwayat status"));
    assert!(html.contains("Ayam Fillet 1kg"));
    assert!(
        html.contains("Batalkan pesanan"),
        "pending orders can be cancelled"
    );
    assert!(!html.contains("Pesanan sudah diterima"));
}

#[tokio::test]
async fn lists_are_paginated() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let mut numbers = Vec::new();
    for _ in 0..25 {
        numbers.push(
            app.place_order(&w.mitra_a_user, &[(w.saus.0, 1)], "")
                .await
                .number,
        );
    }
    let (_, first) = app.page(&mitra, "/orders").await;
    let (_, second) = app.page(&mitra, "/orders?page=2").await;
    let on = |html: &str| numbers.iter().filter(|n| html.contains(n.as_str())).count();
    assert_eq!(on(&first), 20);
    assert_eq!(on(&second), 5);
    assert!(first.contains("Menampilkan 1–20 dari 25"), "{first}");
    assert!(first.contains("page=2"));
}

#[tokio::test]
async fn an_order_placed_through_the_form() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let ayam = format!("qty_{}", w.ayam.0);
    let saus = format!("qty_{}", w.saus.0);
    let res = app
        .submit(
            &mitra,
            "/orders",
            &[
                (ayam.as_str(), "2"),
                (saus.as_str(), " 1 "),
                (&format!("qty_{}", w.kentang.0), ""),
                ("note", "Antar sebelum jam 10"),
                ("idempotency_key", "form-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/orders/"), "{location}");

    let (total, note, lines): (i64, String, i64) = sqlx::query_as(
        "SELECT o.total, o.note, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id) FROM orders o",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(total, 2 * 55_000 + 18_000);
    assert_eq!(note, "Antar sebelum jam 10");
    assert_eq!(lines, 2);

    let (status, html) = app.page(&mitra, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("terkirim ke stokis"), "flash: {html}");
    assert!(html.contains("Rp 128.000"));
    let (_, again) = app.page(&mitra, &location).await;
    assert!(
        !again.contains("terkirim ke stokis"),
        "the flash shows once"
    );

    // The same form sent twice (a double tap) makes one order.
    let res = app
        .submit(
            &mitra,
            "/orders",
            &[(ayam.as_str(), "2"), ("idempotency_key", "form-1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION].to_str().unwrap(), location);
    assert_eq!(count(&app.db.pool, "orders").await, 1);
}

/// Form fields as (name, value) pairs.
type Fields = Vec<(String, String)>;

#[tokio::test]
async fn bad_input_is_shown_on_its_field_and_nothing_is_written() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let ayam = format!("qty_{}", w.ayam.0);
    let saus = format!("qty_{}", w.saus.0);
    let inactive = format!("qty_{}", w.inactive);
    let long_note = "x".repeat(1001);
    let cases: Vec<(Fields, &str, &str)> = vec![
        (
            vec![(ayam.clone(), "0".into())],
            "Jumlah harus lebih dari 0",
            "qty 0",
        ),
        (
            vec![(ayam.clone(), "-3".into()), (saus.clone(), "2".into())],
            "Jumlah harus lebih dari 0",
            "negative",
        ),
        (
            vec![(ayam.clone(), "dua".into()), (saus.clone(), "2".into())],
            "Jumlah harus berupa angka bulat",
            "non-numeric",
        ),
        (
            vec![(ayam.clone(), "1.5".into())],
            "Jumlah harus berupa angka bulat",
            "fraction",
        ),
        (
            vec![("qty_99999999".into(), "1".into())],
            "Produk tidak ditemukan",
            "unknown product",
        ),
        (
            vec![(inactive.clone(), "1".into())],
            "Bumbu Lama sudah tidak dijual",
            "inactive product",
        ),
        (
            vec![
                (ayam.clone(), "1".into()),
                ("note".into(), long_note.clone()),
            ],
            "Maksimal 1000 karakter",
            "over-long note",
        ),
        (vec![], "Pilih minimal satu produk", "nothing chosen"),
        (
            (1..=250)
                .map(|i| (format!("qty_{}", 1000 + i), "1".to_owned()))
                .collect(),
            "Maksimal 200 baris",
            "too many lines",
        ),
    ];
    for (fields, message, case) in cases {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = app.submit(&mitra, "/orders", &pairs).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        let html = res.text().await.unwrap();
        assert!(html.contains(message), "{case}: {html}");
        assert!(html.contains("Pesanan belum dikirim"), "{case}");
        // What was typed comes back in its field.
        for (k, v) in &fields {
            if k == "note" {
                assert!(
                    html.contains(&format!(">{v}</textarea>")),
                    "{case}: note kept"
                );
            } else if k == &ayam || k == &saus {
                assert!(
                    html.contains(&format!(r#"value="{v}""#)),
                    "{case}: {k}={v} kept"
                );
            }
        }
    }
    // The field-level message sits by its field.
    let res = app
        .submit(&mitra, "/orders", &[(ayam.as_str(), "dua")])
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!(r#"id="{ayam}-error""#)), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#));

    assert_eq!(count(&app.db.pool, "orders").await, 0);
    assert_eq!(count(&app.db.pool, "order_items").await, 0);
    assert_eq!(count(&app.db.pool, "status_history").await, 0);
}

#[tokio::test]
async fn more_than_the_stokis_holds_is_refused_with_the_form_kept() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let ayam = format!("qty_{}", w.ayam.0);
    let res = app
        .submit(&mitra, "/orders", &[(ayam.as_str(), "500")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("tidak cukup"), "{html}");
    assert!(html.contains(r#"value="500""#));
    assert_eq!(count(&app.db.pool, "orders").await, 0);
}

#[tokio::test]
async fn another_mitras_order_is_not_found() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let theirs = app.place_order(&w.mitra_b_user, &[(w.saus.0, 1)], "").await;

    let (status, html) = app.page(&mitra, &format!("/orders/{}", theirs.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("tidak ditemukan"), "{html}");
    assert!(!html.contains(&theirs.number));

    let res = app
        .submit(&mitra, &format!("/orders/{}/cancel", theirs.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.order_status(theirs.id).await, "PENDING");

    for path in ["/orders/abc", "/orders/0", "/orders/99999999"] {
        let (status, _) = app.page(&mitra, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn cancel_and_delivery_follow_the_order_states() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let o = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 1)], "").await;
    let history = |id: i64| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM status_history WHERE entity = 'ORDER' AND entity_id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // Delivery of an order not yet shipped: refused with the reason, nothing changes.
    let res = app
        .submit(&mitra, &format!("/orders/{}/deliver", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Tidak bisa mengonfirmasi penerimaan order"),
        "{html}"
    );
    assert_eq!(app.order_status(o.id).await, "PENDING");
    assert_eq!(history(o.id).await, 1);

    // A POST without the CSRF token changes nothing.
    let res = mitra
        .user
        .client
        .post(app.url(Portal::Mitra, &format!("/orders/{}/cancel", o.id)))
        .form(&[("csrf_token", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.order_status(o.id).await, "PENDING");

    let res = app
        .submit(&mitra, &format!("/orders/{}/cancel", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.order_status(o.id).await, "CANCELLED");
    let (_, html) = app.page(&mitra, &format!("/orders/{}", o.id)).await;
    assert!(html.contains("dibatalkan"), "flash: {html}");
    assert!(
        !html.contains("Batalkan pesanan"),
        "no cancel button any more"
    );

    let res = app
        .submit(&mitra, &format!("/orders/{}/cancel", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("Dibatalkan"));
    assert_eq!(history(o.id).await, 2);

    // Shipped by the stokis: the mitra confirms delivery and sees the whole history.
    let o = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 3)], "").await;
    app.apply_order(&w.stokis_a_user, o.id, OrderAction::Confirm)
        .await;
    app.apply_order(&w.stokis_a_user, o.id, OrderAction::Ship)
        .await;
    let (_, html) = app.page(&mitra, &format!("/orders/{}", o.id)).await;
    assert!(html.contains("Pesanan sudah diterima"), "{html}");
    let res = app
        .submit(&mitra, &format!("/orders/{}/deliver", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.order_status(o.id).await, "DELIVERED");
    let (_, html) = app.page(&mitra, &format!("/orders/{}", o.id)).await;
    for label in ["Menunggu", "Dikonfirmasi", "Dikirim", "Diterima"] {
        assert!(html.contains(label), "{label} in history: {html}");
    }
    assert!(html.contains("User stokis001"), "who moved it");
}

#[tokio::test]
async fn a_stokis_session_cannot_act_on_the_mitra_portal() {
    let (app, w) = TestApp::with_world().await;
    let o = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 1)], "").await;
    let stokis = app.login(Portal::Stokis, "stokis001").await;
    let token = app.csrf("stokis001").await;
    // The stokis portal has no delivery action, and the mitra portal does not know this session.
    let res = stokis
        .post(app.url(Portal::Stokis, &format!("/orders/{}/deliver", o.id)))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        matches!(
            res.status(),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ),
        "{}",
        res.status()
    );
    let res = stokis
        .post(app.url(Portal::Mitra, &format!("/orders/{}/cancel", o.id)))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection() || res.status().is_client_error());
    assert_eq!(app.order_status(o.id).await, "PENDING");
}

#[tokio::test]
async fn html_in_notes_is_shown_escaped() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let o = app
        .place_order(
            &w.mitra_a_user,
            &[(w.ayam.0, 1)],
            "<script>alert('x')</script><b>tebal</b>",
        )
        .await;
    let (_, html) = app.page(&mitra, &format!("/orders/{}", o.id)).await;
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b>tebal</b>"));
    assert!(html.contains("&lt;script&gt;alert("), "{html}");

    // And in a form shown again.
    let ayam = format!("qty_{}", w.ayam.0);
    let res = app
        .submit(
            &mitra,
            "/orders",
            &[
                (ayam.as_str(), "x\"><script>alert(1)</script>"),
                ("note", "<img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}
