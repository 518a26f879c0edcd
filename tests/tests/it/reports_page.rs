//! The Laporan page in a real Chromium: finance asks for a report from the form, sees it queued,
//! and — without touching the page — sees it finish (the page follows the run through the API)
//! and gets the download link; the report-ready WhatsApp reaches the requester.

use domain::Portal;
use tests::TestApp;
use tests::browser::{Driver, Screen};
use tests::fixtures::World;

#[tokio::test]
async fn finance_requests_a_report_and_the_page_shows_it_ready_by_itself() {
    let app = TestApp::spawn().await;
    let _world = World::build(&app.db.pool).await;
    let driver = Driver::start("finance_requests_a_report").await;
    let finance = driver.browser("finance", Screen::Desktop).await;
    finance.login(&app, Portal::Admin, "finance").await;
    finance.follow_link("Laporan").await;
    finance.expect_path("/reports").await;
    finance.expect_text("Belum ada laporan yang diminta").await;
    finance
        .click(r#"#form-MONTHLY_SALES input[value="XLSX"]"#)
        .await;
    finance
        .click_to_page(r#"#form-MONTHLY_SALES button[type="submit"]"#)
        .await;
    finance.expect_text("masuk antrean").await;
    finance.expect_path("/reports").await;
    finance
        .expect_text_in("#report-runs tbody tr", "Menunggu")
        .await;
    finance
        .expect_text_in("#report-runs tbody tr", "Oktober 2026")
        .await;
    finance.shot("report-queued").await;

    // A worker renders it; the open page notices on its own.
    app.run_pending_jobs().await;
    finance
        .expect_text_in("#report-runs tbody tr", "Selesai")
        .await;
    finance.expect_text("penjualan-bulanan-2026-10.xlsx").await;
    assert!(
        finance.has(r#"#report-runs a[href$="/file"]"#).await,
        "{}",
        finance.failure("a download link").await
    );
    finance.shot("report-done").await;
    finance.close().await;
}
