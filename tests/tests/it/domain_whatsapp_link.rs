//! The admin page's WhatsApp commands against a real database: only pusat and finance leave
//! one, a bad pairing number is refused and writes nothing, and the holder takes a command once.

use domain::FixedClock;
use domain::error::DomainError;
use domain::whatsapp::session::{self, Command};
use tests::TestDb;
use tests::fixtures::World;

const SESSION: &str = "main";

async fn pending(db: &TestDb) -> Option<String> {
    sqlx::query_scalar("SELECT command FROM whatsapp_sessions WHERE session_id = $1")
        .bind(SESSION)
        .fetch_optional(&db.pool)
        .await
        .unwrap()
        .flatten()
}

#[tokio::test]
async fn a_pairing_code_request_is_normalised_and_taken_once() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 9, 0);
    let mut conn = db.pool.acquire().await.unwrap();

    let cmd = Command::PairCode {
        phone: "0812-3456-7890".into(),
    };
    session::request_command(&mut conn, &w.finance, &clock, SESSION, cmd)
        .await
        .unwrap();
    let taken = session::take_command(&mut conn, SESSION).await.unwrap();
    assert_eq!(
        taken,
        Some(Command::PairCode {
            phone: "6281234567890".into()
        })
    );
    assert_eq!(
        session::take_command(&mut conn, SESSION).await.unwrap(),
        None
    );

    // The last click wins: a newer request replaces one not taken yet.
    for cmd in [Command::PairQr, Command::Logout] {
        session::request_command(&mut conn, &w.pusat, &clock, SESSION, cmd)
            .await
            .unwrap();
    }
    assert_eq!(
        session::take_command(&mut conn, SESSION).await.unwrap(),
        Some(Command::Logout)
    );
}

#[tokio::test]
async fn bad_numbers_and_other_roles_are_refused_and_write_nothing() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let clock = FixedClock::at_jakarta(2026, 12, 7, 9, 0);
    let mut conn = db.pool.acquire().await.unwrap();

    let bad = Command::PairCode {
        phone: "12345".into(),
    };
    let err = session::request_command(&mut conn, &w.finance, &clock, SESSION, bad)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Validation(f) if f.contains_key("phone")),
        "{err:?}"
    );
    for actor in [&w.gudang, &w.stokis_a_user, &w.mitra_a_user] {
        let err = session::request_command(&mut conn, actor, &clock, SESSION, Command::Logout)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    }
    assert_eq!(pending(&db).await, None);
}
