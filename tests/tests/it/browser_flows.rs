//! The three portals in a real headless Chromium, as their users click through them: a mitra
//! order from a phone to delivery, a stokis PO through approval, shipping, invoice and payment,
//! and a mitra refused at the admin portal's door. Each test saves a screenshot of every page it
//! passes under `target/screenshots/<test>/`.

use domain::Portal;
use tests::TestApp;
use tests::browser::{Browser, Driver, Screen};
use tests::fixtures::{World, history, stokis_stock, warehouse_stock};

/// The record id at the end of the current path (`/orders/12` → 12).
async fn id_in_path(browser: &Browser<'_>) -> i64 {
    let path = browser.path().await;
    match path.rsplit('/').next().and_then(|s| s.parse().ok()) {
        Some(id) => id,
        None => panic!("{}", browser.failure("expected a record page").await),
    }
}

/// The document number in the page title (`Pesanan ORD-261128-000001` → `ORD-261128-000001`).
async fn number_in_heading(browser: &Browser<'_>, prefix: &str) -> String {
    let heading = browser.text_of("h1").await;
    match heading.split_whitespace().find(|w| w.starts_with(prefix)) {
        Some(n) => n.to_owned(),
        None => panic!(
            "{}",
            browser
                .failure(&format!("expected a heading with a number {prefix}…"))
                .await
        ),
    }
}

/// The status history on a record page, one entry per line, without the time and actor.
async fn timeline(browser: &Browser<'_>) -> Vec<String> {
    browser.texts_of("ol.timeline .timeline-what").await
}

fn path_of(entries: &[String]) -> Vec<String> {
    // "Menunggu → Dikonfirmasi · User stokis001" → "Menunggu → Dikonfirmasi"
    entries
        .iter()
        .map(|e| e.split(" · ").next().unwrap_or("").trim().to_owned())
        .collect()
}

#[tokio::test]
async fn mitra_order_from_phone_to_delivery() {
    let app = TestApp::spawn().await;
    let world = World::build(&app.db.pool).await;
    let driver = Driver::start("mitra_order_from_phone_to_delivery").await;

    // The mitra orders from a phone: the catalogue, then the new-order form.
    let mitra = driver.browser("mitra0001", Screen::Phone).await;
    mitra.login(&app, Portal::Mitra, "mitra0001").await;
    mitra.follow_link("Katalog").await;
    mitra.expect_path("/catalogue").await;
    mitra.expect_text("Ayam Fillet 1kg").await;
    mitra.expect_text("Rp 55.000").await;
    mitra.shot("catalogue").await;
    mitra.follow_link("+ Buat pesanan").await;
    mitra.expect_path("/orders/new").await;
    mitra.expect_text("Stokis Sumber Rejeki").await;
    mitra.shot("new-order-empty").await;
    let (ayam, kentang) = (world.ayam.0, world.kentang.0);
    mitra.fill(&format!("#qty_{ayam}"), "3").await;
    mitra.fill(&format!("#qty_{kentang}"), "2").await;
    mitra
        .fill("#note", "Tolong kirim sebelum jam 10 pagi")
        .await;
    // The running total follows the typing: 3 × 55.000 + 2 × 72.500.
    mitra.expect_text_in("#lines-total", "Rp 310.000").await;
    mitra.expect_text_in("#lines-count", "2").await;
    mitra.shot("new-order-filled").await;
    mitra
        .click_to_page(r#"form[action="/orders"] button[type="submit"]"#)
        .await;
    mitra
        .expect_text("terkirim ke stokis. Total Rp 310.000.")
        .await;
    let order_id = id_in_path(&mitra).await;
    let number = number_in_heading(&mitra, "ORD-").await;
    mitra.expect_text_in(".page-head .badge", "Menunggu").await;
    mitra.expect_text("Tolong kirim sebelum jam 10 pagi").await;
    mitra.shot("order-placed").await;

    // The stokis sees it, confirms it and ships it (from its own stock).
    let stokis = driver.browser("stokis001", Screen::Desktop).await;
    stokis.login(&app, Portal::Stokis, "stokis001").await;
    stokis.follow_link("Pesanan Mitra").await;
    stokis.expect_text(&number).await;
    stokis.expect_text("D'Fresto Dago").await;
    stokis.shot("incoming-orders").await;
    stokis.follow_link(&number).await;
    stokis.expect_path(&format!("/orders/{order_id}")).await;
    stokis.expect_text("Rp 310.000").await;
    stokis.expect_text_in(".page-head .badge", "Menunggu").await;
    stokis.shot("order").await;
    stokis
        .press(
            &format!(r#"form[action="/orders/{order_id}/confirm"]"#),
            "Konfirmasi pesanan",
        )
        .await;
    stokis.expect_text(&format!("Pesanan {number}")).await;
    stokis
        .expect_text_in(".page-head .badge", "Dikonfirmasi")
        .await;
    stokis.shot("order-confirmed").await;
    stokis
        .press(
            &format!(r#"form[action="/orders/{order_id}/ship"]"#),
            "Kirim pesanan",
        )
        .await;
    stokis.expect_text_in(".page-head .badge", "Dikirim").await;
    stokis.shot("order-shipped").await;

    // The mitra finds the order shipped, confirms delivery and reads the history.
    mitra.follow_link("Pesanan").await;
    mitra.expect_path("/orders").await;
    mitra.expect_text(&number).await;
    mitra.expect_text("Dikirim").await;
    mitra.shot("orders").await;
    mitra.follow_link(&number).await;
    mitra.expect_text("Barang sudah sampai?").await;
    mitra.shot("order-shipped").await;
    mitra
        .press(
            &format!(r#"form[action="/orders/{order_id}/deliver"]"#),
            "Pesanan sudah diterima",
        )
        .await;
    mitra.expect_text_in(".page-head .badge", "Diterima").await;
    mitra.expect_no_text("Barang sudah sampai?").await;
    let entries = timeline(&mitra).await;
    assert_eq!(
        path_of(&entries),
        [
            "Menunggu",
            "Menunggu → Dikonfirmasi",
            "Dikonfirmasi → Dikirim",
            "Dikirim → Diterima"
        ],
        "the status history the mitra sees: {entries:?}"
    );
    assert!(
        entries[1].contains("User stokis001") && entries[3].contains("User mitra0001"),
        "the history names who did what: {entries:?}"
    );
    mitra.expect_text("28 Nov 2026 09:00 WIB").await;
    mitra.shot("order-delivered").await;

    mitra.close().await;
    stokis.close().await;

    // What the pages said is what happened.
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "DELIVERED");
    assert_eq!(stokis_stock(&app.db.pool, world.stokis_a, ayam).await, 97);
    assert_eq!(
        stokis_stock(&app.db.pool, world.stokis_a, kentang).await,
        98
    );
    let path: Vec<String> = history(&app.db.pool, "ORDER", order_id)
        .await
        .into_iter()
        .map(|(_, to)| to)
        .collect();
    assert_eq!(path, ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED"]);
}

#[tokio::test]
async fn stokis_po_approved_shipped_invoiced_and_paid() {
    let app = TestApp::spawn().await;
    let world = World::build(&app.db.pool).await;
    let driver = Driver::start("stokis_po_approved_shipped_invoiced_and_paid").await;
    let (ayam, saus) = (world.ayam.0, world.saus.0);

    // The stokis submits a PO: 10 × 48.000 + 20 × 15.000.
    let stokis = driver.browser("stokis001", Screen::Desktop).await;
    stokis.login(&app, Portal::Stokis, "stokis001").await;
    stokis.follow_link("PO ke Pusat").await;
    stokis.expect_path("/purchase-orders").await;
    stokis.shot("purchase-orders-empty").await;
    stokis.follow_link("+ Buat PO").await;
    stokis.expect_path("/purchase-orders/new").await;
    stokis.expect_text("Sisa kredit Anda").await;
    stokis.fill(&format!("#qty_{ayam}"), "10").await;
    stokis.fill(&format!("#qty_{saus}"), "20").await;
    stokis.expect_text_in("#lines-total", "Rp 780.000").await;
    stokis.shot("new-po-filled").await;
    stokis
        .click_to_page(r#"form[action="/purchase-orders"] button[type="submit"]"#)
        .await;
    stokis.expect_text("diajukan ke pusat (Rp 780.000)").await;
    let po_id = id_in_path(&stokis).await;
    let po_number = number_in_heading(&stokis, "PO-").await;
    stokis.expect_text_in(".page-head .badge", "Diajukan").await;
    stokis.shot("po-submitted").await;

    // Finance approves it from the queue, which shows the stokis's credit position.
    let finance = driver.browser("finance", Screen::Desktop).await;
    finance.login(&app, Portal::Admin, "finance").await;
    finance.follow_link("Persetujuan PO").await;
    finance.expect_path("/approvals").await;
    finance.expect_text(&po_number).await;
    finance.expect_text("Stokis Sumber Rejeki").await;
    finance.expect_text("Rp 10.000.000").await;
    finance.shot("approval-queue").await;
    finance
        .press(
            &format!(r#"form[action="/purchase-orders/{po_id}/approve"]"#),
            "Setujui",
        )
        .await;
    finance.expect_text(&format!("{po_number} disetujui")).await;
    finance
        .expect_text("Tidak ada PO yang menunggu persetujuan.")
        .await;
    finance.shot("po-approved").await;

    // Gudang ships it (the warehouse has the stock); that issues the invoice.
    let gudang = driver.browser("gudang", Screen::Desktop).await;
    gudang.login(&app, Portal::Admin, "gudang").await;
    gudang.follow_link("Siap Kirim").await;
    gudang.expect_path("/shipping").await;
    gudang.expect_text(&po_number).await;
    gudang.expect_text("Cukup").await;
    gudang.shot("to-ship").await;
    gudang
        .press(
            &format!(r#"form[action="/purchase-orders/{po_id}/ship"]"#),
            "Kirim",
        )
        .await;
    gudang
        .expect_text(&format!("{po_number} dikirim; invoice sudah diterbitkan."))
        .await;
    gudang.shot("po-shipped").await;
    gudang.follow_link("Sudah Dikirim").await;
    gudang.expect_text(&po_number).await;
    gudang.shot("shipped").await;

    // The invoice appears for the stokis, unpaid; the stokis receives the goods.
    stokis.follow_link("Tagihan").await;
    stokis.expect_path("/invoices").await;
    stokis.expect_text(&po_number).await;
    stokis.expect_text("Rp 780.000").await;
    stokis.expect_text("Belum dibayar").await;
    stokis.shot("invoices").await;
    let invoice_number: String =
        sqlx::query_scalar("SELECT number FROM invoices WHERE purchase_order_id = $1")
            .bind(po_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    stokis.follow_link(&invoice_number).await;
    let invoice_id = id_in_path(&stokis).await;
    stokis
        .expect_text_in(".page-head .badge", "Belum dibayar")
        .await;
    // Issued 28 Nov 2026 on 14 days' terms.
    stokis.expect_text("12 Des 2026").await;
    stokis.shot("invoice-unpaid").await;
    stokis.follow_link(&po_number).await;
    stokis.expect_text_in(".page-head .badge", "Dikirim").await;
    stokis
        .press(
            &format!(r#"form[action="/purchase-orders/{po_id}/receive"]"#),
            "PO sudah diterima",
        )
        .await;
    stokis.expect_text("stok Anda sudah bertambah").await;
    stokis.expect_text_in(".page-head .badge", "Diterima").await;
    stokis.shot("po-received").await;

    // Finance records the full payment; the invoice is paid.
    finance.follow_link("Tagihan").await;
    finance.expect_path("/invoices").await;
    finance.expect_text(&invoice_number).await;
    finance.shot("invoices").await;
    finance.follow_link(&invoice_number).await;
    finance
        .expect_path(&format!("/invoices/{invoice_id}"))
        .await;
    finance
        .expect_text_in(".page-head .badge", "Belum dibayar")
        .await;
    finance.fill("#amount", "780000").await;
    finance.select("#method", "TRANSFER").await;
    finance.fill("#reference", "TRF-BCA-0001").await;
    finance.shot("payment-form").await;
    finance.press("#payment", "Simpan pembayaran").await;
    finance
        .expect_text(&format!(
            "Pembayaran dicatat; invoice {invoice_number} lunas."
        ))
        .await;
    finance.expect_text_in(".page-head .badge", "Lunas").await;
    finance.expect_text("TRF-BCA-0001").await;
    finance.expect_no_text("Catat pembayaran").await;
    finance.shot("invoice-paid").await;

    // And the stokis sees it paid, with the payment.
    stokis
        .goto(&app.url(Portal::Stokis, &format!("/invoices/{invoice_id}")))
        .await;
    stokis.expect_text_in(".page-head .badge", "Lunas").await;
    stokis.expect_text("TRF-BCA-0001").await;
    stokis.expect_text("Rp 0").await;
    stokis.shot("invoice-paid").await;

    stokis.close().await;
    finance.close().await;
    gudang.close().await;

    let (status, paid, total): (String, i64, i64) =
        sqlx::query_as("SELECT status, paid, total FROM invoices WHERE id = $1")
            .bind(invoice_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), paid, total), ("PAID", 780_000, 780_000));
    assert_eq!(warehouse_stock(&app.db.pool, ayam).await, 990);
    assert_eq!(stokis_stock(&app.db.pool, world.stokis_a, ayam).await, 110);
    assert_eq!(stokis_stock(&app.db.pool, world.stokis_a, saus).await, 120);
}

#[tokio::test]
async fn mitra_is_refused_at_the_admin_portal() {
    let app = TestApp::spawn().await;
    World::build(&app.db.pool).await;
    let driver = Driver::start("mitra_is_refused_at_the_admin_portal").await;

    let mitra = driver.browser("mitra0001", Screen::Desktop).await;
    mitra
        .submit_login(&app, Portal::Admin, "mitra0001", tests::app::DEMO_PASSWORD)
        .await;
    mitra.expect_path("/login").await;
    mitra
        .expect_text_in(".alert-error", "Akun mitra masuk lewat portal Mitra")
        .await;
    let mitra_login = app.url(Portal::Mitra, "/login");
    mitra.expect_text_in(".alert-error", &mitra_login).await;
    assert!(
        !mitra.has(r#"form[action="/logout"]"#).await,
        "{}",
        mitra.failure("a refused login must not be logged in").await
    );
    mitra.shot("refused").await;
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "a refused login opens no session");

    // The message's link leads to the right portal, where the same account gets in.
    mitra.click_to_page(".alert-error a").await;
    assert_eq!(mitra.url().await, mitra_login);
    mitra.shot("mitra-login").await;
    mitra.login(&app, Portal::Mitra, "mitra0001").await;
    mitra.expect_text("D'Fresto Dago").await;

    mitra.close().await;
}
