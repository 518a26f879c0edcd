//! The daily invoice run on a set clock: overdue marking with system history, one reminder and
//! one overdue alert per stokis listing its invoices, finance alerts, nothing twice on a re-run,
//! and catching up after days of downtime.

use crate::support::{day, shipped_po, world};
use chrono::NaiveDate;
use domain::error::DomainError;
use domain::invoice_run::{self, RunConfig, RunSummary};
use domain::{Clock, FixedClock};
use sqlx::PgPool;
use tests::TestDb;
use tests::fixtures::history;

async fn run(db: &TestDb, date: NaiveDate) -> RunSummary {
    let clock = FixedClock::at(domain::clock::jakarta_at(date, 9, 0));
    invoice_run::run(&db.pool, &clock, &RunConfig::default(), date, None)
        .await
        .unwrap()
}

async fn set_due(pool: &PgPool, invoice: i64, due: NaiveDate) {
    sqlx::query("UPDATE invoices SET due_date = $2 WHERE id = $1")
        .bind(invoice)
        .bind(due)
        .execute(pool)
        .await
        .unwrap();
}

async fn number(pool: &PgPool, invoice: i64) -> String {
    sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// (event, recipient, stokis_id, message) of the run's messages, in order.
async fn messages(pool: &PgPool) -> Vec<(String, String, Option<i64>, String)> {
    sqlx::query_as(
        "SELECT event, recipient, stokis_id, message FROM whatsapp_logs
         WHERE event IN ('invoice_reminder', 'invoice_overdue') ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_run_marks_overdue_and_tells_each_stokis_once_and_catches_up_after_downtime() {
    let (db, w) = world().await;
    sqlx::query("UPDATE users SET phone = '6281300000001' WHERE id = $1")
        .bind(w.finance.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let issued = FixedClock::at_jakarta(2026, 11, 1, 10, 0);
    let (_, a1) = shipped_po(&db, &w, &w.stokis_a_user, 10, &issued).await;
    let (_, a2) = shipped_po(&db, &w, &w.stokis_a_user, 5, &issued).await;
    let (_, a3) = shipped_po(&db, &w, &w.stokis_a_user, 1, &issued).await;
    let (_, a4) = shipped_po(&db, &w, &w.stokis_a_user, 2, &issued).await;
    let (_, b1) = shipped_po(&db, &w, &w.stokis_b_user, 3, &issued).await;
    // The run day is 20 Nov: A1, A2, B1 are due in 7 days, A3 was due yesterday, A4 in 14 days.
    for inv in [a1, a2, b1] {
        set_due(&db.pool, inv, day(27)).await;
    }
    set_due(&db.pool, a3, day(19)).await;
    set_due(&db.pool, a4, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()).await;
    let (n1, n2, n3, n4, nb1) = (
        number(&db.pool, a1).await,
        number(&db.pool, a2).await,
        number(&db.pool, a3).await,
        number(&db.pool, a4).await,
        number(&db.pool, b1).await,
    );

    let first = run(&db, day(20)).await;
    assert!(!first.already_done);
    assert_eq!(
        (first.overdue_marked, first.reminders, first.overdue_alerts),
        (1, 2, 2)
    );
    assert_eq!(first.messages.pending.len(), 4);
    assert_eq!(
        history(&db.pool, "INVOICE", a3).await,
        vec![
            (None, "UNPAID".to_string()),
            (Some("UNPAID".to_string()), "OVERDUE".to_string())
        ]
    );
    let by_system: Option<i64> = sqlx::query_scalar(
        "SELECT actor_id FROM status_history WHERE entity = 'INVOICE' AND entity_id = $1 AND to_status = 'OVERDUE'",
    )
    .bind(a3)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(by_system, None, "marked by the system");

    let msgs = messages(&db.pool).await;
    assert_eq!(msgs.len(), 4);
    let reminder_a = &msgs
        .iter()
        .find(|m| m.0 == "invoice_reminder" && m.2 == Some(w.stokis_a))
        .unwrap()
        .3;
    assert!(
        reminder_a.starts_with(
            "⏰ Reminder pembayaran — Stokis Sumber Rejeki\n\n2 invoice akan jatuh tempo:"
        ),
        "{reminder_a}"
    );
    assert!(
        reminder_a.contains(&format!(
            "• {n1}: Rp 480.000, jatuh tempo 7 hari lagi (27 Nov 2026)"
        )),
        "{reminder_a}"
    );
    assert!(reminder_a.contains(&format!(
        "• {n2}: Rp 240.000, jatuh tempo 7 hari lagi (27 Nov 2026)"
    )));
    assert!(reminder_a.contains("Total: Rp 720.000"));
    assert!(!reminder_a.contains(&n4), "A4 is not due for two weeks");
    let reminder_b = &msgs
        .iter()
        .find(|m| m.0 == "invoice_reminder" && m.2 == Some(w.stokis_b))
        .unwrap()
        .3;
    assert!(
        reminder_b.contains(&format!(
            "Invoice {nb1} sebesar Rp 144.000 jatuh tempo 7 hari lagi (27 Nov 2026)."
        )),
        "{reminder_b}"
    );
    let overdue_a = &msgs
        .iter()
        .find(|m| m.0 == "invoice_overdue" && m.1 == "stokis")
        .unwrap()
        .3;
    assert!(
        overdue_a.contains(&format!(
            "• {n3}: sisa Rp 48.000, terlambat 1 hari (jatuh tempo 19 Nov 2026)"
        )),
        "{overdue_a}"
    );
    let finance = &msgs.iter().find(|m| m.1 == "finance").unwrap().3;
    assert!(
        finance
            .contains("• Stokis Sumber Rejeki (STK001): 1 invoice, sisa Rp 48.000, terlama 1 hari"),
        "{finance}"
    );

    // Twice the same day: nothing.
    let again = run(&db, day(20)).await;
    assert!(again.already_done);
    assert!(again.messages.pending.is_empty());
    // The next day: nothing new to tell.
    let next = run(&db, day(21)).await;
    assert_eq!(
        (next.overdue_marked, next.reminders, next.overdue_alerts),
        (0, 0, 0)
    );
    assert_eq!(messages(&db.pool).await.len(), 4);

    // Down from the 22nd; back on the 30th (the runs of eight days are missing).
    let late = run(&db, day(30)).await;
    assert_eq!(
        late.overdue_marked, 3,
        "A1, A2 and B1 passed their due date meanwhile"
    );
    assert_eq!((late.reminders, late.overdue_alerts), (1, 3));
    let msgs = messages(&db.pool).await;
    assert_eq!(msgs.len(), 8);
    let new = &msgs[4..];
    let reminder = &new.iter().find(|m| m.0 == "invoice_reminder").unwrap().3;
    assert!(
        reminder.contains(&format!(
            "Invoice {n4} sebesar Rp 96.000 jatuh tempo 4 hari lagi (4 Des 2026)."
        )),
        "{reminder}"
    );
    let overdue_a = &new
        .iter()
        .find(|m| m.0 == "invoice_overdue" && m.2 == Some(w.stokis_a))
        .unwrap()
        .3;
    for line in [
        format!("• {n3}: sisa Rp 48.000, terlambat 11 hari"),
        format!("• {n1}: sisa Rp 480.000, terlambat 3 hari"),
        format!("• {n2}: sisa Rp 240.000, terlambat 3 hari"),
    ] {
        assert!(
            overdue_a.contains(&line),
            "{overdue_a}\n--- missing\n{line}"
        );
    }
    assert!(overdue_a.contains("Total tunggakan: Rp 768.000"));
    assert_eq!(
        new.iter()
            .filter(|m| m.0 == "invoice_overdue" && m.2 == Some(w.stokis_b))
            .count(),
        1
    );
    assert_eq!(new.iter().filter(|m| m.1 == "finance").count(), 1);

    // A late job for a missed day, and the same day again: nothing more.
    let missed = invoice_run::run(
        &db.pool,
        &FixedClock::at(domain::clock::jakarta_at(day(30), 10, 0)),
        &RunConfig::default(),
        day(25),
        None,
    )
    .await
    .unwrap();
    assert!(!missed.already_done);
    assert_eq!(
        (
            missed.overdue_marked,
            missed.reminders,
            missed.overdue_alerts
        ),
        (0, 0, 0)
    );
    assert!(run(&db, day(30)).await.already_done);
    assert_eq!(messages(&db.pool).await.len(), 8);
    let done: Vec<NaiveDate> = sqlx::query_scalar(
        "SELECT run_date FROM invoice_runs WHERE status = 'DONE' ORDER BY run_date",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(done, vec![day(20), day(21), day(25), day(30)]);
}

#[tokio::test]
async fn paid_invoices_get_no_reminder_and_an_invoice_issued_inside_the_window_none_either() {
    let (db, w) = world().await;
    let issued = FixedClock::at_jakarta(2026, 11, 1, 10, 0);
    let (_, paid) = shipped_po(&db, &w, &w.stokis_a_user, 1, &issued).await;
    set_due(&db.pool, paid, day(27)).await;
    sqlx::query("UPDATE invoices SET paid = total, status = 'PAID', paid_at = now() WHERE id = $1")
        .bind(paid)
        .execute(&db.pool)
        .await
        .unwrap();
    // Issued on the 20th with 5 days to pay: its own message told the due date.
    let short = FixedClock::at_jakarta(2026, 11, 20, 8, 0);
    let (_, fresh) = shipped_po(&db, &w, &w.stokis_b_user, 1, &short).await;
    set_due(&db.pool, fresh, day(25)).await;

    let summary = run(&db, day(20)).await;
    assert_eq!(
        (
            summary.overdue_marked,
            summary.reminders,
            summary.overdue_alerts
        ),
        (0, 0, 0)
    );
}

#[tokio::test]
async fn only_finance_can_ask_for_a_run_and_not_for_a_future_day() {
    let (db, w) = world().await;
    let clock = FixedClock::at_jakarta(2026, 11, 28, 14, 0);
    let mut tx = db.pool.begin().await.unwrap();
    let refused = invoice_run::request(&mut tx, &w.gudang, &clock, None).await;
    assert!(
        matches!(refused, Err(DomainError::Forbidden(_))),
        "{refused:?}"
    );
    let future = invoice_run::request(&mut tx, &w.finance, &clock, Some(day(29))).await;
    assert!(
        matches!(future, Err(DomainError::Validation(_))),
        "{future:?}"
    );
    let date = invoice_run::request(&mut tx, &w.finance, &clock, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(date, clock.today());
    let queued = tests::fixtures::jobs_in(&db.pool, "invoices").await;
    assert_eq!(
        queued,
        vec![serde_json::json!({"date": "2026-11-28", "triggered_by": w.finance.user_id})]
    );
    // The schedule does not add a second job for the same day.
    let mut tx = db.pool.begin().await.unwrap();
    assert_eq!(
        invoice_run::schedule_today(&mut tx, &clock).await.unwrap(),
        None
    );
    tx.commit().await.unwrap();
    assert_eq!(
        tests::fixtures::jobs_in(&db.pool, "invoices").await.len(),
        1
    );
}

#[tokio::test]
async fn a_long_list_shows_the_oldest_twenty_and_counts_the_rest() {
    let (db, w) = world().await;
    let issued = FixedClock::at_jakarta(2026, 10, 1, 10, 0);
    let mut invoices = Vec::new();
    for i in 0..23 {
        let (_, inv) = shipped_po(&db, &w, &w.stokis_a_user, 1, &issued).await;
        // due 19 Nov back to 28 Oct: 1 to 23 days late on the 20th
        set_due(&db.pool, inv, day(19) - chrono::Duration::days(i)).await;
        invoices.push(inv);
    }
    let summary = run(&db, day(20)).await;
    assert_eq!((summary.overdue_marked, summary.overdue_alerts), (23, 1));
    let msgs = messages(&db.pool).await;
    let alert = &msgs.iter().find(|m| m.0 == "invoice_overdue").unwrap().3;
    assert_eq!(alert.matches("• ").count(), 20, "{alert}");
    let oldest = number(&db.pool, invoices[22]).await;
    let newest = number(&db.pool, invoices[0]).await;
    assert!(
        alert.contains(&format!("• {oldest}: sisa Rp 48.000, terlambat 23 hari")),
        "the oldest first: {alert}"
    );
    assert!(
        !alert.contains(&newest),
        "the three newest are counted, not listed"
    );
    assert!(alert.contains("… dan 3 invoice lain\n"), "{alert}");
    assert!(
        alert.contains("Total tunggakan: Rp 1.104.000"),
        "the total covers all 23: {alert}"
    );
}
