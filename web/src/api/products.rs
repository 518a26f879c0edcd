//! `GET /api/v1/products`: the price list, each product at the price the caller's role pays —
//! a mitra the price to mitra, a stokis the price to stokis (and, for reselling, the price to
//! mitra), head-office staff the price to stokis (what head office sells at) and both prices.
//! Buyers see active products only; staff see discontinued ones too (`active: false`). The rule
//! is the domain's ([`PriceView::for_role`]), the same the catalogue pages follow.

use domain::Role;
use domain::catalogue::PriceView;
use domain::price_list::{self, PriceListFilter, PriceListItem};
use salvo::Writer as _;
use salvo::oapi::{Parameter, ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Router};
use serde::Serialize;

use super::caller::Caller;
use super::pagination::{Paging, list_of};
use super::query::{MAX_SEARCH_CHARS, Query, QueryParams, QueryReader, text_param};
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::with_path("products").get(list_products)
}

/// A product at the caller's price.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "Product"))]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    /// Rupiah per unit, the price the caller's role pays.
    pub price: i64,
    pub active: bool,
    /// Shown to stokis and head-office staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_to_mitra: Option<i64>,
    /// Shown to head-office staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_to_stokis: Option<i64>,
}

impl Product {
    fn for_role(p: PriceListItem, role: Role) -> Product {
        let view = PriceView::for_role(role);
        Product {
            id: p.id,
            sku: p.sku,
            name: p.name,
            category: p.category,
            unit: p.unit,
            price: view.price.of(p.price_to_mitra, p.price_to_stokis),
            active: p.active,
            price_to_mitra: view.shows_price_to_mitra.then_some(p.price_to_mitra),
            price_to_stokis: view.shows_price_to_stokis.then_some(p.price_to_stokis),
        }
    }
}

list_of!(
    #[salvo(schema(name = "ProductList"))]
    ProductList,
    Product
);

/// `GET /products` parameters.
#[derive(Debug, Default)]
pub struct ProductQuery {
    pub search: Option<String>,
    pub paging: Paging,
}

impl QueryParams for ProductQuery {
    fn read(q: &mut QueryReader<'_>) -> Self {
        ProductQuery {
            search: q.text("search", MAX_SEARCH_CHARS),
            paging: Paging::read(q),
        }
    }

    fn document() -> Vec<Parameter> {
        let mut params = vec![text_param(
            "search",
            "Part of the SKU or the name.",
            MAX_SEARCH_CHARS,
        )];
        params.extend(Paging::document());
        params
    }
}

/// The price list
///
/// In catalogue order (by name), not newest first: it is a price list, read like one.
#[endpoint(
    tags("products"),
    operation_id = "list_products",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_products(
    caller: Caller,
    query: Query<ProductQuery>,
    depot: &mut Depot,
) -> Result<Json<ProductList>, WebError> {
    let state = state::of(depot)?.clone();
    let q = query.0;
    let role = caller.actor.role;
    let filter = PriceListFilter {
        search: q.search,
        include_inactive: PriceView::for_role(role).lists_inactive,
        page: q.paging.page,
        per_page: q.paging.per_page,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = price_list::list(&mut conn, &filter).await?;
    let items = rows
        .into_iter()
        .map(|p| Product::for_role(p, role))
        .collect();
    Ok(Json(ProductList::new(items, q.paging, total)))
}
