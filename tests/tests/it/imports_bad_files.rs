//! Files users really upload (issue 13): formulas (their computed value is read), a formula
//! error, merged cells, a PDF, a file over the size limit and one with too many rows — a row
//! error or one clear message on `file`, never a 5xx, nothing written.

use reqwest::StatusCode;
use rust_xlsxwriter::{Format, Workbook};
use tests::api_client::Api;

use crate::imports_files::{errors, multipart, row, upload};
use domain::Portal;
use tests::app::location;

fn with_formulas_and_merged_cells() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["SKU", "Nama", "Satuan", "Harga Mitra", "Harga Stokis"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    let rows = [
        ("AYM-001", "Ayam Fillet 1kg", 48_000.0),
        ("KTG-001", "Kentang Goreng 2,5kg", 64_000.0),
        ("SAS-001", "Saus Sambal 1L", 15_000.0),
        ("OLD-001", "Bumbu Lama", 9_000.0),
    ];
    for (i, (sku, name, stokis)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap();
        ws.write_string(r, 0, *sku).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_number(r, 4, *stokis).unwrap();
    }
    ws.write_string(1, 2, "pak").unwrap();
    ws.write_string(2, 2, "pak").unwrap();
    // A price computed by a formula, with the value Excel would have cached.
    ws.write_formula(1, 3, "=56000+1000").unwrap();
    ws.set_formula_result(1, 3, "57000");
    ws.write_formula(2, 3, "=1/0").unwrap();
    ws.set_formula_result(2, 3, "#DIV/0!");
    ws.write_number(3, 3, 18_000.0).unwrap();
    ws.write_number(4, 3, 10_000.0).unwrap();
    // "Satuan" merged over the last two rows: only the first keeps the value.
    ws.merge_range(3, 2, 4, 2, "pak", &Format::new()).unwrap();
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn formulas_are_read_as_their_values_and_merged_cells_leave_their_rows_blank() {
    let api = Api::spawn().await;
    let preview = upload(
        &api,
        "pusat",
        "PRODUCTS",
        "rumus.xlsx",
        &with_formulas_and_merged_cells(),
    )
    .await
    .expect(StatusCode::CREATED);
    assert_eq!(row(&preview, 2)["changes"][0]["new"], "57000", "{preview}");
    let errs = errors(&preview);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1.as_str()), (3, "Harga Mitra"));
    assert_eq!(errs[1], (5, "Satuan".to_owned(), "wajib diisi".to_owned()));
}

#[tokio::test]
async fn not_a_spreadsheet_too_big_or_too_long_is_one_message_and_nothing_is_stored() {
    let api = Api::spawn().await;
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\x00\x01".to_vec();
    let body = upload(&api, "pusat", "PRODUCTS", "faktur.pdf", &pdf)
        .await
        .expect_field("file");
    assert!(
        body["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("tidak bisa dibaca"),
        "{body}"
    );

    let big = vec![b'a'; 6 * 1024 * 1024];
    let body = upload(&api, "pusat", "PRODUCTS", "besar.csv", &big)
        .await
        .expect_field("file");
    assert!(
        body["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("maksimal 5 MB"),
        "{body}"
    );

    let mut long = String::from("SKU;Nama;Satuan;Harga Mitra;Harga Stokis\n");
    for i in 0..25_000 {
        long.push_str(&format!("P-{i};Produk {i};pak;1000;900\n"));
    }
    let body = upload(&api, "pusat", "PRODUCTS", "panjang.csv", long.as_bytes())
        .await
        .expect_field("file");
    assert!(
        body["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("20000 baris"),
        "{body}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM imports")
        .fetch_one(&api.app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn the_page_says_a_file_is_too_big_instead_of_calling_the_form_expired() {
    let api = Api::spawn().await;
    let pusat = api.app.user(Portal::Admin, "pusat").await;
    let (content_type, body) = multipart(
        &[("csrf_token", pusat.csrf.as_str()), ("kind", "PRODUCTS")],
        "besar.xlsx",
        &vec![b'a'; 6 * 1024 * 1024],
    );
    let res = pusat
        .client
        .post(api.app.url(Portal::Admin, "/imports"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/imports");
    let (_, page) = api.app.get_as(&pusat, Portal::Admin, "/imports").await;
    assert!(
        page.contains("Berkas terlalu besar: maksimal 5 MB"),
        "{page}"
    );
}

#[tokio::test]
async fn the_upload_limit_is_configured_and_stated_on_the_page() {
    let app = tests::TestApp::spawn_with(|c| c.import_max_mb = 1).await;
    tests::fixtures::World::build(&app.db.pool).await;
    let pusat = app.user(Portal::Admin, "pusat").await;
    let (_, page) = app.get_as(&pusat, Portal::Admin, "/imports").await;
    assert!(page.contains("maksimal 1 MB"), "{page}");
    let token = app.bearer(Portal::Admin, "pusat").await;
    let (content_type, body) = multipart(
        &[("kind", "PRODUCTS")],
        "a.csv",
        &vec![b'a'; 2 * 1024 * 1024],
    );
    let res = app
        .client()
        .post(app.url(Portal::Admin, "/api/v1/imports"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"]["file"],
        "Berkas terlalu besar: maksimal 1 MB"
    );
}
