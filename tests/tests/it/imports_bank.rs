//! Bank statement imports through the API (issue 13): credits matched to open invoices by the
//! invoice number in the description, suggested by stokis and exact balance, changed by
//! finance; payments recorded once per bank reference; columns chosen by hand and remembered.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::api_client::Api;

use crate::imports_files::{X, commit, errors, row, upload, upload_with, xlsx};

/// Two invoices of stokis A: (id, number, total) of 480.000 (10 × Ayam) and 150.000 (10 × Saus).
async fn two_invoices(api: &Api) -> [(i64, String, i64); 2] {
    let w = &api.world;
    let first = api.app.shipped_po(w, &[(w.ayam.0, 10)]).await;
    let second = api.app.shipped_po(w, &[(w.saus.0, 10)]).await;
    let (a, an) = api.app.invoice_of(first.id).await;
    let (b, bn) = api.app.invoice_of(second.id).await;
    [(a, an, 480_000), (b, bn, 150_000)]
}

/// A BCA-style export: an account preamble above the header, debit and credit columns.
fn statement(first_number: &str) -> Vec<u8> {
    let dashed = first_number.replace('/', "-");
    xlsx(&[
        vec![X::T("Mutasi Rekening")],
        vec![X::T("No. Rekening"), X::T("1234567890")],
        vec![],
        vec![
            X::T("Tanggal"),
            X::T("Keterangan"),
            X::T("Debet"),
            X::T("Kredit"),
            X::T("Saldo"),
        ],
        vec![
            X::D(2026, 11, 28),
            X::S(format!("TRSF E-BANKING CR {dashed} SUMBER REJEKI")),
            X::Blank,
            X::N(480_000.0),
            X::N(1_480_000.0),
        ],
        vec![
            X::D(2026, 11, 28),
            X::T("SETORAN TUNAI STK001"),
            X::Blank,
            X::N(150_000.0),
            X::N(1_630_000.0),
        ],
        vec![
            X::D(2026, 11, 28),
            X::T("BIAYA ADM"),
            X::N(6_500.0),
            X::Blank,
            X::N(1_623_500.0),
        ],
        vec![
            X::D(2026, 11, 28),
            X::T("TRSF DARI PELANGGAN LAIN"),
            X::Blank,
            X::N(99_000.0),
            X::N(1_722_500.0),
        ],
    ])
}

async fn invoice(api: &Api, id: i64) -> (String, i64) {
    sqlx::query_as("SELECT status, paid FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&api.app.db.pool)
        .await
        .unwrap()
}

async fn transfers(api: &Api) -> Vec<(i64, i64, String, String)> {
    sqlx::query_as("SELECT invoice_id, amount, method, reference FROM payments ORDER BY id")
        .fetch_all(&api.app.db.pool)
        .await
        .unwrap()
}

fn bank(row: &Value) -> &Value {
    &row["bank"]
}

#[tokio::test]
async fn credits_match_by_invoice_number_or_stokis_balance_and_a_second_import_records_nothing() {
    let api = Api::spawn().await;
    let [(a, a_number, _), (b, b_number, _)] = two_invoices(&api).await;
    let file = statement(&a_number);
    let preview = upload(&api, "finance", "BANK_STATEMENT", "mutasi-bca.xlsx", &file)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(
        preview["counts"],
        json!({"create": 2, "update": 0, "unchanged": 0, "errors": 0, "unmatched": 1}),
        "{preview}"
    );
    let by_number = row(&preview, 5);
    assert_eq!(by_number["action"], "CREATE");
    assert_eq!(bank(by_number)["invoice_id"], a);
    assert_eq!(bank(by_number)["matched_by"], "INVOICE_NUMBER");
    let suggested = row(&preview, 6);
    assert_eq!(bank(suggested)["invoice_number"], b_number.as_str());
    assert_eq!(bank(suggested)["matched_by"], "STOKIS_BALANCE");
    assert!(suggested["note"].as_str().unwrap().starts_with("Saran:"));
    let unmatched = row(&preview, 8);
    assert_eq!(unmatched["action"], "UNMATCHED");
    assert_eq!(bank(unmatched)["amount"], 99_000);
    // The debit line is no payment: not listed.
    assert!(
        preview["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["row"] != 7)
    );
    assert!(transfers(&api).await.is_empty());

    let done = commit(&api, "finance", &preview["id"], json!({}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(done["applied"]["payments"], 2);
    assert_eq!(invoice(&api, a).await, ("PAID".to_owned(), 480_000));
    assert_eq!(invoice(&api, b).await, ("PAID".to_owned(), 150_000));
    let paid = transfers(&api).await;
    assert_eq!(paid.len(), 2);
    assert_eq!(
        (paid[0].0, paid[0].1, paid[0].2.as_str()),
        (a, 480_000, "TRANSFER")
    );
    assert_eq!(paid[0].3, bank(by_number)["reference"].as_str().unwrap());
    assert!(paid[0].3.starts_with("MUTASI-"), "{paid:?}");

    // The same statement again: the two credits are known by their reference, the stranger's
    // transfer is still listed, and nothing is paid twice.
    let again = upload(&api, "finance", "BANK_STATEMENT", "mutasi-bca.xlsx", &file)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(
        again["counts"],
        json!({"create": 0, "update": 0, "unchanged": 2, "errors": 0, "unmatched": 1}),
        "{again}"
    );
    assert_eq!(
        row(&again, 5)["note"],
        "Sudah tercatat pada impor sebelumnya"
    );
    let applied = commit(&api, "finance", &again["id"], json!({}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(applied["applied"]["payments"], 0);
    assert_eq!(transfers(&api).await.len(), 2);
}

#[tokio::test]
async fn finance_changes_a_match_and_a_stale_balance_is_refused() {
    let api = Api::spawn().await;
    let [(a, _, _), (b, b_number, _)] = two_invoices(&api).await;
    let file = xlsx(&[
        vec![
            X::T("Tgl"),
            X::T("Uraian"),
            X::T("Kredit"),
            X::T("No. Referensi"),
        ],
        vec![
            X::T("28/11/2026"),
            X::T("SETORAN STK001"),
            X::N(100_000.0),
            X::T("FT2611280001"),
        ],
        vec![
            X::T("28/11/2026"),
            X::S(format!("BAYAR {b_number}")),
            X::N(150_000.0),
            X::T("FT2611280002"),
        ],
    ]);
    let preview = upload(&api, "finance", "BANK_STATEMENT", "mutasi.xlsx", &file)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(row(&preview, 2)["action"], "UNMATCHED");
    assert_eq!(bank(row(&preview, 3))["invoice_id"], b);

    // Finance decides: the 100.000 is a part payment of invoice A; the second line is not paid
    // from this import.
    let body = json!({"matches": [{"row": 2, "invoice_id": a}, {"row": 3, "invoice_id": null}]});
    let done = commit(&api, "finance", &preview["id"], body)
        .await
        .expect(StatusCode::OK);
    assert_eq!(done["applied"]["payments"], 1);
    assert_eq!(invoice(&api, a).await, ("UNPAID".to_owned(), 100_000));
    assert_eq!(invoice(&api, b).await, ("UNPAID".to_owned(), 0));
    assert_eq!(transfers(&api).await[0].3, "FT2611280001");

    // A new preview of the line to invoice B, then B is paid at the counter: stale.
    let again = upload(&api, "finance", "BANK_STATEMENT", "mutasi.xlsx", &file)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(row(&again, 2)["action"], "UNCHANGED");
    assert_eq!(row(&again, 3)["action"], "CREATE");
    api.post(
        "finance",
        &format!("/invoices/{b}/payments"),
        json!({"amount": 150_000, "method": "CASH", "reference": "kasir"}),
    )
    .await
    .expect(StatusCode::CREATED);
    commit(&api, "finance", &again["id"], json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    assert_eq!(transfers(&api).await.len(), 2);
}

#[tokio::test]
async fn unknown_headers_are_chosen_by_hand_once_per_bank_layout() {
    let api = Api::spawn().await;
    let [(a, a_number, _), _] = two_invoices(&api).await;
    let file = xlsx(&[
        vec![X::T("Tgl Trx"), X::T("Info Mutasi"), X::T("Nominal Masuk")],
        vec![
            X::D(2026, 11, 28),
            X::S(format!("PEMBAYARAN {a_number}")),
            X::N(480_000.0),
        ],
        vec![X::T("31/13/2026"), X::T("SALAH TANGGAL"), X::T("12,5")],
    ]);
    let first = upload(&api, "finance", "BANK_STATEMENT", "bank-x.xlsx", &file)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(first["missing"], json!(["Tanggal", "Keterangan", "Kredit"]));
    assert_eq!(
        first["headers"],
        json!(["Tgl Trx", "Info Mutasi", "Nominal Masuk"])
    );
    commit(&api, "finance", &first["id"], json!({}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);

    let choice = [
        ("date_column", "Tgl Trx"),
        ("description_column", "Info Mutasi"),
        ("amount_column", "Nominal Masuk"),
    ];
    let chosen = upload_with(
        &api,
        "finance",
        "BANK_STATEMENT",
        "bank-x.xlsx",
        &file,
        &choice,
    )
    .await
    .expect(StatusCode::CREATED);
    assert_eq!(bank(row(&chosen, 2))["invoice_id"], a);
    let errs = errors(&chosen);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1.as_str()), (3, "Nominal Masuk"));
    assert!(errs[0].2.contains("Rupiah bulat"));
    assert_eq!((errs[1].0, errs[1].1.as_str()), (3, "Tgl Trx"));

    // The next statement of this bank: the layout is remembered.
    let next = upload(
        &api,
        "finance",
        "BANK_STATEMENT",
        "bank-x-desember.xlsx",
        &file,
    )
    .await
    .expect(StatusCode::CREATED);
    assert_eq!(next["missing"], json!([]));
    assert_eq!(bank(row(&next, 2))["invoice_id"], a);
}
