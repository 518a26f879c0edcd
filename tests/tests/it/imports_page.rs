//! The import pages in a real headless Chromium (issue 13): head office uploads its price list,
//! reads the preview (old → new per changed cell), commits, and finds the import in the history.

use domain::Portal;
use tests::TestApp;
use tests::browser::{Driver, Screen};
use tests::fixtures::World;

use crate::imports_files::{X, xlsx};

#[tokio::test]
async fn pusat_uploads_a_price_list_previews_it_and_commits() {
    let app = TestApp::spawn().await;
    World::build(&app.db.pool).await;
    let driver = Driver::start("pusat_uploads_a_price_list_previews_it_and_commits").await;
    let file = xlsx(&[
        vec![
            X::T("SKU"),
            X::T("Nama"),
            X::T("Satuan"),
            X::T("Harga Mitra"),
            X::T("Harga Stokis"),
        ],
        vec![
            X::T("AYM-001"),
            X::T("Ayam Fillet 1kg"),
            X::T("pak"),
            X::N(57_000.0),
            X::N(48_000.0),
        ],
        vec![
            X::T("SAS-001"),
            X::T("Saus Sambal 1L"),
            X::T("pak"),
            X::T("18.000,50"),
            X::N(15_000.0),
        ],
    ]);
    let dir = std::env::temp_dir().join(format!("dfresto-import-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("harga-salah.xlsx");
    std::fs::write(&bad, &file).unwrap();

    let pusat = driver.browser("pusat", Screen::Desktop).await;
    pusat.login(&app, Portal::Admin, "pusat").await;
    pusat.follow_link("Impor Data").await;
    pusat.expect_path("/imports").await;
    pusat.expect_text("maksimal 5 MB").await;
    pusat.select("#kind", "PRODUCTS").await;
    pusat
        .find("#file")
        .await
        .send_keys(&bad.display().to_string())
        .await
        .unwrap();
    pusat.press("#import-upload", "Periksa berkas").await;
    pusat.expect_text("Pratinjau siap").await;
    // The bad price is named by row and column, and there is nothing to commit.
    pusat.expect_text_in("#import-errors", "Harga Mitra").await;
    pusat
        .expect_text_in("#import-errors", "bukan jumlah Rupiah bulat")
        .await;
    assert!(!pusat.has("#import-commit-button").await);
    pusat.shot("preview-with-errors").await;

    // The corrected file: one price changed, one row as it is.
    let good = dir.join("harga-desember.xlsx");
    std::fs::write(
        &good,
        xlsx(&[
            vec![
                X::T("SKU"),
                X::T("Nama"),
                X::T("Satuan"),
                X::T("Harga Mitra"),
                X::T("Harga Stokis"),
            ],
            vec![
                X::T("AYM-001"),
                X::T("Ayam Fillet 1kg"),
                X::T("pak"),
                X::N(57_000.0),
                X::N(48_000.0),
            ],
            vec![
                X::T("SAS-001"),
                X::T("Saus Sambal 1L"),
                X::T("pak"),
                X::N(18_000.0),
                X::N(15_000.0),
            ],
        ]),
    )
    .unwrap();
    pusat.follow_link("Kembali ke impor").await;
    pusat.select("#kind", "PRODUCTS").await;
    pusat
        .find("#file")
        .await
        .send_keys(&good.display().to_string())
        .await
        .unwrap();
    pusat.press("#import-upload", "Periksa berkas").await;
    pusat.expect_text_in("[data-count=update]", "1").await;
    pusat.expect_text_in("[data-count=unchanged]", "1").await;
    pusat
        .expect_text_in("tr[data-row='2']", "Harga Mitra: 55000 → 57000")
        .await;
    pusat.expect_text_in("tr[data-row='3']", "Tetap").await;
    pusat.shot("preview").await;
    let price: i64 =
        sqlx::query_scalar("SELECT price_to_mitra FROM products WHERE sku = 'AYM-001'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(price, 55_000, "the preview wrote nothing");

    pusat.press("", "Terapkan impor").await;
    pusat
        .expect_text("Impor diterapkan: 0 baru, 1 diubah, 1 tetap")
        .await;
    pusat.shot("committed").await;
    let price: i64 =
        sqlx::query_scalar("SELECT price_to_mitra FROM products WHERE sku = 'AYM-001'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(price, 57_000);

    pusat.follow_link("Kembali ke impor").await;
    pusat
        .expect_text_in("#import-history", "harga-desember.xlsx")
        .await;
    pusat.expect_text_in("#import-history", "Diterapkan").await;
    pusat.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
