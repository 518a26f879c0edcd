//! Payments against a real database: partial payments lower the balance, the last one marks
//! the invoice PAID, and nothing can be overpaid.

use chrono::NaiveDate;
use domain::FixedClock;
use domain::error::DomainError;
use domain::input::Line;
use domain::invoice::{self, InvoiceStatus, NewPayment, PaymentMethod};
use domain::purchase_order::{self as po, NewPurchaseOrder, PoAction};
use tests::TestDb;
use tests::fixtures::{World, count, history};

fn clock() -> FixedClock {
    FixedClock::at_jakarta(2026, 11, 28, 10, 0)
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// An invoice of Rp 480.000 for stokis A.
async fn invoice_for_a(db: &TestDb, w: &World) -> i64 {
    let mut tx = db.pool.begin().await.unwrap();
    let input = NewPurchaseOrder {
        items: vec![Line {
            product_id: w.ayam.0,
            qty: 10,
        }],
        ..Default::default()
    };
    let p = po::submit(&mut tx, &w.stokis_a_user, &clock(), input)
        .await
        .unwrap()
        .purchase_order;
    po::approve(&mut tx, &w.finance, &clock(), p.id, None)
        .await
        .unwrap();
    po::apply(&mut tx, &w.gudang, &clock(), p.id, PoAction::Ship, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query_scalar("SELECT id FROM invoices WHERE purchase_order_id = $1")
        .bind(p.id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

async fn pay(
    db: &TestDb,
    actor: &domain::Actor,
    id: i64,
    amount: i64,
    on: NaiveDate,
) -> Result<invoice::Invoice, DomainError> {
    let mut tx = db.pool.begin().await.unwrap();
    let input = NewPayment {
        amount,
        paid_on: on,
        method: PaymentMethod::Transfer,
        reference: "TRF-1".into(),
    };
    let inv = invoice::record_payment(&mut tx, actor, &clock(), id, input).await?;
    tx.commit().await.unwrap();
    Ok(inv)
}

#[tokio::test]
async fn partial_payments_lower_the_balance_and_the_last_one_settles() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let id = invoice_for_a(&db, &w).await;

    let after_first = pay(&db, &w.finance, id, 200_000, day(28)).await.unwrap();
    assert_eq!(
        (after_first.paid, after_first.balance, after_first.status),
        (200_000, 280_000, InvoiceStatus::Unpaid)
    );
    let settled = pay(&db, &w.finance, id, 280_000, day(28)).await.unwrap();
    assert_eq!(
        (settled.paid, settled.balance, settled.status),
        (480_000, 0, InvoiceStatus::Paid)
    );
    assert!(settled.paid_at.is_some());
    let path: Vec<String> = history(&db.pool, "INVOICE", id)
        .await
        .into_iter()
        .map(|h| h.1)
        .collect();
    assert_eq!(path, ["UNPAID", "PAID"]);

    let again = pay(&db, &w.finance, id, 1, day(28)).await.unwrap_err();
    assert!(
        matches!(again, DomainError::InvalidTransition { .. }),
        "{again:?}"
    );
    assert_eq!(count(&db.pool, "payments").await, 2);
}

#[tokio::test]
async fn bad_payments_are_refused_and_write_nothing() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let id = invoice_for_a(&db, &w).await;

    let over = pay(&db, &w.finance, id, 480_001, day(28))
        .await
        .unwrap_err();
    assert!(
        matches!(&over, DomainError::Validation(f) if f["amount"].contains("Rp 480.000")),
        "{over:?}"
    );
    let zero = pay(&db, &w.finance, id, 0, day(28)).await.unwrap_err();
    assert!(matches!(zero, DomainError::Validation(_)));
    let future = pay(&db, &w.finance, id, 1_000, day(29)).await.unwrap_err();
    assert!(
        matches!(&future, DomainError::Validation(f) if f.contains_key("paid_on")),
        "{future:?}"
    );
    let by_stokis = pay(&db, &w.stokis_a_user, id, 1_000, day(28))
        .await
        .unwrap_err();
    assert!(matches!(by_stokis, DomainError::Forbidden(_)));
    let by_pusat = pay(&db, &w.pusat, id, 1_000, day(28)).await.unwrap_err();
    assert!(matches!(by_pusat, DomainError::Forbidden(_)));
    assert_eq!(count(&db.pool, "payments").await, 0);
    let paid: i64 = sqlx::query_scalar("SELECT paid FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 0);
}

#[tokio::test]
async fn invoices_are_visible_only_to_their_stokis_and_finance() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let id = invoice_for_a(&db, &w).await;
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(invoice::get(&mut conn, &w.stokis_a_user, id).await.is_ok());
    assert!(invoice::get(&mut conn, &w.finance, id).await.is_ok());
    for outsider in [&w.stokis_b_user, &w.mitra_a_user, &w.gudang] {
        let err = invoice::get(&mut conn, outsider, id).await.unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound { .. }),
            "{:?}",
            outsider.role
        );
    }
    let (_, seen_by_b) = invoice::list(
        &mut conn,
        &w.stokis_b_user,
        &invoice::InvoiceFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(seen_by_b, 0);
}
