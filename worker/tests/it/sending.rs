//! The send pipeline on a set clock with the fake transport: the shared rate limiter (daily
//! cap, gap, quiet hours), retries with backoff, no connection, permanent errors, and the admin
//! retry of a failed message.

use crate::support::{fast_policy, insert_logs, pipeline, status_of, world};
use chrono::{DateTime, Duration, Utc};
use domain::clock::jakarta_start_of_day;
use domain::error::DomainError;
use domain::whatsapp::{SendPolicy, Skip, WaitReason};
use domain::{Clock, FixedClock, ops};
use worker::messenger::{FakeMessenger, SendError};
use worker::send::Outcome;

fn wib(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    FixedClock::at_jakarta(2026, 11, d, h, m).now()
}

#[tokio::test]
async fn of_1200_messages_due_in_one_day_1000_go_that_day_and_200_from_07_00_next_morning() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 8, 0).shared();
    let fake = FakeMessenger::new();
    let mut policy = SendPolicy::default();
    policy.limiter.min_gap = Duration::zero();
    policy.limiter.max_gap = Duration::zero();
    assert_eq!(policy.limiter.daily_cap, 1000);
    let send = pipeline(&db, &clock, &fake, policy);
    let ids = insert_logs(&db.pool, 1200, "6281200000009", clock.now()).await;

    let mut held = Vec::new();
    let mut sent = 0;
    for &id in &ids {
        match send.step(id, &format!("day1-{id}")).await.unwrap() {
            Outcome::Sent { .. } => sent += 1,
            Outcome::Held {
                until,
                reason: WaitReason::DailyCap,
            } => {
                assert_eq!(until, wib(29, 7, 0));
                held.push(id);
            }
            other => panic!("message {id}: {other:?}"),
        }
        clock.advance(Duration::seconds(1));
    }
    assert_eq!((sent, held.len()), (1000, 200));
    // Held, not dropped: each has a send job waiting for 07:00 tomorrow.
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM apalis.jobs WHERE job_type = 'whatsapp' AND run_at = $1",
    )
    .bind(wib(29, 7, 0))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(waiting, 200);

    // Late evening and just before 07:00: still nothing goes.
    clock.set(wib(28, 23, 0));
    assert_eq!(
        send.step(held[0], "evening").await.unwrap(),
        Outcome::Skipped(Skip::NotDue(wib(29, 7, 0)))
    );
    clock.set(wib(29, 7, 0) - Duration::seconds(20));
    assert!(matches!(
        send.step(held[0], "dawn").await.unwrap(),
        Outcome::WaitBriefly {
            reason: WaitReason::Scheduled,
            ..
        }
    ));

    clock.set(wib(29, 7, 0));
    for &id in &held {
        let outcome = send.step(id, &format!("day2-{id}")).await.unwrap();
        assert!(matches!(outcome, Outcome::Sent { .. }), "{id}: {outcome:?}");
        clock.advance(Duration::seconds(1));
    }

    let per_day: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE sent_at >= $1 AND sent_at < $2),
                count(*) FILTER (WHERE sent_at >= $3 AND sent_at < $4),
                count(*) FILTER (WHERE status <> 'SENT')
         FROM whatsapp_logs",
    )
    .bind(jakarta_start_of_day(crate::support::day(28)))
    .bind(jakarta_start_of_day(crate::support::day(29)))
    .bind(wib(29, 7, 0))
    .bind(jakarta_start_of_day(crate::support::day(30)))
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(per_day, vec![(1000, 200, 0)]);
    let calls = fake.calls();
    let delivered = fake.delivered();
    assert_eq!(calls.len(), 1200, "each message went to the transport once");
    assert_eq!(delivered.len(), 1200);
    let distinct: std::collections::HashSet<_> = calls.iter().map(|m| &m.message_id).collect();
    assert_eq!(distinct.len(), 1200);
    let today: (i32,) =
        sqlx::query_as("SELECT sent_today FROM whatsapp_rate WHERE sender = 'fake'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(today.0, 200);
}

#[tokio::test]
async fn quiet_hours_hold_messages_until_07_00_and_the_gap_spaces_sends() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 21, 30).shared();
    let fake = FakeMessenger::new();
    // A gap short enough for the running job to hold (the default 20-60 s may exceed it).
    let mut policy = SendPolicy::default();
    policy.limiter.min_gap = Duration::seconds(4);
    policy.limiter.max_gap = Duration::seconds(12);
    let send = pipeline(&db, &clock, &fake, policy);
    let ids = insert_logs(&db.pool, 2, "6281200000010", clock.now()).await;
    assert_eq!(
        send.step(ids[0], "night").await.unwrap(),
        Outcome::Held {
            until: wib(29, 7, 0),
            reason: WaitReason::QuietHours
        }
    );
    assert!(fake.calls().is_empty());

    clock.set(wib(29, 7, 0));
    assert!(matches!(
        send.step(ids[0], "morning").await.unwrap(),
        Outcome::Sent { .. }
    ));
    // The next send waits 4-12 s after the first, whichever worker asks.
    match send.step(ids[1], "other-worker").await.unwrap() {
        Outcome::WaitBriefly {
            until,
            reason: WaitReason::Gap,
        } => {
            let gap = until - clock.now();
            assert!(
                gap >= Duration::seconds(4) && gap <= Duration::seconds(12),
                "{gap}"
            );
            clock.set(until);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        send.step(ids[1], "other-worker").await.unwrap(),
        Outcome::Sent { .. }
    ));
}

#[tokio::test]
async fn transient_failures_back_off_then_fail_and_the_admin_retry_sends_it_once() {
    let (db, w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 10, 0).shared();
    let fake = FakeMessenger::new();
    let mut policy = fast_policy();
    policy.retry.max_attempts = 3;
    let send = pipeline(&db, &clock, &fake, policy);
    let id = insert_logs(&db.pool, 1, "6281200000011", clock.now()).await[0];
    fake.fail_next(3, SendError::Transient("timeout".into()));

    let Outcome::RetryAt(first) = send.step(id, "job-1").await.unwrap() else {
        panic!("expected a retry");
    };
    let wait1 = first - clock.now();
    assert!(
        wait1 >= Duration::seconds(15) && wait1 <= Duration::seconds(30),
        "{wait1}"
    );
    let (status, attempts, error) = status_of(&db.pool, id).await;
    assert_eq!((status.as_str(), attempts), ("PENDING", 1));
    assert_eq!(error.as_deref(), Some("percobaan 1/3 gagal: timeout"));
    // Not due yet: the job that runs early waits for its time.
    assert!(matches!(
        send.step(id, "job-2").await.unwrap(),
        Outcome::WaitBriefly {
            reason: WaitReason::Scheduled,
            ..
        }
    ));

    clock.set(first);
    let Outcome::RetryAt(second) = send.step(id, "job-2").await.unwrap() else {
        panic!("expected a second retry");
    };
    let wait2 = second - clock.now();
    assert!(
        wait2 >= Duration::seconds(30) && wait2 <= Duration::seconds(60),
        "{wait2}"
    );

    clock.set(second);
    assert_eq!(send.step(id, "job-3").await.unwrap(), Outcome::Failed);
    let (status, attempts, error) = status_of(&db.pool, id).await;
    assert_eq!((status.as_str(), attempts), ("FAILED", 3));
    assert_eq!(error.as_deref(), Some("gagal setelah 3 percobaan: timeout"));
    assert_eq!(fake.calls().len(), 3);
    assert!(fake.delivered().is_empty());

    // Only pusat and finance may retry; a retry re-queues it and it goes out.
    let jobs_for = |pool: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM apalis.jobs WHERE job_type = 'whatsapp'
               AND convert_from(job, 'UTF8')::jsonb ->> 'log_id' = $1::text",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let before = jobs_for(db.pool.clone()).await;
    let mut tx = db.pool.begin().await.unwrap();
    let refused = ops::retry_message(&mut tx, &w.gudang, clock.as_ref(), id).await;
    assert!(
        matches!(refused, Err(DomainError::Forbidden(_))),
        "{refused:?}"
    );
    let log = ops::retry_message(&mut tx, &w.finance, clock.as_ref(), id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (log.status.as_str(), log.attempts, log.last_error),
        ("PENDING", 0, None)
    );
    assert_eq!(jobs_for(db.pool.clone()).await, before + 1);
    assert!(matches!(
        send.step(id, "job-4").await.unwrap(),
        Outcome::Sent { attempt: 1, .. }
    ));
    let calls = fake.calls();
    assert!(
        calls.iter().all(|m| m.message_id == calls[0].message_id),
        "one message id throughout"
    );
    assert_eq!(fake.delivered().len(), 1);

    let mut tx = db.pool.begin().await.unwrap();
    let again = ops::retry_message(&mut tx, &w.finance, clock.as_ref(), id).await;
    assert!(
        matches!(again, Err(DomainError::InvalidTransition { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn without_a_connection_messages_wait_and_use_no_attempt_and_refused_numbers_fail_at_once() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 10, 0).shared();
    let fake = FakeMessenger::new();
    let send = pipeline(&db, &clock, &fake, fast_policy());
    let ids = insert_logs(&db.pool, 3, "6281200000012", clock.now()).await;

    fake.set_connected(false);
    assert_eq!(
        send.step(ids[0], "offline").await.unwrap(),
        Outcome::Held {
            until: clock.now() + Duration::seconds(60),
            reason: WaitReason::NotConnected
        }
    );
    assert_eq!(status_of(&db.pool, ids[0]).await.1, 0);
    assert!(fake.calls().is_empty());

    // Connected, but the transport drops the connection during the send.
    fake.set_connected(true);
    fake.fail_next(1, SendError::Unavailable("reconnecting".into()));
    assert!(matches!(
        send.step(ids[1], "flaky").await.unwrap(),
        Outcome::WaitingForConnection(_)
    ));
    assert_eq!(status_of(&db.pool, ids[1]).await.1, 0, "not an attempt");

    fake.fail_next(1, SendError::Permanent("bukan nomor WhatsApp".into()));
    assert_eq!(send.step(ids[2], "refused").await.unwrap(), Outcome::Failed);
    let (status, attempts, error) = status_of(&db.pool, ids[2]).await;
    assert_eq!((status.as_str(), attempts), ("FAILED", 1));
    assert_eq!(
        error.as_deref(),
        Some("ditolak WhatsApp: bukan nomor WhatsApp")
    );
    // Neither of the two reached anyone, so neither counts against the daily cap.
    let sent_today: i32 =
        sqlx::query_scalar("SELECT sent_today FROM whatsapp_rate WHERE sender = 'fake'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(sent_today, 0);

    clock.advance(Duration::seconds(61));
    assert!(matches!(
        send.step(ids[0], "online").await.unwrap(),
        Outcome::Sent { .. }
    ));
    assert!(matches!(
        send.step(ids[1], "online-2").await.unwrap(),
        Outcome::Sent { .. }
    ));
}

#[tokio::test]
async fn a_second_job_for_a_message_being_sent_stays_out_and_one_for_a_sent_message_does_nothing() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 10, 0).shared();
    let fake = FakeMessenger::new();
    let policy = fast_policy();
    let send = pipeline(&db, &clock, &fake, policy.clone());
    let id = insert_logs(&db.pool, 1, "6281200000013", clock.now()).await[0];

    // Job A claims it (as if its transport call were under way).
    let mut tx = db.pool.begin().await.unwrap();
    let claim =
        domain::whatsapp::claim(&mut tx, clock.as_ref(), &policy, id, "job-a", Some("fake"))
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(claim, domain::whatsapp::Claim::Send(_)));
    // A duplicate job B keeps out while the claim is fresh.
    assert_eq!(
        send.step(id, "job-b").await.unwrap(),
        Outcome::Skipped(Skip::Busy)
    );
    // A's job re-run after a crash takes its claim over and re-sends with the same id.
    let Outcome::Sent { in_doubt, .. } = send.step(id, "job-a").await.unwrap() else {
        panic!("expected the re-run to send");
    };
    assert!(in_doubt);
    assert_eq!(
        send.step(id, "job-b").await.unwrap(),
        Outcome::Skipped(Skip::AlreadySent)
    );
    assert_eq!(fake.calls().len(), 1);
}

#[tokio::test]
async fn a_pending_message_left_without_a_job_is_given_a_new_one() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 10, 0).shared();
    let policy = fast_policy();
    let stranded = insert_logs(
        &db.pool,
        1,
        "6281200000014",
        clock.now() - Duration::minutes(10),
    )
    .await;
    let fresh = insert_logs(
        &db.pool,
        1,
        "6281200000015",
        clock.now() - Duration::minutes(1),
    )
    .await;
    let with_job = insert_logs(
        &db.pool,
        1,
        "6281200000016",
        clock.now() - Duration::minutes(10),
    )
    .await;
    crate::support::enqueue_sends(&db.pool, &with_job).await;

    let sweep = || async {
        let mut tx = db.pool.begin().await.unwrap();
        let ids = domain::whatsapp::requeue_stranded(
            &mut tx,
            clock.as_ref(),
            &policy,
            Duration::minutes(5),
            100,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        ids
    };
    assert_eq!(sweep().await, stranded);
    assert!(sweep().await.is_empty(), "it has a job now");
    let _ = fresh;
}
