//! The operator views: queue counts and ages, failed jobs with their error and their retry, the
//! WhatsApp log with its filters, and today's send budget.

use crate::support::{fast_policy, insert_logs, pipeline, world};
use chrono::Duration;
use domain::error::DomainError;
use domain::whatsapp::{self, LimiterConfig, LogFilter, LogStatus, LogType};
use domain::{Clock, FixedClock, ops};
use jobs::Notification;
use worker::messenger::FakeMessenger;

#[tokio::test]
async fn queue_counts_and_ages_and_a_failed_job_can_be_retried() {
    let (db, w) = world().await;
    let mut tx = db.pool.begin().await.unwrap();
    jobs::enqueue(
        &mut tx,
        &[
            Notification::OrderCreated { order_id: 1 },
            Notification::OrderCreated { order_id: 2 },
            Notification::OrderCreated { order_id: 3 },
        ],
    )
    .await
    .unwrap();
    jobs::enqueue_at(
        &mut tx,
        &[jobs::SendWhatsapp { log_id: 1 }],
        chrono::Utc::now() + Duration::hours(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query(
        "UPDATE apalis.jobs SET run_at = now() - interval '90 seconds'
         WHERE job_type = 'notifications' AND convert_from(job, 'UTF8')::jsonb ->> 'order_id' = '1'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let failed_id: String = sqlx::query_scalar(
        "UPDATE apalis.jobs SET status = 'Failed', attempts = max_attempts, done_at = now(),
                last_result = '{\"Err\": \"database error: boom\"}'
         WHERE job_type = 'notifications' AND convert_from(job, 'UTF8')::jsonb ->> 'order_id' = '3'
         RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();

    let mut conn = db.pool.acquire().await.unwrap();
    assert!(matches!(
        ops::queue_stats(&mut conn, &w.gudang).await,
        Err(DomainError::Forbidden(_))
    ));
    let stats = ops::queue_stats(&mut conn, &w.finance).await.unwrap();
    let names: Vec<&str> = stats.iter().map(|s| s.queue.as_str()).collect();
    assert_eq!(names, jobs::queue::ALL);
    let n = &stats[0];
    assert_eq!((n.waiting, n.scheduled, n.running, n.failed), (2, 0, 0, 1));
    assert!(n.oldest_waiting_secs.unwrap() >= 90, "{n:?}");
    let wa = &stats[1];
    assert_eq!(
        (wa.waiting, wa.scheduled, wa.oldest_waiting_secs),
        (0, 1, None)
    );
    // A failed attempt waiting out its backoff is retrying, but not waiting yet.
    sqlx::query(
        "UPDATE apalis.jobs SET status = 'Failed', attempts = 1 WHERE job_type = 'whatsapp'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let stats = ops::queue_stats(&mut conn, &w.finance).await.unwrap();
    let wa = &stats[1];
    assert_eq!(
        (wa.waiting, wa.retrying, wa.oldest_waiting_secs),
        (0, 1, None),
        "{wa:?}"
    );

    let (failed, total) = ops::failed_jobs(&mut conn, &w.pusat, None, 1, 20)
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(failed[0].id, failed_id);
    assert_eq!(failed[0].queue, "notifications");
    assert_eq!(failed[0].error.as_deref(), Some("database error: boom"));
    assert_eq!(
        failed[0].payload,
        serde_json::json!({"event": "order_created", "order_id": 3})
    );

    ops::retry_job(&mut conn, &w.finance, &failed_id)
        .await
        .unwrap();
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE id = $1")
            .bind(&failed_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("Pending", 0));
    assert_eq!(
        ops::failed_jobs(&mut conn, &w.finance, None, 1, 20)
            .await
            .unwrap()
            .1,
        0
    );
    assert!(matches!(
        ops::retry_job(&mut conn, &w.finance, &failed_id).await,
        Err(DomainError::InvalidTransition { .. })
    ));
    assert!(matches!(
        ops::retry_job(&mut conn, &w.finance, "nope").await,
        Err(DomainError::NotFound { .. })
    ));

    // Finished jobs are kept a while for the counts, then deleted.
    sqlx::query(
        "UPDATE apalis.jobs SET status = 'Done', done_at = now() - interval '8 days'
         WHERE job_type = 'notifications' AND convert_from(job, 'UTF8')::jsonb ->> 'order_id' = '2'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        jobs::inspect::purge_done(&mut conn, Duration::days(7), 100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        jobs::inspect::purge_done(&mut conn, Duration::days(7), 100)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_whatsapp_log_filters_newest_first_and_the_budget_counts_todays_sends() {
    let (db, w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 10, 0).shared();
    let fake = FakeMessenger::new();
    let send = pipeline(&db, &clock, &fake, fast_policy());
    let older = insert_logs(
        &db.pool,
        3,
        "6281200000021",
        clock.now() - Duration::days(2),
    )
    .await;
    let today = insert_logs(&db.pool, 4, "6285700000022", clock.now()).await;
    for &id in &today[..2] {
        send.step(id, &format!("job-{id}")).await.unwrap();
    }
    sqlx::query("UPDATE whatsapp_logs SET status = 'FAILED', last_error = 'x', type = 'REMINDER' WHERE id = $1")
        .bind(older[0])
        .execute(&db.pool)
        .await
        .unwrap();

    let mut conn = db.pool.acquire().await.unwrap();
    let list = |filter: LogFilter| {
        let actor = w.finance.clone();
        let pool = db.pool.clone();
        async move {
            let mut conn = pool.acquire().await.unwrap();
            whatsapp::list_logs(&mut conn, &actor, &filter)
                .await
                .unwrap()
        }
    };
    let (all, total) = list(LogFilter {
        page: 1,
        per_page: 5,
        ..Default::default()
    })
    .await;
    assert_eq!(total, 7);
    assert_eq!(all.len(), 5);
    assert_eq!(all[0].id, today[3], "newest first");
    let (page2, _) = list(LogFilter {
        page: 2,
        per_page: 5,
        ..Default::default()
    })
    .await;
    assert_eq!(page2.len(), 2);

    let (sent, n) = list(LogFilter {
        status: Some(LogStatus::Sent),
        ..Default::default()
    })
    .await;
    assert_eq!(n, 2);
    assert!(sent.iter().all(|l| l.sent_at.is_some()));
    let (by_phone, n) = list(LogFilter {
        phone: Some("0857-0000-0022".into()),
        ..Default::default()
    })
    .await;
    assert_eq!((n, by_phone.len()), (4, 4));
    let (partial, n) = list(LogFilter {
        phone: Some("000021".into()),
        ..Default::default()
    })
    .await;
    assert_eq!((n, partial.len()), (3, 3));
    let (reminders, n) = list(LogFilter {
        kind: Some(LogType::Reminder),
        status: Some(LogStatus::Failed),
        ..Default::default()
    })
    .await;
    assert_eq!((n, reminders[0].id), (1, older[0]));
    let (on_day, n) = list(LogFilter {
        date_from: Some(crate::support::day(26)),
        date_to: Some(crate::support::day(26)),
        ..Default::default()
    })
    .await;
    assert_eq!((n, on_day.len()), (3, 3));
    assert!(matches!(
        whatsapp::list_logs(&mut conn, &w.stokis_a_user, &LogFilter::default()).await,
        Err(DomainError::Forbidden(_))
    ));

    let budget = whatsapp::budget(&mut conn, clock.as_ref(), &LimiterConfig::default())
        .await
        .unwrap();
    assert_eq!(budget.day, clock.today());
    assert_eq!((budget.sent, budget.cap, budget.remaining), (2, 1000, 998));
    assert_eq!(budget.sender.as_deref(), Some("fake"));
    assert_eq!((budget.pending, budget.pending_due), (4, 4));
    assert!(budget.next_send_at >= clock.now());
    // In quiet hours the next send is 07:00.
    clock.set(FixedClock::at_jakarta(2026, 11, 28, 22, 0).now());
    let night = whatsapp::budget(&mut conn, clock.as_ref(), &LimiterConfig::default())
        .await
        .unwrap();
    assert!(night.quiet_now);
    assert_eq!(
        night.next_send_at,
        FixedClock::at_jakarta(2026, 11, 29, 7, 0).now()
    );
}
