//! Orders against a real database: placing, every transition, and the failures that must
//! leave nothing written.

use domain::FixedClock;
use domain::error::DomainError;
use domain::input::Line;
use domain::order::{self, NewOrder, OrderAction, OrderStatus};
use tests::TestDb;
use tests::fixtures::{World, count, history, jobs_in, stokis_stock};

fn clock() -> FixedClock {
    FixedClock::at_jakarta(2026, 11, 28, 10, 0)
}

fn lines(items: &[(i64, i64)]) -> Vec<Line> {
    items
        .iter()
        .map(|&(product_id, qty)| Line { product_id, qty })
        .collect()
}

async fn place(db: &TestDb, w: &World, items: &[(i64, i64)]) -> Result<order::Order, DomainError> {
    let mut tx = db.pool.begin().await.unwrap();
    let placed = order::place(
        &mut tx,
        &w.mitra_a_user,
        &clock(),
        NewOrder {
            items: lines(items),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.unwrap();
    Ok(placed.order)
}

async fn act(
    db: &TestDb,
    actor: &domain::Actor,
    id: i64,
    action: OrderAction,
    reason: Option<&str>,
) -> Result<order::Order, DomainError> {
    let mut tx = db.pool.begin().await.unwrap();
    let order = order::apply(&mut tx, actor, &clock(), id, action, reason).await?;
    tx.commit().await.unwrap();
    Ok(order)
}

#[tokio::test]
async fn placing_an_order_prices_it_from_the_database_and_queues_the_notification() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let order = place(&db, &w, &[(w.ayam.0, 3), (w.saus.0, 2)])
        .await
        .unwrap();

    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(order.total, 3 * 55_000 + 2 * 18_000);
    assert_eq!(
        order.stokis_id, w.stokis_a,
        "the order goes to the mitra's own stokis"
    );
    assert!(order.number.starts_with("ORD-261128-"), "{}", order.number);
    assert_eq!(order.items.len(), 2);
    assert_eq!(
        history(&db.pool, "ORDER", order.id).await,
        vec![(None, "PENDING".into())]
    );
    let jobs = jobs_in(&db.pool, jobs::queue::NOTIFICATIONS).await;
    assert_eq!(
        jobs,
        vec![serde_json::json!({"event": "order_created", "order_id": order.id})]
    );
    // stock is only taken when the stokis ships
    assert_eq!(stokis_stock(&db.pool, w.stokis_a, w.ayam.0).await, 100);
}

#[tokio::test]
async fn a_failed_order_writes_nothing() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;

    let short = place(&db, &w, &[(w.ayam.0, 1), (w.kentang.0, 101)])
        .await
        .unwrap_err();
    assert!(
        matches!(
            short,
            DomainError::InsufficientStock {
                available: 100,
                requested: 101,
                ..
            }
        ),
        "{short:?}"
    );
    let inactive = place(&db, &w, &[(w.inactive, 1)]).await.unwrap_err();
    assert!(
        matches!(&inactive, DomainError::Validation(f) if f.contains_key("items[0].product_id")),
        "{inactive:?}"
    );
    let unknown = place(&db, &w, &[(999_999, 1)]).await.unwrap_err();
    assert!(matches!(unknown, DomainError::Validation(_)), "{unknown:?}");
    let zero = place(&db, &w, &[(w.ayam.0, 0)]).await.unwrap_err();
    assert!(matches!(zero, DomainError::Validation(_)), "{zero:?}");

    let mut tx = db.pool.begin().await.unwrap();
    let by_stokis = order::place(
        &mut tx,
        &w.stokis_a_user,
        &clock(),
        NewOrder {
            items: lines(&[(w.ayam.0, 1)]),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(by_stokis, Err(DomainError::Forbidden(_))));
    drop(tx);

    for table in ["orders", "order_items", "status_history", "apalis.jobs"] {
        assert_eq!(count(&db.pool, table).await, 0, "{table} must stay empty");
    }
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_order() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let input = NewOrder {
        items: lines(&[(w.ayam.0, 1)]),
        note: "pagi".into(),
        idempotency_key: Some("k-1".into()),
    };
    let mut ids = Vec::new();
    for _ in 0..3 {
        let mut tx = db.pool.begin().await.unwrap();
        let placed = order::place(&mut tx, &w.mitra_a_user, &clock(), input.clone())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        ids.push((placed.order.id, placed.created));
    }
    assert!(ids[0].1, "the first call creates the order");
    assert!(ids.iter().all(|(id, _)| *id == ids[0].0));
    assert!(ids[1..].iter().all(|(_, created)| !created));
    assert_eq!(count(&db.pool, "orders").await, 1);
    assert_eq!(count(&db.pool, "apalis.jobs").await, 1);
}

#[tokio::test]
async fn the_whole_order_path_moves_stock_and_records_history() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let order = place(&db, &w, &[(w.ayam.0, 10), (w.kentang.0, 5)])
        .await
        .unwrap();

    act(&db, &w.stokis_a_user, order.id, OrderAction::Confirm, None)
        .await
        .unwrap();
    let shipped = act(&db, &w.stokis_a_user, order.id, OrderAction::Ship, None)
        .await
        .unwrap();
    assert_eq!(shipped.status, OrderStatus::Shipped);
    assert_eq!(stokis_stock(&db.pool, w.stokis_a, w.ayam.0).await, 90);
    assert_eq!(stokis_stock(&db.pool, w.stokis_a, w.kentang.0).await, 95);
    let moves: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT delta, balance_after, reason FROM stock_movements WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(order.id)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        moves,
        vec![
            (-10, 90, "ORDER_SHIPPED".into()),
            (-5, 95, "ORDER_SHIPPED".into())
        ]
    );

    let delivered = act(&db, &w.mitra_a_user, order.id, OrderAction::Deliver, None)
        .await
        .unwrap();
    assert_eq!(delivered.status, OrderStatus::Delivered);
    let path: Vec<String> = history(&db.pool, "ORDER", order.id)
        .await
        .into_iter()
        .map(|h| h.1)
        .collect();
    assert_eq!(path, ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED"]);
    let events: Vec<String> = jobs_in(&db.pool, jobs::queue::NOTIFICATIONS)
        .await
        .iter()
        .map(|j| j["event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["order_created", "order_shipped"]);
}

#[tokio::test]
async fn wrong_owner_wrong_role_and_wrong_state_change_nothing() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let order = place(&db, &w, &[(w.ayam.0, 1)]).await.unwrap();

    let other_stokis = act(&db, &w.stokis_b_user, order.id, OrderAction::Confirm, None)
        .await
        .unwrap_err();
    assert!(
        matches!(other_stokis, DomainError::NotFound { .. }),
        "{other_stokis:?}"
    );
    let other_mitra = act(&db, &w.mitra_b_user, order.id, OrderAction::Cancel, None)
        .await
        .unwrap_err();
    assert!(
        matches!(other_mitra, DomainError::NotFound { .. }),
        "{other_mitra:?}"
    );
    let mitra_confirms = act(&db, &w.mitra_a_user, order.id, OrderAction::Confirm, None)
        .await
        .unwrap_err();
    assert!(
        matches!(mitra_confirms, DomainError::Forbidden(_)),
        "{mitra_confirms:?}"
    );
    let finance_ships = act(&db, &w.finance, order.id, OrderAction::Ship, None)
        .await
        .unwrap_err();
    assert!(
        matches!(finance_ships, DomainError::Forbidden(_)),
        "{finance_ships:?}"
    );
    let ship_pending = act(&db, &w.stokis_a_user, order.id, OrderAction::Ship, None)
        .await
        .unwrap_err();
    assert!(
        matches!(ship_pending, DomainError::InvalidTransition { .. }),
        "{ship_pending:?}"
    );
    let reject_without_reason = act(
        &db,
        &w.stokis_a_user,
        order.id,
        OrderAction::Reject,
        Some("  "),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(reject_without_reason, DomainError::Validation(_)),
        "{reject_without_reason:?}"
    );
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        order::get(&mut conn, &w.mitra_a_user, order.id)
            .await
            .unwrap()
            .status,
        OrderStatus::Pending
    );
    assert!(matches!(
        order::get(&mut conn, &w.mitra_b_user, order.id).await,
        Err(DomainError::NotFound { .. })
    ));
    assert_eq!(history(&db.pool, "ORDER", order.id).await.len(), 1);

    let rejected = act(
        &db,
        &w.stokis_a_user,
        order.id,
        OrderAction::Reject,
        Some("stok habis"),
    )
    .await
    .unwrap();
    assert_eq!(rejected.status, OrderStatus::Rejected);
    assert_eq!(rejected.reject_reason.as_deref(), Some("stok habis"));
    let cancel_rejected = act(&db, &w.mitra_a_user, order.id, OrderAction::Cancel, None)
        .await
        .unwrap_err();
    assert!(matches!(
        cancel_rejected,
        DomainError::InvalidTransition { .. }
    ));
}

#[tokio::test]
async fn shipping_without_enough_stock_fails_and_leaves_the_order_confirmed() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    let first = place(&db, &w, &[(w.ayam.0, 80)]).await.unwrap();
    let second = place(&db, &w, &[(w.ayam.0, 80), (w.saus.0, 1)])
        .await
        .unwrap();
    for o in [&first, &second] {
        act(&db, &w.stokis_a_user, o.id, OrderAction::Confirm, None)
            .await
            .unwrap();
    }
    act(&db, &w.stokis_a_user, first.id, OrderAction::Ship, None)
        .await
        .unwrap();
    let err = act(&db, &w.stokis_a_user, second.id, OrderAction::Ship, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::InsufficientStock {
                available: 20,
                requested: 80,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(stokis_stock(&db.pool, w.stokis_a, w.ayam.0).await, 20);
    assert_eq!(
        stokis_stock(&db.pool, w.stokis_a, w.saus.0).await,
        100,
        "no partial shipment"
    );
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        order::get(&mut conn, &w.stokis_a_user, second.id)
            .await
            .unwrap()
            .status,
        OrderStatus::Confirmed
    );
}

#[tokio::test]
async fn lists_show_each_party_only_its_own_orders() {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    place(&db, &w, &[(w.ayam.0, 1)]).await.unwrap();
    place(&db, &w, &[(w.saus.0, 1)]).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    order::place(
        &mut tx,
        &w.mitra_b_user,
        &clock(),
        NewOrder {
            items: lines(&[(w.ayam.0, 1)]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut conn = db.pool.acquire().await.unwrap();
    let filter = order::OrderFilter {
        per_page: 20,
        ..Default::default()
    };
    let (_, a) = order::list(&mut conn, &w.mitra_a_user, &filter)
        .await
        .unwrap();
    let (_, b) = order::list(&mut conn, &w.stokis_b_user, &filter)
        .await
        .unwrap();
    let (all, total) = order::list(&mut conn, &w.pusat, &filter).await.unwrap();
    assert_eq!((a, b, total), (2, 1, 3));
    assert!(
        all.windows(2).all(|p| p[0].created_at >= p[1].created_at),
        "newest first"
    );
}
