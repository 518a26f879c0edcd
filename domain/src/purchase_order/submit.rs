//! Submitting a purchase order: prices come from the database (price to stokis).

use super::PurchaseOrder;
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::history::{self, Entity};
use crate::input::{Line, check_lines_and_note};
use crate::numbering;
use crate::order::place::{PricedLine, PricedProduct, price_lines};
use crate::role::Role;
use sqlx::PgConnection;

#[derive(Debug, Clone, Default)]
pub struct NewPurchaseOrder {
    pub items: Vec<Line>,
    pub note: String,
    pub idempotency_key: Option<String>,
}

#[derive(Debug)]
pub struct Submitted {
    pub purchase_order: PurchaseOrder,
    pub created: bool,
}

/// Submits a PO for the actor's stokis, on the caller's transaction.
pub async fn submit(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: NewPurchaseOrder,
) -> Result<Submitted, DomainError> {
    let stokis_id = match (actor.role, actor.stokis_id) {
        (Role::Stokis, Some(id)) => id,
        _ => {
            return Err(DomainError::Forbidden(
                "hanya stokis yang bisa mengajukan PO".into(),
            ));
        }
    };
    let note = check_lines_and_note(&input.items, &input.note)?;
    let key = input
        .idempotency_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if let Some(key) = key {
        if key.len() > 200 {
            return Err(DomainError::field(
                "idempotency_key",
                "maksimal 200 karakter",
            ));
        }
        if let Some(po) = find_by_key(conn, actor.user_id, key).await? {
            return Ok(Submitted {
                purchase_order: po,
                created: false,
            });
        }
    }
    let active: Option<bool> = sqlx::query_scalar("SELECT active FROM stokis WHERE id = $1")
        .bind(stokis_id)
        .fetch_optional(&mut *conn)
        .await?;
    if active != Some(true) {
        return Err(DomainError::Forbidden("akun stokis ini tidak aktif".into()));
    }
    let ids: Vec<i64> = input.items.iter().map(|l| l.product_id).collect();
    let products: Vec<PricedProduct> = sqlx::query_as(
        "SELECT id, name, price_to_stokis AS price, active FROM products WHERE id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let (priced, total) = price_lines(&input.items, &products)?;

    let now = clock.now();
    let number = numbering::next_po_number(conn, clock.today()).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO purchase_orders (number, stokis_id, status, total, note, idempotency_key, created_by, created_at, updated_at)
         VALUES ($1, $2, 'SUBMITTED', $3, $4, $5, $6, $7, $7)
         ON CONFLICT (created_by, idempotency_key) DO NOTHING
         RETURNING id",
    )
    .bind(&number)
    .bind(stokis_id)
    .bind(total)
    .bind(&note)
    .bind(key)
    .bind(actor.user_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        let po = find_by_key(conn, actor.user_id, key.unwrap_or_default())
            .await?
            .ok_or_else(|| DomainError::Conflict("PO dengan kunci ini sedang diproses".into()))?;
        return Ok(Submitted {
            purchase_order: po,
            created: false,
        });
    };
    let (products_col, qty_col, price_col, subtotal_col) = PricedLine::columns(&priced);
    sqlx::query(
        "INSERT INTO purchase_order_items (purchase_order_id, product_id, qty, unit_price, subtotal)
         SELECT $1, * FROM UNNEST($2::bigint[], $3::int[], $4::bigint[], $5::bigint[])",
    )
    .bind(id)
    .bind(products_col)
    .bind(qty_col)
    .bind(price_col)
    .bind(subtotal_col)
    .execute(&mut *conn)
    .await?;
    history::record(
        conn,
        Entity::PurchaseOrder,
        id,
        None,
        "SUBMITTED",
        Some(actor.user_id),
        None,
        now,
    )
    .await?;
    let po = super::query::load(conn, id).await?;
    Ok(Submitted {
        purchase_order: po,
        created: true,
    })
}

async fn find_by_key(
    conn: &mut PgConnection,
    user_id: i64,
    key: &str,
) -> Result<Option<PurchaseOrder>, DomainError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM purchase_orders WHERE created_by = $1 AND idempotency_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => Ok(Some(super::query::load(conn, id).await?)),
        None => Ok(None),
    }
}
