//! The worker's integration tests, against a real PostgreSQL (`DATABASE_URL`), each on a fresh
//! database: real worker processes for pick-up, sharing, SIGTERM and kill -9; the send pipeline
//! and the invoice run driven directly on a set clock for the limiter, retries and catch-up.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test, helpers included (clippy's \
              allow-unwrap-in-tests only covers the `#[test]` functions themselves)"
)]

mod invoice_run;
mod notifications;
mod ops;
mod processes;
mod sending;
mod support;
mod wa_events;
mod wa_guard;
mod wa_holder;
mod wa_link;
mod wa_sending;
mod wa_server;
mod wa_store;
mod wa_takeover;
