//! Purchase orders against a real database: credit control with recorded overrides, shipping
//! that issues the invoice, receipt into stokis stock, and refusals that change nothing.

use chrono::NaiveDate;
use domain::error::DomainError;
use domain::input::Line;
use domain::purchase_order::{self as po, NewPurchaseOrder, PoAction, PoStatus};
use domain::{Actor, FixedClock};
use tests::TestDb;
use tests::fixtures::{World, count, history, jobs_in, stokis_stock, warehouse_stock};

fn clock() -> FixedClock {
    FixedClock::at_jakarta(2026, 11, 28, 10, 0)
}

async fn submit(db: &TestDb, actor: &Actor, items: &[(i64, i64)]) -> po::PurchaseOrder {
    let mut tx = db.pool.begin().await.unwrap();
    let input = NewPurchaseOrder {
        items: items
            .iter()
            .map(|&(product_id, qty)| Line { product_id, qty })
            .collect(),
        ..Default::default()
    };
    let s = po::submit(&mut tx, actor, &clock(), input).await.unwrap();
    tx.commit().await.unwrap();
    s.purchase_order
}

async fn act(
    db: &TestDb,
    actor: &Actor,
    id: i64,
    action: PoAction,
    reason: Option<&str>,
) -> Result<po::PurchaseOrder, DomainError> {
    act_at(db, actor, id, action, reason, &clock()).await
}

async fn act_at(
    db: &TestDb,
    actor: &Actor,
    id: i64,
    action: PoAction,
    reason: Option<&str>,
    clock: &FixedClock,
) -> Result<po::PurchaseOrder, DomainError> {
    let mut tx = db.pool.begin().await.unwrap();
    let po = po::apply(&mut tx, actor, clock, id, action, reason).await?;
    tx.commit().await.unwrap();
    Ok(po)
}

#[tokio::test]
async fn submit_approve_ship_receive_issues_the_invoice_and_moves_stock() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let p = submit(&db, &w.stokis_a_user, &[(w.ayam.0, 20), (w.saus.0, 10)]).await;
    assert_eq!(p.status, PoStatus::Submitted);
    assert_eq!(
        p.total,
        20 * 48_000 + 10 * 15_000,
        "priced at the stokis price"
    );
    assert!(p.number.starts_with("PO-261128-"));

    act(&db, &w.finance, p.id, PoAction::Approve, None)
        .await
        .unwrap();
    let shipped = act(&db, &w.gudang, p.id, PoAction::Ship, None)
        .await
        .unwrap();
    assert_eq!(shipped.status, PoStatus::Shipped);
    assert_eq!(warehouse_stock(&db.pool, w.ayam.0).await, 980);
    assert_eq!(warehouse_stock(&db.pool, w.saus.0).await, 990);

    let (number, issue, due, total, status): (String, NaiveDate, NaiveDate, i64, String) = sqlx::query_as(
        "SELECT number, issue_date, due_date, total, status FROM invoices WHERE purchase_order_id = $1",
    )
    .bind(p.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(number, "INV/2026/11/0001");
    assert_eq!(issue, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    assert_eq!(
        due,
        NaiveDate::from_ymd_opt(2026, 12, 12).unwrap(),
        "ship date + 14 days of terms"
    );
    assert_eq!((total, status.as_str()), (p.total, "UNPAID"));

    assert_eq!(
        stokis_stock(&db.pool, w.stokis_a, w.ayam.0).await,
        100,
        "not in stokis stock until received"
    );
    act(&db, &w.stokis_a_user, p.id, PoAction::Receive, None)
        .await
        .unwrap();
    assert_eq!(stokis_stock(&db.pool, w.stokis_a, w.ayam.0).await, 120);
    assert_eq!(stokis_stock(&db.pool, w.stokis_a, w.saus.0).await, 110);

    let path: Vec<String> = history(&db.pool, "PURCHASE_ORDER", p.id)
        .await
        .into_iter()
        .map(|h| h.1)
        .collect();
    assert_eq!(path, ["SUBMITTED", "APPROVED", "SHIPPED", "RECEIVED"]);
    let mut events: Vec<String> = jobs_in(&db.pool, jobs::queue::NOTIFICATIONS)
        .await
        .iter()
        .map(|j| j["event"].as_str().unwrap().to_owned())
        .collect();
    events.sort(); // one batch: the queue does not order jobs inserted together
    assert_eq!(
        events,
        [
            "invoice_created",
            "purchase_order_approved",
            "purchase_order_shipped"
        ]
    );
}

#[tokio::test]
async fn approval_over_the_credit_limit_needs_a_recorded_override() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    // limit Rp 10.000.000; 200 × 48.000 = 9.600.000 fits, a second one does not
    let first = submit(&db, &w.stokis_a_user, &[(w.ayam.0, 200)]).await;
    let second = submit(&db, &w.stokis_a_user, &[(w.ayam.0, 20)]).await;
    act(&db, &w.finance, first.id, PoAction::Approve, None)
        .await
        .unwrap();

    let blocked = act(&db, &w.finance, second.id, PoAction::Approve, None)
        .await
        .unwrap_err();
    match &blocked {
        DomainError::CreditBlocked(why) => assert!(why.contains("limit"), "{why}"),
        other => panic!("expected credit block, got {other:?}"),
    }
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        po::get(&mut conn, &w.finance, second.id)
            .await
            .unwrap()
            .status,
        PoStatus::Submitted
    );
    assert_eq!(
        history(&db.pool, "PURCHASE_ORDER", second.id).await.len(),
        1
    );

    let approved = act(
        &db,
        &w.finance,
        second.id,
        PoAction::Approve,
        Some("pelanggan lama, janji bayar Jumat"),
    )
    .await
    .unwrap();
    assert_eq!(approved.status, PoStatus::Approved);
    assert_eq!(
        approved.credit_override_reason.as_deref(),
        Some("pelanggan lama, janji bayar Jumat")
    );
    let note: Option<String> = sqlx::query_scalar(
        "SELECT note FROM status_history WHERE entity = 'PURCHASE_ORDER' AND entity_id = $1 AND to_status = 'APPROVED'",
    )
    .bind(second.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(note.unwrap().contains("pelanggan lama"));
}

#[tokio::test]
async fn an_invoice_more_than_30_days_late_blocks_approval() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let old = submit(&db, &w.stokis_a_user, &[(w.saus.0, 1)]).await;
    act(&db, &w.finance, old.id, PoAction::Approve, None)
        .await
        .unwrap();
    act(&db, &w.gudang, old.id, PoAction::Ship, None)
        .await
        .unwrap(); // due 12 Dec 2026
    let next = submit(&db, &w.stokis_a_user, &[(w.saus.0, 1)]).await;

    let on_time = FixedClock::at_jakarta(2027, 1, 11, 9, 0); // 30 days late: still allowed
    let late = FixedClock::at_jakarta(2027, 1, 12, 9, 0); // 31 days late
    let err = act_at(&db, &w.finance, next.id, PoAction::Approve, None, &late)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::CreditBlocked(why) if why.contains("31 hari")),
        "{err:?}"
    );
    act_at(&db, &w.finance, next.id, PoAction::Approve, None, &on_time)
        .await
        .unwrap();
}

#[tokio::test]
async fn refusals_by_owner_role_and_state_change_nothing() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let p = submit(&db, &w.stokis_a_user, &[(w.ayam.0, 1)]).await;

    type Expect = fn(&DomainError) -> bool;
    let cases: Vec<(&Actor, PoAction, Expect)> = vec![
        (&w.stokis_b_user, PoAction::Cancel, |e| {
            matches!(e, DomainError::NotFound { .. })
        }),
        (&w.mitra_a_user, PoAction::Cancel, |e| {
            matches!(e, DomainError::NotFound { .. })
        }),
        (&w.stokis_a_user, PoAction::Approve, |e| {
            matches!(e, DomainError::Forbidden(_))
        }),
        (&w.gudang, PoAction::Approve, |e| {
            matches!(e, DomainError::Forbidden(_))
        }),
        (&w.pusat, PoAction::Ship, |e| {
            matches!(e, DomainError::Forbidden(_))
        }),
        (&w.gudang, PoAction::Ship, |e| {
            matches!(e, DomainError::InvalidTransition { .. })
        }),
        (&w.stokis_a_user, PoAction::Receive, |e| {
            matches!(e, DomainError::InvalidTransition { .. })
        }),
        (&w.finance, PoAction::Reject, |e| {
            matches!(e, DomainError::Validation(_))
        }),
    ];
    for (actor, action, expected) in cases {
        let err = act(&db, actor, p.id, action, None).await.unwrap_err();
        assert!(expected(&err), "{:?} {action}: {err:?}", actor.role);
    }
    assert_eq!(history(&db.pool, "PURCHASE_ORDER", p.id).await.len(), 1);
    assert_eq!(count(&db.pool, "apalis.jobs").await, 0);

    let rejected = act(
        &db,
        &w.finance,
        p.id,
        PoAction::Reject,
        Some("harga berubah"),
    )
    .await
    .unwrap();
    assert_eq!(rejected.reject_reason.as_deref(), Some("harga berubah"));
    let cancel = act(&db, &w.stokis_a_user, p.id, PoAction::Cancel, None)
        .await
        .unwrap_err();
    assert!(matches!(cancel, DomainError::InvalidTransition { .. }));
}

#[tokio::test]
async fn shipping_without_warehouse_stock_issues_no_invoice_and_keeps_numbers_gapless() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let big = submit(&db, &w.stokis_a_user, &[(w.saus.0, 1_001)]).await;
    let small = submit(&db, &w.stokis_a_user, &[(w.saus.0, 1)]).await;
    act(&db, &w.finance, small.id, PoAction::Approve, None)
        .await
        .unwrap();
    act(
        &db,
        &w.finance,
        big.id,
        PoAction::Approve,
        Some("stok untuk promo"),
    )
    .await
    .unwrap();

    let err = act(&db, &w.gudang, big.id, PoAction::Ship, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::InsufficientStock {
                available: 1_000,
                requested: 1_001,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&db.pool, "invoices").await, 0);
    assert_eq!(warehouse_stock(&db.pool, w.saus.0).await, 1_000);

    act(&db, &w.gudang, small.id, PoAction::Ship, None)
        .await
        .unwrap();
    let number: String = sqlx::query_scalar("SELECT number FROM invoices")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        number, "INV/2026/11/0001",
        "the failed shipment used no number"
    );
}
