//! `/stock` for a stokis: every product on hand with its reorder level, what open mitra orders
//! claim and what purchase orders will bring; searchable, by category, low-only, paged.

use domain::Role;
use domain::catalogue;
use domain::read::stock_view::{self, StockFilter};
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
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let filter = StockFilter {
        search: query::text(req, "q"),
        category: query::text(req, "category"),
        low_only: query::flag(req, "low"),
        page: query::page(req),
        per_page: PER_PAGE,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = stock_view::list(&mut conn, &user.actor, &filter).await?;
    let summary = stock_view::summary(&mut conn, &user.actor).await?;
    let categories = catalogue::categories(&mut conn).await?;
    drop(conn);
    let filters = Filters::new()
        .set("q", filter.search.as_deref())
        .set("category", filter.category.as_deref())
        .set("low", filter.low_only.then_some("1"));
    let mut ctx = Context::new();
    ctx.insert("rows", &rows);
    ctx.insert("summary", &summary);
    ctx.insert("categories", &categories);
    ctx.insert("q", &filter.search);
    ctx.insert("category", &filter.category);
    ctx.insert("low", &filter.low_only);
    ctx.insert(
        "pager",
        &Pager::new("/stock", &filters, filter.page, PER_PAGE, total),
    );
    outcome::render(req, depot, res, StatusCode::OK, "stokis/stock.html", ctx)
}
