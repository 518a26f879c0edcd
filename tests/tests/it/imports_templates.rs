//! The import pages without a browser (issue 13): the template with the current data read
//! back unchanged and edited ("export, edit, import back"), and finance's bank statement
//! preview page: choosing columns, confirming a line's invoice, committing.

use calamine::Data;
use domain::Portal;
use reqwest::StatusCode;
use serde_json::json;
use tests::api_client::Api;
use tests::app::location;
use tests::report_files;

use crate::imports_files::{X, row, upload, xlsx};

/// A workbook read back by calamine, written again as it was, with `edit` applied per cell.
fn rewrite(rows: &[Vec<Data>], edit: impl Fn(usize, usize, &Data) -> Option<X>) -> Vec<u8> {
    let cells: Vec<Vec<X>> = rows
        .iter()
        .enumerate()
        .map(|(r, cells)| {
            cells
                .iter()
                .enumerate()
                .map(|(c, d)| {
                    edit(r, c, d).unwrap_or_else(|| match d {
                        Data::String(s) => X::S(s.clone()),
                        Data::Float(f) => X::N(*f),
                        Data::Int(n) => X::N(*n as f64),
                        Data::Empty => X::Blank,
                        other => panic!("unexpected cell in the template: {other:?}"),
                    })
                })
                .collect()
        })
        .collect();
    xlsx(&cells)
}

#[tokio::test]
async fn the_template_with_current_data_imports_back_unchanged_and_shows_one_edit() {
    let api = Api::spawn().await;
    let pusat = api.app.user(Portal::Admin, "pusat").await;
    let res = pusat
        .client
        .get(
            api.app
                .url(Portal::Admin, "/imports/template/PRODUCTS?data=1"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("impor-products-data.xlsx")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let rows = report_files::table(&bytes, "Produk", "SKU");
    assert_eq!(rows.len(), 5, "a header and the four products: {rows:?}");

    // As downloaded: every product unchanged.
    let same = upload(
        &api,
        "pusat",
        "PRODUCTS",
        "impor-products-data.xlsx",
        &bytes,
    )
    .await
    .expect(StatusCode::CREATED);
    assert_eq!(
        same["counts"],
        json!({"create": 0, "update": 0, "unchanged": 4, "errors": 0, "unmatched": 0}),
        "{same}"
    );

    let (_, page) = api
        .app
        .get_as(&pusat, Portal::Admin, &format!("/imports/{}", same["id"]))
        .await;
    assert!(page.contains("Tidak ada perubahan"), "{page}");
    assert!(!page.contains("Terapkan impor"), "{page}");

    // Ayam's mitra price edited (column 5 = Harga Mitra) and the old product switched on.
    let ayam = rows
        .iter()
        .position(|r| r[0] == Data::String("AYM-001".into()))
        .unwrap();
    let old = rows
        .iter()
        .position(|r| r[0] == Data::String("OLD-001".into()))
        .unwrap();
    let edited = rewrite(&rows, |r, c, _| match (r, c) {
        (r, 4) if r == ayam => Some(X::N(60_000.0)),
        (r, 6) if r == old => Some(X::T("Ya")),
        _ => None,
    });
    let preview = upload(&api, "pusat", "PRODUCTS", "harga-baru.xlsx", &edited)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(preview["counts"]["update"], 2, "{preview}");
    assert_eq!(
        row(&preview, i64::try_from(ayam).unwrap() + 1)["changes"],
        json!([{"field": "price_to_mitra", "column": "Harga Mitra", "old": "55000", "new": "60000"}])
    );
    assert_eq!(
        row(&preview, i64::try_from(old).unwrap() + 1)["changes"][0]["new"],
        "Ya"
    );

    // The page shows the preview too; a template of another role's kind is refused.
    let (status, page) = api
        .app
        .get_as(
            &pusat,
            Portal::Admin,
            &format!("/imports/{}", preview["id"]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<del>55000</del> → <ins>60000</ins>"),
        "{page}"
    );
    let (status, _) = api
        .app
        .get_as(&pusat, Portal::Admin, "/imports/template/BANK_STATEMENT")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn finance_chooses_columns_confirms_an_invoice_and_commits_on_the_page() {
    let api = Api::spawn().await;
    let w = &api.world;
    let po = api.app.shipped_po(w, &[(w.ayam.0, 10)]).await;
    let (invoice, number) = api.app.invoice_of(po.id).await;
    let file = xlsx(&[
        vec![X::T("Tgl Trx"), X::T("Info Mutasi"), X::T("Nominal Masuk")],
        vec![
            X::T("28/11/2026"),
            X::T("TRANSFER SUMBER REJEKI"),
            X::N(200_000.0),
        ],
    ]);
    let first = upload(&api, "finance", "BANK_STATEMENT", "mutasi.xlsx", &file)
        .await
        .expect(StatusCode::CREATED);
    let finance = api.app.user(Portal::Admin, "finance").await;
    let path = format!("/imports/{}", first["id"]);
    let (status, page) = api.app.get_as(&finance, Portal::Admin, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Pilih kolom"), "{page}");
    assert!(page.contains("<option value=\"Nominal Masuk\">"), "{page}");

    let res = api
        .app
        .post_as(
            &finance,
            Portal::Admin,
            &format!("{path}/columns"),
            &[
                ("date_column", "Tgl Trx"),
                ("description_column", "Info Mutasi"),
                ("amount_column", "Nominal Masuk"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let second = location(&res);
    assert_ne!(second, path);
    let (_, page) = api.app.get_as(&finance, Portal::Admin, &second).await;
    assert!(page.contains("Belum cocok"), "{page}");
    // Tera writes `/` as `&#x2F;` in page text.
    assert!(
        page.contains(&number.replace('/', "&#x2F;")),
        "the open invoice is offered: {page}"
    );

    // Finance picks the invoice for the part payment and commits.
    let res = api
        .app
        .post_as(
            &finance,
            Portal::Admin,
            &format!("{second}/commit"),
            &[("match_2", &invoice.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = api.app.get_as(&finance, Portal::Admin, &second).await;
    assert!(
        page.contains("Impor diterapkan: 1 pembayaran dicatat"),
        "{page}"
    );
    let paid: i64 = sqlx::query_scalar("SELECT paid FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(&api.app.db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 200_000);
}
