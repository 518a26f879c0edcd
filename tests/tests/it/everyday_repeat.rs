//! A repeated irreversible action (a double tap without the page's script, the form sent again
//! from the back button) answers with the record's current state, not with an error, and changes
//! nothing more (issue 12).

use domain::order::OrderAction;
use domain::purchase_order::PoAction;
use reqwest::StatusCode;
use tests::TestApp;
use tests::fixtures::{count, history};

#[tokio::test]
async fn a_repeated_order_step_shows_the_order_as_it_now_is() {
    let (app, w) = TestApp::with_world().await;
    let stokis = app.login_as("stokis001").await;
    let mitra = app.login_as("mitra0001").await;
    let o = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 3)], "").await;

    for (who, step, shown) in [
        (&stokis, "confirm", "sudah dikonfirmasi."),
        (&stokis, "ship", "sudah dikirim."),
        (&mitra, "deliver", "sudah diterima."),
    ] {
        let path = format!("/orders/{}/{step}", o.id);
        let first = app.submit(who, &path, &[]).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER, "{step}");
        app.follow(who, first).await;
        let moves = count(&app.db.pool, "stock_movements").await;
        let steps = history(&app.db.pool, "ORDER", o.id).await.len();

        let again = app.submit(who, &path, &[]).await;
        assert_eq!(again.status(), StatusCode::SEE_OTHER, "repeated {step}");
        let html = app.follow(who, again).await;
        assert!(
            html.contains(&format!("Pesanan {} {shown}", o.number)),
            "{html}"
        );
        assert!(
            !html.contains("alert-error"),
            "no error after a repeat: {html}"
        );
        assert_eq!(history(&app.db.pool, "ORDER", o.id).await.len(), steps);
        assert_eq!(
            count(&app.db.pool, "stock_movements").await,
            moves,
            "stock taken once"
        );
    }
    assert_eq!(app.order_status(o.id).await, "DELIVERED");
}

#[tokio::test]
async fn a_step_the_order_has_not_reached_is_still_refused() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let o = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 3)], "").await;
    app.apply_order(&w.mitra_a_user, o.id, OrderAction::Cancel)
        .await;
    // Cancelled, not delivered: a delivery is a mistake to show, not a repeat.
    let res = app
        .submit(&mitra, &format!("/orders/{}/deliver", o.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("Dibatalkan"));
}

#[tokio::test]
async fn a_repeated_approval_or_shipping_of_a_po_shows_it_as_it_now_is() {
    let (app, w) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let gudang = app.login_as("gudang").await;
    let po = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 10)]).await;

    let approve = format!("/purchase-orders/{}/approve", po.id);
    let first = app
        .submit(&finance, &approve, &[("back", "/approvals")])
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let again = app
        .submit(&finance, &approve, &[("back", "/approvals")])
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "repeated approval");
    let html = app.follow(&finance, again).await;
    assert!(
        html.contains(&format!("PO {} sudah disetujui.", po.number)),
        "{html}"
    );
    assert_eq!(
        history(&app.db.pool, "PURCHASE_ORDER", po.id).await.len(),
        2
    );

    let ship = format!("/purchase-orders/{}/ship", po.id);
    let first = app.submit(&gudang, &ship, &[]).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let again = app.submit(&gudang, &ship, &[]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "repeated shipping");
    let html = app.follow(&gudang, again).await;
    assert!(
        html.contains(&format!("PO {} sudah dikirim.", po.number)),
        "{html}"
    );
    assert_eq!(count(&app.db.pool, "invoices").await, 1, "one invoice");
    assert_eq!(app.po_status(po.id).await, "SHIPPED");

    // Approving a PO its stokis cancelled is still refused with the reason.
    let other = app.submit_po(&w.stokis_a_user, &[(w.saus.0, 5)]).await;
    app.apply_po(&w.stokis_a_user, other.id, PoAction::Cancel)
        .await;
    let res = app
        .submit(
            &finance,
            &format!("/purchase-orders/{}/approve", other.id),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}
