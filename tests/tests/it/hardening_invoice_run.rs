//! Invoice run dates are bounded: only today − 31 days to today (Asia/Jakarta) may be asked
//! for, and once today's run has completed no run for another date is queued (one run per
//! as-of day). The test clock's today is 28 Nov 2026.

use reqwest::StatusCode;
use serde_json::json;
use tests::api_client::Api;

#[tokio::test]
async fn run_dates_outside_the_last_31_days_are_refused_and_nothing_is_queued() {
    let api = Api::spawn().await;
    for date in ["0000-01-01", "-2000-01-01", "2026-10-27", "2026-11-29"] {
        let body = api
            .post("finance", "/admin/invoice-run", json!({"date": date}))
            .await
            .expect_field("date");
        assert!(
            body["error"]["fields"]["date"].is_string(),
            "{date}: {body}"
        );
    }
    assert!(api.app.pending_jobs(jobs::queue::INVOICES).await.is_empty());
    // The oldest date allowed: 31 days back.
    let answer = api
        .post(
            "finance",
            "/admin/invoice-run",
            json!({"date": "2026-10-28"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
}

#[tokio::test]
async fn once_todays_run_is_done_no_run_for_another_date_is_queued() {
    let api = Api::spawn().await;
    let answer = api.post_empty("finance", "/admin/invoice-run").await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    api.app.run_pending_jobs().await;
    let body = api
        .post(
            "finance",
            "/admin/invoice-run",
            json!({"date": "2026-11-20"}),
        )
        .await
        .expect_field("date");
    assert_eq!(
        body["error"]["fields"]["date"],
        "run invoice hari ini sudah selesai; run untuk tanggal lain tidak menambah apa pun"
    );
    assert!(api.app.pending_jobs(jobs::queue::INVOICES).await.is_empty());
    assert_eq!(
        api.app
            .count("SELECT count(*) FROM invoice_runs WHERE as_of = '2026-11-28'")
            .await,
        1
    );
}
