//! Placing an order: prices and stock come from the database, never from the caller.

use super::Order;
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::history::{self, Entity};
use crate::input::{Line, check_lines_and_note};
use crate::numbering;
use crate::role::Role;
use sqlx::PgConnection;

#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    pub items: Vec<Line>,
    pub note: String,
    /// The same key from the same user returns the first order instead of a second one.
    pub idempotency_key: Option<String>,
}

#[derive(Debug)]
pub struct Placed {
    pub order: Order,
    /// False when the idempotency key matched an earlier order.
    pub created: bool,
}

/// A product as priced for a buyer, read for placing an order or a PO.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PricedProduct {
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub active: bool,
}

/// A line priced from the database.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PricedLine {
    pub product_id: i64,
    pub qty: i64,
    pub unit_price: i64,
    pub subtotal: i64,
}

impl PricedLine {
    /// Binds the lines as the four arrays of an `UNNEST` insert of items.
    pub fn columns(lines: &[PricedLine]) -> (Vec<i64>, Vec<i32>, Vec<i64>, Vec<i64>) {
        (
            lines.iter().map(|l| l.product_id).collect(),
            // validated against MAX_QTY, far below i32::MAX
            lines.iter().map(|l| l.qty as i32).collect(),
            lines.iter().map(|l| l.unit_price).collect(),
            lines.iter().map(|l| l.subtotal).collect(),
        )
    }
}

/// Prices each line from the database; unknown or inactive products are field errors.
/// Returns the priced lines and their total.
pub(crate) fn price_lines(
    lines: &[Line],
    products: &[PricedProduct],
) -> Result<(Vec<PricedLine>, i64), DomainError> {
    let mut errors = FieldErrors::new();
    let mut priced = Vec::with_capacity(lines.len());
    let mut total: i64 = 0;
    for (i, line) in lines.iter().enumerate() {
        match products.iter().find(|p| p.id == line.product_id) {
            None => {
                errors.insert(
                    format!("items[{i}].product_id"),
                    "produk tidak ditemukan".into(),
                );
            }
            Some(p) if !p.active => {
                errors.insert(
                    format!("items[{i}].product_id"),
                    format!("{} sudah tidak dijual", p.name),
                );
            }
            Some(p) => {
                let subtotal = p.price.checked_mul(line.qty).ok_or_else(|| {
                    DomainError::field(&format!("items[{i}].qty"), "jumlah terlalu besar")
                })?;
                total = total
                    .checked_add(subtotal)
                    .ok_or_else(|| DomainError::field("items", "total terlalu besar"))?;
                priced.push(PricedLine {
                    product_id: p.id,
                    qty: line.qty,
                    unit_price: p.price,
                    subtotal,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok((priced, total))
    } else {
        Err(DomainError::Validation(errors))
    }
}

/// Places an order for the actor's mitra with its stokis. Runs on the caller's transaction:
/// the order, its items, its history row and its notification job commit together.
pub async fn place(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: NewOrder,
) -> Result<Placed, DomainError> {
    let mitra_id = match (actor.role, actor.mitra_id) {
        (Role::Mitra, Some(id)) => id,
        _ => {
            return Err(DomainError::Forbidden(
                "hanya mitra yang bisa membuat order".into(),
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
        if let Some(order) = find_by_key(conn, actor.user_id, key).await? {
            return Ok(Placed {
                order,
                created: false,
            });
        }
    }

    let stokis_id: Option<i64> =
        sqlx::query_scalar("SELECT stokis_id FROM mitra WHERE id = $1 AND active")
            .bind(mitra_id)
            .fetch_optional(&mut *conn)
            .await?;
    let stokis_id =
        stokis_id.ok_or_else(|| DomainError::Forbidden("akun mitra ini tidak aktif".into()))?;

    let ids: Vec<i64> = input.items.iter().map(|l| l.product_id).collect();
    let products: Vec<PricedProduct> = sqlx::query_as(
        "SELECT id, name, price_to_mitra AS price, active FROM products WHERE id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let (priced, total) = price_lines(&input.items, &products)?;

    // The stokis must hold the stock now; it is taken when the stokis ships.
    let stock: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT product_id, qty FROM stokis_stock WHERE stokis_id = $1 AND product_id = ANY($2)",
    )
    .bind(stokis_id)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    for &PricedLine {
        product_id, qty, ..
    } in &priced
    {
        let available = stock
            .iter()
            .find(|s| s.0 == product_id)
            .map(|s| s.1)
            .unwrap_or(0);
        if available < qty {
            let product = products
                .iter()
                .find(|p| p.id == product_id)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            return Err(DomainError::InsufficientStock {
                product,
                available,
                requested: qty,
            });
        }
    }

    let now = clock.now();
    let number = numbering::next_order_number(conn, clock.today()).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO orders (number, mitra_id, stokis_id, status, total, note, idempotency_key, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8, $8)
         ON CONFLICT (created_by, idempotency_key) DO NOTHING
         RETURNING id",
    )
    .bind(&number)
    .bind(mitra_id)
    .bind(stokis_id)
    .bind(total)
    .bind(&note)
    .bind(key)
    .bind(actor.user_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        // A concurrent request with the same key committed first: answer with its order.
        let key = key.unwrap_or_default();
        let order = find_by_key(conn, actor.user_id, key)
            .await?
            .ok_or_else(|| {
                DomainError::Conflict("order dengan kunci ini sedang diproses".into())
            })?;
        return Ok(Placed {
            order,
            created: false,
        });
    };

    let (products_col, qty_col, price_col, subtotal_col) = PricedLine::columns(&priced);
    sqlx::query(
        "INSERT INTO order_items (order_id, product_id, qty, unit_price, subtotal)
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
        Entity::Order,
        id,
        None,
        "PENDING",
        Some(actor.user_id),
        None,
        now,
    )
    .await?;
    jobs::enqueue(conn, &[jobs::Notification::OrderCreated { order_id: id }]).await?;

    let order = super::query::load(conn, id).await?;
    Ok(Placed {
        order,
        created: true,
    })
}

async fn find_by_key(
    conn: &mut PgConnection,
    user_id: i64,
    key: &str,
) -> Result<Option<Order>, DomainError> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM orders WHERE created_by = $1 AND idempotency_key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    match id {
        Some(id) => Ok(Some(super::query::load(conn, id).await?)),
        None => Ok(None),
    }
}
