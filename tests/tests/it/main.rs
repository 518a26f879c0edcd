//! The integration-test binary: every test runs against a real PostgreSQL (`DATABASE_URL`),
//! each on its own fresh database. One module per area.

#![expect(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test, helpers included (clippy's \
              allow-unwrap-in-tests only covers the `#[test]` functions themselves)"
)]

mod accounts_password;
mod api_authz;
mod api_flow;
mod api_input;
mod api_openapi;
mod browser_flows;
mod domain_billing;
mod domain_orders;
mod domain_purchase_orders;
mod domain_whatsapp_link;
mod everyday_phone;
mod everyday_repeat;
mod hardening_api_contract;
mod hardening_headers;
mod hardening_input;
mod hardening_invoice_run;
mod hardening_login;
mod hardening_messages;
mod imports_bad_files;
mod imports_bank;
mod imports_files;
mod imports_master;
mod imports_page;
mod imports_templates;
mod ops_api;
mod ops_pages;
mod pages_admin_finance;
mod pages_admin_gudang;
mod pages_admin_pusat;
mod pages_admin_roles;
mod pages_mitra;
mod pages_stokis;
mod reports_api;
mod reports_contents;
mod reports_documents;
mod reports_page;
mod reports_schedules;
mod test_kit_drain;
mod web_auth_csrf;
mod web_auth_login;
mod web_auth_sessions;
mod web_auth_throttle;
mod web_health;
mod web_portals;
mod whatsapp_portal;
mod whatsapp_portal_browser;
mod whatsapp_portal_limiter;
