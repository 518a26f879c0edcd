//! The one connection holder (`wa::holder`) on a real PostgreSQL: of two workers competing for a
//! session only one holds it; when the holder's connection goes (dropped, or terminated by the
//! server as when its machine dies) the other takes over within the retry interval; different
//! sessions never block each other.

use std::time::Duration;

use tests::TestDb;
use tokio::sync::watch;
use wa::holder::Holder;

const RETRY: Duration = Duration::from_millis(200);

fn holder(db: &TestDb, session: &str) -> Holder {
    Holder::new((*db.pool.connect_options()).clone(), session)
        .with_retry(RETRY)
        .with_ping(Duration::from_millis(200))
}

#[tokio::test]
async fn only_one_of_two_holders_holds_a_session() {
    let db = TestDb::new().await;
    let a = holder(&db, "main");
    let b = holder(&db, "main");
    let lease = a
        .try_take()
        .await
        .unwrap()
        .expect("the first worker takes the session");
    assert!(
        b.try_take().await.unwrap().is_none(),
        "a second worker must not hold it too"
    );
    // Still refused while the first lease lives, however often it asks.
    for _ in 0..3 {
        assert!(b.try_take().await.unwrap().is_none());
    }
    assert!(lease.lost_reason().is_none());
    lease.release().await;
    assert!(b.try_take().await.unwrap().is_some(), "free once released");
}

#[tokio::test]
async fn a_dropped_lease_lets_the_waiting_worker_take_over() {
    let db = TestDb::new().await;
    let a = holder(&db, "main");
    let b = holder(&db, "main");
    let lease = a.try_take().await.unwrap().unwrap();
    let (_stop_tx, mut stop) = watch::channel(false);
    let waiting = tokio::spawn(async move { b.take(&mut stop).await });
    tokio::time::sleep(RETRY * 3).await;
    assert!(
        !waiting.is_finished(),
        "the second worker waits while the first holds"
    );
    drop(lease);
    let taken = tokio::time::timeout(RETRY * 10, waiting).await;
    assert!(
        matches!(taken, Ok(Ok(Some(_)))),
        "the waiting worker takes over after the holder's lease is dropped"
    );
}

#[tokio::test]
async fn a_terminated_connection_loses_the_lock_and_the_other_takes_over() {
    let db = TestDb::new().await;
    let a = holder(&db, "main");
    let b = holder(&db, "main");
    let mut lease = a.try_take().await.unwrap().unwrap();
    let (_stop_tx, mut stop) = watch::channel(false);
    let waiting = tokio::spawn(async move { b.take(&mut stop).await });
    tokio::time::sleep(RETRY * 2).await;
    assert!(!waiting.is_finished());

    // What the server does to the connection of a worker that died: end it.
    let killed: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'dfresto-wa-holder' AND datname = current_database()
           AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        killed,
        vec![(true,)],
        "exactly the holder's connection holds the lock"
    );

    let reason = tokio::time::timeout(Duration::from_secs(5), lease.lost())
        .await
        .expect("the holder notices its lost connection at its next ping");
    assert!(reason.contains("connection"), "{reason}");
    let taken = tokio::time::timeout(RETRY * 10, waiting).await;
    let lease_b = match taken {
        Ok(Ok(Some(lease))) => lease,
        other => panic!("the other worker should have taken over: {other:?}"),
    };
    assert!(lease_b.lost_reason().is_none());
    // And the first one, trying again, is now the one refused.
    assert!(a.try_take().await.unwrap().is_none());
}

#[tokio::test]
async fn different_sessions_do_not_block_each_other() {
    let db = TestDb::new().await;
    let one = holder(&db, "outlet-a").try_take().await.unwrap();
    let two = holder(&db, "outlet-b").try_take().await.unwrap();
    assert!(
        one.is_some() && two.is_some(),
        "each session has its own holder"
    );
    assert!(holder(&db, "outlet-a").try_take().await.unwrap().is_none());
    assert!(holder(&db, "outlet-b").try_take().await.unwrap().is_none());
}

#[tokio::test]
async fn a_stopped_waiter_gives_up() {
    let db = TestDb::new().await;
    let _lease = holder(&db, "main").try_take().await.unwrap().unwrap();
    let (stop_tx, mut stop) = watch::channel(false);
    let b = holder(&db, "main");
    let waiting = tokio::spawn(async move { b.take(&mut stop).await });
    tokio::time::sleep(RETRY).await;
    stop_tx.send(true).unwrap();
    let r = tokio::time::timeout(Duration::from_secs(2), waiting).await;
    assert!(
        matches!(r, Ok(Ok(None))),
        "a shutdown ends the wait with nothing held"
    );
}
