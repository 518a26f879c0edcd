//! What the send path does around the transport in production: test mode
//! (`WHATSAPP_REDIRECT_TO`), the demo-data guard of the real client, and finance being told when
//! a temporary ban has lifted.

use std::sync::Arc;
use std::time::Duration;

use domain::whatsapp::session::ConnectionStatus;
use domain::{Clock, FixedClock};
use tokio::sync::watch;
use worker::messenger::{FakeMessenger, Messenger, MessengerEvent};
use worker::send::{DEMO_DATA_HELD, Guard, Outcome};
use worker::session::Reporter;

use crate::support::{eventually, fast_policy, insert_logs, status_of, world};

#[tokio::test]
async fn test_mode_sends_everything_to_the_tester_naming_the_recipient() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0).shared();
    let fake = FakeMessenger::new();
    let mut send = tests::worker_services::pipeline(
        &db.pool,
        clock.clone(),
        Arc::new(fake.clone()),
        fast_policy(),
    );
    send.guard = Guard {
        redirect_to: Some(domain::Phone::parse("0812-9999-0000").unwrap()),
        refuse_demo_data: true,
    };
    // Even on demo data: the tester gets it.
    let mut conn = db.pool.acquire().await.unwrap();
    domain::whatsapp::set_demo_data(&mut conn, true)
        .await
        .unwrap();
    drop(conn);
    let ids = insert_logs(&db.pool, 1, "6281211112222", clock.now()).await;

    assert!(matches!(
        send.step(ids[0], "j").await.unwrap(),
        Outcome::Sent { .. }
    ));
    let sent = fake.delivered();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to.as_str(), "6281299990000");
    assert!(
        sent[0]
            .text
            .starts_with("[MODE UJI] Pesan ini untuk +62 812-1111-2222"),
        "{}",
        sent[0].text
    );
    assert!(sent[0].text.ends_with("Pesan uji 1"));
}

#[tokio::test]
async fn the_real_client_holds_messages_of_a_demo_database_without_a_redirect() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0).shared();
    let fake = FakeMessenger::new();
    let mut send = tests::worker_services::pipeline(
        &db.pool,
        clock.clone(),
        Arc::new(fake.clone()),
        fast_policy(),
    );
    send.guard = Guard {
        redirect_to: None,
        refuse_demo_data: true,
    };
    let mut conn = db.pool.acquire().await.unwrap();
    domain::whatsapp::set_demo_data(&mut conn, true)
        .await
        .unwrap();
    drop(conn);
    let ids = insert_logs(&db.pool, 1, "6281211113333", clock.now()).await;

    let outcome = send.step(ids[0], "j").await.unwrap();
    assert!(
        matches!(outcome, Outcome::WaitingForConnection(_)),
        "{outcome:?}"
    );
    assert!(fake.calls().is_empty(), "nothing reached the transport");
    let (status, attempts, err) = status_of(&db.pool, ids[0]).await;
    assert_eq!((status.as_str(), attempts), ("PENDING", 0));
    assert!(err.unwrap_or_default().contains(DEMO_DATA_HELD));

    // Real data: it goes.
    let mut conn = db.pool.acquire().await.unwrap();
    domain::whatsapp::set_demo_data(&mut conn, false)
        .await
        .unwrap();
    drop(conn);
    clock.advance(chrono::Duration::minutes(10));
    assert!(matches!(
        send.step(ids[0], "k").await.unwrap(),
        Outcome::Sent { .. }
    ));
}

#[tokio::test]
async fn finance_is_told_once_when_a_ban_lifts() {
    let (db, w) = world().await;
    sqlx::query("UPDATE users SET phone = '6281277770001' WHERE id = $1")
        .bind(w.finance.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let fake = FakeMessenger::new();
    let messenger: Arc<dyn Messenger> = Arc::new(fake.clone());
    let (_stop, stop_rx) = watch::channel(false);
    tokio::spawn(worker::session::track(
        db.pool.clone(),
        domain::SystemClock::shared(),
        messenger,
        Reporter {
            session_id: "default".into(),
            holder: "test".into(),
            redirect_to: None,
        },
        stop_rx,
    ));
    let status = || async {
        let mut conn = db.pool.acquire().await.unwrap();
        domain::whatsapp::session::get(&mut conn, "default")
            .await
            .unwrap()
            .map(|s| s.status)
    };
    assert!(
        eventually(Duration::from_secs(5), || async {
            status().await.is_some()
        })
        .await
    );
    fake.emit(MessengerEvent::Banned {
        reason: "diblokir sementara: 101".into(),
        until: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
    });
    assert!(
        eventually(Duration::from_secs(5), || async {
            status().await == Some(ConnectionStatus::Banned)
        })
        .await
    );
    for _ in 0..2 {
        fake.emit(MessengerEvent::Connected {
            phone: "6289900000001".into(),
        });
    }
    let to_finance = || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT phone, message FROM whatsapp_logs WHERE event = 'whatsapp_ban_lifted'",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap()
    };
    assert!(
        eventually(Duration::from_secs(5), || async {
            !to_finance().await.is_empty()
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = to_finance().await;
    assert_eq!(rows.len(), 1, "once per ban: {rows:?}");
    assert_eq!(rows[0].0, "6281277770001");
    assert!(
        rows[0]
            .1
            .contains("blokir sementara WhatsApp D'Fresto sudah berakhir"),
        "{}",
        rows[0].1
    );
    let jobs: i64 =
        sqlx::query_scalar("SELECT count(*) FROM apalis.jobs WHERE job_type = 'whatsapp'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(jobs, 1, "its send is enqueued");
}
