//! The admin portal's pages for GUDANG: shipping only what the warehouse has (the stock check
//! on the queue and the PO), the shipped POs and the warehouse stock.

use domain::purchase_order::PoAction;
use reqwest::StatusCode;
use tests::TestApp;
use tests::app::location;
use tests::fixtures::{count, warehouse_stock};

#[tokio::test]
async fn gudang_ships_only_what_the_warehouse_has() {
    let (app, w) = TestApp::with_world().await;
    let gudang = app.login_as("gudang").await;
    let po = app
        .submit_po(&w.stokis_a_user, &[(w.kentang.0, 30), (w.saus.0, 5)])
        .await;
    let (id, number) = (po.id, po.number);
    app.apply_po(&w.finance, id, PoAction::Approve).await;

    let (status, html) = app.page(&gudang, "/shipping").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&number), "{html}");
    assert!(html.contains("Cukup"), "{html}");

    sqlx::query("UPDATE warehouse_stock SET qty = 20 WHERE product_id = $1")
        .bind(w.kentang.0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, html) = app.page(&gudang, "/shipping").await;
    assert!(html.contains("1 produk kurang"), "{html}");
    assert!(html.contains("disabled"), "{html}");
    let (_, html) = app.page(&gudang, &format!("/purchase-orders/{id}")).await;
    assert!(html.contains("Stok gudang"), "{html}");
    assert!(html.contains("10 pak"), "shortfall shown: {html}");
    let (_, html) = app.page(&gudang, "/warehouse-stock?short=1").await;
    assert!(html.contains("Kentang Goreng"), "{html}");
    assert!(!html.contains("Saus Sambal"), "{html}");

    let res = app
        .submit(&gudang, &format!("/purchase-orders/{id}/ship"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("stok Kentang Goreng 2,5kg tidak cukup"),
        "{html}"
    );
    assert_eq!(app.po_status(id).await, "APPROVED");
    assert_eq!(warehouse_stock(&app.db.pool, w.kentang.0).await, 20);
    assert_eq!(count(&app.db.pool, "invoices").await, 0);

    sqlx::query("UPDATE warehouse_stock SET qty = 100 WHERE product_id = $1")
        .bind(w.kentang.0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .submit(
            &gudang,
            &format!("/purchase-orders/{id}/ship"),
            &[("back", "/shipping")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/shipping");
    assert_eq!(app.po_status(id).await, "SHIPPED");
    assert_eq!(warehouse_stock(&app.db.pool, w.kentang.0).await, 70);
    assert_eq!(count(&app.db.pool, "invoices").await, 1);

    let (status, html) = app.page(&gudang, "/shipped").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&number), "{html}");
    let (_, html) = app.page(&gudang, "/warehouse-stock?q=kentang").await;
    assert!(html.contains("70 pak"), "{html}");
}
