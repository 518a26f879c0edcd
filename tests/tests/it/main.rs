//! The integration-test binary: every test runs against a real PostgreSQL (`DATABASE_URL`),
//! each on its own fresh database. One module per area.

// Test code: a failed unwrap is a failed test, helpers included (clippy's allow-unwrap-in-tests
// only covers the `#[test]` functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_authz;
mod api_flow;
mod api_input;
mod api_openapi;
mod api_support;
mod browser_flows;
mod domain_billing;
mod domain_orders;
mod domain_purchase_orders;
mod domain_whatsapp_link;
mod ops_api;
mod ops_pages;
mod ops_support;
mod pages_admin;
mod pages_mitra;
mod pages_stokis;
mod test_kit_drain;
mod web_auth;
mod web_health;
mod web_portals;
