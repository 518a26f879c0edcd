//! The send limiter's ramp on a real database, through `limiter::reserve`: a number paired today
//! may send the ramp's first-day cap, twice that tomorrow, and so on up to the daily cap; a
//! sender no session was paired as (console, fake) gets the plain cap from the start; and the
//! admin page's budget shows the same cap.

use chrono::{Duration, NaiveDate};
use domain::whatsapp::limiter::{self, LimiterConfig, Slot, WaitReason};
use domain::whatsapp::session::{self, ConnectionStatus, SessionUpdate};
use domain::{Clock, FixedClock};
use tests::TestDb;

const SENDER: &str = "6281234567890";

/// How many sends `reserve` grants `sender` today before refusing with the daily cap, and when
/// it says to come back.
async fn granted_today(
    db: &TestDb,
    clock: &FixedClock,
    cfg: &LimiterConfig,
    sender: &str,
) -> (u32, chrono::DateTime<chrono::Utc>) {
    let mut n = 0;
    loop {
        let mut tx = db.pool.begin().await.unwrap();
        let slot = limiter::reserve(&mut tx, clock, cfg, sender).await.unwrap();
        tx.commit().await.unwrap();
        match slot {
            Slot::Granted => n += 1,
            Slot::Wait {
                until,
                reason: WaitReason::DailyCap,
            } => return (n, until),
            other => panic!("after {n} sends: {other:?}"),
        }
        assert!(n <= 100, "the cap never came");
    }
}

#[tokio::test]
async fn a_freshly_paired_number_ramps_up_to_the_daily_cap() {
    let db = TestDb::new().await;
    let cfg = LimiterConfig {
        daily_cap: 20,
        ramp_start: 3,
        min_gap: Duration::zero(),
        max_gap: Duration::zero(),
        quiet_hours: Some((
            chrono::NaiveTime::from_hms_opt(21, 0, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
        )),
    };
    // Paired at 20:30 WIB: that evening is day 0 of the ramp.
    let clock = FixedClock::at_jakarta(2026, 12, 7, 20, 30);
    let mut paired = SessionUpdate::new(ConnectionStatus::Connected);
    paired.phone = Some(SENDER.into());
    paired.paired_at = Some(clock.now());
    paired.transport = Some("whatsapp".into());
    let mut conn = db.pool.acquire().await.unwrap();
    session::record(&mut conn, &clock, "default", &paired)
        .await
        .unwrap();
    drop(conn);

    let (n, until) = granted_today(&db, &clock, &cfg, SENDER).await;
    assert_eq!(n, 3, "the pairing day");
    assert_eq!(until, FixedClock::at_jakarta(2026, 12, 8, 7, 0).now());
    let mut conn = db.pool.acquire().await.unwrap();
    let budget = limiter::budget(&mut conn, &clock, &cfg).await.unwrap();
    assert_eq!((budget.sent, budget.cap, budget.full_cap), (3, 3, 20));
    assert_eq!(budget.paired_on, NaiveDate::from_ymd_opt(2026, 12, 7));
    drop(conn);

    let mut caps = Vec::new();
    for day in 8..=11 {
        let clock = FixedClock::at_jakarta(2026, 12, day, 9, 0);
        caps.push(granted_today(&db, &clock, &cfg, SENDER).await.0);
    }
    assert_eq!(caps, [6, 12, 20, 20], "doubling, never above the cap");

    // A sender no session was paired as: the plain cap on its first day.
    let clock = FixedClock::at_jakarta(2026, 12, 7, 10, 0);
    assert_eq!(granted_today(&db, &clock, &cfg, "console").await.0, 20);
}

#[tokio::test]
async fn pairing_the_number_again_starts_the_ramp_again() {
    let db = TestDb::new().await;
    let cfg = LimiterConfig {
        daily_cap: 50,
        ramp_start: 4,
        min_gap: Duration::zero(),
        max_gap: Duration::zero(),
        quiet_hours: None,
    };
    let first = FixedClock::at_jakarta(2026, 12, 1, 9, 0);
    let mut paired = SessionUpdate::new(ConnectionStatus::Connected);
    paired.phone = Some(SENDER.into());
    paired.paired_at = Some(first.now());
    let mut conn = db.pool.acquire().await.unwrap();
    session::record(&mut conn, &first, "default", &paired)
        .await
        .unwrap();
    let later = FixedClock::at_jakarta(2026, 12, 3, 9, 0);
    assert_eq!(granted_today(&db, &later, &cfg, SENDER).await.0, 16);

    // Banned and linked again the next day: WhatsApp sees a fresh device, so start slow.
    let again = FixedClock::at_jakarta(2026, 12, 4, 9, 0);
    paired.paired_at = Some(again.now());
    session::record(&mut conn, &again, "default", &paired)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(granted_today(&db, &again, &cfg, SENDER).await.0, 4);
}
