//! The integration-test binary: every test runs against a real PostgreSQL (`DATABASE_URL`),
//! each on its own fresh database. One module per area.

mod domain_billing;
mod domain_orders;
mod domain_purchase_orders;
mod web_health;
mod web_portals;
