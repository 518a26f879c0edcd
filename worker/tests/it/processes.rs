//! Real `dfresto-worker` processes on one database: jobs are picked up within a second of the
//! commit, two workers share the work without running a job twice, SIGTERM lets the job in
//! flight finish and exits 0, and kill -9 in the middle of a send ends with the message
//! delivered once by another worker.

use crate::support::{
    WorkerProcess, enqueue_sends, eventually, insert_logs, journal, place_order, scratch_dir,
    status_of, world,
};
use domain::SystemClock;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_committed_job_is_picked_up_within_a_second() {
    let (db, w) = world().await;
    let dir = scratch_dir();
    let journal_path = dir.join("journal.jsonl");
    let worker = WorkerProcess::start(&db, "pickup", &journal_path, &[]);
    // whatsapp and invoices on apalis, each listening; notifications in batches, watched
    worker.ready(&db, 2, 2).await;

    let order_id = place_order(&db, &w, &SystemClock).await;
    let committed = Instant::now();
    let picked = eventually(Duration::from_secs(5), || {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM apalis.jobs WHERE job_type = 'notifications' AND lock_at IS NOT NULL)",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    })
    .await;
    let pickup = committed.elapsed();
    assert!(
        picked,
        "the notification job was not picked up:\n{}",
        worker.output()
    );
    assert!(
        pickup < Duration::from_secs(1),
        "picked up after {pickup:?}, expected under a second"
    );

    // ...and the message it wrote is sent through the transport.
    let sent = eventually(Duration::from_secs(10), || {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM whatsapp_logs WHERE order_id = $1 AND status = 'SENT')",
            )
            .bind(order_id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    })
    .await;
    assert!(sent, "the order message was not sent:\n{}", worker.output());
    let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let delivered: Vec<_> = journal(&journal_path)
        .into_iter()
        .filter(|e| e.event == "delivered")
        .collect();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].to, "6281234567001");
    assert!(delivered[0].text.contains(&number), "{}", delivered[0].text);
    assert!(delivered[0].text.contains("D'Fresto Dago"));
    assert!(delivered[0].text.contains("Rp 586.000"));
    // The connection state is where the admin page reads it.
    let (status, phone, holder): (String, Option<String>, String) = sqlx::query_as(
        "SELECT status, phone, holder FROM whatsapp_sessions WHERE session_id = 'default'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), phone.as_deref()),
        ("CONNECTED", Some("fake"))
    );
    assert!(
        holder.starts_with("pickup@") && holder.ends_with(&format!(":{}", worker.pid())),
        "{holder}"
    );
}

#[tokio::test]
async fn a_worker_started_after_the_run_time_catches_up_on_todays_invoice_run() {
    let (db, _w) = world().await;
    let dir = scratch_dir();
    let worker = WorkerProcess::start(
        &db,
        "late",
        &dir.join("journal.jsonl"),
        &[("WORKER_CRON", "1"), ("INVOICE_RUN_AT", "00:00")],
    );
    let today = domain::Clock::today(&SystemClock);
    let done = eventually(Duration::from_secs(20), || {
        let pool = db.pool.clone();
        async move {
            let mut conn = pool.acquire().await.unwrap();
            domain::invoice_run::is_done(&mut conn, today)
                .await
                .unwrap()
        }
    })
    .await;
    assert!(done, "today's run did not happen:\n{}", worker.output());
}

#[tokio::test]
async fn two_workers_share_200_jobs_and_run_none_twice() {
    let (db, _w) = world().await;
    let dir = scratch_dir();
    let journal_path = dir.join("journal.jsonl");
    let only_sends = [("WORKER_QUEUES", "whatsapp")];
    let a = WorkerProcess::start(&db, "share-a", &journal_path, &only_sends);
    let b = WorkerProcess::start(&db, "share-b", &journal_path, &only_sends);
    a.ready(&db, 1, 1).await;
    b.ready(&db, 1, 1).await;

    let ids = insert_logs(&db.pool, 200, "6281200000001", chrono::Utc::now()).await;
    enqueue_sends(&db.pool, &ids).await;
    let done = eventually(Duration::from_secs(90), || {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM whatsapp_logs WHERE status = 'SENT'")
                .fetch_one(&pool)
                .await
                .unwrap()
                == 200
        }
    })
    .await;
    assert!(
        done,
        "not all sent:\nA:\n{}\nB:\n{}",
        a.output(),
        b.output()
    );

    // Every job ran exactly once, and both processes ran some.
    let ran_a = a.started_tasks("whatsapp");
    let ran_b = b.started_tasks("whatsapp");
    assert!(
        !ran_a.is_empty() && !ran_b.is_empty(),
        "a ran {}, b ran {}",
        ran_a.len(),
        ran_b.len()
    );
    let mut seen = HashSet::new();
    for task in ran_a.iter().chain(&ran_b) {
        assert!(seen.insert(task.clone()), "job {task} ran twice");
    }
    assert_eq!(seen.len(), 200);
    // Acknowledgements are written just after the handlers return.
    let acked = eventually(Duration::from_secs(10), || {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM apalis.jobs WHERE job_type = 'whatsapp' AND status = 'Done'",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
                == 200
        }
    })
    .await;
    assert!(acked, "not all jobs acknowledged");
    let attempts: Vec<i32> =
        sqlx::query_scalar("SELECT attempts FROM apalis.jobs WHERE job_type = 'whatsapp'")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(attempts.len(), 200);
    assert!(attempts.iter().all(|&n| n == 1), "{attempts:?}");

    // ...and every message reached the transport once.
    let entries = journal(&journal_path);
    let calls: Vec<_> = entries.iter().filter(|e| e.event == "call").collect();
    assert_eq!(calls.len(), 200);
    let distinct: HashSet<_> = calls.iter().map(|e| &e.message_id).collect();
    assert_eq!(distinct.len(), 200);
    let by_pid: HashMap<u32, usize> = calls.iter().fold(HashMap::new(), |mut m, e| {
        *m.entry(e.pid).or_default() += 1;
        m
    });
    assert_eq!(by_pid.len(), 2, "{by_pid:?}");
}

#[tokio::test]
async fn sigterm_lets_the_job_in_flight_finish_and_exits_zero() {
    let (db, _w) = world().await;
    let dir = scratch_dir();
    let journal_path = dir.join("journal.jsonl");
    let mut worker = WorkerProcess::start(
        &db,
        "sigterm",
        &journal_path,
        &[
            ("WORKER_QUEUES", "whatsapp"),
            ("FAKE_MESSENGER_DELAY_MS", "3000"),
        ],
    );
    worker.ready(&db, 1, 1).await;
    let ids = insert_logs(&db.pool, 2, "6281200000002", chrono::Utc::now()).await;
    enqueue_sends(&db.pool, &ids[..1]).await;
    let in_flight = eventually(Duration::from_secs(10), || {
        let path = journal_path.clone();
        async move { journal(&path).iter().any(|e| e.event == "call") }
    })
    .await;
    assert!(in_flight, "the send did not start:\n{}", worker.output());

    worker.terminate();
    let signalled = Instant::now();
    // A job committed after the signal is not taken.
    enqueue_sends(&db.pool, &ids[1..]).await;
    let code = worker.exit_code(Duration::from_secs(20)).await;
    let took = signalled.elapsed();
    assert_eq!(code, Some(0), "exit code; output:\n{}", worker.output());
    assert!(
        took >= Duration::from_millis(1500),
        "exited after {took:?}, before the send finished"
    );

    let (status, attempts, _) = status_of(&db.pool, ids[0]).await;
    assert_eq!((status.as_str(), attempts), ("SENT", 1));
    let (status, attempts, _) = status_of(&db.pool, ids[1]).await;
    assert_eq!((status.as_str(), attempts), ("PENDING", 0));
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM apalis.jobs WHERE job_type = 'whatsapp' AND status = 'Pending' AND lock_by IS NULL",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(waiting, 1, "the second job should still wait for a worker");
}

#[tokio::test]
async fn kill_9_mid_send_another_worker_finishes_it_and_it_is_delivered_once() {
    let (db, _w) = world().await;
    let dir = scratch_dir();
    let journal_path = dir.join("journal.jsonl");
    let mut a = WorkerProcess::start(
        &db,
        "crash-a",
        &journal_path,
        &[
            ("WORKER_QUEUES", "whatsapp"),
            ("FAKE_MESSENGER_DELAY_MS", "5000"),
        ],
    );
    a.ready(&db, 1, 1).await;
    let ids = insert_logs(&db.pool, 1, "6281200000003", chrono::Utc::now()).await;
    let log_id = ids[0];
    enqueue_sends(&db.pool, &ids).await;
    // The message has reached "WhatsApp", but worker A has not recorded it yet.
    let out = eventually(Duration::from_secs(10), || {
        let path = journal_path.clone();
        async move { journal(&path).iter().any(|e| e.event == "delivered") }
    })
    .await;
    assert!(out, "the send did not start:\n{}", a.output());
    a.kill9();
    let killed = Instant::now();
    let (status, _, _) = status_of(&db.pool, log_id).await;
    assert_eq!(status, "PENDING", "A died before recording the send");

    let b = WorkerProcess::start(
        &db,
        "crash-b",
        &journal_path,
        &[("WORKER_QUEUES", "whatsapp")],
    );
    let sent = eventually(Duration::from_secs(30), || {
        let pool = db.pool.clone();
        async move { status_of(&pool, log_id).await.0 == "SENT" }
    })
    .await;
    let recovered = killed.elapsed();
    assert!(sent, "not sent after the crash:\n{}", b.output());
    assert!(
        recovered < Duration::from_secs(15),
        "took {recovered:?} to recover (heartbeat 1 s × 3 missed)"
    );

    let entries = journal(&journal_path);
    let delivered: Vec<_> = entries.iter().filter(|e| e.event == "delivered").collect();
    let calls: Vec<_> = entries.iter().filter(|e| e.event == "call").collect();
    assert_eq!(delivered.len(), 1, "delivered twice: {entries:?}");
    assert_eq!(calls.len(), 2, "{entries:?}");
    assert_eq!(
        calls[0].message_id, calls[1].message_id,
        "the retry reuses the message id"
    );
    assert_eq!(calls[0].pid, a.pid());
    assert_eq!(calls[1].pid, b.pid());
    assert!(
        entries
            .iter()
            .any(|e| e.event == "duplicate" && e.pid == b.pid())
    );
    let (wa_id, attempts): (String, i32) =
        sqlx::query_as("SELECT wa_message_id, attempts FROM whatsapp_logs WHERE id = $1")
            .bind(log_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(wa_id, calls[0].message_id);
    assert_eq!(attempts, 2);
}
