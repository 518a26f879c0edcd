//! The admin portal's pages for FINANCE: the approval queue with each stokis's credit
//! position, approving, the override reason over the limit, rejecting with a reason, invoices
//! with their filters, payments, and the aging buckets.

use domain::Clock;
use reqwest::StatusCode;
use tests::TestApp;
use tests::app::location;
use tests::fixtures::count;

#[tokio::test]
async fn finance_sees_the_queue_with_the_credit_position_and_approves() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let po = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 10)]).await;
    let (id, number) = (po.id, po.number);
    let (status, html) = app.page(&finance, "/approvals").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&number), "{html}");
    assert!(html.contains("Stokis Sumber Rejeki"), "{html}");
    assert!(html.contains("Rp 10.000.000"), "the limit: {html}");
    // 10 × 48.000 = 480.000 against a limit of 10.000.000 leaves 9.520.000
    assert!(html.contains("Rp 9.520.000"), "remaining after: {html}");

    let res = app
        .submit(
            &finance,
            &format!("/purchase-orders/{id}/approve"),
            &[("back", "/approvals")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/approvals");
    assert_eq!(app.po_status(id).await, "APPROVED");
    let (_, html) = app.page(&finance, "/approvals").await;
    assert!(html.contains("disetujui"), "flash: {html}");
    assert!(
        !html.contains(&format!(r#"href="/purchase-orders/{id}""#)),
        "no longer queued: {html}"
    );

    let (status, html) = app.page(&finance, &format!("/purchase-orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Riwayat status"), "{html}");
    assert!(html.contains("User finance"), "who approved: {html}");
}

#[tokio::test]
async fn over_the_limit_needs_a_reason_which_is_recorded() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    sqlx::query("UPDATE stokis SET credit_limit = 100000 WHERE id = $1")
        .bind(w.stokis_a)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let id = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 10)]).await.id;

    let (_, html) = app.page(&finance, "/approvals").await;
    assert!(html.contains("Perlu alasan override"), "{html}");

    let res = app
        .submit(&finance, &format!("/purchase-orders/{id}/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("melebihi limit kredit"), "{html}");
    assert!(html.contains(r#"name="override_reason""#), "{html}");
    assert_eq!(app.po_status(id).await, "SUBMITTED");

    let reason = "Pelanggan lama <b>lancar</b>";
    let res = app
        .submit(
            &finance,
            &format!("/purchase-orders/{id}/approve"),
            &[("override_reason", reason)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/purchase-orders/{id}"));
    assert_eq!(app.po_status(id).await, "APPROVED");
    let recorded: Option<String> =
        sqlx::query_scalar("SELECT credit_override_reason FROM purchase_orders WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(recorded.as_deref(), Some(reason));
    let note: Option<String> = sqlx::query_scalar(
        "SELECT note FROM status_history WHERE entity = 'PURCHASE_ORDER' AND entity_id = $1 AND to_status = 'APPROVED'",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(note.unwrap_or_default().contains(reason));

    let (_, html) = app.page(&finance, &format!("/purchase-orders/{id}")).await;
    assert!(
        html.contains("Pelanggan lama &lt;b&gt;lancar&lt;&#x2F;b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>lancar</b>"), "{html}");
}

#[tokio::test]
async fn rejecting_needs_a_reason() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let id = app.submit_po(&w.stokis_a_user, &[(w.saus.0, 5)]).await.id;
    let res = app
        .submit(
            &finance,
            &format!("/purchase-orders/{id}/reject"),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("wajib diisi"), "{html}");
    assert_eq!(app.po_status(id).await, "SUBMITTED");

    let res = app
        .submit(
            &finance,
            &format!("/purchase-orders/{id}/reject"),
            &[("reason", "stok pusat habis")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.po_status(id).await, "REJECTED");
}

#[tokio::test]
async fn finance_filters_invoices_and_records_payments() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let pusat = app.login_as("pusat").await;
    let po = app.shipped_po(&w, &[(w.ayam.0, 10)]).await;
    let (invoice_id, _) = app.invoice_of(po.id).await;
    let (po_id, total) = (po.id, po.total);
    let (_, number) = app.invoice_of(po_id).await;
    // Tera escapes "/" in text.
    let number = number.replace('/', "&#x2F;");

    for (query, shown) in [
        ("", true),
        ("?status=open", true),
        ("?status=not_due", true),
        ("?status=late", false),
        ("?status=paid", false),
        (&format!("?stokis={}", w.stokis_a) as &str, true),
        (&format!("?stokis={}", w.stokis_b) as &str, false),
        ("?due_from=2026-12-12&due_to=2026-12-12", true),
        ("?due_to=2026-12-11", false),
        ("?q=INV%2F2026", true),
    ] {
        let (status, html) = app.page(&finance, &format!("/invoices{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(html.contains(&number), shown, "{query}: {html}");
    }

    let (status, html) = app.page(&finance, &format!("/invoices/{invoice_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Catat pembayaran"), "{html}");
    assert!(
        html.contains(&domain::money::format_rupiah(total)),
        "{html}"
    );

    let too_much = (total + 1).to_string();
    let res = app
        .submit(
            &finance,
            &format!("/invoices/{invoice_id}/payments"),
            &[
                ("amount", &too_much),
                ("paid_on", "2026-11-28"),
                ("method", "TRANSFER"),
                ("reference", "TRF-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("melebihi sisa tagihan"), "{html}");
    assert!(
        html.contains(&format!(r#"value="{too_much}""#)),
        "input kept: {html}"
    );
    assert!(html.contains(r#"value="TRF-1""#), "{html}");
    assert_eq!(count(&app.db.pool, "payments").await, 0);

    let res = app
        .submit(
            &finance,
            &format!("/invoices/{invoice_id}/payments"),
            &[("amount", "abc"), ("paid_on", ""), ("method", "TRANSFER")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("isi tanggal bayar"), "{html}");
    assert_eq!(count(&app.db.pool, "payments").await, 0);

    let res = app
        .submit(
            &finance,
            &format!("/invoices/{invoice_id}/payments"),
            &[
                ("amount", "Rp 100.000"),
                ("paid_on", "2026-11-28"),
                ("method", "TRANSFER"),
                ("reference", "TRF-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rest = (total - 100_000).to_string();
    let res = app
        .submit(
            &finance,
            &format!("/invoices/{invoice_id}/payments"),
            &[
                ("amount", &rest),
                ("paid_on", "2026-11-28"),
                ("method", "CASH"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
        .bind(invoice_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "PAID");
    let (_, html) = app.page(&finance, &format!("/invoices/{invoice_id}")).await;
    assert!(html.contains("lunas"), "{html}");
    assert!(!html.contains("Catat pembayaran"), "{html}");
    let (_, html) = app.page(&finance, "/invoices?status=paid").await;
    assert!(html.contains(&number), "{html}");

    // Pusat reads invoices but has no payment form.
    let (status, html) = app.page(&pusat, &format!("/invoices/{invoice_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Catat pembayaran"), "{html}");
}

#[tokio::test]
async fn aging_puts_balances_in_their_buckets() {
    let (app, w) = TestApp::with_world().await;
    let po = app.shipped_po(&w, &[(w.ayam.0, 10)]).await;
    let (invoice_id, _) = app.invoice_of(po.id).await;
    let total = po.total;
    // Issued 28 Nov with 14 days' terms: due 12 Dec. On 16 Jan it is 35 days past due.
    app.clock.advance(chrono::Duration::days(49));
    // Sessions from seven weeks ago have expired: log in again.
    let finance = app.login_as("finance").await;
    let pusat = app.login_as("pusat").await;
    let gudang = app.login_as("gudang").await;
    let (status, html) = app.page(&finance, "/aging").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Stokis Sumber Rejeki"), "{html}");
    let amount = domain::money::format_rupiah(total);
    assert!(
        html.contains(&format!(
            r#"<td data-label="31–60 hari" class="num">{amount}</td>"#
        )),
        "{html}"
    );
    assert!(
        html.contains(r#"<td data-label="1–30 hari" class="num">Rp 0</td>"#),
        "{html}"
    );

    // As of a date before it was due, the same balance is "not yet due".
    let (_, html) = app.page(&finance, "/aging?as_of=2026-12-01").await;
    assert!(
        html.contains(&format!(
            r#"<td data-label="Belum jatuh tempo" class="num">{amount}</td>"#
        )),
        "{html}"
    );
    // Before it was issued, there was nothing.
    let (_, html) = app.page(&finance, "/aging?as_of=2026-11-27").await;
    assert!(!html.contains("Stokis Sumber Rejeki"), "{html}");

    // A partial payment lowers the balance shown.
    let mut tx = app.db.pool.begin().await.unwrap();
    domain::invoice::record_payment(
        &mut tx,
        &w.finance,
        &*app.clock,
        invoice_id,
        domain::invoice::NewPayment {
            amount: 80_000,
            paid_on: app.clock.today(),
            method: domain::invoice::PaymentMethod::Cash,
            reference: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (_, html) = app.page(&pusat, "/aging").await;
    let rest = domain::money::format_rupiah(total - 80_000);
    assert!(
        html.contains(&format!(
            r#"<td data-label="31–60 hari" class="num">{rest}</td>"#
        )),
        "{html}"
    );
    let (status, _) = app.page(&gudang, "/aging").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
