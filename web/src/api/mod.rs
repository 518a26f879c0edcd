//! The JSON API under `/api/v1`, the same on every portal (the portal's roles apply), and its
//! OpenAPI document at `/api/openapi.json`, generated from this router.
//!
//! Every endpoint takes the caller ([`caller::Caller`], 401 without a session or token) and
//! its input through extractors that check it at the edge ([`body::ApiJson`],
//! [`query::Query`], [`record_id::RecordId`], [`idempotency::IdempotencyKey`]): bad input is
//! answered with the error body of `crate::error` (422 with `fields`) before anything is read or
//! written. Writes run in one transaction with their history rows and jobs.

pub mod admin;
/// Login, logout and `me`: owned by the auth module's author.
pub mod auth;
pub mod body;
pub mod caller;
pub mod documents;
pub mod history;
pub mod idempotency;
pub mod imports;
pub mod invoices;
pub mod lines;
pub mod openapi;
pub mod orders;
pub mod pagination;
pub mod products;
pub mod purchase_orders;
pub mod query;
pub mod record_id;
pub mod reports;
pub mod whatsapp;

use salvo::Router;

/// `/api`: the versioned API and its document.
pub fn router() -> Router {
    let doc = openapi::OpenApiJson::new();
    let api = Router::with_path("api")
        .push(v1())
        .push(Router::with_path("openapi.json").get(doc.clone()));
    doc.publish(&api);
    api
}

/// `/api/v1`.
pub fn v1() -> Router {
    Router::with_path("v1")
        .push(auth::router())
        .push(products::router())
        .push(orders::router())
        .push(purchase_orders::router())
        .push(invoices::router())
        .push(admin::router())
        .push(whatsapp::router())
        .push(reports::router())
        .push(documents::router())
        .push(imports::router())
}
