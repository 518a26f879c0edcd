//! Read models shaped for pages and API lists, no state changes.

pub mod aging;
pub mod approval_queue;
pub mod dashboard;
pub mod dashboard_admin;
pub mod invoice_search;
pub mod related;
pub mod stock_view;
