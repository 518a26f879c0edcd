//! `/catalogue` for a mitra: the active products at the mitra price, with what its stokis has
//! in stock; searchable, by category, paged; each product links to the order form.

use domain::Role;
use domain::catalogue::{self, CatalogueFilter};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use crate::error::WebError;
use crate::pages::pager::{Filters, PER_PAGE, Pager};
use crate::pages::{self, outcome, query};

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Mitra)?;
    let filter = CatalogueFilter {
        search: query::text(req, "q"),
        category: query::text(req, "category"),
        in_stock: query::flag(req, "in_stock"),
        page: query::page(req),
        per_page: PER_PAGE,
    };
    let mut conn = state.pool.acquire().await?;
    let (items, total) = catalogue::list(&mut conn, &user.actor, &filter).await?;
    let categories = catalogue::categories(&mut conn).await?;
    drop(conn);
    let filters = Filters::new()
        .set("q", filter.search.as_deref())
        .set("category", filter.category.as_deref())
        .set("in_stock", filter.in_stock.then_some("1"));
    let mut ctx = Context::new();
    ctx.insert("items", &items);
    ctx.insert("categories", &categories);
    ctx.insert("q", &filter.search);
    ctx.insert("category", &filter.category);
    ctx.insert("in_stock", &filter.in_stock);
    ctx.insert(
        "pager",
        &Pager::new("/catalogue", &filters, filter.page, PER_PAGE, total),
    );
    outcome::render(req, depot, res, StatusCode::OK, "mitra/catalogue.html", ctx)
}
