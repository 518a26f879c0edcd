//! The product catalogue as a buyer sees it: active products at the price the buyer's role
//! pays (mitra: price to mitra; stokis: price to stokis), with the stock that matters to the
//! buyer (a mitra: what its stokis holds; a stokis: its own), filtered and paged, and in full
//! for the order and PO forms. Also the rule both the catalogue and the API's price list follow:
//! which prices a role is shown, and that buyers never see discontinued products
//! ([`PriceView::for_role`]).

use crate::listing::like_pattern;
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::actor::Actor;
use crate::error::DomainError;
use crate::role::Role;

/// One of a product's two prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Price {
    ToMitra,
    ToStokis,
}

impl Price {
    /// This price of a product, from its two prices.
    pub fn of(self, price_to_mitra: i64, price_to_stokis: i64) -> i64 {
        match self {
            Price::ToMitra => price_to_mitra,
            Price::ToStokis => price_to_stokis,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Price::ToMitra => "p.price_to_mitra",
            Price::ToStokis => "p.price_to_stokis",
        }
    }
}

/// Which of a product's prices a role is shown, and whether discontinued products are listed
/// for it: the one rule behind the catalogue pages and `GET /api/v1/products`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceView {
    /// The price the role pays; for head-office staff, what head office sells at.
    pub price: Price,
    /// Also shown the price to mitra: a stokis (it resells to its mitra) and head-office staff.
    pub shows_price_to_mitra: bool,
    /// Also shown the price to stokis: head-office staff.
    pub shows_price_to_stokis: bool,
    /// Discontinued products listed too: buyers never see them, head-office staff do.
    pub lists_inactive: bool,
}

impl PriceView {
    pub fn for_role(role: Role) -> PriceView {
        match role {
            Role::Mitra => PriceView {
                price: Price::ToMitra,
                shows_price_to_mitra: false,
                shows_price_to_stokis: false,
                lists_inactive: false,
            },
            Role::Stokis => PriceView {
                price: Price::ToStokis,
                shows_price_to_mitra: true,
                shows_price_to_stokis: false,
                lists_inactive: false,
            },
            Role::Pusat | Role::Finance | Role::Gudang => PriceView {
                price: Price::ToStokis,
                shows_price_to_mitra: true,
                shows_price_to_stokis: true,
                lists_inactive: true,
            },
        }
    }
}

/// The catalogue is a few hundred products; a form never needs more than this.
const FORM_LIMIT: i64 = 1000;

#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    /// Matches the name or SKU.
    pub search: Option<String>,
    pub category: Option<String>,
    /// Only products the stock location holds at least one of.
    pub in_stock: bool,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogueItem {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    /// What the buyer pays per unit.
    pub price: i64,
    /// Units on hand where the buyer's goods come from (0 when none).
    pub stock: i64,
    /// The stokis's reorder level (for a stokis buyer; 0 otherwise).
    pub min_qty: i64,
}

/// Whose prices and whose stock: resolved once from the actor.
struct Buyer {
    view: PriceView,
    /// The reorder level matters only to the stokis holding the stock.
    min_qty_column: &'static str,
    stock_stokis_id: i64,
}

async fn buyer(conn: &mut PgConnection, actor: &Actor) -> Result<Buyer, DomainError> {
    let view = PriceView::for_role(actor.role);
    match (actor.role, actor.mitra_id, actor.stokis_id) {
        (Role::Mitra, Some(mitra_id), _) => {
            let stokis_id: Option<i64> =
                sqlx::query_scalar("SELECT stokis_id FROM mitra WHERE id = $1")
                    .bind(mitra_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            Ok(Buyer {
                view,
                min_qty_column: "0",
                stock_stokis_id: stokis_id.ok_or(DomainError::NotFound { entity: "mitra" })?,
            })
        }
        (Role::Stokis, _, Some(stokis_id)) => Ok(Buyer {
            view,
            min_qty_column: "COALESCE(s.min_qty, 0)",
            stock_stokis_id: stokis_id,
        }),
        _ => Err(DomainError::Forbidden(
            "katalog ini untuk mitra dan stokis".into(),
        )),
    }
}

fn select(buyer: &Buyer) -> QueryBuilder<Postgres> {
    let mut qb = QueryBuilder::new(format!(
        "SELECT p.id, p.sku, p.name, p.category, p.unit, {} AS price,
                COALESCE(s.qty, 0)::bigint AS stock,
                {}::bigint AS min_qty
         FROM products p
         LEFT JOIN stokis_stock s ON s.product_id = p.id AND s.stokis_id = ",
        buyer.view.price.column(),
        buyer.min_qty_column
    ));
    qb.push_bind(buyer.stock_stokis_id);
    qb
}

fn scope(qb: &mut QueryBuilder<Postgres>, buyer: &Buyer, filter: &CatalogueFilter) {
    qb.push(if buyer.view.lists_inactive {
        " WHERE TRUE"
    } else {
        " WHERE p.active"
    });
    if let Some(pattern) = filter.search.as_deref().and_then(like_pattern) {
        qb.push(" AND (p.name ILIKE ").push_bind(pattern.clone());
        qb.push(" OR p.sku ILIKE ").push_bind(pattern).push(")");
    }
    if let Some(c) = filter
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        qb.push(" AND p.category = ").push_bind(c.to_owned());
    }
    if filter.in_stock {
        qb.push(" AND COALESCE(s.qty, 0) > 0");
    }
}

/// A page of the active catalogue for the actor (mitra or stokis), by category and name, and
/// the number of products matching the filter.
pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &CatalogueFilter,
) -> Result<(Vec<CatalogueItem>, i64), DomainError> {
    let buyer = buyer(conn, actor).await?;
    let per_page = i64::from(filter.per_page.clamp(1, 100));
    let page = i64::from(filter.page.max(1));

    let mut count = QueryBuilder::new(
        "SELECT count(*) FROM products p LEFT JOIN stokis_stock s ON s.product_id = p.id AND s.stokis_id = ",
    );
    count.push_bind(buyer.stock_stokis_id);
    scope(&mut count, &buyer, filter);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut qb = select(&buyer);
    scope(&mut qb, &buyer, filter);
    qb.push(" ORDER BY p.category, p.name, p.id LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page - 1) * per_page);
    let rows = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// Every active product for the actor, by category and name: the lines of the new-order (or
/// new-PO) form.
pub async fn for_form(
    conn: &mut PgConnection,
    actor: &Actor,
) -> Result<Vec<CatalogueItem>, DomainError> {
    let buyer = buyer(conn, actor).await?;
    let mut qb = select(&buyer);
    scope(&mut qb, &buyer, &CatalogueFilter::default());
    qb.push(" ORDER BY p.category, p.name, p.id LIMIT ")
        .push_bind(FORM_LIMIT);
    Ok(qb.build_query_as().fetch_all(&mut *conn).await?)
}

/// Who the actor buys from, as a page names it: a mitra's stokis, or head office for a stokis.
pub async fn supplier_name(conn: &mut PgConnection, actor: &Actor) -> Result<String, DomainError> {
    match (actor.role, actor.mitra_id) {
        (Role::Mitra, Some(mitra_id)) => sqlx::query_scalar(
            "SELECT s.name FROM mitra m JOIN stokis s ON s.id = m.stokis_id WHERE m.id = $1",
        )
        .bind(mitra_id)
        .fetch_optional(conn)
        .await?
        .ok_or(DomainError::NotFound { entity: "mitra" }),
        (Role::Stokis, _) => Ok("Pusat D'Fresto".to_owned()),
        _ => Err(DomainError::Forbidden(
            "katalog ini untuk mitra dan stokis".into(),
        )),
    }
}

/// The categories of active products, for the filter's choices.
pub async fn categories(conn: &mut PgConnection) -> Result<Vec<String>, DomainError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT category FROM products WHERE active AND category <> '' ORDER BY category",
    )
    .fetch_all(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_pays_its_price_and_buyers_never_see_discontinued_products() {
        let mitra = PriceView::for_role(Role::Mitra);
        assert_eq!(mitra.price, Price::ToMitra);
        assert!(!mitra.shows_price_to_mitra && !mitra.shows_price_to_stokis);
        let stokis = PriceView::for_role(Role::Stokis);
        assert_eq!(stokis.price, Price::ToStokis);
        assert!(stokis.shows_price_to_mitra && !stokis.shows_price_to_stokis);
        for buyer in [mitra, stokis] {
            assert!(!buyer.lists_inactive);
        }
        for staff in [Role::Pusat, Role::Finance, Role::Gudang] {
            let v = PriceView::for_role(staff);
            assert_eq!(v.price, Price::ToStokis, "{staff}");
            assert!(v.shows_price_to_mitra && v.shows_price_to_stokis && v.lists_inactive);
        }
    }

    #[test]
    fn price_picks_one_of_the_two() {
        assert_eq!(Price::ToMitra.of(12_000, 10_000), 12_000);
        assert_eq!(Price::ToStokis.of(12_000, 10_000), 10_000);
    }
}
