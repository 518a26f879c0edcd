//! The real whatsapp-rust client under our supervisor, against the in-process fake server
//! (`wa_server`): what each way WhatsApp answers leaves in `whatsapp_sessions` and the session
//! store, through the same messenger and session tracker the worker runs.

use std::sync::Arc;
use std::time::Duration;

use domain::whatsapp::session::{self, Command, ConnectionStatus, Session};
use tests::TestDb;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wa::holder::Holder;
use wa::link::{Link, LinkConfig};
use wa::store::PgStore;
use whatsapp_rust::Jid;
use whatsapp_rust::store::persistence_manager::PersistenceManager;
use whatsapp_rust::store::traits::Backend;
use worker::messenger::{Messenger, WhatsAppMessenger};
use worker::session::Reporter;

use crate::support::eventually;
use crate::wa_server::{FakeServer, NoHttp, Step, failure, pair_device, replaced};

const SESSION: &str = "default";

struct Running {
    link: Link,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(15), t).await;
        }
    }
}

/// The worker's WhatsApp side as `main` wires it, but connecting to `server`.
fn start(db: &TestDb, server: &Arc<FakeServer>) -> Running {
    let (stop, stop_rx) = watch::channel(false);
    let holder = Holder::new((*db.pool.connect_options()).clone(), SESSION)
        .with_retry(Duration::from_millis(200));
    let (link, supervisor) = Link::start(
        LinkConfig {
            pool: db.pool.clone(),
            holder,
            transport: Some(server.factory()),
            http: Some(Arc::new(NoHttp)),
            version: Some((2, 3000, 1_023_456_789)),
            push_name: "D'Fresto".into(),
            ack_timeout: Duration::from_secs(2),
            backoff: (Duration::from_millis(300), Duration::from_secs(2)),
        },
        stop_rx.clone(),
    );
    let (messenger, mut tasks) = WhatsAppMessenger::new(
        link.clone(),
        Some((db.pool.clone(), SESSION.to_owned())),
        stop_rx.clone(),
    );
    let messenger: Arc<dyn Messenger> = Arc::new(messenger);
    tasks.push(supervisor);
    tasks.push(tokio::spawn(worker::session::track(
        db.pool.clone(),
        domain::SystemClock::shared(),
        messenger,
        Reporter {
            session_id: SESSION.to_owned(),
            holder: "test-worker".to_owned(),
            redirect_to: None,
        },
        stop_rx,
    )));
    Running { link, stop, tasks }
}

async fn row(db: &TestDb) -> Option<Session> {
    let mut conn = db.pool.acquire().await.unwrap();
    session::get(&mut conn, SESSION).await.unwrap()
}

async fn status_becomes(db: &TestDb, status: ConnectionStatus) -> bool {
    eventually(Duration::from_secs(20), || async {
        row(db).await.is_some_and(|r| r.status == status)
    })
    .await
}

/// A device the phone linked earlier: it logs in instead of asking for a QR code.
async fn seed_paired_device(db: &TestDb) -> [u8; 32] {
    let backend: Arc<dyn Backend> = Arc::new(PgStore::new(db.pool.clone(), SESSION));
    let pm = PersistenceManager::new(backend).await.unwrap();
    pm.modify_device(|d| {
        d.pn = Some(Jid::pn("6281234567890"));
        d.push_name = "D'Fresto".to_string();
    })
    .await;
    pm.flush().await.unwrap();
    identity_of(&pm)
}

fn identity_of(pm: &PersistenceManager) -> [u8; 32] {
    pm.get_device_snapshot()
        .identity_key
        .public_key
        .public_key_bytes()
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn an_unpaired_device_shows_the_qr_code_on_the_session_row() {
    let db = TestDb::new().await;
    let server = FakeServer::new(vec![vec![Step::Send(pair_device())]]);
    let running = start(&db, &server);

    assert!(
        status_becomes(&db, ConnectionStatus::WaitingQr).await,
        "{:?}",
        row(&db).await
    );
    let r = row(&db).await.unwrap();
    let qr = r.qr.clone().unwrap_or_default();
    assert!(
        qr.starts_with("2@fakeref0,"),
        "the first ref, with our keys: {qr}"
    );
    assert_eq!(r.holder.as_deref(), Some("test-worker"));
    assert_eq!(r.transport.as_deref(), Some("whatsapp"));
    // The device and its keys are in PostgreSQL from the first connect.
    assert!(
        PgStore::new(db.pool.clone(), SESSION)
            .has_device()
            .await
            .unwrap()
    );
    running.stop().await;
}

#[tokio::test]
async fn a_logout_is_confirmed_by_a_second_connect_before_the_session_is_wiped() {
    let db = TestDb::new().await;
    seed_paired_device(&db).await;
    let server = FakeServer::new(vec![vec![Step::Send(failure(&[("reason", "401")]))]]);
    let running = start(&db, &server);

    assert!(
        status_becomes(&db, ConnectionStatus::LoggedOut).await,
        "{:?}",
        row(&db).await
    );
    assert!(
        eventually(Duration::from_secs(10), || async {
            !PgStore::new(db.pool.clone(), SESSION)
                .has_device()
                .await
                .unwrap()
        })
        .await,
        "wiped after the second 401"
    );
    assert_eq!(
        server.connects(),
        2,
        "one connect, one confirming reconnect"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        server.connects(),
        2,
        "then it waits for an admin to pair again"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_single_spurious_401_keeps_the_session() {
    let db = TestDb::new().await;
    let identity = seed_paired_device(&db).await;
    // The second connect is accepted (the server says nothing more and keeps it open).
    let server = FakeServer::new(vec![
        vec![Step::Send(failure(&[("reason", "401")]))],
        vec![],
    ]);
    let running = start(&db, &server);

    assert!(
        eventually(Duration::from_secs(20), || async { server.connects() >= 2 }).await,
        "reconnected to confirm"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let store = PgStore::new(db.pool.clone(), SESSION);
    assert!(store.has_device().await.unwrap(), "not wiped on one 401");
    running.stop().await;
    let backend: Arc<dyn Backend> = Arc::new(store);
    let pm = PersistenceManager::new(backend).await.unwrap();
    assert_eq!(
        identity_of(&pm),
        identity,
        "the same identity, no re-pairing"
    );
    assert_ne!(
        row(&db).await.map(|r| r.status),
        Some(ConnectionStatus::LoggedOut)
    );
}

#[tokio::test]
async fn a_temporary_ban_is_waited_out_without_reconnecting() {
    let db = TestDb::new().await;
    seed_paired_device(&db).await;
    let server = FakeServer::new(vec![vec![Step::Send(failure(&[
        ("reason", "402"),
        ("code", "101"),
        ("expire", "3600"),
    ]))]]);
    let before = chrono::Utc::now();
    let running = start(&db, &server);

    assert!(
        status_becomes(&db, ConnectionStatus::Banned).await,
        "{:?}",
        row(&db).await
    );
    let r = row(&db).await.unwrap();
    let until = r.banned_until.expect("the ban's end is shown");
    let expected = before + chrono::Duration::seconds(3600);
    assert!(
        (until - expected).num_seconds().abs() < 60,
        "banned until about an hour from now: {until}"
    );
    assert!(
        r.last_error.as_deref().unwrap_or_default().contains("101"),
        "{:?}",
        r.last_error
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(server.connects(), 1, "no reconnect during the ban");
    assert!(
        PgStore::new(db.pool.clone(), SESSION)
            .has_device()
            .await
            .unwrap(),
        "a ban keeps the session"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_replaced_stream_is_not_fought_over() {
    let db = TestDb::new().await;
    seed_paired_device(&db).await;
    let server = FakeServer::new(vec![vec![Step::Send(replaced())]]);
    let running = start(&db, &server);

    assert!(
        status_becomes(&db, ConnectionStatus::Replaced).await,
        "{:?}",
        row(&db).await
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        server.connects(),
        1,
        "no reconnect against the other device"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_dropped_connection_is_reconnected() {
    let db = TestDb::new().await;
    let server = FakeServer::new(vec![
        vec![Step::Send(pair_device()), Step::Drop],
        vec![Step::Send(pair_device())],
    ]);
    let running = start(&db, &server);

    assert!(
        eventually(Duration::from_secs(20), || async { server.connects() >= 2 }).await,
        "the client connected again after the drop"
    );
    assert!(status_becomes(&db, ConnectionStatus::WaitingQr).await);
    running.stop().await;
}

#[tokio::test]
async fn the_logout_button_unlinks_and_wipes_the_session() {
    let db = TestDb::new().await;
    let server = FakeServer::new(vec![vec![Step::Send(pair_device())]]);
    let running = start(&db, &server);
    assert!(status_becomes(&db, ConnectionStatus::WaitingQr).await);

    let w = tests::fixtures::World::build(&db.pool).await;
    let admin = w.pusat.clone();
    {
        let mut conn = db.pool.acquire().await.unwrap();
        session::request_command(
            &mut conn,
            &admin,
            &domain::SystemClock,
            SESSION,
            Command::Logout,
        )
        .await
        .unwrap();
    }
    assert!(
        status_becomes(&db, ConnectionStatus::LoggedOut).await,
        "{:?}",
        row(&db).await
    );
    assert!(
        !PgStore::new(db.pool.clone(), SESSION)
            .has_device()
            .await
            .unwrap()
    );
    assert!(
        row(&db).await.unwrap().command.is_none(),
        "the command was taken"
    );
    assert!(!running.link.holding() || server.connects() == 1);
    running.stop().await;
}
