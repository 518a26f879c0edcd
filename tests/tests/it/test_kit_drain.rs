//! The test kit's job drain (`TestApp::run_pending_jobs`) behaves as the worker does: due by
//! the test's clock, and a job that fails is reported, failing the test unless it says it
//! expects failures.

use domain::Clock;
use jobs::{Notification, SendWhatsapp};
use tests::TestApp;

async fn enqueue_raw(app: &TestApp, queue: &str, payload: &str) {
    sqlx::query(
        "INSERT INTO apalis.jobs (job, id, job_type, status, attempts, max_attempts, run_at)
         VALUES (convert_to($1, 'UTF8'), 'broken-job', $2, 'Pending', 0, 3, now())",
    )
    .bind(payload)
    .bind(queue)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_job_held_for_later_runs_once_the_test_clock_reaches_it() {
    let app = TestApp::spawn().await;
    // The app's clock at the database's time, so "later" is later by both clocks.
    app.clock.set(chrono::Utc::now());
    let later = app.clock.now() + chrono::Duration::hours(2);
    let mut conn = app.db.pool.acquire().await.unwrap();
    // No such message: the send job finds nothing to send, which is not a failure.
    jobs::enqueue_at(&mut conn, &[SendWhatsapp { log_id: 987_654 }], later)
        .await
        .unwrap();
    drop(conn);

    assert_eq!(app.run_pending_jobs().await, 0, "not due yet");
    app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(app.run_pending_jobs().await, 1, "due by the test's clock");
    assert_eq!(app.run_pending_jobs().await, 0, "and run once");
}

#[tokio::test]
async fn a_failed_job_is_reported_with_its_error_and_retried_after_its_backoff() {
    let app = TestApp::spawn().await;
    enqueue_raw(
        &app,
        jobs::queue::NOTIFICATIONS,
        r#"{"event": "no_such_event"}"#,
    )
    .await;

    let drained = app.run_pending_jobs_expecting_failures().await;
    assert_eq!(drained.ran, 1);
    assert_eq!(drained.failed.len(), 1, "{:?}", drained.failed);
    assert_eq!(drained.failed[0].job_id, "broken-job");
    assert_eq!(drained.failed[0].queue, jobs::queue::NOTIFICATIONS);
    assert!(
        drained.failed[0]
            .error
            .contains("cannot read the job payload"),
        "{}",
        drained.failed[0].error
    );
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE id = 'broken-job'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("Failed", 1));
    // Not again before its backoff; a readable event next to it is not held up.
    let mut conn = app.db.pool.acquire().await.unwrap();
    jobs::enqueue(
        &mut conn,
        &[Notification::OrderCreated { order_id: 424_242 }],
    )
    .await
    .unwrap();
    drop(conn);
    let again = app.run_pending_jobs_expecting_failures().await;
    assert_eq!(
        (again.ran, again.failed.len()),
        (1, 0),
        "{:?}",
        again.failed
    );
}

#[tokio::test]
#[should_panic(expected = "jobs failed while the test ran them")]
async fn a_test_that_does_not_expect_a_failed_job_fails() {
    let app = TestApp::spawn().await;
    enqueue_raw(&app, jobs::queue::INVOICES, r#"{"date": "not a date"}"#).await;
    app.run_pending_jobs().await;
}
