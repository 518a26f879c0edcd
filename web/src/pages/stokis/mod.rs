//! The stokis portal's logged-in pages (`stokis.<base>`): the dashboard, incoming mitra orders
//! (confirm, reject with a reason, ship against the stokis's stock), stock, purchase orders to
//! head office (new, list, detail, cancel, receive) and invoices with their payments.

mod dashboard;
mod invoices;
mod orders;
mod purchase_orders;
mod stock;

use salvo::Router;

/// The routes of this portal's pages, mounted behind the stokis host filter.
pub fn router() -> Router {
    Router::new()
        .push(Router::with_path("dashboard").get(dashboard::show))
        .push(
            Router::with_path("orders").get(orders::list).push(
                Router::with_path("{id}")
                    .get(orders::show)
                    .push(Router::with_path("confirm").post(orders::confirm))
                    .push(Router::with_path("reject").post(orders::reject))
                    .push(Router::with_path("ship").post(orders::ship)),
            ),
        )
        .push(Router::with_path("stock").get(stock::show))
        .push(
            Router::with_path("purchase-orders")
                .get(purchase_orders::list)
                .post(purchase_orders::create)
                .push(Router::with_path("new").get(purchase_orders::new_form))
                .push(
                    Router::with_path("{id}")
                        .get(purchase_orders::show)
                        .push(Router::with_path("receive").post(purchase_orders::receive))
                        .push(Router::with_path("cancel").post(purchase_orders::cancel))
                        .push(
                            Router::with_path("delivery-note")
                                .get(super::document::delivery_note_pdf),
                        ),
                ),
        )
        .push(
            Router::with_path("invoices")
                .get(invoices::list)
                .push(Router::with_path("{id}").get(invoices::show))
                .push(Router::with_path("{id:num}/pdf").get(super::document::invoice_pdf)),
        )
}
