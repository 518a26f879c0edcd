//! The admin portal's operations pages over HTTP: the job queues, the WhatsApp log with the
//! send budget, and the daily invoice run render real data for FINANCE and PUSAT and are
//! refused to GUDANG (and unreachable for a mitra); the retry buttons put a failed job and a
//! failed message back in their queues; only FINANCE starts the invoice run; and an order placed
//! on the mitra portal reaches its stokis on WhatsApp once the jobs have run.

use chrono::Duration;
use domain::{Clock, Portal};
use reqwest::StatusCode;
use tests::TestApp;
use tests::app::location;

use tests::whatsapp_logs::Log;

#[tokio::test]
async fn operators_see_the_queues_the_whatsapp_log_and_the_runs() {
    let (app, w) = TestApp::with_world().await;
    let pool = &app.db.pool;
    let job = app.failed_job("boom: stokis tidak ditemukan").await;
    let now = app.clock.now();
    let failed = app
        .insert_log(Log {
            phone: "6281234567001",
            message: "Pesan yang gagal <b>terkirim</b>",
            status: "FAILED",
            kind: "ORDER",
            stokis_id: Some(w.stokis_a),
            created_at: now - Duration::minutes(5),
        })
        .await;
    app.insert_log(Log {
        phone: "6285712345001",
        message: "Pesan yang sudah terkirim",
        status: "SENT",
        kind: "INVOICE",
        stokis_id: None,
        created_at: now - Duration::minutes(3),
    })
    .await;
    sqlx::query(
        "INSERT INTO invoice_runs (run_date, as_of, status, overdue_marked, reminders, overdue_alerts, started_at, finished_at)
         VALUES ('2026-11-27', '2026-11-27', 'DONE', 2, 3, 1, now(), now())",
    )
    .execute(pool)
    .await
    .unwrap();

    for name in ["finance", "pusat"] {
        let who = app.login_as(name).await;

        let (status, html) = app.page(&who, "/jobs").await;
        assert_eq!(status, StatusCode::OK, "{name}: {html}");
        for queue in ["notifications", "whatsapp", "invoices", "reports"] {
            assert!(
                html.contains(&format!("data-queue=\"{queue}\"")),
                "{name}: {queue}"
            );
        }
        assert!(html.contains(&job), "{name}: the failed job is listed");
        assert!(
            html.contains("boom: stokis tidak ditemukan"),
            "{name}: its error"
        );
        assert!(
            html.contains(&format!("/jobs/{job}/retry")),
            "{name}: a retry button"
        );
        assert!(html.contains("987654"), "{name}: its payload");
        assert!(html.contains("href=\"/jobs\""), "{name}: in the menu");

        let (status, html) = app.page(&who, "/whatsapp").await;
        assert_eq!(status, StatusCode::OK, "{name}: {html}");
        assert!(html.contains("0 / 1000"), "{name}: today's budget: {html}");
        assert!(
            html.contains("+62 812-3456-7001"),
            "{name}: phone shown for people"
        );
        assert!(
            html.contains("Pesan yang gagal &lt;b&gt;terkirim&lt;")
                && !html.contains("<b>terkirim"),
            "{name}: message escaped"
        );
        assert!(
            html.contains("nomor tidak terdaftar di WhatsApp"),
            "{name}: the error"
        );
        assert!(
            html.contains(&format!("/whatsapp/{failed}/retry")),
            "{name}: retry"
        );
        assert_eq!(
            html.matches("Kirim ulang</button>").count(),
            1,
            "{name}: only the FAILED row can be sent again"
        );
        // Newest first: the sent message (3 minutes ago) above the failed one (5 minutes ago).
        let sent_at = html.find("Pesan yang sudah terkirim").unwrap();
        let failed_at = html.find("Pesan yang gagal").unwrap();
        assert!(sent_at < failed_at, "{name}: newest first");

        let (status, html) = app.page(&who, "/invoice-runs").await;
        assert_eq!(status, StatusCode::OK, "{name}: {html}");
        assert!(html.contains("27 Nov 2026"), "{name}: the run is listed");
        assert_eq!(
            html.contains("Jalankan run invoice"),
            name == "finance",
            "{name}: only finance gets the button"
        );
    }

    // Filters: status, type, phone and date.
    let finance = app.login_as("finance").await;
    let (_, html) = app.page(&finance, "/whatsapp?status=SENT").await;
    assert!(html.contains("Pesan yang sudah terkirim") && !html.contains("Pesan yang gagal"));
    let (_, html) = app.page(&finance, "/whatsapp?type=ORDER").await;
    assert!(!html.contains("Pesan yang sudah terkirim") && html.contains("Pesan yang gagal"));
    let (_, html) = app.page(&finance, "/whatsapp?phone=0857-1234-5001").await;
    assert!(html.contains("Pesan yang sudah terkirim") && !html.contains("Pesan yang gagal"));
    let (_, html) = app.page(&finance, "/whatsapp?date_to=2026-11-27").await;
    assert!(
        !html.contains("Pesan yang gagal")
            && !html.contains("Pesan yang sudah")
            && html.contains("Tidak ada yang cocok")
    );
    let (_, html) = app
        .page(
            &finance,
            "/whatsapp?date_from=2026-11-28&date_to=2026-11-28",
        )
        .await;
    assert!(html.contains("Pesan yang sudah terkirim") && html.contains("Pesan yang gagal"));
    let (_, html) = app.page(&finance, "/jobs?queue=whatsapp").await;
    assert!(!html.contains(&format!("/jobs/{job}/retry")));
}

#[tokio::test]
async fn gudang_and_mitra_are_refused() {
    let (app, w) = TestApp::with_world().await;
    let job = app.failed_job("boom").await;
    let log = app
        .insert_log(Log {
            phone: "6281234567001",
            message: "Gagal",
            status: "FAILED",
            kind: "ORDER",
            stokis_id: Some(w.stokis_a),
            created_at: app.clock.now(),
        })
        .await;
    let gudang = app.login_as("gudang").await;
    for path in ["/jobs", "/whatsapp", "/invoice-runs"] {
        let (status, _) = app.page(&gudang, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "gudang GET {path}");
    }
    let (_, dashboard) = app.page(&gudang, "/dashboard").await;
    assert!(!dashboard.contains("href=\"/jobs\"") && !dashboard.contains("href=\"/whatsapp\""));
    for path in [
        format!("/jobs/{job}/retry"),
        format!("/whatsapp/{log}/retry"),
        "/invoice-runs".to_owned(),
    ] {
        let res = app.submit(&gudang, &path, &[]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "gudang POST {path}");
    }
    assert_eq!(app.job_state(&job).await.0, "Failed");
    assert_eq!(app.log_state(log).await.0, "FAILED");
    assert!(app.pending_jobs(jobs::queue::INVOICES).await.is_empty());

    // A mitra has no such pages on its portal, and its session does not open the admin portal.
    let mitra = app.login_as("mitra0001").await;
    for path in ["/jobs", "/whatsapp", "/invoice-runs"] {
        let res = mitra
            .user
            .client
            .get(app.url(Portal::Mitra, path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "mitra portal {path}");
        let res = mitra
            .user
            .client
            .get(app.url(Portal::Admin, path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "mitra on admin {path}");
        assert!(location(&res).starts_with("/login"), "{}", location(&res));
    }
}

#[tokio::test]
async fn the_retry_buttons_put_failed_work_back_in_the_queue() {
    let (app, w) = TestApp::with_world().await;
    let pool = &app.db.pool;
    let pusat = app.login_as("pusat").await;

    let job = app.failed_job("boom").await;
    let res = app
        .submit(
            &pusat,
            &format!("/jobs/{job}/retry"),
            &[("back", "/jobs?queue=notifications")],
        )
        .await;
    assert_eq!(location(&res), "/jobs?queue=notifications");
    let html = app.follow(&pusat, res).await;
    assert!(html.contains("masuk antrean lagi"), "flash: {html}");
    assert_eq!(app.job_state(&job).await, ("Pending".to_owned(), 0));
    // Not failed any more: a second press is refused with a message, nothing changes.
    let res = app.submit(&pusat, &format!("/jobs/{job}/retry"), &[]).await;
    let html = app.follow(&pusat, res).await;
    assert!(html.contains("alert-error"), "{html}");
    assert_eq!(app.job_state(&job).await, ("Pending".to_owned(), 0));
    let res = app.submit(&pusat, "/jobs/01NOSUCHJOB/retry", &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A failed message: re-sent to the stokis's current number.
    sqlx::query("UPDATE stokis SET phone = '6281299990000' WHERE id = $1")
        .bind(w.stokis_a)
        .execute(pool)
        .await
        .unwrap();
    let log = app
        .insert_log(Log {
            phone: "6281234567001",
            message: "🛒 Order baru",
            status: "FAILED",
            kind: "ORDER",
            stokis_id: Some(w.stokis_a),
            created_at: app.clock.now(),
        })
        .await;
    let res = app
        .submit(
            &pusat,
            &format!("/whatsapp/{log}/retry"),
            &[("back", "/whatsapp?status=FAILED")],
        )
        .await;
    assert_eq!(location(&res), "/whatsapp?status=FAILED");
    let html = app.follow(&pusat, res).await;
    assert!(
        html.contains(&format!("Pesan #{log} ke +62 812-9999-0000")),
        "flash: {html}"
    );
    assert_eq!(app.log_state(log).await, ("PENDING".to_owned(), 0, None));
    assert_eq!(
        app.pending_jobs(jobs::queue::WHATSAPP).await,
        vec![serde_json::json!({ "log_id": log })]
    );

    app.run_pending_jobs().await;
    assert_eq!(app.log_state(log).await.0, "SENT");
    let delivered = app.messenger.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].to.as_str(), "6281299990000");
    // Sent: no button, and pressing it anyway is refused with a message.
    let res = app
        .submit(&pusat, &format!("/whatsapp/{log}/retry"), &[])
        .await;
    let html = app.follow(&pusat, res).await;
    assert!(html.contains("sudah terkirim"), "{html}");
    let res = app.submit(&pusat, "/whatsapp/999999/retry", &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_finance_starts_the_invoice_run() {
    let (app, _) = TestApp::with_world().await;
    let pool = &app.db.pool;
    let pusat = app.login_as("pusat").await;
    let res = app.submit(&pusat, "/invoice-runs", &[("date", "")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(app.pending_jobs(jobs::queue::INVOICES).await.is_empty());

    let finance = app.login_as("finance").await;
    // A future date and an unreadable one are refused, nothing queued.
    for date in ["2026-11-29", "kemarin"] {
        let res = app
            .submit(&finance, "/invoice-runs", &[("date", date)])
            .await;
        assert_eq!(location(&res), "/invoice-runs");
        let html = app.follow(&finance, res).await;
        assert!(html.contains("alert-error"), "{date}: {html}");
    }
    assert!(app.pending_jobs(jobs::queue::INVOICES).await.is_empty());

    let res = app.submit(&finance, "/invoice-runs", &[("date", "")]).await;
    let html = app.follow(&finance, res).await;
    assert!(
        html.contains("Run invoice tanggal 28 Nov 2026 masuk antrean"),
        "{html}"
    );
    assert!(html.contains("1 run ada di antrean"), "{html}");
    let finance_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'finance'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        app.pending_jobs(jobs::queue::INVOICES).await,
        vec![serde_json::json!({ "date": "2026-11-28", "triggered_by": finance_id })]
    );
    let res = app
        .submit(&finance, "/invoice-runs", &[("date", "2026-11-25")])
        .await;
    let html = app.follow(&finance, res).await;
    assert!(html.contains("25 Nov 2026"), "{html}");
    assert_eq!(app.pending_jobs(jobs::queue::INVOICES).await.len(), 2);
}

#[tokio::test]
async fn an_order_placed_on_the_mitra_portal_reaches_its_stokis() {
    let (app, w) = TestApp::with_world().await;
    let mitra = app.login_as("mitra0001").await;
    let ayam = format!("qty_{}", w.ayam.0);
    let res = mitra
        .user
        .client
        .post(app.url(Portal::Mitra, "/orders"))
        .form(&[
            ("csrf_token", mitra.user.csrf.as_str()),
            (ayam.as_str(), "3"),
            ("idempotency_key", "ops-order-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let number: String = sqlx::query_scalar("SELECT number FROM orders")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();

    let finance = app.login_as("finance").await;
    let (_, before) = app.page(&finance, "/whatsapp").await;
    assert!(!before.contains(&number), "no message before the jobs run");

    // The notification job writes the message, its send job sends it.
    assert_eq!(app.run_pending_jobs().await, 2);
    let delivered = app.messenger.delivered();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].to.as_str(), "6281234567001");
    assert!(delivered[0].text.contains(&number));

    let (status, html) = app.page(&finance, "/whatsapp?type=ORDER").await;
    assert_eq!(status, StatusCode::OK);
    let row_start = html.find("data-log=").expect("a log row");
    let row = &html[row_start..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("data-status=\"SENT\""), "{row}");
    assert!(row.contains("Terkirim"), "{row}");
    assert!(row.contains(&format!("Order baru {number}")), "{row}");
    assert!(
        row.contains("D&#x27;Fresto Dago") || row.contains("D'Fresto Dago"),
        "{row}"
    );
    assert!(
        row.contains("+62 812-3456-7001"),
        "the stokis's number: {row}"
    );
    assert!(row.contains("stokis"), "{row}");
    assert!(
        html.contains("1 / 1000"),
        "counted in today's budget: {html}"
    );

    // Nothing left to run.
    assert_eq!(app.run_pending_jobs().await, 0);
    assert_eq!(app.messenger.delivered().len(), 1);
}
