//! The worker's services as tests build them: the send pipeline on the test's clock and a fake
//! transport, with sends back to back and around the clock, and the `Services` every handler
//! takes. `TestApp::run_pending_jobs` and the worker crate's own tests use the same ones.

use domain::SharedClock;
use domain::invoice_run::RunConfig;
use domain::whatsapp::SendPolicy;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;
use tokio::sync::watch;
use worker::handlers::Services;
use worker::messenger::Messenger;
use worker::send::SendPipeline;

/// The default policy, but no gap between sends and no quiet hours: everything due goes now
/// (the daily cap still holds).
pub fn fast_policy() -> SendPolicy {
    let mut p = SendPolicy::default();
    p.limiter.min_gap = chrono::Duration::zero();
    p.limiter.max_gap = chrono::Duration::zero();
    p.limiter.quiet_hours = None;
    p
}

/// The send pipeline on `clock` through `messenger`.
pub fn pipeline(
    pool: &PgPool,
    clock: SharedClock,
    messenger: Arc<dyn Messenger>,
    policy: SendPolicy,
) -> SendPipeline {
    SendPipeline {
        pool: pool.clone(),
        clock,
        policy,
        messenger,
        timeout: Duration::from_secs(5),
        guard: worker::send::Guard::default(),
    }
}

/// What the handlers share; `shutdown` says whether the "process" is already stopping (then a
/// short wait between sends becomes a job for later instead of a sleep).
pub fn services(
    pool: &PgPool,
    clock: SharedClock,
    sends: SendPipeline,
    shutdown: watch::Receiver<bool>,
) -> Services {
    Services {
        pool: pool.clone(),
        clock,
        sends,
        invoice_run: RunConfig::default(),
        seller: crate::fixtures::seller(),
        links: domain::notify::Links::for_domain("dfresto.test"),
        shutdown,
        in_flight: AtomicUsize::new(0),
    }
}
