//! What the reports say, read back the way finance reads them: the workbook through calamine
//! (numbers as numbers, dates as dates) and through LibreOffice, the PDF through `pdftotext`,
//! each figure compared with an independent SQL query written here. The edge cases: an order at
//! 23:30 WIB on the last day of the month belongs to that month (and one at 00:30 on the first
//! of the next does not), cancelled and pending orders never count, a partial payment ages the
//! balance and a payment after the as-of date does not count, an empty period says so.

use chrono::{Duration, NaiveDate};
use domain::Clock;
use domain::clock::FixedClock;
use domain::invoice::{self, NewPayment, PaymentMethod};
use domain::money::format_rupiah;
use domain::transition::{OrderAction, PoAction};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

use tests::api_client::Api;
use tests::report_files::{self, date, fraction, int, text};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
    FixedClock::at_jakarta(y, m, d, h, min).now()
}

/// Requests a report as finance, lets the worker render it, and downloads the file.
async fn render(api: &Api, kind: &str, format: &str, params: Value) -> Vec<u8> {
    let run = api
        .post(
            "finance",
            "/reports",
            json!({"kind": kind, "format": format, "params": params}),
        )
        .await
        .expect(StatusCode::ACCEPTED);
    let id = run["id"].as_i64().expect("id");
    api.app.run_pending_jobs().await;
    let done = api
        .get("finance", &format!("/reports/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(done["status"], "DONE", "{done}");
    let res = api
        .request(Some("finance"), Method::GET, &format!("/reports/{id}/file"))
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::OK);
    res.bytes().await.expect("bytes").to_vec()
}

/// A confirmed order of mitra A placed at `when`; returns its total.
async fn confirmed_order(api: &Api, when: chrono::DateTime<chrono::Utc>, qty: i64) -> i64 {
    let w = &api.world;
    api.app.clock.set(when);
    let order = api
        .app
        .place_order(&w.mitra_a_user, &[(w.ayam.0, qty), (w.saus.0, 1)], "")
        .await;
    api.app
        .apply_order(&w.stokis_a_user, order.id, OrderAction::Confirm)
        .await;
    order.total
}

/// Orders around November 2026 and a PO in it.
async fn november(api: &mut Api) {
    let w = &api.world;
    confirmed_order(api, at(2026, 10, 15, 10, 0), 3).await;
    confirmed_order(api, at(2026, 11, 3, 10, 0), 2).await;
    confirmed_order(api, at(2026, 11, 30, 23, 30), 1).await;
    confirmed_order(api, at(2026, 12, 1, 0, 30), 4).await;
    api.app.clock.set(at(2026, 11, 12, 8, 0));
    let cancelled = api
        .app
        .place_order(&w.mitra_a_user, &[(w.kentang.0, 5)], "")
        .await;
    api.app
        .apply_order(&w.mitra_a_user, cancelled.id, OrderAction::Cancel)
        .await;
    // Still pending: not a sale.
    api.app
        .place_order(&w.mitra_a_user, &[(w.kentang.0, 7)], "")
        .await;
    api.app.clock.set(at(2026, 11, 20, 9, 0));
    api.app.shipped_po(w, &[(w.ayam.0, 10)]).await;
    api.app.clock.set(at(2026, 12, 2, 9, 0));
    api.refresh_tokens().await;
}

/// Mitra-order revenue per Jakarta day of November, by SQL written for this test.
async fn november_by_day(api: &Api) -> BTreeMap<NaiveDate, i64> {
    let rows: Vec<(NaiveDate, i64)> = sqlx::query_as(
        "SELECT (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, sum(total)::bigint
         FROM orders
         WHERE status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')
           AND (created_at AT TIME ZONE 'Asia/Jakarta')::date BETWEEN '2026-11-01' AND '2026-11-30'
         GROUP BY 1",
    )
    .fetch_all(&api.app.db.pool)
    .await
    .expect("the test's own sums");
    rows.into_iter().collect()
}

#[tokio::test]
async fn monthly_sales_agree_with_sql_in_excel_libreoffice_and_pdf() {
    let mut api = Api::spawn().await;
    november(&mut api).await;
    let expected = november_by_day(&api).await;
    let late_order: i64 = sqlx::query_scalar("SELECT total FROM orders WHERE created_at = $1")
        .bind(at(2026, 11, 30, 23, 30))
        .fetch_one(&api.app.db.pool)
        .await
        .expect("the 23:30 order");
    assert_eq!(
        expected.get(&NaiveDate::from_ymd_opt(2026, 11, 30).expect("d")),
        Some(&late_order)
    );
    let month_total: i64 = expected.values().sum();
    let po_total: i64 = sqlx::query_scalar(
        "SELECT sum(total)::bigint FROM purchase_orders WHERE status IN ('APPROVED', 'SHIPPED', 'RECEIVED')",
    )
    .fetch_one(&api.app.db.pool)
    .await
    .expect("PO total");

    let xlsx = render(&api, "MONTHLY_SALES", "XLSX", json!({"month": "2026-11"})).await;
    let sheets = report_files::sheet_names(&xlsx);
    assert_eq!(
        sheets,
        ["Ringkasan", "Harian", "Per Stokis"],
        "one sheet per section"
    );
    let daily = report_files::table(&xlsx, "Harian", "Tanggal");
    assert_eq!(text(&daily[0][3]), "Nilai Order Mitra");
    // Every day of the month, zero days included, then the total row.
    assert_eq!(daily.len(), 1 + 30 + 1, "{daily:?}");
    for (i, row) in daily[1..=30].iter().enumerate() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("d") + Duration::days(i as i64);
        assert_eq!(date(&row[0]), day);
        assert_eq!(
            int(&row[3]),
            expected.get(&day).copied().unwrap_or(0),
            "{day}"
        );
    }
    assert_eq!(text(&daily[31][0]), "Total");
    assert_eq!(int(&daily[31][3]), month_total);
    assert_eq!(int(&daily[31][5]), po_total);
    let per_stokis = report_files::table(&xlsx, "Per Stokis", "Kode");
    assert_eq!(text(&per_stokis[1][0]), "STK001");
    assert_eq!(int(&per_stokis[1][3]), month_total);
    // October's one order is the comparison: (Nov − Oct) / Oct.
    let october: i64 = sqlx::query_scalar(
        "SELECT sum(total)::bigint FROM orders WHERE created_at < '2026-10-31 17:00:00+00'",
    )
    .fetch_one(&api.app.db.pool)
    .await
    .expect("october");
    let change = (month_total - october) as f64 / october as f64;
    assert!((fraction(&per_stokis[1][4]) - change).abs() < 1e-9);

    // LibreOffice opens it and shows the same total (written as a value, not a formula).
    let csv = report_files::libreoffice_csv(&xlsx);
    let harian = csv.get("Harian").expect("the Harian sheet in LibreOffice");
    let total_line = harian
        .lines()
        .find(|l| l.starts_with("Total") || l.starts_with("\"Total\""))
        .expect("a total line");
    assert!(
        total_line.contains(&month_total.to_string())
            || total_line.contains(&format_rupiah(month_total).replace("Rp ", "")),
        "{total_line}"
    );

    let pdf = render(&api, "MONTHLY_SALES", "PDF", json!({"month": "2026-11"})).await;
    let words = report_files::pdf_text(&pdf);
    assert!(words.contains("Laporan Penjualan Bulanan"), "{words}");
    assert!(words.contains("November 2026"), "{words}");
    assert!(words.contains(&format_rupiah(month_total)), "{words}");
    assert!(words.contains(&format_rupiah(late_order)), "{words}");
    let pages = report_files::pdf_pages(&pdf);
    for page in 1..=pages {
        assert!(
            words.contains(&format!("Halaman {page} dari {pages}")),
            "page {page}: {words}"
        );
    }
}

#[tokio::test]
async fn top_products_rank_and_share_to_a_hundred_percent() {
    let mut api = Api::spawn().await;
    november(&mut api).await;
    let expected: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT p.sku, sum(oi.qty)::bigint, sum(oi.subtotal)::bigint
         FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN products p ON p.id = oi.product_id
         WHERE o.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')
           AND o.created_at >= '2026-10-31 17:00:00+00' AND o.created_at < '2026-11-30 17:00:00+00'
         GROUP BY p.sku ORDER BY 2 DESC, 3 DESC, 1",
    )
    .fetch_all(&api.app.db.pool)
    .await
    .expect("the test's own ranking");
    assert!(expected.len() >= 2, "{expected:?}");
    let xlsx = render(
        &api,
        "TOP_PRODUCTS",
        "XLSX",
        json!({"from": "2026-11-01", "to": "2026-11-30", "limit": 1}),
    )
    .await;
    let by_qty = report_files::table(&xlsx, "Per Produk (Qty)", "Peringkat");
    let total_qty: i64 = expected.iter().map(|e| e.1).sum();
    assert_eq!(text(&by_qty[1][1]), expected[0].0);
    assert_eq!(int(&by_qty[1][4]), expected[0].1);
    // The rest in one `Lainnya` row, so the shares add up to 100 %.
    assert!(
        text(&by_qty[2][2]).starts_with("Lainnya"),
        "{:?}",
        by_qty[2]
    );
    assert_eq!(int(&by_qty[2][4]), total_qty - expected[0].1);
    assert!(
        (fraction(&by_qty[2][6]) - 1.0).abs() < 1e-9,
        "cumulative ends at 100 %"
    );
    let shares = fraction(&by_qty[1][5]) + fraction(&by_qty[2][5]);
    assert!((shares - 1.0).abs() < 1e-9);
    assert_eq!(text(&by_qty[3][0]), "Total");
    assert_eq!(int(&by_qty[3][4]), total_qty);
}

#[tokio::test]
async fn invoice_aging_as_of_a_date_ignores_later_payments() {
    let mut api = Api::spawn().await;
    let w = api.world.clone();
    let w = &w;
    api.app.clock.set(at(2026, 10, 1, 9, 0));
    let old = api.app.shipped_po(w, &[(w.ayam.0, 10)]).await;
    let (old_invoice, old_number) = api.app.invoice_of(old.id).await;
    // Stokis B's PO: stokis A's late invoice blocks A's credit by then.
    api.app.clock.set(at(2026, 11, 25, 9, 0));
    let recent = api.app.submit_po(&w.stokis_b_user, &[(w.saus.0, 3)]).await;
    api.app
        .apply_po(&w.finance, recent.id, PoAction::Approve)
        .await;
    api.app.apply_po(&w.gudang, recent.id, PoAction::Ship).await;
    let (_, recent_number) = api.app.invoice_of(recent.id).await;
    let pay = |when, amount: i64| {
        let api = &api;
        async move {
            api.app.clock.set(when);
            let mut tx = api.app.db.pool.begin().await.expect("begin");
            invoice::record_payment(
                &mut tx,
                &api.world.finance,
                &*api.app.clock,
                old_invoice,
                NewPayment {
                    amount,
                    paid_on: domain::clock::jakarta_date(when),
                    method: PaymentMethod::Transfer,
                    reference: "TRF".into(),
                },
            )
            .await
            .expect("payment");
            tx.commit().await.expect("commit");
        }
    };
    pay(at(2026, 11, 10, 10, 0), 100_000).await;
    pay(at(2026, 12, 1, 10, 0), 50_000).await;
    api.app.clock.set(at(2026, 12, 2, 9, 0));
    api.refresh_tokens().await;

    // The test's own aging as of 30 Nov.
    let expected: Vec<(String, i64, i32)> = sqlx::query_as(
        "SELECT i.number,
                (i.total - COALESCE((SELECT sum(p.amount) FROM payments p
                                     WHERE p.invoice_id = i.id AND p.paid_on <= '2026-11-30'), 0))::bigint,
                ('2026-11-30'::date - i.due_date)
         FROM invoices i WHERE i.issue_date <= '2026-11-30' ORDER BY i.due_date",
    )
    .fetch_all(&api.app.db.pool)
    .await
    .expect("the test's own aging");
    assert_eq!(expected.len(), 2);
    let (ref n0, old_balance, old_late) = expected[0];
    assert_eq!(n0, &old_number);
    assert!((31..=60).contains(&old_late), "{old_late}");
    let (ref n1, recent_balance, recent_late) = expected[1];
    assert_eq!(n1, &recent_number);
    assert!(recent_late <= 0);

    let xlsx = render(
        &api,
        "INVOICE_AGING",
        "XLSX",
        json!({"as_of": "2026-11-30"}),
    )
    .await;
    let per_stokis = report_files::table(&xlsx, "Per Stokis", "Kode");
    let headers: Vec<String> = per_stokis[0].iter().map(text).collect();
    let col = |h: &str| {
        headers
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h} in {headers:?}"))
    };
    let of = |code: &str| {
        per_stokis
            .iter()
            .find(|r| text(&r[0]) == code)
            .unwrap_or_else(|| panic!("no row for {code}: {per_stokis:?}"))
    };
    let a = of("STK001");
    assert_eq!(
        int(&a[col("31–60")]),
        old_balance,
        "the partial payment ages the balance; the later one does not count"
    );
    assert_eq!(int(&a[col("Belum Jatuh Tempo")]), 0);
    assert_eq!(int(&a[col("1–30")]), 0);
    assert_eq!(int(&a[col("Total")]), old_balance);
    assert_eq!(int(&a[col("Faktur")]), 1);
    let b = of("STK002");
    assert_eq!(int(&b[col("Belum Jatuh Tempo")]), recent_balance);
    assert_eq!(int(&b[col("Total")]), recent_balance);
    let totals = &per_stokis[3];
    assert_eq!(text(&totals[0]), "Total");
    assert_eq!(int(&totals[col("Total")]), old_balance + recent_balance);
    assert_eq!(int(&totals[col("31–60")]), old_balance);
    let pct = &per_stokis[4];
    assert_eq!(text(&pct[0]), "%");
    let expected_share = old_balance as f64 / (old_balance + recent_balance) as f64;
    assert!((fraction(&pct[col("31–60")]) - expected_share).abs() < 1e-9);
    let detail = report_files::table(&xlsx, "Rincian Faktur", "No. Faktur");
    let old_row = detail
        .iter()
        .find(|r| text(&r[0]) == old_number)
        .expect("the old invoice in the detail");
    assert_eq!(int(&old_row[8]), old_balance);
    assert_eq!(text(&old_row[9]), "31–60");

    let pdf = render(&api, "INVOICE_AGING", "PDF", json!({"as_of": "2026-11-30"})).await;
    let words = report_files::pdf_text(&pdf);
    assert!(words.contains("Posisi per 30 Nov 2026"), "{words}");
    assert!(words.contains(&format_rupiah(old_balance)), "{words}");
    assert!(words.contains(&old_number), "{words}");
}

#[tokio::test]
async fn stokis_performance_counts_what_the_stokis_bought_and_sold() {
    let mut api = Api::spawn().await;
    november(&mut api).await;
    let (pos, po_value): (i64, i64) = sqlx::query_as(
        "SELECT count(*), COALESCE(sum(total), 0)::bigint FROM purchase_orders
         WHERE stokis_id = $1 AND status IN ('APPROVED', 'SHIPPED', 'RECEIVED')
           AND created_at >= '2026-10-31 17:00:00+00' AND created_at < '2026-11-30 17:00:00+00'",
    )
    .bind(api.world.stokis_a)
    .fetch_one(&api.app.db.pool)
    .await
    .expect("POs");
    let (orders, order_value): (i64, i64) = sqlx::query_as(
        "SELECT count(*), COALESCE(sum(total), 0)::bigint FROM orders
         WHERE stokis_id = $1 AND status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')
           AND created_at >= '2026-10-31 17:00:00+00' AND created_at < '2026-11-30 17:00:00+00'",
    )
    .bind(api.world.stokis_a)
    .fetch_one(&api.app.db.pool)
    .await
    .expect("orders");
    assert_eq!((pos, orders), (1, 2));
    let xlsx = render(
        &api,
        "STOKIS_PERFORMANCE",
        "XLSX",
        json!({"from": "2026-11-01", "to": "2026-11-30"}),
    )
    .await;
    let table = report_files::table(&xlsx, "Kinerja Stokis", "Kode");
    let row = &table[1];
    assert_eq!(text(&row[0]), "STK001");
    assert_eq!(int(&row[2]), pos);
    assert_eq!(int(&row[3]), po_value);
    assert_eq!(int(&row[4]), orders);
    assert_eq!(int(&row[5]), order_value);
    let total = table.last().expect("total row");
    assert_eq!(text(&total[0]), "Total");
    assert_eq!(int(&total[5]), order_value);
}

#[tokio::test]
async fn an_empty_period_gives_a_report_that_says_so() {
    let api = Api::spawn().await;
    for format in ["XLSX", "PDF"] {
        let file = render(
            &api,
            "TOP_PRODUCTS",
            format,
            json!({"from": "2026-01-01", "to": "2026-01-31"}),
        )
        .await;
        if format == "XLSX" {
            let rows = report_files::sheet(&file, "Per Produk (Qty)");
            assert!(
                rows.iter()
                    .flatten()
                    .any(|c| text_of(c) == "Tidak ada data"),
                "{rows:?}"
            );
        } else {
            let words = report_files::pdf_text(&file);
            assert!(words.contains("Tidak ada data"), "{words}");
        }
    }
}

fn text_of(c: &calamine::Data) -> String {
    match c {
        calamine::Data::String(s) => s.clone(),
        _ => String::new(),
    }
}
