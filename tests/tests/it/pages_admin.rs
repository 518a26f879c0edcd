//! The admin portal's pages over HTTP, for its three roles: finance (approval queue with credit
//! positions, approve / override / reject, invoices with filters, payments, aging), gudang
//! (shipping with a stock check, shipped POs, warehouse stock) and pusat (overview, products,
//! stokis, mitra, users). Each role is refused on the others' actions with nothing changed — by
//! the handlers and by the domain underneath; bad input gets its field message; names with
//! HTML are shown escaped.

use domain::purchase_order::{self, NewPurchaseOrder, PoAction};
use domain::{Actor, Clock, DomainError, Portal, input::Line};
use reqwest::StatusCode;
use tests::TestApp;
use tests::app::{User, location};
use tests::fixtures::{World, count, warehouse_stock};

/// Who posts, where, with which fields, and the role the refusal must name.
type Refusal<'a> = (&'a User, String, Vec<(&'a str, &'a str)>, &'a str);

struct Setup {
    app: TestApp,
    world: World,
    finance: User,
    gudang: User,
    pusat: User,
}

async fn user(app: &TestApp, username: &str) -> User {
    app.user(Portal::Admin, username).await
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let world = World::build(&app.db.pool).await;
    let finance = user(&app, "finance").await;
    let gudang = user(&app, "gudang").await;
    let pusat = user(&app, "pusat").await;
    Setup {
        app,
        world,
        finance,
        gudang,
        pusat,
    }
}

async fn get(s: &Setup, who: &User, path: &str) -> (StatusCode, String) {
    s.app.get_as(who, Portal::Admin, path).await
}

async fn post(s: &Setup, who: &User, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    s.app.post_as(who, Portal::Admin, path, fields).await
}

/// Submits a PO as `who` (a stokis user) through the domain; returns (id, number, total).
async fn submit_po(s: &Setup, who: &Actor, items: &[(i64, i64)]) -> (i64, String, i64) {
    let mut tx = s.app.db.pool.begin().await.unwrap();
    let done = purchase_order::submit(
        &mut tx,
        who,
        &*s.app.clock,
        NewPurchaseOrder {
            items: items
                .iter()
                .map(|&(product_id, qty)| Line { product_id, qty })
                .collect(),
            note: String::new(),
            idempotency_key: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let po = done.purchase_order;
    (po.id, po.number, po.total)
}

async fn po_action(s: &Setup, who: &Actor, id: i64, action: PoAction) {
    let mut tx = s.app.db.pool.begin().await.unwrap();
    purchase_order::apply(&mut tx, who, &*s.app.clock, id, action, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn po_status(s: &Setup, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM purchase_orders WHERE id = $1")
        .bind(id)
        .fetch_one(&s.app.db.pool)
        .await
        .unwrap()
}

async fn invoice_of(s: &Setup, po_id: i64) -> (i64, String) {
    sqlx::query_as("SELECT id, number FROM invoices WHERE purchase_order_id = $1")
        .bind(po_id)
        .fetch_one(&s.app.db.pool)
        .await
        .unwrap()
}

/// A PO of stokis A that gudang has shipped (so it has an invoice): (po id, invoice id, total).
async fn shipped_po(s: &Setup) -> (i64, i64, i64) {
    let (id, _, total) = submit_po(s, &s.world.stokis_a_user, &[(s.world.ayam.0, 10)]).await;
    po_action(s, &s.world.finance, id, PoAction::Approve).await;
    po_action(s, &s.world.gudang, id, PoAction::Ship).await;
    let (invoice_id, _) = invoice_of(s, id).await;
    (id, invoice_id, total)
}

#[tokio::test]
async fn every_admin_role_gets_its_dashboard_and_menu() {
    let s = setup().await;
    let (status, html) = get(&s, &s.pusat, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ringkasan November 2026"), "{html}");
    assert!(html.contains(r#"href="/products""#), "pusat menu: {html}");
    assert!(!html.contains(r#"href="/approvals""#), "{html}");

    let (status, html) = get(&s, &s.finance, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("PO menunggu persetujuan"), "{html}");
    assert!(html.contains(r#"href="/approvals""#), "{html}");
    assert!(!html.contains(r#"href="/products""#), "{html}");

    let (status, html) = get(&s, &s.gudang, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("siap dikirim"), "{html}");
    assert!(html.contains(r#"href="/shipping""#), "{html}");
    assert!(
        !html.contains("Invoice terbit"),
        "gudang sees no billing: {html}"
    );
}

#[tokio::test]
async fn the_overview_counts_this_month() {
    let s = setup().await;
    let (_, _, total) = shipped_po(&s).await;
    let (status, html) = get(&s, &s.pusat, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    let rupiah = domain::money::format_rupiah(total);
    assert!(
        html.contains(&format!("{rupiah} <span class=\"muted small\">(1 PO)")),
        "{html}"
    );
    assert!(html.contains("(1 invoice)"), "{html}");
}

#[tokio::test]
async fn finance_sees_the_queue_with_the_credit_position_and_approves() {
    let s = setup().await;
    let (id, number, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.ayam.0, 10)]).await;
    let (status, html) = get(&s, &s.finance, "/approvals").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&number), "{html}");
    assert!(html.contains("Stokis Sumber Rejeki"), "{html}");
    assert!(html.contains("Rp 10.000.000"), "the limit: {html}");
    // 10 × 48.000 = 480.000 against a limit of 10.000.000 leaves 9.520.000
    assert!(html.contains("Rp 9.520.000"), "remaining after: {html}");

    let res = post(
        &s,
        &s.finance,
        &format!("/purchase-orders/{id}/approve"),
        &[("back", "/approvals")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/approvals");
    assert_eq!(po_status(&s, id).await, "APPROVED");
    let (_, html) = get(&s, &s.finance, "/approvals").await;
    assert!(html.contains("disetujui"), "flash: {html}");
    assert!(
        !html.contains(&format!(r#"href="/purchase-orders/{id}""#)),
        "no longer queued: {html}"
    );

    let (status, html) = get(&s, &s.finance, &format!("/purchase-orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Riwayat status"), "{html}");
    assert!(html.contains("User finance"), "who approved: {html}");
}

#[tokio::test]
async fn over_the_limit_needs_a_reason_which_is_recorded() {
    let s = setup().await;
    sqlx::query("UPDATE stokis SET credit_limit = 100000 WHERE id = $1")
        .bind(s.world.stokis_a)
        .execute(&s.app.db.pool)
        .await
        .unwrap();
    let (id, _, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.ayam.0, 10)]).await;

    let (_, html) = get(&s, &s.finance, "/approvals").await;
    assert!(html.contains("Perlu alasan override"), "{html}");

    let res = post(
        &s,
        &s.finance,
        &format!("/purchase-orders/{id}/approve"),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("melebihi limit kredit"), "{html}");
    assert!(html.contains(r#"name="override_reason""#), "{html}");
    assert_eq!(po_status(&s, id).await, "SUBMITTED");

    let reason = "Pelanggan lama <b>lancar</b>";
    let res = post(
        &s,
        &s.finance,
        &format!("/purchase-orders/{id}/approve"),
        &[("override_reason", reason)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/purchase-orders/{id}"));
    assert_eq!(po_status(&s, id).await, "APPROVED");
    let recorded: Option<String> =
        sqlx::query_scalar("SELECT credit_override_reason FROM purchase_orders WHERE id = $1")
            .bind(id)
            .fetch_one(&s.app.db.pool)
            .await
            .unwrap();
    assert_eq!(recorded.as_deref(), Some(reason));
    let note: Option<String> = sqlx::query_scalar(
        "SELECT note FROM status_history WHERE entity = 'PURCHASE_ORDER' AND entity_id = $1 AND to_status = 'APPROVED'",
    )
    .bind(id)
    .fetch_one(&s.app.db.pool)
    .await
    .unwrap();
    assert!(note.unwrap_or_default().contains(reason));

    let (_, html) = get(&s, &s.finance, &format!("/purchase-orders/{id}")).await;
    assert!(
        html.contains("Pelanggan lama &lt;b&gt;lancar&lt;&#x2F;b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>lancar</b>"), "{html}");
}

#[tokio::test]
async fn rejecting_needs_a_reason() {
    let s = setup().await;
    let (id, _, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.saus.0, 5)]).await;
    let res = post(
        &s,
        &s.finance,
        &format!("/purchase-orders/{id}/reject"),
        &[("reason", "  ")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("wajib diisi"), "{html}");
    assert_eq!(po_status(&s, id).await, "SUBMITTED");

    let res = post(
        &s,
        &s.finance,
        &format!("/purchase-orders/{id}/reject"),
        &[("reason", "stok pusat habis")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(po_status(&s, id).await, "REJECTED");
}

#[tokio::test]
async fn each_role_is_refused_on_the_others_actions_and_nothing_changes() {
    let s = setup().await;
    let (submitted, _, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.ayam.0, 1)]).await;
    let (approved, _, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.ayam.0, 2)]).await;
    po_action(&s, &s.world.finance, approved, PoAction::Approve).await;
    let (_, invoice_id, _) = shipped_po(&s).await;
    let stock_before = warehouse_stock(&s.app.db.pool, s.world.ayam.0).await;
    let products_before = count(&s.app.db.pool, "products").await;

    let refusals: Vec<Refusal> = vec![
        (
            &s.gudang,
            format!("/purchase-orders/{submitted}/approve"),
            vec![],
            "FINANCE",
        ),
        (
            &s.pusat,
            format!("/purchase-orders/{submitted}/approve"),
            vec![],
            "FINANCE",
        ),
        (
            &s.gudang,
            format!("/purchase-orders/{submitted}/reject"),
            vec![("reason", "x")],
            "FINANCE",
        ),
        (
            &s.finance,
            format!("/purchase-orders/{approved}/ship"),
            vec![],
            "GUDANG",
        ),
        (
            &s.pusat,
            format!("/purchase-orders/{approved}/ship"),
            vec![],
            "GUDANG",
        ),
        (
            &s.gudang,
            format!("/invoices/{invoice_id}/payments"),
            vec![
                ("amount", "1000"),
                ("paid_on", "2026-11-28"),
                ("method", "CASH"),
            ],
            "FINANCE",
        ),
        (
            &s.pusat,
            format!("/invoices/{invoice_id}/payments"),
            vec![
                ("amount", "1000"),
                ("paid_on", "2026-11-28"),
                ("method", "CASH"),
            ],
            "FINANCE",
        ),
        (
            &s.finance,
            "/products".to_owned(),
            vec![
                ("sku", "NEW-1"),
                ("name", "Baru"),
                ("unit", "pak"),
                ("price_to_mitra", "1"),
                ("price_to_stokis", "1"),
            ],
            "PUSAT",
        ),
        (
            &s.gudang,
            format!("/stokis/{}", s.world.stokis_a),
            vec![("credit_limit", "0")],
            "PUSAT",
        ),
        (
            &s.finance,
            format!("/users/{}/deactivate", s.world.gudang.user_id),
            vec![],
            "PUSAT",
        ),
    ];
    for (who, path, fields, allowed) in refusals {
        let res = post(&s, who, &path, &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("hanya untuk {allowed}")),
            "{path}: {html}"
        );
    }
    assert_eq!(po_status(&s, submitted).await, "SUBMITTED");
    assert_eq!(po_status(&s, approved).await, "APPROVED");
    assert_eq!(count(&s.app.db.pool, "payments").await, 0);
    assert_eq!(count(&s.app.db.pool, "products").await, products_before);
    assert_eq!(
        warehouse_stock(&s.app.db.pool, s.world.ayam.0).await,
        stock_before
    );
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(s.world.gudang.user_id)
        .fetch_one(&s.app.db.pool)
        .await
        .unwrap();
    assert!(active);

    // Pages of another role are refused too.
    for (who, path) in [
        (&s.gudang, "/approvals"),
        (&s.gudang, "/invoices"),
        (&s.finance, "/shipping"),
        (&s.finance, "/products"),
        (&s.gudang, "/users"),
        (&s.pusat, "/approvals"),
    ] {
        let (status, _) = get(&s, who, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn the_domain_refuses_the_wrong_role_by_itself() {
    let s = setup().await;
    let (id, _, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.ayam.0, 1)]).await;
    let clock = &*s.app.clock;
    let mut tx = s.app.db.pool.begin().await.unwrap();
    let err = purchase_order::approve(&mut tx, &s.world.gudang, clock, id, Some("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let err = domain::master::products::create(
        &mut tx,
        &s.world.finance,
        clock,
        &domain::master::products::ProductInput {
            sku: "X-1".into(),
            name: "X".into(),
            unit: "pak".into(),
            price_to_mitra: "1".into(),
            price_to_stokis: "1".into(),
            active: true,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let err = domain::master::users::set_active(
        &mut tx,
        &s.world.gudang,
        clock,
        s.world.finance.user_id,
        false,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let err = domain::master::stokis::update(
        &mut tx,
        &s.world.finance,
        clock,
        s.world.stokis_a,
        &domain::master::stokis::StokisInput::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn gudang_ships_only_what_the_warehouse_has() {
    let s = setup().await;
    let (id, number, _) = submit_po(
        &s,
        &s.world.stokis_a_user,
        &[(s.world.kentang.0, 30), (s.world.saus.0, 5)],
    )
    .await;
    po_action(&s, &s.world.finance, id, PoAction::Approve).await;

    let (status, html) = get(&s, &s.gudang, "/shipping").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&number), "{html}");
    assert!(html.contains("Cukup"), "{html}");

    sqlx::query("UPDATE warehouse_stock SET qty = 20 WHERE product_id = $1")
        .bind(s.world.kentang.0)
        .execute(&s.app.db.pool)
        .await
        .unwrap();
    let (_, html) = get(&s, &s.gudang, "/shipping").await;
    assert!(html.contains("1 produk kurang"), "{html}");
    assert!(html.contains("disabled"), "{html}");
    let (_, html) = get(&s, &s.gudang, &format!("/purchase-orders/{id}")).await;
    assert!(html.contains("Stok gudang"), "{html}");
    assert!(html.contains("10 pak"), "shortfall shown: {html}");
    let (_, html) = get(&s, &s.gudang, "/warehouse-stock?short=1").await;
    assert!(html.contains("Kentang Goreng"), "{html}");
    assert!(!html.contains("Saus Sambal"), "{html}");

    let res = post(&s, &s.gudang, &format!("/purchase-orders/{id}/ship"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("stok Kentang Goreng 2,5kg tidak cukup"),
        "{html}"
    );
    assert_eq!(po_status(&s, id).await, "APPROVED");
    assert_eq!(warehouse_stock(&s.app.db.pool, s.world.kentang.0).await, 20);
    assert_eq!(count(&s.app.db.pool, "invoices").await, 0);

    sqlx::query("UPDATE warehouse_stock SET qty = 100 WHERE product_id = $1")
        .bind(s.world.kentang.0)
        .execute(&s.app.db.pool)
        .await
        .unwrap();
    let res = post(
        &s,
        &s.gudang,
        &format!("/purchase-orders/{id}/ship"),
        &[("back", "/shipping")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/shipping");
    assert_eq!(po_status(&s, id).await, "SHIPPED");
    assert_eq!(warehouse_stock(&s.app.db.pool, s.world.kentang.0).await, 70);
    assert_eq!(count(&s.app.db.pool, "invoices").await, 1);

    let (status, html) = get(&s, &s.gudang, "/shipped").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&number), "{html}");
    let (_, html) = get(&s, &s.gudang, "/warehouse-stock?q=kentang").await;
    assert!(html.contains("70 pak"), "{html}");
}

#[tokio::test]
async fn finance_filters_invoices_and_records_payments() {
    let s = setup().await;
    let (po_id, invoice_id, total) = shipped_po(&s).await;
    let (_, number) = invoice_of(&s, po_id).await;
    // Tera escapes "/" in text.
    let number = number.replace('/', "&#x2F;");

    for (query, shown) in [
        ("", true),
        ("?status=open", true),
        ("?status=not_due", true),
        ("?status=late", false),
        ("?status=paid", false),
        (&format!("?stokis={}", s.world.stokis_a) as &str, true),
        (&format!("?stokis={}", s.world.stokis_b) as &str, false),
        ("?due_from=2026-12-12&due_to=2026-12-12", true),
        ("?due_to=2026-12-11", false),
        ("?q=INV%2F2026", true),
    ] {
        let (status, html) = get(&s, &s.finance, &format!("/invoices{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(html.contains(&number), shown, "{query}: {html}");
    }

    let (status, html) = get(&s, &s.finance, &format!("/invoices/{invoice_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Catat pembayaran"), "{html}");
    assert!(
        html.contains(&domain::money::format_rupiah(total)),
        "{html}"
    );

    let too_much = (total + 1).to_string();
    let res = post(
        &s,
        &s.finance,
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
    assert_eq!(count(&s.app.db.pool, "payments").await, 0);

    let res = post(
        &s,
        &s.finance,
        &format!("/invoices/{invoice_id}/payments"),
        &[("amount", "abc"), ("paid_on", ""), ("method", "TRANSFER")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("isi tanggal bayar"), "{html}");
    assert_eq!(count(&s.app.db.pool, "payments").await, 0);

    let res = post(
        &s,
        &s.finance,
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
    let res = post(
        &s,
        &s.finance,
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
        .fetch_one(&s.app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "PAID");
    let (_, html) = get(&s, &s.finance, &format!("/invoices/{invoice_id}")).await;
    assert!(html.contains("lunas"), "{html}");
    assert!(!html.contains("Catat pembayaran"), "{html}");
    let (_, html) = get(&s, &s.finance, "/invoices?status=paid").await;
    assert!(html.contains(&number), "{html}");

    // Pusat reads invoices but has no payment form.
    let (status, html) = get(&s, &s.pusat, &format!("/invoices/{invoice_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Catat pembayaran"), "{html}");
}

#[tokio::test]
async fn aging_puts_balances_in_their_buckets() {
    let s = setup().await;
    let (_, invoice_id, total) = shipped_po(&s).await;
    // Issued 28 Nov with 14 days' terms: due 12 Dec. On 16 Jan it is 35 days past due.
    s.app.clock.advance(chrono::Duration::days(49));
    // Sessions from seven weeks ago have expired: log in again.
    let finance = user(&s.app, "finance").await;
    let pusat = user(&s.app, "pusat").await;
    let gudang = user(&s.app, "gudang").await;
    let (status, html) = get(&s, &finance, "/aging").await;
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
    let (_, html) = get(&s, &finance, "/aging?as_of=2026-12-01").await;
    assert!(
        html.contains(&format!(
            r#"<td data-label="Belum jatuh tempo" class="num">{amount}</td>"#
        )),
        "{html}"
    );
    // Before it was issued, there was nothing.
    let (_, html) = get(&s, &finance, "/aging?as_of=2026-11-27").await;
    assert!(!html.contains("Stokis Sumber Rejeki"), "{html}");

    // A partial payment lowers the balance shown.
    let mut tx = s.app.db.pool.begin().await.unwrap();
    domain::invoice::record_payment(
        &mut tx,
        &s.world.finance,
        &*s.app.clock,
        invoice_id,
        domain::invoice::NewPayment {
            amount: 80_000,
            paid_on: s.app.clock.today(),
            method: domain::invoice::PaymentMethod::Cash,
            reference: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (_, html) = get(&s, &pusat, "/aging").await;
    let rest = domain::money::format_rupiah(total - 80_000);
    assert!(
        html.contains(&format!(
            r#"<td data-label="31–60 hari" class="num">{rest}</td>"#
        )),
        "{html}"
    );
    let (status, _) = get(&s, &gudang, "/aging").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pusat_edits_products_and_refuses_negative_prices() {
    let s = setup().await;
    let before = count(&s.app.db.pool, "products").await;
    let res = post(
        &s,
        &s.pusat,
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
    assert_eq!(count(&s.app.db.pool, "products").await, before);

    let res = post(
        &s,
        &s.pusat,
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

    let res = post(
        &s,
        &s.pusat,
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
    .fetch_one(&s.app.db.pool)
    .await
    .unwrap();
    assert_eq!((mitra_price, stokis_price), (60_000, 52_000));
    assert_eq!(warehouse_stock(&s.app.db.pool, id).await, 0);

    let (status, html) = get(&s, &s.pusat, &format!("/products/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"value="60000""#), "{html}");
    let res = post(
        &s,
        &s.pusat,
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
    let res = post(
        &s,
        &s.pusat,
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
            .fetch_one(&s.app.db.pool)
            .await
            .unwrap();
    assert_eq!((price, active), (61_000, false));

    let (status, html) = get(&s, &s.pusat, "/products?q=paha&active=0").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ayam Paha"), "{html}");
    let (_, html) = get(&s, &s.pusat, "/products?active=1").await;
    assert!(!html.contains("Ayam Paha"), "{html}");
}

#[tokio::test]
async fn pusat_sets_credit_limits_and_terms_never_below_zero() {
    let s = setup().await;
    let path = format!("/stokis/{}", s.world.stokis_a);
    let (status, html) = get(&s, &s.pusat, &path).await;
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
    let res = post(&s, &s.pusat, &path, &fields("-1", "14")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("jumlah tidak boleh negatif"), "{html}");
    let res = post(&s, &s.pusat, &path, &fields("1000", "-3")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("tidak boleh negatif"));
    let (limit, terms): (i64, i32) =
        sqlx::query_as("SELECT credit_limit, payment_terms_days FROM stokis WHERE id = $1")
            .bind(s.world.stokis_a)
            .fetch_one(&s.app.db.pool)
            .await
            .unwrap();
    assert_eq!((limit, terms), (10_000_000, 14));

    let res = post(&s, &s.pusat, &path, &fields("Rp 25.000.000", "21")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (limit, terms): (i64, i32) =
        sqlx::query_as("SELECT credit_limit, payment_terms_days FROM stokis WHERE id = $1")
            .bind(s.world.stokis_a)
            .fetch_one(&s.app.db.pool)
            .await
            .unwrap();
    assert_eq!((limit, terms), (25_000_000, 21));
    let (_, html) = get(&s, &s.pusat, "/stokis?q=bandung").await;
    assert!(html.contains("Rp 25.000.000"), "{html}");
    assert!(html.contains("21 hari"), "{html}");
}

#[tokio::test]
async fn pusat_moves_a_mitra_to_another_stokis() {
    let s = setup().await;
    let path = format!("/mitra/{}", s.world.mitra_a);
    let (status, html) = get(&s, &s.pusat, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Stokis Maju Jaya"), "stokis picker: {html}");
    let stokis_b = s.world.stokis_b.to_string();
    let res = post(
        &s,
        &s.pusat,
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
        .bind(s.world.mitra_a)
        .fetch_one(&s.app.db.pool)
        .await
        .unwrap();
    assert_eq!(stokis, s.world.stokis_b);
    let (_, html) = get(&s, &s.pusat, &format!("/mitra?stokis={}", s.world.stokis_b)).await;
    assert!(html.contains("D&#x27;Fresto Dago"), "{html}");

    let res = post(
        &s,
        &s.pusat,
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
    let s = setup().await;
    let res = post(
        &s,
        &s.pusat,
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

    let res = post(
        &s,
        &s.pusat,
        "/users",
        &[
            ("username", "Budi.K"),
            ("name", "Budi K"),
            ("role", "FINANCE"),
            ("password", "rahasia-123"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (id, hash): (i64, String) =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE username = 'budi.k'")
            .fetch_one(&s.app.db.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let client = s.app.client();
    let res = s
        .app
        .submit_login(&client, Portal::Admin, "budi.k", "rahasia-123")
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the new user can log in"
    );

    // Reset: old password gone, the session revoked.
    let res = post(
        &s,
        &s.pusat,
        &format!("/users/{id}/password"),
        &[("password", "123")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(
        &s,
        &s.pusat,
        &format!("/users/{id}/password"),
        &[("password", "baru-456789")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_one(&s.app.db.pool)
    .await
    .unwrap();
    assert_eq!(live, 0);
    let res = client
        .get(s.app.url(Portal::Admin, "/dashboard"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "logged out after the reset");
    let res = s
        .app
        .submit_login(&client, Portal::Admin, "budi.k", "baru-456789")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Deactivate: sessions revoked at once, login refused.
    let res = post(&s, &s.pusat, &format!("/users/{id}/deactivate"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = client
        .get(s.app.url(Portal::Admin, "/dashboard"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "session ended");
    let res = s
        .app
        .submit_login(&client, Portal::Admin, "budi.k", "baru-456789")
        .await;
    assert_ne!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get(&s, &s.pusat, "/users?active=0").await;
    assert!(html.contains("budi.k"), "{html}");

    // Pusat cannot lock itself out.
    let me = s.world.pusat.user_id;
    let res = post(&s, &s.pusat, &format!("/users/{me}/deactivate"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(&s.app.db.pool)
        .await
        .unwrap();
    assert!(active);
}

#[tokio::test]
async fn names_with_html_are_shown_escaped() {
    let s = setup().await;
    let evil = "<script>alert(1)</script>";
    sqlx::query("UPDATE stokis SET name = $2 WHERE id = $1")
        .bind(s.world.stokis_a)
        .bind(format!("Stokis {evil}"))
        .execute(&s.app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE products SET name = $2 WHERE id = $1")
        .bind(s.world.ayam.0)
        .bind(format!("Ayam {evil}"))
        .execute(&s.app.db.pool)
        .await
        .unwrap();
    let (id, _, _) = submit_po(&s, &s.world.stokis_a_user, &[(s.world.ayam.0, 1)]).await;
    for (who, path) in [
        (&s.finance, "/approvals".to_owned()),
        (&s.finance, format!("/purchase-orders/{id}")),
        (&s.pusat, "/products".to_owned()),
        (&s.pusat, "/stokis".to_owned()),
        (&s.pusat, "/mitra".to_owned()),
        (&s.pusat, format!("/stokis/{}", s.world.stokis_a)),
        (&s.pusat, format!("/products/{}", s.world.ayam.0)),
    ] {
        let (status, html) = get(&s, who, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains(evil), "{path}: {html}");
        assert!(html.contains("&lt;script&gt;"), "{path}: {html}");
    }
    po_action(&s, &s.world.finance, id, PoAction::Approve).await;
    for path in ["/shipping", &format!("/purchase-orders/{id}")] {
        let (_, html) = get(&s, &s.gudang, path).await;
        assert!(!html.contains(evil), "{path}");
        assert!(html.contains("&lt;script&gt;"), "{path}");
    }
}

#[tokio::test]
async fn lists_page_and_keep_their_filters() {
    let s = setup().await;
    for i in 0..25 {
        sqlx::query(
            "INSERT INTO products (sku, name, unit, price_to_mitra, price_to_stokis) VALUES ($1, $2, 'pak', 1000, 900)",
        )
        .bind(format!("BULK-{i:03}"))
        .bind(format!("Bumbu Curah {i:03}"))
        .execute(&s.app.db.pool)
        .await
        .unwrap();
    }
    let (_, html) = get(&s, &s.pusat, "/products?q=curah").await;
    assert!(html.contains("Menampilkan 1–20 dari 25"), "{html}");
    assert!(html.contains("q=curah&amp;page=2"), "{html}");
    let (_, html) = get(&s, &s.pusat, "/products?q=curah&page=2").await;
    assert!(html.contains("Menampilkan 21–25 dari 25"), "{html}");
    assert!(html.contains("Bumbu Curah 024"), "{html}");
    assert!(!html.contains("Bumbu Curah 000"), "{html}");
}
