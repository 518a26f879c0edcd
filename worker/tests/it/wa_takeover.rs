//! Two real `dfresto-worker` processes with `WORKER_MESSENGER=whatsapp`: only the one holding
//! the session's advisory lock runs the client and writes the session row; when it is killed
//! with `kill -9` the other takes over within 30 s on the same device (identity and keys from
//! PostgreSQL, no pairing). This machine cannot reach WhatsApp, which the row says, and the
//! message waiting meanwhile stays PENDING with that reason: nothing is marked sent.

use std::time::{Duration, Instant};

use domain::whatsapp::session;
use tests::TestDb;

use crate::support::{WorkerProcess, enqueue_sends, eventually, insert_logs, scratch_dir, world};

const REAL_CLIENT: &[(&str, &str)] = &[
    ("WORKER_MESSENGER", "whatsapp"),
    // A fixed version: nothing is fetched over HTTP, the connection itself is what fails.
    ("WHATSAPP_VERSION", "2.3000.1023456789"),
    ("WHATSAPP_TAKEOVER_RETRY_SECS", "1"),
];

async fn holder(db: &TestDb) -> Option<String> {
    let mut conn = db.pool.acquire().await.unwrap();
    session::get(&mut conn, "default")
        .await
        .unwrap()
        .and_then(|s| s.holder)
}

async fn device_identity(db: &TestDb) -> Option<serde_json::Value> {
    sqlx::query_scalar("SELECT data->'identity_key' FROM wa_device WHERE session_id = 'default'")
        .fetch_optional(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_killed_holder_is_replaced_within_30_s_on_the_same_session() {
    let (db, _w) = world().await;
    let dir = scratch_dir();
    let journal = dir.join("journal");
    let mut a = WorkerProcess::start(&db, "wa-a", &journal, REAL_CLIENT);
    assert!(
        eventually(Duration::from_secs(60), || async {
            holder(&db).await.is_some_and(|h| h.starts_with("wa-a@"))
                && device_identity(&db).await.is_some()
        })
        .await,
        "a holds the session and created its device:\n{}",
        a.output()
    );
    let identity = device_identity(&db).await;
    let b = WorkerProcess::start(&db, "wa-b", &journal, REAL_CLIENT);
    b.ready(&db, 2, 2).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        holder(&db).await.is_some_and(|h| h.starts_with("wa-a@")),
        "b waits and does not write the row:\n{}",
        b.output()
    );

    // Honest about the network: the reason is on the row and on the waiting message (however
    // long this machine's resolver takes to say there is no route).
    let honest = eventually(Duration::from_secs(60), || async {
        let mut conn = db.pool.acquire().await.unwrap();
        let row = session::get(&mut conn, "default").await.unwrap().unwrap();
        row.status == session::ConnectionStatus::Disconnected
            && row
                .last_error
                .is_some_and(|e| e.contains("tidak bisa menghubungi"))
    })
    .await;
    assert!(
        honest,
        "the row says WhatsApp cannot be reached:\n{}",
        a.output()
    );
    let now = chrono::Utc::now();
    let ids = insert_logs(&db.pool, 1, "6281211119999", now).await;
    enqueue_sends(&db.pool, &ids).await;
    assert!(
        eventually(Duration::from_secs(20), || async {
            let (status, err): (String, Option<String>) =
                sqlx::query_as("SELECT status, last_error FROM whatsapp_logs WHERE id = $1")
                    .bind(ids[0])
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            status == "PENDING" && err.is_some()
        })
        .await
    );

    let killed = Instant::now();
    a.kill9();
    assert!(
        eventually(Duration::from_secs(30), || async {
            holder(&db).await.is_some_and(|h| h.starts_with("wa-b@"))
        })
        .await,
        "b took over within 30 s:\n{}",
        b.output()
    );
    let took = killed.elapsed();
    eprintln!("takeover after kill -9: {:.1} s", took.as_secs_f64());
    assert_eq!(
        device_identity(&db).await,
        identity,
        "the same device: no pairing"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM whatsapp_logs WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "PENDING", "nothing is marked sent without WhatsApp");
}
