//! The successful-send path of the real client's adapter: the send pipeline through
//! `WhatsAppMessenger` and `wa::link::Link`, with a test `Connection` in place of the socket and
//! the server's acks and the phone's receipts injected where the client's events enter
//! (`Link::handle_event`), recorded by the same session tracker the worker runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use domain::{Clock, FixedClock};
use tests::TestDb;
use tokio::sync::watch;
use wa::events::{NOT_ON_WHATSAPP, SendOutcome};
use wa::link::{Connection, Link};
use whatsapp_rust::types::events::{Event, Receipt, ServerAck};
use whatsapp_rust::types::message::MessageSource;
use whatsapp_rust::types::presence::ReceiptType;
use worker::messenger::{Messenger, WhatsAppMessenger};
use worker::send::Outcome;
use worker::session::Reporter;

use crate::support::{eventually, fast_policy, insert_logs, status_of, world};

/// How the fake phone network answers a number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Acked, then delivered, then read.
    Reads,
    /// Refused with this nack code.
    Nack(&'static str),
    /// No ack ever comes.
    Silent,
    /// Not on WhatsApp.
    Unregistered,
}

#[derive(Default)]
struct Phones {
    answers: HashMap<String, Answer>,
    sent: Vec<(String, String, String)>,
    typing: usize,
    lookups: usize,
}

struct TestConnection {
    link: OnceLock<Link>,
    phones: Mutex<Phones>,
}

impl TestConnection {
    fn sent(&self) -> Vec<(String, String, String)> {
        self.phones.lock().unwrap().sent.clone()
    }
}

fn ack(id: &str, error: Option<&str>) -> Event {
    Event::ServerAck(
        ServerAck::builder()
            .id(id.to_owned())
            .maybe_class(Some("message".to_owned()))
            .maybe_error(error.map(str::to_owned))
            .build(),
    )
}

fn receipt(id: &str, kind: ReceiptType) -> Event {
    Event::Receipt(
        Receipt::builder()
            .source(MessageSource::default())
            .message_ids(vec![id.to_owned()])
            .timestamp(chrono::Utc::now())
            .r#type(kind)
            .offline(false)
            .build(),
    )
}

#[whatsapp_rust::async_trait]
impl Connection for TestConnection {
    fn phone(&self) -> Option<String> {
        Some("6289900000001".to_owned())
    }

    async fn is_on_whatsapp(&self, phone: &str) -> Result<bool, String> {
        let mut p = self.phones.lock().unwrap();
        p.lookups += 1;
        Ok(p.answers.get(phone) != Some(&Answer::Unregistered))
    }

    async fn typing(&self, _phone: &str) {
        self.phones.lock().unwrap().typing += 1;
    }

    async fn send_text(&self, phone: &str, text: &str, id: &str) -> Result<(), SendOutcome> {
        let answer = {
            let mut p = self.phones.lock().unwrap();
            p.sent
                .push((phone.to_owned(), text.to_owned(), id.to_owned()));
            p.answers.get(phone).copied().unwrap_or(Answer::Reads)
        };
        let link = self.link.get().cloned().expect("link set");
        let id = id.to_owned();
        // The server answers after the stanza is written, as the real one does.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let now = chrono::Utc::now();
            match answer {
                Answer::Reads => {
                    link.handle_event(&ack(&id, None), now);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    link.handle_event(&receipt(&id, ReceiptType::Delivered), now);
                    link.handle_event(&receipt(&id, ReceiptType::Read), now);
                }
                Answer::Nack(code) => link.handle_event(&ack(&id, Some(code)), now),
                Answer::Silent | Answer::Unregistered => {}
            }
        });
        Ok(())
    }
}

struct Setup {
    conn: Arc<TestConnection>,
    messenger: Arc<dyn Messenger>,
    link: Link,
    _stop: watch::Sender<bool>,
}

fn setup(db: &TestDb, answers: &[(&str, Answer)]) -> Setup {
    let link = Link::detached(Duration::from_millis(800));
    let conn = Arc::new(TestConnection {
        link: OnceLock::new(),
        phones: Mutex::new(Phones {
            answers: answers.iter().map(|(p, a)| ((*p).to_owned(), *a)).collect(),
            ..Phones::default()
        }),
    });
    let _ = conn.link.set(link.clone());
    link.attach(conn.clone());
    let (stop, stop_rx) = watch::channel(false);
    let (messenger, _tasks) = WhatsAppMessenger::new(link.clone(), None, stop_rx.clone());
    let messenger: Arc<dyn Messenger> = Arc::new(messenger);
    tokio::spawn(worker::session::track(
        db.pool.clone(),
        domain::SystemClock::shared(),
        messenger.clone(),
        Reporter {
            session_id: "default".into(),
            holder: "test".into(),
            redirect_to: None,
        },
        stop_rx,
    ));
    Setup {
        conn,
        messenger,
        link,
        _stop: stop,
    }
}

type Facts = (
    String,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<String>,
    Option<String>,
);

async fn facts(db: &TestDb, id: i64) -> Facts {
    sqlx::query_as(
        "SELECT status, acked_at, delivered_at, read_at, nack_code, hold_reason
         FROM whatsapp_logs WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_message_is_sent_on_the_servers_ack_then_marked_delivered_and_read() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0).shared();
    let s = setup(&db, &[]);
    let send = tests::worker_services::pipeline(
        &db.pool,
        clock.clone(),
        s.messenger.clone(),
        fast_policy(),
    );
    let ids = insert_logs(&db.pool, 1, "6281211110001", clock.now()).await;

    let outcome = send.step(ids[0], "job-1").await.unwrap();
    assert!(matches!(outcome, Outcome::Sent { .. }), "{outcome:?}");
    let sent = s.conn.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].2,
        domain::whatsapp::message_id_for(ids[0]),
        "our id, not the client's"
    );
    assert_eq!(
        s.conn.phones.lock().unwrap().typing,
        1,
        "typing shown first"
    );

    assert!(
        eventually(Duration::from_secs(5), || async {
            let f = facts(&db, ids[0]).await;
            f.2.is_some() && f.3.is_some()
        })
        .await,
        "{:?}",
        facts(&db, ids[0]).await
    );
    let (status, acked, delivered, read, nack, hold) = facts(&db, ids[0]).await;
    assert_eq!(status, "SENT");
    assert!(acked.is_some() && delivered.is_some() && read.is_some());
    assert_eq!((nack, hold), (None, None));
    drop(s.link);
}

#[tokio::test]
async fn a_number_not_on_whatsapp_fails_at_once_and_is_looked_up_once() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0).shared();
    let s = setup(&db, &[("6281211110002", Answer::Unregistered)]);
    let send = tests::worker_services::pipeline(
        &db.pool,
        clock.clone(),
        s.messenger.clone(),
        fast_policy(),
    );
    let ids = insert_logs(&db.pool, 2, "6281211110002", clock.now()).await;

    for id in &ids {
        assert_eq!(send.step(*id, "job").await.unwrap(), Outcome::Failed);
        let (status, _, err) = status_of(&db.pool, *id).await;
        assert_eq!(status, "FAILED");
        assert!(err.unwrap_or_default().contains(NOT_ON_WHATSAPP));
    }
    assert!(s.conn.sent().is_empty(), "nothing written to the socket");
    assert_eq!(
        s.conn.phones.lock().unwrap().lookups,
        1,
        "the answer is cached"
    );
}

#[tokio::test]
async fn a_first_contact_refusal_is_held_with_its_reason_and_code() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0).shared();
    let s = setup(&db, &[("6281211110003", Answer::Nack("463"))]);
    let send = tests::worker_services::pipeline(
        &db.pool,
        clock.clone(),
        s.messenger.clone(),
        fast_policy(),
    );
    let ids = insert_logs(&db.pool, 1, "6281211110003", clock.now()).await;

    let outcome = send.step(ids[0], "job-1").await.unwrap();
    assert!(
        matches!(outcome, Outcome::WaitingForConnection(_)),
        "{outcome:?}"
    );
    assert!(
        eventually(Duration::from_secs(5), || async {
            facts(&db, ids[0]).await.4.is_some()
        })
        .await
    );
    let (status, acked, _, _, nack, hold) = facts(&db, ids[0]).await;
    assert_eq!(status, "PENDING", "held, retried later");
    assert_eq!(acked, None);
    assert_eq!(nack.as_deref(), Some("463"));
    assert!(hold.unwrap_or_default().contains("463"));
    let (_, attempts, _) = status_of(&db.pool, ids[0]).await;
    assert_eq!(attempts, 0, "a hold uses no attempt");
}

#[tokio::test]
async fn after_a_crash_an_acked_message_is_never_sent_again_and_an_unacked_one_is_with_its_id() {
    let (db, _w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0).shared();
    let s = setup(
        &db,
        &[
            ("6281211110004", Answer::Reads),
            ("6281211110005", Answer::Silent),
        ],
    );
    let a = insert_logs(&db.pool, 1, "6281211110004", clock.now()).await[0];
    let b = insert_logs(&db.pool, 1, "6281211110005", clock.now()).await[0];

    // A worker sends both and dies before recording either: the ack for `a` arrives (and is
    // recorded by the tracker), `b` never gets one.
    for (id, to) in [(a, "6281211110004"), (b, "6281211110005")] {
        let mut tx = db.pool.begin().await.unwrap();
        let claim = domain::whatsapp::claim(
            &mut tx,
            clock.as_ref(),
            &fast_policy(),
            id,
            "dead",
            Some("6289900000001"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(matches!(claim, domain::whatsapp::Claim::Send(_)));
        let _ = s
            .link
            .send(to, "Pesan uji", &domain::whatsapp::message_id_for(id))
            .await;
    }
    assert!(
        eventually(Duration::from_secs(5), || async {
            facts(&db, a).await.1.is_some()
        })
        .await,
        "the ack of a is on its row"
    );
    assert_eq!(s.conn.sent().len(), 2);

    // Another worker takes both over once the dead claim expires.
    clock.advance(chrono::Duration::minutes(10));
    let send = tests::worker_services::pipeline(
        &db.pool,
        clock.clone(),
        s.messenger.clone(),
        fast_policy(),
    );
    assert_eq!(
        send.step(a, "second").await.unwrap(),
        Outcome::Skipped(domain::whatsapp::Skip::AlreadySent)
    );
    assert_eq!(status_of(&db.pool, a).await.0, "SENT");
    let _ = send.step(b, "second").await.unwrap();
    let sent = s.conn.sent();
    assert_eq!(sent.len(), 3, "only b went out again: {sent:?}");
    assert_eq!(sent[2].2, sent[1].2, "with the same message id");
    assert_eq!(sent[2].0, "6281211110005");
}
