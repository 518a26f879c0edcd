//! Report schedules: finance creates, pauses, resumes and deletes them on the Laporan page;
//! a schedule requests each period once — whatever the number of workers sweeping at the same
//! moment — for the previous month, and catches up the periods missed while no worker ran.

use chrono::Duration;
use domain::Clock;
use domain::Portal;
use domain::clock::FixedClock;
use domain::report::schedule::{self, NewSchedule};
use reqwest::StatusCode;

use tests::TestApp;
use tests::app::csrf_field;
use tests::fixtures::{World, count};

fn monthly_sales_on_the_first() -> NewSchedule {
    NewSchedule {
        kind: "MONTHLY_SALES".into(),
        format: "XLSX".into(),
        frequency: "MONTHLY".into(),
        day_of_month: Some("1".into()),
        weekday: None,
        time: "06:00".into(),
        limit: None,
    }
}

async fn periods(app: &TestApp) -> Vec<(String, serde_json::Value)> {
    sqlx::query_as("SELECT period_key, params FROM report_runs ORDER BY period_key")
        .fetch_all(&app.db.pool)
        .await
        .expect("runs")
}

#[tokio::test]
async fn a_schedule_requests_each_period_once_and_catches_up() {
    let (app, w) = TestApp::with_world().await;
    // 28 Nov 2026: the next occurrence is 1 Dec 06:00 WIB, for November.
    let mut tx = app.db.pool.begin().await.expect("begin");
    let s = schedule::create(
        &mut tx,
        &w.finance,
        &*app.clock,
        &monthly_sales_on_the_first(),
    )
    .await
    .expect("create");
    tx.commit().await.expect("commit");
    assert_eq!(
        s.next_run_at,
        FixedClock::at_jakarta(2026, 12, 1, 6, 0).now()
    );

    // Not due yet: nothing.
    let done = worker::reports::housekeeping(&app.db.pool, &*app.clock, 30)
        .await
        .expect("sweep");
    assert!(done.scheduled.is_empty());

    // Due: two workers sweep at the same moment; one run for November.
    app.clock
        .set(FixedClock::at_jakarta(2026, 12, 1, 6, 1).now());
    let (a, b) = tokio::join!(
        worker::reports::housekeeping(&app.db.pool, &*app.clock, 30),
        worker::reports::housekeeping(&app.db.pool, &*app.clock, 30),
    );
    let queued = a.expect("a").scheduled.len() + b.expect("b").scheduled.len();
    assert_eq!(queued, 1);
    assert_eq!(
        periods(&app).await,
        [(
            "2026-11".to_owned(),
            serde_json::json!({"month": "2026-11"})
        )]
    );
    // A restart in the same minute changes nothing.
    worker::reports::housekeeping(&app.db.pool, &*app.clock, 30)
        .await
        .expect("again");
    assert_eq!(count(&app.db.pool, "report_runs").await, 1);

    // Every worker down until 2 Mar 2027: December, January and February are caught up.
    app.clock
        .set(FixedClock::at_jakarta(2027, 3, 2, 10, 0).now());
    let done = worker::reports::housekeeping(&app.db.pool, &*app.clock, 30)
        .await
        .expect("catch up");
    assert_eq!(done.scheduled.len(), 3);
    let keys: Vec<String> = periods(&app).await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["2026-11", "2026-12", "2027-01", "2027-02"]);
    // And they render like any other run.
    app.run_pending_jobs().await;
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM report_runs WHERE status = 'DONE'")
        .fetch_one(&app.db.pool)
        .await
        .expect("done");
    assert_eq!(done, 4);

    // Retention: finished runs older than the setting go, with their files.
    app.clock.advance(Duration::days(31));
    let done = worker::reports::housekeeping(&app.db.pool, &*app.clock, 30)
        .await
        .expect("purge");
    assert_eq!(done.purged, 4);
}

#[tokio::test]
async fn finance_manages_schedules_on_the_page() {
    let app = TestApp::spawn().await;
    let _w = World::build(&app.db.pool).await;
    let finance = app.login(Portal::Admin, "finance").await;
    let page = |c: reqwest::Client| {
        let url = app.url(Portal::Admin, "/reports");
        async move {
            c.get(url)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html")
        }
    };
    let html = page(finance.clone()).await;
    let token = csrf_field(&html).expect("csrf");
    let post = |path: &str, form: Vec<(&str, &str)>| {
        let req = finance
            .post(app.url(Portal::Admin, path))
            .form(&form)
            .send();
        async move { req.await.expect("post").status() }
    };
    // A bad day is named; nothing is written.
    let status = post(
        "/report-schedules",
        vec![
            ("csrf_token", &token),
            ("kind", "INVOICE_AGING"),
            ("format", "PDF"),
            ("frequency", "MONTHLY"),
            ("day_of_month", "31"),
            ("time", "06:00"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app.db.pool, "report_schedules").await, 0);
    let html = page(finance.clone()).await;
    assert!(
        html.to_lowercase().contains("tanggal harus 1 sampai 28"),
        "the reason is shown"
    );

    let status = post(
        "/report-schedules",
        vec![
            ("csrf_token", &token),
            ("kind", "INVOICE_AGING"),
            ("format", "PDF"),
            ("frequency", "WEEKLY"),
            ("weekday", "1"),
            ("time", "07:30"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let html = page(finance.clone()).await;
    assert!(html.contains("Mingguan, Senin pukul 07:30 WIB"), "{html}");
    let id: i64 = sqlx::query_scalar("SELECT id FROM report_schedules")
        .fetch_one(&app.db.pool)
        .await
        .expect("schedule");

    post(
        &format!("/report-schedules/{id}/pause"),
        vec![("csrf_token", &token)],
    )
    .await;
    let active: bool = sqlx::query_scalar("SELECT active FROM report_schedules WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("active");
    assert!(!active);
    assert!(page(finance.clone()).await.contains("Dijeda"));
    post(
        &format!("/report-schedules/{id}/resume"),
        vec![("csrf_token", &token)],
    )
    .await;
    post(
        &format!("/report-schedules/{id}/delete"),
        vec![("csrf_token", &token)],
    )
    .await;
    assert_eq!(count(&app.db.pool, "report_schedules").await, 0);

    // Pusat sees schedules but cannot change them.
    let pusat = app.login(Portal::Admin, "pusat").await;
    let html = page(pusat.clone()).await;
    let token = csrf_field(&html).expect("csrf");
    let res = pusat
        .post(app.url(Portal::Admin, "/report-schedules"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("kind", "INVOICE_AGING"),
            ("format", "PDF"),
            ("frequency", "DAILY"),
            ("time", "06:00"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app.db.pool, "report_schedules").await, 0);
}
