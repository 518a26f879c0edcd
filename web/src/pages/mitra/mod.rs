//! The mitra portal's logged-in pages (`mitra.<base>`): the dashboard, the catalogue, placing
//! an order, and following orders to delivery (cancel while pending, confirm delivery).

mod catalogue;
mod dashboard;
mod orders;

use salvo::Router;

/// The routes of this portal's pages, mounted behind the mitra host filter.
pub fn router() -> Router {
    Router::new()
        .push(Router::with_path("dashboard").get(dashboard::show))
        .push(Router::with_path("catalogue").get(catalogue::show))
        .push(
            Router::with_path("orders")
                .get(orders::list)
                .post(orders::create)
                .push(Router::with_path("new").get(orders::new_form))
                .push(
                    Router::with_path("{id}")
                        .get(orders::show)
                        .push(Router::with_path("cancel").post(orders::cancel))
                        .push(Router::with_path("deliver").post(orders::deliver)),
                ),
        )
}
