//! Orders and purchase orders made through the domain, as their users would make them (the
//! scene a page test starts from), and their state read back.

use domain::Actor;
use domain::input::Line;
use domain::order::{self, NewOrder, Order, OrderAction};
use domain::purchase_order::{self, NewPurchaseOrder, PoAction, PurchaseOrder};

use crate::TestApp;
use crate::fixtures::World;

fn lines(items: &[(i64, i64)]) -> Vec<Line> {
    items
        .iter()
        .map(|&(product_id, qty)| Line { product_id, qty })
        .collect()
}

/// Places an order as `who` (a mitra user) with the (product id, qty) `items`, on `clock`,
/// committed: for tests with a database but no app (the worker's).
pub async fn place_order_in(
    pool: &sqlx::PgPool,
    clock: &dyn domain::Clock,
    who: &Actor,
    items: &[(i64, i64)],
    note: &str,
) -> Order {
    let mut tx = pool.begin().await.expect("begin");
    let placed = order::place(
        &mut tx,
        who,
        clock,
        NewOrder {
            items: lines(items),
            note: note.to_owned(),
            idempotency_key: None,
        },
    )
    .await
    .expect("place the order");
    tx.commit().await.expect("commit");
    placed.order
}

impl TestApp {
    /// Places an order as `who` (a mitra user) with the (product id, qty) `items`.
    pub async fn place_order(&self, who: &Actor, items: &[(i64, i64)], note: &str) -> Order {
        place_order_in(&self.db.pool, &*self.clock, who, items, note).await
    }

    /// Moves order `id` on by `action`, as `who`.
    pub async fn apply_order(&self, who: &Actor, id: i64, action: OrderAction) {
        let mut tx = self.db.pool.begin().await.expect("begin");
        order::apply(&mut tx, who, &*self.clock, id, action, None)
            .await
            .expect("apply the order action");
        tx.commit().await.expect("commit");
    }

    /// Submits a PO as `who` (a stokis user) with the (product id, qty) `items`.
    pub async fn submit_po(&self, who: &Actor, items: &[(i64, i64)]) -> PurchaseOrder {
        let mut tx = self.db.pool.begin().await.expect("begin");
        let done = purchase_order::submit(
            &mut tx,
            who,
            &*self.clock,
            NewPurchaseOrder {
                items: lines(items),
                note: String::new(),
                idempotency_key: None,
            },
        )
        .await
        .expect("submit the PO");
        tx.commit().await.expect("commit");
        done.purchase_order
    }

    /// Moves PO `id` on by `action`, as `who`.
    pub async fn apply_po(&self, who: &Actor, id: i64, action: PoAction) {
        let mut tx = self.db.pool.begin().await.expect("begin");
        purchase_order::apply(&mut tx, who, &*self.clock, id, action, None)
            .await
            .expect("apply the PO action");
        tx.commit().await.expect("commit");
    }

    /// A PO of stokis A approved by finance and shipped by gudang: its invoice is issued.
    pub async fn shipped_po(&self, w: &World, items: &[(i64, i64)]) -> PurchaseOrder {
        let po = self.submit_po(&w.stokis_a_user, items).await;
        self.apply_po(&w.finance, po.id, PoAction::Approve).await;
        self.apply_po(&w.gudang, po.id, PoAction::Ship).await;
        po
    }

    /// The status order `id` is in now.
    pub async fn order_status(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .expect("the order's status")
    }

    /// The status PO `id` is in now.
    pub async fn po_status(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT status FROM purchase_orders WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .expect("the PO's status")
    }

    /// (id, number) of the invoice issued for PO `po_id`.
    pub async fn invoice_of(&self, po_id: i64) -> (i64, String) {
        sqlx::query_as("SELECT id, number FROM invoices WHERE purchase_order_id = $1")
            .bind(po_id)
            .fetch_one(&self.db.pool)
            .await
            .expect("the PO's invoice")
    }
}
