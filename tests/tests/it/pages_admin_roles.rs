//! The admin portal's three roles apart: each gets its own dashboard and menu; each is refused
//! on the others' actions and pages with nothing changed, by the handlers and by the domain
//! underneath; names with HTML are shown escaped on every role's pages.

use domain::DomainError;
use domain::purchase_order::{self, PoAction};
use reqwest::StatusCode;
use tests::TestApp;
use tests::fixtures::{count, warehouse_stock};
use tests::portal_users::PortalUser;

/// Who posts, where, with which fields, and the role the refusal must name.
type Refusal<'a> = (&'a PortalUser, String, Vec<(&'a str, &'a str)>, &'a str);

#[tokio::test]
async fn every_admin_role_gets_its_dashboard_and_menu() {
    let (app, _) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let gudang = app.login_as("gudang").await;
    let pusat = app.login_as("pusat").await;
    let (status, html) = app.page(&pusat, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ringkasan November 2026"), "{html}");
    assert!(html.contains(r#"href="/products""#), "pusat menu: {html}");
    assert!(!html.contains(r#"href="/approvals""#), "{html}");

    let (status, html) = app.page(&finance, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("PO menunggu persetujuan"), "{html}");
    assert!(html.contains(r#"href="/approvals""#), "{html}");
    assert!(!html.contains(r#"href="/products""#), "{html}");

    let (status, html) = app.page(&gudang, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("siap dikirim"), "{html}");
    assert!(html.contains(r#"href="/shipping""#), "{html}");
    assert!(
        !html.contains("Invoice terbit"),
        "gudang sees no billing: {html}"
    );
}

#[tokio::test]
async fn each_role_is_refused_on_the_others_actions_and_nothing_changes() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let gudang = app.login_as("gudang").await;
    let pusat = app.login_as("pusat").await;
    let submitted = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 1)]).await.id;
    let approved = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 2)]).await.id;
    app.apply_po(&w.finance, approved, PoAction::Approve).await;
    let po = app.shipped_po(&w, &[(w.ayam.0, 10)]).await;
    let (invoice_id, _) = app.invoice_of(po.id).await;
    let stock_before = warehouse_stock(&app.db.pool, w.ayam.0).await;
    let products_before = count(&app.db.pool, "products").await;

    let refusals: Vec<Refusal> = vec![
        (
            &gudang,
            format!("/purchase-orders/{submitted}/approve"),
            vec![],
            "FINANCE",
        ),
        (
            &pusat,
            format!("/purchase-orders/{submitted}/approve"),
            vec![],
            "FINANCE",
        ),
        (
            &gudang,
            format!("/purchase-orders/{submitted}/reject"),
            vec![("reason", "x")],
            "FINANCE",
        ),
        (
            &finance,
            format!("/purchase-orders/{approved}/ship"),
            vec![],
            "GUDANG",
        ),
        (
            &pusat,
            format!("/purchase-orders/{approved}/ship"),
            vec![],
            "GUDANG",
        ),
        (
            &gudang,
            format!("/invoices/{invoice_id}/payments"),
            vec![
                ("amount", "1000"),
                ("paid_on", "2026-11-28"),
                ("method", "CASH"),
            ],
            "FINANCE",
        ),
        (
            &pusat,
            format!("/invoices/{invoice_id}/payments"),
            vec![
                ("amount", "1000"),
                ("paid_on", "2026-11-28"),
                ("method", "CASH"),
            ],
            "FINANCE",
        ),
        (
            &finance,
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
            &gudang,
            format!("/stokis/{}", w.stokis_a),
            vec![("credit_limit", "0")],
            "PUSAT",
        ),
        (
            &finance,
            format!("/users/{}/deactivate", w.gudang.user_id),
            vec![],
            "PUSAT",
        ),
    ];
    for (who, path, fields, allowed) in refusals {
        let res = app.submit(who, &path, &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("hanya untuk {allowed}")),
            "{path}: {html}"
        );
    }
    assert_eq!(app.po_status(submitted).await, "SUBMITTED");
    assert_eq!(app.po_status(approved).await, "APPROVED");
    assert_eq!(count(&app.db.pool, "payments").await, 0);
    assert_eq!(count(&app.db.pool, "products").await, products_before);
    assert_eq!(warehouse_stock(&app.db.pool, w.ayam.0).await, stock_before);
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(w.gudang.user_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(active);

    // Pages of another role are refused too.
    for (who, path) in [
        (&gudang, "/approvals"),
        (&gudang, "/invoices"),
        (&finance, "/shipping"),
        (&finance, "/products"),
        (&gudang, "/users"),
        (&pusat, "/approvals"),
    ] {
        let (status, _) = app.page(who, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn the_domain_refuses_the_wrong_role_by_itself() {
    let (app, w) = TestApp::with_world().await;
    let id = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 1)]).await.id;
    let clock = &*app.clock;
    let mut tx = app.db.pool.begin().await.unwrap();
    let err = purchase_order::approve(&mut tx, &w.gudang, clock, id, Some("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let err = domain::master::products::create(
        &mut tx,
        &w.finance,
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
    let err =
        domain::master::users::set_active(&mut tx, &w.gudang, clock, w.finance.user_id, false, "")
            .await
            .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let err = domain::master::stokis::update(
        &mut tx,
        &w.finance,
        clock,
        w.stokis_a,
        &domain::master::stokis::StokisInput::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn names_with_html_are_shown_escaped() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let gudang = app.login_as("gudang").await;
    let pusat = app.login_as("pusat").await;
    let evil = "<script>alert(1)</script>";
    sqlx::query("UPDATE stokis SET name = $2 WHERE id = $1")
        .bind(w.stokis_a)
        .bind(format!("Stokis {evil}"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE products SET name = $2 WHERE id = $1")
        .bind(w.ayam.0)
        .bind(format!("Ayam {evil}"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    let id = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 1)]).await.id;
    for (who, path) in [
        (&finance, "/approvals".to_owned()),
        (&finance, format!("/purchase-orders/{id}")),
        (&pusat, "/products".to_owned()),
        (&pusat, "/stokis".to_owned()),
        (&pusat, "/mitra".to_owned()),
        (&pusat, format!("/stokis/{}", w.stokis_a)),
        (&pusat, format!("/products/{}", w.ayam.0)),
    ] {
        let (status, html) = app.page(who, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains(evil), "{path}: {html}");
        assert!(html.contains("&lt;script&gt;"), "{path}: {html}");
    }
    app.apply_po(&w.finance, id, PoAction::Approve).await;
    for path in ["/shipping", &format!("/purchase-orders/{id}")] {
        let (_, html) = app.page(&gudang, path).await;
        assert!(!html.contains(evil), "{path}");
        assert!(html.contains("&lt;script&gt;"), "{path}");
    }
}
