//! `/api/v1/reports`: finance and pusat request reports (202, a `QUEUED` run and its job),
//! everyone else is refused; bad parameters are refused per field with nothing queued; a run
//! goes QUEUED → RUNNING → DONE when the worker renders it, downloads under its readable name,
//! tells the requester on WhatsApp; a failed run keeps its error and is retried from the page.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::api_client::Api;
use tests::app::csrf_field;
use tests::fixtures::{count, jobs_in};

async fn runs(api: &Api) -> i64 {
    count(&api.app.db.pool, "report_runs").await
}

#[tokio::test]
async fn only_finance_and_pusat_may_request_and_read_reports() {
    let api = Api::spawn().await;
    let body = json!({"kind": "MONTHLY_SALES", "format": "PDF", "params": {"month": "2026-10"}});
    for user in ["mitra0001", "stokis001", "gudang"] {
        api.post(user, "/reports", body.clone())
            .await
            .expect(StatusCode::FORBIDDEN);
        api.get(user, "/reports")
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    assert_eq!(runs(&api).await, 0);
    let mut ids = Vec::new();
    for user in ["finance", "pusat"] {
        let run = api
            .post(user, "/reports", body.clone())
            .await
            .expect(StatusCode::ACCEPTED);
        assert_eq!(run["status"], "QUEUED", "{run}");
        assert_eq!(run["kind"], "MONTHLY_SALES");
        assert_eq!(run["format"], "PDF");
        assert_eq!(run["params"], json!({"month": "2026-10"}));
        assert_eq!(run["progress"], 0);
        ids.push(run["id"].as_i64().expect("id"));
    }
    assert_eq!(jobs_in(&api.app.db.pool, "reports").await.len(), 2);
    // Newest first, paged.
    let list = api
        .get("finance", "/reports?per_page=1")
        .await
        .expect(StatusCode::OK);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["id"], ids[1]);
    for user in ["stokis001", "mitra0001"] {
        api.get(user, &format!("/reports/{}", ids[0]))
            .await
            .expect(StatusCode::FORBIDDEN);
        api.get(user, &format!("/reports/{}/file", ids[0]))
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    api.get("finance", "/reports/999999")
        .await
        .expect(StatusCode::NOT_FOUND);
    // Not rendered yet: no file.
    api.get("finance", &format!("/reports/{}/file", ids[0]))
        .await
        .expect(StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_parameters_are_named_and_nothing_is_queued() {
    let api = Api::spawn().await;
    // The app's clock is 28 Nov 2026.
    let cases: &[(Value, &str)] = &[
        (
            json!({"kind": "MONTHLY_SALES", "format": "PDF", "params": {"month": "2026-13"}}),
            "params.month",
        ),
        (
            json!({"kind": "MONTHLY_SALES", "format": "PDF", "params": {"month": "2027-01"}}),
            "params.month",
        ),
        (
            json!({"kind": "TOP_PRODUCTS", "format": "XLSX", "params": {"from": "2026-11-20", "to": "2026-11-01"}}),
            "params.to",
        ),
        (
            json!({"kind": "STOKIS_PERFORMANCE", "format": "XLSX", "params": {"from": "2025-01-01", "to": "2026-02-01"}}),
            "params.to",
        ),
        (
            json!({"kind": "TOP_PRODUCTS", "format": "PDF", "params": {"from": "2026-11-01", "to": "2026-11-30", "limit": 0}}),
            "params.limit",
        ),
        (
            json!({"kind": "INVOICE_AGING", "format": "PDF", "params": {"as_of": "2026-11-29"}}),
            "params.as_of",
        ),
        (
            json!({"kind": "INVOICE_AGING", "format": "PDF", "params": {"as_of": "30-11-2026"}}),
            "params.as_of",
        ),
        (
            json!({"kind": "PROFIT", "format": "PDF", "params": {}}),
            "kind",
        ),
        (
            json!({"kind": "INVOICE_AGING", "format": "DOCX", "params": {"as_of": "2026-11-27"}}),
            "format",
        ),
    ];
    for (body, field) in cases {
        let answer = api.post("finance", "/reports", body.clone()).await;
        let err = answer.expect_field(field);
        let message = err["error"]["fields"][field].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{body}: {err}");
    }
    // Unknown kind and bad format at once: both named in one answer.
    let err = api
        .post("finance", "/reports", json!({"kind": "X", "format": "Y"}))
        .await
        .expect_field("kind");
    assert!(err["error"]["fields"]["format"].is_string(), "{err}");
    assert_eq!(runs(&api).await, 0);
    assert!(jobs_in(&api.app.db.pool, "reports").await.is_empty());
}

#[tokio::test]
async fn a_report_is_rendered_by_the_worker_downloaded_and_announced() {
    let api = Api::spawn().await;
    sqlx::query("UPDATE users SET phone = '6281299990001' WHERE username = 'finance'")
        .execute(&api.app.db.pool)
        .await
        .expect("finance's phone");
    let run = api
        .post(
            "finance",
            "/reports",
            json!({"kind": "MONTHLY_SALES", "format": "PDF", "params": {"month": "2026-11"}}),
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
    assert_eq!(done["progress"], 100);
    assert_eq!(done["file_name"], "penjualan-bulanan-2026-11.pdf");
    assert!(done["finished_at"].is_string());
    assert!(done["error"].is_null());

    let res = api
        .request(Some("pusat"), Method::GET, &format!("/reports/{id}/file"))
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"penjualan-bulanan-2026-11.pdf\""
    );
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    assert_eq!(done["size"], bytes.len());

    // The requester was told, through the same queue and limiter as every message.
    let (status, text): (String, String) = sqlx::query_as(
        "SELECT status, message FROM whatsapp_logs WHERE type = 'REPORT' AND phone = '6281299990001'",
    )
    .fetch_one(&api.app.db.pool)
    .await
    .expect("the report-ready message");
    assert_eq!(status, "SENT", "{text}");
    assert!(text.contains("Penjualan Bulanan"), "{text}");
    let delivered = api.app.messenger.delivered();
    assert!(
        delivered
            .iter()
            .any(|m| m.to.to_string() == "6281299990001" && m.text == text),
        "{delivered:?}"
    );
}

#[tokio::test]
async fn a_failed_report_keeps_its_error_and_is_retried_from_the_page() {
    let api = Api::spawn().await;
    let run = api
        .post(
            "finance",
            "/reports",
            json!({"kind": "INVOICE_AGING", "format": "XLSX", "params": {"as_of": "2026-11-27"}}),
        )
        .await
        .expect(StatusCode::ACCEPTED);
    let id = run["id"].as_i64().expect("id");
    // A run whose stored parameters this version cannot read (a hand edit, an older release).
    sqlx::query("UPDATE report_runs SET params = '{\"as_of\": \"kemarin\"}' WHERE id = $1")
        .bind(id)
        .execute(&api.app.db.pool)
        .await
        .expect("spoil the params");
    api.app.run_pending_jobs().await;
    let failed = api
        .get("finance", &format!("/reports/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(failed["status"], "FAILED", "{failed}");
    let error = failed["error"].as_str().expect("an error").to_owned();

    let finance = api.app.login(domain::Portal::Admin, "finance").await;
    let page = finance
        .get(api.app.url(domain::Portal::Admin, "/reports"))
        .send()
        .await
        .expect("the page")
        .text()
        .await
        .expect("html");
    assert!(page.contains(&error), "the page shows the error");
    assert!(
        page.contains(&format!("/reports/{id}/retry")),
        "a retry button"
    );

    sqlx::query("UPDATE report_runs SET params = '{\"as_of\": \"2026-11-27\"}' WHERE id = $1")
        .bind(id)
        .execute(&api.app.db.pool)
        .await
        .expect("mend the params");
    let token = csrf_field(&page).expect("csrf token");
    let res = finance
        .post(
            api.app
                .url(domain::Portal::Admin, &format!("/reports/{id}/retry")),
        )
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("retry");
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "back to the page with a message"
    );
    let queued = api
        .get("finance", &format!("/reports/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(queued["status"], "QUEUED", "{queued}");
    assert!(queued["error"].is_null());
    api.app.run_pending_jobs().await;
    let done = api
        .get("finance", &format!("/reports/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(done["status"], "DONE", "{done}");
    assert_eq!(done["file_name"], "umur-tagihan-2026-11-27.xlsx");
}
