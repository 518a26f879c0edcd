//! The admin WhatsApp page in Chromium at 1366×900: the QR code is an SVG picture that changes
//! on the open page when the worker writes a new code (no reload), the test-mode banner is
//! there, pairing by code leaves the command and then shows the code, and logging out asks
//! first.

use std::time::{Duration as StdDuration, Instant};

use domain::Portal;
use domain::whatsapp::session::{self, ConnectionStatus, SessionUpdate};
use serde_json::Value;
use tests::TestApp;
use tests::browser::{Browser, Driver, Screen};

async fn command(app: &TestApp) -> (Option<String>, Option<String>) {
    sqlx::query_as(
        "SELECT command, command_phone FROM whatsapp_sessions WHERE session_id = 'default'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn js(browser: &Browser<'_>, script: &str) -> Value {
    browser.client().execute(script, vec![]).await.unwrap()
}

/// The QR picture's markup, as the page has it now.
async fn qr_markup(browser: &Browser<'_>) -> String {
    js(
        browser,
        "var s = document.querySelector('#wa-qr svg'); return s ? s.outerHTML : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Waits (up to 15 s: the page polls every 3 s) until `check` holds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + StdDuration::from_secs(15);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not within 15 s");
        tokio::time::sleep(StdDuration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn the_qr_code_follows_the_worker_and_logging_out_asks_first() {
    let (app, _world) = TestApp::with_world().await;
    let mut waiting = SessionUpdate::new(ConnectionStatus::WaitingQr);
    waiting.qr = Some("2@pertama,kunci,identitas,rahasia".into());
    waiting.transport = Some("whatsapp".into());
    waiting.redirect_to = Some("6285712345678".into());
    let mut conn = app.db.pool.acquire().await.unwrap();
    session::record(&mut conn, &*app.clock, "default", &waiting)
        .await
        .unwrap();

    let driver = Driver::start("whatsapp_portal_qr_and_logout").await;
    let pusat = driver.browser("pusat", Screen::Desktop).await;
    pusat.client().set_window_size(1366, 900).await.unwrap();
    pusat.login(&app, Portal::Admin, "pusat").await;
    pusat.goto(&app.url(Portal::Admin, "/whatsapp")).await;
    pusat
        .expect_text_in("#wa-status-text", "Menunggu pindai QR")
        .await;
    pusat
        .expect_text("Mode uji: semua pesan dikirim ke +62 857-1234-5678")
        .await;
    let first = qr_markup(&pusat).await;
    assert!(
        first.starts_with("<svg") && first.contains("<path"),
        "{first}"
    );
    let size = js(
        &pusat,
        "var r = document.querySelector('#wa-qr svg').getBoundingClientRect(); return [r.width, r.height];",
    )
    .await;
    let size: Vec<f64> = size
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(size, [264.0, 264.0], "a scannable size");
    pusat.shot("waiting-for-qr").await;

    // The worker writes the next code; the open page swaps the picture by itself.
    js(&pusat, "window.__samePage = true; return null;").await;
    sqlx::query("UPDATE whatsapp_sessions SET qr = '2@kedua,kunci,identitas,rahasia'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    eventually("the new QR code", || async {
        let now = qr_markup(&pusat).await;
        now.starts_with("<svg") && now != first
    })
    .await;
    assert_eq!(
        js(&pusat, "return window.__samePage === true;").await,
        Value::Bool(true),
        "no reload"
    );
    pusat.shot("the-next-qr").await;

    // Pairing by code: the number, then the command for the worker.
    pusat.fill("#pair-phone", "0812-3456-7890").await;
    pusat.press("#wa-pair-form", "Minta kode pairing").await;
    pusat.expect_path("/whatsapp").await;
    pusat
        .expect_text("Permintaan kode pairing untuk +62 812-3456-7890 dikirim ke worker")
        .await;
    assert_eq!(
        command(&app).await,
        (Some("PAIR_CODE".into()), Some("6281234567890".into()))
    );
    // The worker answers with the code; it appears without a reload.
    waiting.pair_code = Some("K7QW2PXM".into());
    session::record(&mut conn, &*app.clock, "default", &waiting)
        .await
        .unwrap();
    pusat.expect_text_in("#wa-pair-code", "K7QW-2PXM").await;
    pusat
        .expect_text_in("#wa-status-text", "Menunggu kode pairing")
        .await;
    pusat.shot("pairing-code").await;

    // Logging out: a page saying what will happen, and only then the request.
    sqlx::query("UPDATE whatsapp_sessions SET command = NULL, command_phone = NULL")
        .execute(&app.db.pool)
        .await
        .unwrap();
    pusat.press("#wa-actions", "Keluarkan perangkat").await;
    pusat.expect_path("/whatsapp/logout").await;
    pusat.expect_text("Yang akan terjadi").await;
    pusat.expect_text("tidak ada pesan yang terkirim").await;
    pusat.shot("logout-confirmation").await;
    assert_eq!(command(&app).await, (None, None), "nothing asked yet");
    pusat.press("", "Ya, keluarkan perangkat").await;
    pusat.expect_path("/whatsapp").await;
    pusat
        .expect_text("Permintaan keluarkan perangkat dikirim ke worker")
        .await;
    assert_eq!(command(&app).await, (Some("LOGOUT".into()), None));
    pusat.close().await;
}
