//! The process: batch consumers for the notifications queue (`notification_batch`, which
//! watches its queue a few times a second), one apalis consumer per other queue with its
//! concurrency, woken by PostgreSQL `LISTEN/NOTIFY` (so a job is picked up within milliseconds of
//! the commit that created it), the 09:00 WIB cron, the session tracker, the sweeper (stranded
//! messages, due report schedules, old report files), and graceful shutdown.
//!
//! Shutdown: when `shutdown` resolves (SIGTERM, Ctrl-C) consumers stop taking jobs, jobs
//! fetched but not started go back to their queue, and jobs in flight get the grace period to
//! finish. A job still running when the grace period ends is abandoned: its row stays locked by
//! this process until the other workers see its heartbeats stop and run it again.

mod cron;
mod queues;
mod restarts;
mod sweeper;

pub use cron::{DailyAt, Wib};

use crate::config::WorkerConfig;
use crate::handlers::Services;
use crate::messenger::Messenger;
use crate::send::SendPipeline;
use domain::SharedClock;
use queues::Consumers;
use restarts::Restarts;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How the process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every job in flight finished.
    Clean,
    /// The grace period ended with jobs still running; other workers will run them again.
    CutShort { in_flight: usize },
}

/// Runs the worker until `shutdown` resolves and the jobs in flight are done (or the grace
/// period is over).
pub async fn run(
    cfg: WorkerConfig,
    clock: SharedClock,
    messenger: Arc<dyn Messenger>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Exit> {
    let pool = connect(&cfg).await?;
    wait_for_schema(&pool).await?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let svc = services(&cfg, &pool, &clock, &messenger, &stop_rx);
    let session = tokio::spawn(crate::session::track(
        pool.clone(),
        clock.clone(),
        messenger.clone(),
        crate::session::Reporter {
            session_id: cfg.session_id.clone(),
            holder: cfg.instance.clone(),
            redirect_to: cfg.redirect_to.as_ref().map(|p| p.as_str().to_owned()),
        },
        stop_rx.clone(),
    ));
    let sweeper = tokio::spawn(sweeper::sweep(
        pool.clone(),
        clock.clone(),
        cfg.send.clone(),
        cfg.sweep_every,
        cfg.reports_keep_days,
        stop_rx.clone(),
    ));
    cron::catch_up(&pool, &clock, cfg.invoice_run_at).await?;

    let restarts = Arc::new(Restarts::default());
    let consumers = queues::start(&cfg, &pool, &svc, &restarts, &stop_rx);
    tracing::info!(
        instance = %cfg.instance,
        transport = messenger.name(),
        notifications = ?cfg.notifications,
        whatsapp = ?cfg.whatsapp,
        invoices = ?cfg.invoices,
        reports = ?cfg.reports,
        invoice_run_at = ?cfg.invoice_run_at,
        "worker started"
    );
    serve_until_stopped(
        consumers,
        shutdown,
        &restarts,
        stop_tx,
        cfg.shutdown_grace,
        (session, sweeper),
    )
    .await;
    finish(&pool, &svc, &restarts).await
}

async fn connect(cfg: &WorkerConfig) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(cfg.db_pool_size)
        // A round trip per transaction saved; a broken connection fails its statement and
        // the job is retried.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&cfg.database_url)
        .await?)
}

async fn wait_for_schema(pool: &PgPool) -> anyhow::Result<()> {
    for _ in 0..60 {
        match domain::schema::is_current(pool).await {
            Ok(true) => return Ok(()),
            Ok(false) => {
                tracing::info!("waiting for the database migrations (dfresto-web migrate)")
            }
            Err(e) => tracing::info!(error = %e, "waiting for the database schema"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    anyhow::bail!("the database is not migrated: run `dfresto-web migrate` first")
}

fn services(
    cfg: &WorkerConfig,
    pool: &PgPool,
    clock: &SharedClock,
    messenger: &Arc<dyn Messenger>,
    stop_rx: &watch::Receiver<bool>,
) -> Arc<Services> {
    Arc::new(Services {
        pool: pool.clone(),
        clock: clock.clone(),
        sends: SendPipeline {
            pool: pool.clone(),
            clock: clock.clone(),
            policy: cfg.send.clone(),
            messenger: messenger.clone(),
            timeout: cfg.send_timeout,
            guard: crate::send::Guard {
                redirect_to: cfg.redirect_to.clone(),
                refuse_demo_data: messenger.name() == "whatsapp",
            },
        },
        invoice_run: cfg.invoice_run.clone(),
        seller: cfg.seller.clone(),
        links: cfg.links.clone(),
        shutdown: stop_rx.clone(),
        in_flight: AtomicUsize::new(0),
    })
}

/// Runs the consumers until `shutdown` resolves (or a consumer keeps failing), then tells
/// everything to stop and gives the notification batches what is left of the grace period.
async fn serve_until_stopped(
    consumers: Consumers,
    shutdown: impl Future<Output = ()> + Send + 'static,
    restarts: &Arc<Restarts>,
    stop_tx: watch::Sender<bool>,
    grace: Duration,
    background: (JoinHandle<()>, JoinHandle<()>),
) {
    let Consumers {
        monitor,
        batches,
        apalis_consumers,
    } = consumers;
    let (session, sweeper) = background;
    let stopping = stop_tx.clone();
    let fatal = restarts.clone();
    let stopped_at = Arc::new(std::sync::OnceLock::new());
    let stop_mark = stopped_at.clone();
    let signal = async move {
        tokio::select! {
            () = shutdown => {}
            () = fatal.gave_up.notified() => {
                tracing::error!("a queue consumer keeps failing: stopping so the supervisor restarts the worker");
            }
        }
        tracing::info!(
            grace_secs = grace.as_secs(),
            "shutting down: no new jobs, finishing the ones in flight"
        );
        let _ = stop_mark.set(std::time::Instant::now());
        let _ = stopping.send(true);
        Ok(())
    };
    // A monitor without consumers returns at once: a process that only drains notifications
    // waits for the signal itself.
    let result = if apalis_consumers > 0 {
        monitor.run_with_signal(signal).await
    } else {
        signal
            .await
            .map_err(apalis_core::monitor::MonitorError::ShutdownSignal)
    };
    let _ = stop_tx.send(true);
    // Batches in hand get what is left of the grace period to commit.
    let left = stopped_at
        .get()
        .map_or(grace, |at| grace.saturating_sub(at.elapsed()));
    let batches_done = tokio::time::timeout(left, futures::future::join_all(batches)).await;
    if batches_done.is_err() {
        tracing::warn!("notification batches still running at the end of the grace period");
    }
    let _ = tokio::join!(session, sweeper);
    if let Err(e) = result {
        tracing::error!(error = %e, "worker stopped with an error");
    }
}

/// How the process ended, once everything has stopped.
async fn finish(pool: &PgPool, svc: &Services, restarts: &Restarts) -> anyhow::Result<Exit> {
    let in_flight = svc.in_flight.load(Ordering::SeqCst);
    if in_flight > 0 {
        tracing::warn!(
            in_flight,
            "grace period over with jobs still running; other workers will run them again"
        );
        return Ok(Exit::CutShort { in_flight });
    }
    pool.close().await;
    if restarts.failed.load(Ordering::SeqCst) {
        anyhow::bail!("a queue consumer failed repeatedly (see the errors above)");
    }
    tracing::info!("worker stopped");
    Ok(Exit::Clean)
}
