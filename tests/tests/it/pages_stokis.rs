//! The stokis portal's pages over HTTP: dashboard, incoming orders (confirm, reject with a
//! reason, ship against stock), stock, purchase orders (new, list, detail, cancel, receive) and
//! invoices; another stokis's records are 404s; refused actions change nothing; names and notes
//! with HTML are shown escaped.

use domain::Clock;
use domain::order::OrderAction;
use domain::purchase_order::PoAction;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use tests::TestApp;
use tests::fixtures::{count, stokis_stock};

/// How tera writes text into a page (it escapes `/` too): invoice numbers look like this there.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2F;")
}

#[tokio::test]
async fn the_dashboard_shows_new_orders_low_stock_invoices_and_credit() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let mine = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 2)], "").await;
    let theirs = app.place_order(&w.mitra_b_user, &[(w.ayam.0, 2)], "").await;
    sqlx::query("UPDATE stokis_stock SET qty = 4 WHERE stokis_id = $1 AND product_id = $2")
        .bind(w.stokis_a)
        .bind(w.saus.0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let po = app.shipped_po(&w, &[(w.kentang.0, 10)]).await; // 10 × 64.000 = 640.000
    let (_, invoice_number) = app.invoice_of(po.id).await;

    let (status, html) = app.page(&stokis, "/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Stokis Sumber Rejeki"));
    assert!(html.contains(&mine.number), "new mitra order: {html}");
    assert!(!html.contains(&theirs.number), "another stokis's order");
    assert!(html.contains("Saus Sambal 1L"), "low stock: {html}");
    assert!(html.contains(&esc(&invoice_number)), "open invoice");
    assert!(html.contains("Rp 640.000"), "balance");
    assert!(html.contains("Rp 10.000.000"), "credit limit");
    assert!(html.contains("Rp 9.360.000"), "remaining credit: {html}");
    assert!(
        html.contains("12 Des 2026"),
        "due date (14 days) as a date: {html}"
    );
}

#[tokio::test]
async fn incoming_orders_are_confirmed_shipped_and_take_stock() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let o = app
        .place_order(&w.mitra_a_user, &[(w.ayam.0, 30)], "")
        .await;
    let theirs = app.place_order(&w.mitra_b_user, &[(w.ayam.0, 1)], "").await;

    let (status, html) = app.page(&stokis, "/orders").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&o.number));
    assert!(html.contains("Fresto Dago"));
    assert!(!html.contains(&theirs.number));
    let (_, html) = app.page(&stokis, "/orders?status=SHIPPED").await;
    assert!(!html.contains(&o.number));
    let (_, html) = app.page(&stokis, "/orders?q=Dago").await;
    assert!(html.contains(&o.number));

    let (status, html) = app.page(&stokis, &format!("/orders/{}", o.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Konfirmasi pesanan"));
    assert!(html.contains("Tolak pesanan"));
    assert!(html.contains("100 pak"), "stock on hand shown: {html}");

    // Shipping before confirming is refused, and nothing moves.
    let res = app
        .submit(&stokis, &format!("/orders/{}/ship", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Tidak bisa mengirim order")
    );
    assert_eq!(stokis_stock(&app.db.pool, w.stokis_a, w.ayam.0).await, 100);

    let res = app
        .submit(&stokis, &format!("/orders/{}/confirm", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[LOCATION].to_str().unwrap(),
        format!("/orders/{}", o.id)
    );
    assert_eq!(app.order_status(o.id).await, "CONFIRMED");
    let (_, html) = app.page(&stokis, &format!("/orders/{}", o.id)).await;
    assert!(html.contains("dikonfirmasi"), "flash: {html}");
    assert!(html.contains("Kirim pesanan"));

    let res = app
        .submit(&stokis, &format!("/orders/{}/ship", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.order_status(o.id).await, "SHIPPED");
    assert_eq!(stokis_stock(&app.db.pool, w.stokis_a, w.ayam.0).await, 70);
    let (_, html) = app.page(&stokis, "/stock").await;
    assert!(html.contains("70 pak"), "{html}");
}

#[tokio::test]
async fn shipping_without_enough_stock_is_refused_and_changes_nothing() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let o = app
        .place_order(&w.mitra_a_user, &[(w.ayam.0, 60)], "")
        .await;
    app.apply_order(&w.stokis_a_user, o.id, OrderAction::Confirm)
        .await;
    sqlx::query("UPDATE stokis_stock SET qty = 50 WHERE stokis_id = $1 AND product_id = $2")
        .bind(w.stokis_a)
        .bind(w.ayam.0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, html) = app.page(&stokis, &format!("/orders/{}", o.id)).await;
    assert!(html.contains("Stok Anda belum cukup"), "{html}");

    let movements = count(&app.db.pool, "stock_movements").await;
    let res = app
        .submit(&stokis, &format!("/orders/{}/ship", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("tidak cukup"), "{html}");
    assert!(html.contains("tersedia 50"));
    assert_eq!(app.order_status(o.id).await, "CONFIRMED");
    assert_eq!(stokis_stock(&app.db.pool, w.stokis_a, w.ayam.0).await, 50);
    assert_eq!(count(&app.db.pool, "stock_movements").await, movements);
}

#[tokio::test]
async fn rejecting_needs_a_reason_shown_on_its_field() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let o = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 1)], "").await;
    let long = "x".repeat(1001);
    for (reason, message) in [
        ("", "Wajib diisi"),
        ("   ", "Wajib diisi"),
        (long.as_str(), "Maksimal 1000 karakter"),
    ] {
        let res = app
            .submit(
                &stokis,
                &format!("/orders/{}/reject", o.id),
                &[("reason", reason)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains(message), "{html}");
        assert!(html.contains(r#"id="reason-error""#));
        assert_eq!(app.order_status(o.id).await, "PENDING");
    }

    let reason = "Stok <b>habis</b> <script>alert(1)</script>";
    let res = app
        .submit(
            &stokis,
            &format!("/orders/{}/reject", o.id),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.order_status(o.id).await, "REJECTED");
    let (_, html) = app.page(&stokis, &format!("/orders/{}", o.id)).await;
    assert!(html.contains("ditolak"), "flash: {html}");
    assert!(
        html.contains("Stok &lt;b&gt;habis&lt;&#x2F;b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)"));

    // Confirming a rejected order: refused with the reason, nothing changes.
    let res = app
        .submit(&stokis, &format!("/orders/{}/confirm", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("Ditolak"));
    assert_eq!(app.order_status(o.id).await, "REJECTED");
}

#[tokio::test]
async fn another_stokiss_records_are_not_found() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let their_order = app.place_order(&w.mitra_b_user, &[(w.ayam.0, 1)], "").await;
    let their_po = app.submit_po(&w.stokis_b_user, &[(w.ayam.0, 1)]).await;
    app.apply_po(&w.finance, their_po.id, PoAction::Approve)
        .await;
    app.apply_po(&w.gudang, their_po.id, PoAction::Ship).await;
    let (their_invoice, _) = app.invoice_of(their_po.id).await;

    for path in [
        format!("/orders/{}", their_order.id),
        format!("/purchase-orders/{}", their_po.id),
        format!("/invoices/{their_invoice}"),
        "/invoices/abc".to_owned(),
    ] {
        let (status, html) = app.page(&stokis, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {html}");
        assert!(!html.contains(&their_order.number));
    }
    for path in [
        format!("/orders/{}/confirm", their_order.id),
        format!("/orders/{}/reject", their_order.id),
        format!("/purchase-orders/{}/receive", their_po.id),
    ] {
        let res = app
            .submit(&stokis, &path, &[("reason", "bukan milik saya")])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.order_status(their_order.id).await, "PENDING");
    assert_eq!(app.po_status(their_po.id).await, "SHIPPED");

    let (_, html) = app.page(&stokis, "/invoices").await;
    assert!(html.contains("Belum ada invoice"), "{html}");
}

#[tokio::test]
async fn a_po_through_the_form_then_cancel_and_receive() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let (status, html) = app.page(&stokis, "/purchase-orders/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Rp 48.000"), "stokis price: {html}");
    assert!(!html.contains("Rp 55.000"), "never the mitra price");
    assert!(html.contains("Sisa kredit"));

    let ayam = format!("qty_{}", w.ayam.0);
    let res = app
        .submit(
            &stokis,
            "/purchase-orders",
            &[(ayam.as_str(), "10"), ("note", "Kirim Senin")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[LOCATION].to_str().unwrap().to_owned();
    let (status, html) = app.page(&stokis, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("diajukan ke pusat"), "flash: {html}");
    assert!(html.contains("Rp 480.000"));
    assert!(html.contains("Batalkan PO"));

    let (_, html) = app.page(&stokis, "/purchase-orders").await;
    assert!(html.contains("Diajukan"));
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let res = app
        .submit(&stokis, &format!("/purchase-orders/{id}/cancel"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.po_status(id).await, "CANCELLED");
    let res = app
        .submit(&stokis, &format!("/purchase-orders/{id}/receive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(app.po_status(id).await, "CANCELLED");

    // Shipped by gudang: receiving adds the goods to stock; the invoice is linked.
    let po = app.shipped_po(&w, &[(w.saus.0, 20)]).await;
    let (invoice_id, invoice_number) = app.invoice_of(po.id).await;
    let (_, html) = app
        .page(&stokis, &format!("/purchase-orders/{}", po.id))
        .await;
    assert!(html.contains("PO sudah diterima"), "{html}");
    assert!(html.contains(&format!("/invoices/{invoice_id}")));
    assert!(html.contains(&esc(&invoice_number)));
    let res = app
        .submit(&stokis, &format!("/purchase-orders/{}/receive", po.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.po_status(po.id).await, "RECEIVED");
    assert_eq!(stokis_stock(&app.db.pool, w.stokis_a, w.saus.0).await, 120);
}

#[tokio::test]
async fn bad_po_input_is_shown_on_its_field_and_nothing_is_written() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let ayam = format!("qty_{}", w.ayam.0);
    let inactive = format!("qty_{}", w.inactive);
    let long = "n".repeat(1001);
    for (fields, message) in [
        (vec![(ayam.as_str(), "0")], "Jumlah harus lebih dari 0"),
        (vec![(ayam.as_str(), "-5")], "Jumlah harus lebih dari 0"),
        (
            vec![(ayam.as_str(), "sepuluh")],
            "Jumlah harus berupa angka bulat",
        ),
        (
            vec![(inactive.as_str(), "3")],
            "Bumbu Lama sudah tidak dijual",
        ),
        (vec![("qty_424242", "3")], "Produk tidak ditemukan"),
        (
            vec![(ayam.as_str(), "2"), ("note", long.as_str())],
            "Maksimal 1000 karakter",
        ),
    ] {
        let res = app.submit(&stokis, "/purchase-orders", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let html = res.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("PO belum diajukan"));
    }
    assert_eq!(count(&app.db.pool, "purchase_orders").await, 0);
    assert_eq!(count(&app.db.pool, "status_history").await, 0);
}

#[tokio::test]
async fn stock_and_invoices_are_listed_and_filtered() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    sqlx::query("UPDATE stokis_stock SET qty = 3 WHERE stokis_id = $1 AND product_id = $2")
        .bind(w.stokis_a)
        .bind(w.kentang.0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.place_order(&w.mitra_a_user, &[(w.ayam.0, 7)], "").await;

    let (status, html) = app.page(&stokis, "/stock").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ayam Fillet 1kg") && html.contains("Saus Sambal 1L"));
    assert!(html.contains("Menipis"));
    let (_, html) = app.page(&stokis, "/stock?low=1").await;
    assert!(html.contains("Kentang Goreng"));
    assert!(!html.contains("Ayam Fillet 1kg"), "{html}");
    let (_, html) = app.page(&stokis, "/stock?q=ayam").await;
    assert!(html.contains("Ayam Fillet 1kg"));
    assert!(!html.contains("Saus Sambal 1L"));

    let paid = app.shipped_po(&w, &[(w.ayam.0, 1)]).await;
    let open = app.shipped_po(&w, &[(w.saus.0, 2)]).await;
    let (paid_id, paid_number) = app.invoice_of(paid.id).await;
    let (open_id, open_number) = app.invoice_of(open.id).await;
    {
        let mut tx = app.db.pool.begin().await.unwrap();
        domain::invoice::record_payment(
            &mut tx,
            &w.finance,
            &*app.clock,
            paid_id,
            domain::invoice::NewPayment {
                amount: 48_000,
                paid_on: app.clock.today(),
                method: domain::invoice::PaymentMethod::Transfer,
                reference: "TRF <001>".into(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let (status, html) = app.page(&stokis, "/invoices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&esc(&paid_number)) && html.contains(&esc(&open_number)));
    assert!(html.contains("Lunas"));
    let (_, html) = app.page(&stokis, "/invoices?status=PAID").await;
    assert!(html.contains(&esc(&paid_number)) && !html.contains(&esc(&open_number)));
    let (_, html) = app.page(&stokis, "/invoices?due_from=2027-01-01").await;
    assert!(!html.contains(&esc(&open_number)));

    let (status, html) = app.page(&stokis, &format!("/invoices/{paid_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Rp 48.000"));
    assert!(html.contains("TRF &lt;001&gt;"), "{html}");
    let (_, html) = app.page(&stokis, &format!("/invoices/{open_id}")).await;
    assert!(html.contains("Belum ada pembayaran"));
    assert!(html.contains("14 hari lagi"), "{html}");
}

#[tokio::test]
async fn mitra_names_with_html_are_shown_escaped() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    sqlx::query("UPDATE mitra SET name = '<img src=x onerror=alert(1)> Dago' WHERE id = $1")
        .bind(w.mitra_a)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let o = app
        .place_order(&w.mitra_a_user, &[(w.ayam.0, 1)], "<i>cepat</i>")
        .await;
    for path in [
        "/dashboard".to_owned(),
        "/orders".to_owned(),
        format!("/orders/{}", o.id),
    ] {
        let (_, html) = app.page(&stokis, &path).await;
        assert!(!html.contains("<img src=x"), "{path}: {html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt; Dago"),
            "{path}"
        );
    }
    let (_, html) = app.page(&stokis, &format!("/orders/{}", o.id)).await;
    assert!(html.contains("&lt;i&gt;cepat&lt;&#x2F;i&gt;"));
}
