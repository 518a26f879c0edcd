//! The printable documents and the list exports: the faktur (seller, buyer, lines, total, paid,
//! balance, how to pay) for the stokis billed and finance, a new one after a payment; the surat
//! jalan (lines and quantities, no prices, signature boxes) once a PO is shipped; and the
//! `Unduh Excel` of the invoice list and the aging page carrying exactly their rows.

use domain::Portal;
use domain::invoice::{self, NewPayment, PaymentMethod};
use domain::money::format_rupiah;
use domain::transition::PoAction;
use reqwest::{Method, StatusCode};

use tests::api_client::Api;
use tests::fixtures::seller;
use tests::report_files::{self, int, text};

/// GETs `path` on the API as `user`: first 202 (queued), then, after the worker ran, the PDF.
async fn pdf_after_render(api: &Api, user: &str, path: &str) -> Vec<u8> {
    let first = api
        .request(Some(user), Method::GET, path)
        .send()
        .await
        .expect("ask for the document");
    assert_eq!(
        first.status(),
        StatusCode::ACCEPTED,
        "rendered by a worker, not inline"
    );
    assert_eq!(first.headers()["retry-after"], "2");
    api.app.run_pending_jobs().await;
    let res = api
        .request(Some(user), Method::GET, path)
        .send()
        .await
        .expect("ask again");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    res.bytes().await.expect("bytes").to_vec()
}

#[tokio::test]
async fn the_faktur_carries_everything_a_stokis_pays_from_and_changes_with_a_payment() {
    let api = Api::spawn().await;
    let w = &api.world;
    let po = api.app.shipped_po(w, &[(w.ayam.0, 4), (w.saus.0, 2)]).await;
    let (invoice_id, number) = api.app.invoice_of(po.id).await;
    let path = format!("/invoices/{invoice_id}/pdf");
    // Another stokis does not learn it exists; mitra and gudang have no invoices.
    for user in ["stokis002", "mitra0001", "gudang"] {
        let res = api
            .request(Some(user), Method::GET, &path)
            .send()
            .await
            .expect("refused");
        assert!(
            matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{user}: {}",
            res.status()
        );
    }
    let bytes = pdf_after_render(&api, "stokis001", &path).await;
    let words = report_files::pdf_text(&bytes);
    let s = seller();
    for expected in [
        format!("Faktur {number}"),
        po.number.clone(),
        s.company.clone(),
        s.npwp.clone(),
        s.bank_account.clone(),
        "Stokis Sumber Rejeki".to_owned(),
        format_rupiah(po.total),
        "Sisa Tagihan".to_owned(),
    ] {
        assert!(words.contains(&expected), "{expected:?} in {words}");
    }
    for item in &po.items {
        assert!(words.contains(&item.name), "{} in {words}", item.name);
        assert!(words.contains(&format_rupiah(item.subtotal)), "{words}");
    }

    // A payment makes a new faktur: the old one is never served as the current one.
    let mut tx = api.app.db.pool.begin().await.expect("begin");
    invoice::record_payment(
        &mut tx,
        &w.finance,
        &*api.app.clock,
        invoice_id,
        NewPayment {
            amount: 100_000,
            paid_on: domain::Clock::today(&*api.app.clock),
            method: PaymentMethod::Transfer,
            reference: "TRF-1".into(),
        },
    )
    .await
    .expect("payment");
    tx.commit().await.expect("commit");
    let bytes = pdf_after_render(&api, "finance", &path).await;
    let words = report_files::pdf_text(&bytes);
    assert!(words.contains(&format_rupiah(100_000)), "{words}");
    assert!(
        words.contains(&format_rupiah(po.total - 100_000)),
        "{words}"
    );
}

#[tokio::test]
async fn the_surat_jalan_lists_quantities_without_prices_once_shipped() {
    let api = Api::spawn().await;
    let w = &api.world;
    let po = api
        .app
        .submit_po(&w.stokis_a_user, &[(w.kentang.0, 6)])
        .await;
    let path = format!("/purchase-orders/{}/delivery-note", po.id);
    api.get("gudang", &path).await.expect(StatusCode::CONFLICT);
    api.app.apply_po(&w.finance, po.id, PoAction::Approve).await;
    api.app.apply_po(&w.gudang, po.id, PoAction::Ship).await;
    let bytes = pdf_after_render(&api, "gudang", &path).await;
    let words = report_files::pdf_text(&bytes);
    assert!(
        words.contains(&format!("Surat Jalan {}", po.number)),
        "{words}"
    );
    let item = &po.items[0];
    assert!(words.contains(&item.name), "{words}");
    assert!(
        !words.contains(&format_rupiah(item.unit_price)),
        "no prices: {words}"
    );
    assert!(!words.contains("Rp "), "no prices: {words}");
    assert!(words.contains("Diterima oleh"), "{words}");
    // The stokis receiving it may print it too; another may not.
    let res = api
        .request(Some("stokis002"), Method::GET, &path)
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = api
        .request(Some("stokis001"), Method::GET, &path)
        .send()
        .await
        .expect("allowed");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_invoice_page_links_its_faktur_and_waits_for_it() {
    let api = Api::spawn().await;
    let w = &api.world;
    let po = api.app.shipped_po(w, &[(w.ayam.0, 1)]).await;
    let (invoice_id, _) = api.app.invoice_of(po.id).await;
    let stokis = api.app.login(Portal::Stokis, "stokis001").await;
    let page = stokis
        .get(
            api.app
                .url(Portal::Stokis, &format!("/invoices/{invoice_id}")),
        )
        .send()
        .await
        .expect("invoice page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains(&format!("/invoices/{invoice_id}/pdf")),
        "a link to the faktur"
    );
    let pending = stokis
        .get(
            api.app
                .url(Portal::Stokis, &format!("/invoices/{invoice_id}/pdf")),
        )
        .send()
        .await
        .expect("pdf link");
    assert_eq!(pending.status(), StatusCode::OK);
    let html = pending.text().await.expect("html");
    assert!(html.contains("Faktur sedang disiapkan"), "{html}");
    assert!(html.contains("http-equiv=\"refresh\""), "it reloads itself");
    api.app.run_pending_jobs().await;
    let res = stokis
        .get(
            api.app
                .url(Portal::Stokis, &format!("/invoices/{invoice_id}/pdf")),
        )
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment; filename=\"faktur-INV-"),
        "{:?}",
        res.headers()["content-disposition"]
    );
}

#[tokio::test]
async fn the_list_exports_carry_exactly_the_rows_the_pages_show() {
    let api = Api::spawn().await;
    let w = &api.world;
    let a = api.app.shipped_po(w, &[(w.ayam.0, 2)]).await;
    let b = api.app.submit_po(&w.stokis_b_user, &[(w.saus.0, 3)]).await;
    api.app.apply_po(&w.finance, b.id, PoAction::Approve).await;
    api.app.apply_po(&w.gudang, b.id, PoAction::Ship).await;
    let (_, a_number) = api.app.invoice_of(a.id).await;
    let (_, b_number) = api.app.invoice_of(b.id).await;
    let finance = api.app.login(Portal::Admin, "finance").await;
    let list = finance
        .get(
            api.app
                .url(Portal::Admin, &format!("/invoices?stokis={}", w.stokis_b)),
        )
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("html");
    // Tera escapes `/` in text.
    let shown = |n: &str| list.contains(&n.replace('/', "&#x2F;"));
    assert!(
        shown(&b_number) && !shown(&a_number),
        "{a_number} {b_number}: {list}"
    );
    let link = format!("href=\"/invoices/export?stokis={}\"", w.stokis_b);
    assert!(
        list.contains(&link),
        "the export link keeps the filters: {list}"
    );
    let res = finance
        .get(api.app.url(
            Portal::Admin,
            &format!("/invoices/export?stokis={}", w.stokis_b),
        ))
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("bytes").to_vec();
    let rows = report_files::table(&bytes, "Invoice", "No. Invoice");
    let numbers: Vec<String> = rows[1..]
        .iter()
        .map(|r| text(&r[0]))
        .filter(|n| n != "Total")
        .collect();
    assert_eq!(
        numbers,
        std::slice::from_ref(&b_number),
        "only the filtered stokis' invoice"
    );
    assert_eq!(int(&rows[1][6]), b.total);

    let res = finance
        .get(api.app.url(Portal::Admin, "/aging/export"))
        .send()
        .await
        .expect("aging export");
    let bytes = res.bytes().await.expect("bytes").to_vec();
    let rows = report_files::table(&bytes, "Umur Piutang", "Kode");
    let total = rows.last().expect("total row");
    assert_eq!(text(&total[0]), "Total");
    assert_eq!(int(&total[8]), a.total + b.total);
    // Stokis see neither.
    let stokis = api.app.login(Portal::Stokis, "stokis001").await;
    let res = stokis
        .get(api.app.url(Portal::Stokis, "/aging/export"))
        .send()
        .await
        .expect("refused");
    assert_ne!(res.status(), StatusCode::OK);
}
