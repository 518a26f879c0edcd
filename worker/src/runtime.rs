//! The process: batch consumers for the notifications queue (`notification_batch`, which
//! watches its queue a few times a second), one apalis consumer per other queue with its
//! concurrency, woken by PostgreSQL `LISTEN/NOTIFY` (so a job is picked up within milliseconds of
//! the commit that created it), the 09:00 WIB cron, the session tracker, the stranded-message
//! sweeper (which also requests due report schedules and deletes old report files), and graceful
//! shutdown.
//!
//! Shutdown: when `shutdown` resolves (SIGTERM, Ctrl-C) consumers stop taking jobs, jobs
//! fetched but not started go back to their queue, and jobs in flight get the grace period to
//! finish. A job still running when the grace period ends is abandoned: its row stays locked by
//! this process until the other workers see its heartbeats stop and run it again.

use crate::config::{QueueConfig, WorkerConfig};
use crate::handlers::{self, Services};
use crate::messenger::Messenger;
use crate::notification_batch;
use crate::send::SendPipeline;
use apalis::prelude::WorkerBuilderExt;
use apalis_core::backend::ext::poll_strategy::{PollWith, StreamStrategy};
use apalis_core::error::BoxDynError;
use apalis_core::monitor::Monitor;
use apalis_core::task::data::Data;
use apalis_core::worker::builder::WorkerBuilder;
use apalis_core::worker::event::Event;
use apalis_core::worker::ext::parallelize::ParallelizeExt;
use apalis_cron::{CronScheduler, Schedule, Tick};
use apalis_postgres::{Config, PostgresStorage, Pubsub};
use domain::SharedClock;
use domain::clock::{jakarta_at, jakarta_date};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// How the process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every job in flight finished.
    Clean,
    /// The grace period ended with jobs still running; other workers will run them again.
    CutShort { in_flight: usize },
}

type Storage<T> = PollWith<PostgresStorage<T>, StreamStrategy<Pubsub>>;

fn storage<T>(pool: &PgPool, queue: &str, q: QueueConfig, cfg: &WorkerConfig) -> Storage<T> {
    PostgresStorage::<T>::new(pool)
        .with_config(
            Config::default()
                .queue(queue)
                .batch_size(q.batch_size)
                .heartbeat_interval(cfg.heartbeat)
                .missed_heartbeats(cfg.missed_heartbeats),
        )
        .with_pubsub()
}

/// The daily schedule at `hour:minute` WIB, for apalis-cron. Its own type rather than a cron
/// expression because apalis-cron's schedule builder computes in UTC.
#[derive(Debug, Clone, Copy)]
pub struct DailyAt {
    pub hour: u32,
    pub minute: u32,
}

/// Marks ticks as WIB wall-clock times.
#[derive(Debug, Clone, Copy)]
pub struct Wib;

impl DailyAt {
    /// The first `hour:minute` WIB strictly after `now`.
    pub fn next_after(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        let today = jakarta_date(now);
        let at = jakarta_at(today, self.hour, self.minute);
        if at > now {
            at
        } else {
            jakarta_at(today + chrono::Duration::days(1), self.hour, self.minute)
        }
    }
}

impl Schedule<Wib> for DailyAt {
    fn next_tick(&mut self, _: &Wib) -> Option<Tick<Wib>> {
        let at = self.next_after(chrono::Utc::now());
        u64::try_from(at.timestamp()).ok().map(Tick::new)
    }
}

async fn cron_tick(_tick: Tick<Wib>, svc: Data<Arc<Services>>) -> Result<(), BoxDynError> {
    let mut tx = svc.pool.begin().await?;
    let enqueued = domain::invoice_run::schedule_today(&mut tx, svc.clock.as_ref()).await?;
    tx.commit().await?;
    match enqueued {
        Some(date) => tracing::info!(%date, "daily invoice run enqueued"),
        None => tracing::info!("daily invoice run already done or queued"),
    }
    Ok(())
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

async fn sweep(
    pool: PgPool,
    clock: SharedClock,
    policy: domain::whatsapp::SendPolicy,
    every: Duration,
    reports_keep_days: u32,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = crate::until_set(&mut stop) => return,
        }
        let swept = async {
            let mut tx = pool.begin().await?;
            let ids = domain::whatsapp::requeue_stranded(
                &mut tx,
                clock.as_ref(),
                &policy,
                chrono::Duration::minutes(5),
                500,
            )
            .await?;
            tx.commit().await?;
            Ok::<_, domain::DomainError>(ids)
        }
        .await;
        let purged = async {
            let mut conn = pool.acquire().await?;
            jobs::inspect::purge_done(&mut conn, domain::ops::KEEP_DONE_JOBS, 5000).await
        }
        .await;
        let pruned = async {
            let mut conn = pool.acquire().await?;
            domain::auth::retention::prune(&mut conn, clock.now(), 5000).await
        }
        .await;
        // Every worker may do it: a schedule's period is requested once, whoever gets there.
        if let Err(e) = crate::reports::housekeeping(&pool, clock.as_ref(), reports_keep_days).await
        {
            tracing::warn!(error = %e, "report schedules and retention failed");
        }
        match pruned {
            Ok((0, 0)) => {}
            Ok((sessions, attempts)) => {
                tracing::info!(
                    sessions,
                    attempts,
                    "deleted ended sessions and old login attempts"
                )
            }
            Err(e) => tracing::warn!(error = %e, "pruning sessions and login attempts failed"),
        }
        match purged {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "deleted jobs finished more than 7 days ago"),
            Err(e) => tracing::warn!(error = %e, "cleaning up finished jobs failed"),
        }
        match swept {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(
                    count = ids.len(),
                    ?ids,
                    "re-enqueued stranded WhatsApp messages"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "stranded-message sweep failed"),
        }
    }
}

/// Runs the worker until `shutdown` resolves and the jobs in flight are done (or the grace
/// period is over).
pub async fn run(
    cfg: WorkerConfig,
    clock: SharedClock,
    messenger: Arc<dyn Messenger>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Exit> {
    let pool = PgPoolOptions::new()
        .max_connections(cfg.db_pool_size)
        // A round trip per transaction saved; a broken connection fails its statement and
        // the job is retried.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&cfg.database_url)
        .await?;
    wait_for_schema(&pool).await?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let svc = Arc::new(Services {
        pool: pool.clone(),
        clock: clock.clone(),
        sends: SendPipeline {
            pool: pool.clone(),
            clock: clock.clone(),
            policy: cfg.send.clone(),
            messenger: messenger.clone(),
            timeout: cfg.send_timeout,
        },
        invoice_run: cfg.invoice_run.clone(),
        seller: cfg.seller.clone(),
        shutdown: stop_rx.clone(),
        in_flight: AtomicUsize::new(0),
    });

    let session = tokio::spawn(crate::session::track(
        pool.clone(),
        clock.clone(),
        messenger.clone(),
        cfg.session_id.clone(),
        cfg.instance.clone(),
        stop_rx.clone(),
    ));
    let sweeper = tokio::spawn(sweep(
        pool.clone(),
        clock.clone(),
        cfg.send.clone(),
        cfg.sweep_every,
        cfg.reports_keep_days,
        stop_rx.clone(),
    ));

    // A worker starting after today's run time (it was down at 09:00) catches up now.
    if let Some((h, m)) = cfg.invoice_run_at
        && clock.now() >= jakarta_at(clock.today(), h, m)
    {
        let mut tx = pool.begin().await?;
        if let Some(date) = domain::invoice_run::schedule_today(&mut tx, clock.as_ref()).await? {
            tracing::info!(%date, "started after the daily run time: invoice run enqueued");
        }
        tx.commit().await?;
    }

    let restarts = Arc::new(Restarts::default());
    let policy = restarts.clone();
    let mut monitor = Monitor::new()
        .shutdown_timeout(cfg.shutdown_grace)
        .should_restart(move |ctx, error| policy.allow(ctx.name(), error))
        .on_event(|ctx, event| {
            if let Event::Error(error) = event {
                tracing::warn!(consumer = ctx.name(), %error, "job failed; apalis retries it while attempts remain");
            }
        });
    let instance = cfg.instance.clone();
    let mut batches = Vec::new();
    if let Some(q) = cfg.notifications {
        let wakes: Vec<Arc<tokio::sync::Notify>> = (0..q.concurrency)
            .map(|_| Arc::new(tokio::sync::Notify::new()))
            .collect();
        batches.push(tokio::spawn(notification_batch::watch_queue(
            pool.clone(),
            wakes.clone(),
            stop_rx.clone(),
        )));
        for wake in wakes {
            batches.push(tokio::spawn(notification_batch::consume(
                svc.clone(),
                q.batch_size,
                wake,
                stop_rx.clone(),
            )));
        }
    }
    let mut apalis_consumers = 0;
    if let Some(q) = cfg.whatsapp {
        apalis_consumers += 1;
        let (pool, svc, cfg2, name) = (
            pool.clone(),
            svc.clone(),
            cfg.clone(),
            format!("{instance}:whatsapp"),
        );
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(consumer_name(&name, restarts))
                .backend(storage::<serde_json::Value>(
                    &pool,
                    jobs::queue::WHATSAPP,
                    q,
                    &cfg2,
                ))
                .data(svc.clone())
                .concurrency(q.concurrency)
                .parallelize(tokio::spawn)
                .build(handlers::send_whatsapp)
        });
    }
    if let Some(q) = cfg.invoices {
        apalis_consumers += 1;
        let (pool, svc, cfg2, name) = (
            pool.clone(),
            svc.clone(),
            cfg.clone(),
            format!("{instance}:invoices"),
        );
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(consumer_name(&name, restarts))
                .backend(storage::<serde_json::Value>(
                    &pool,
                    jobs::queue::INVOICES,
                    q,
                    &cfg2,
                ))
                .data(svc.clone())
                .concurrency(q.concurrency)
                .parallelize(tokio::spawn)
                .build(handlers::invoice_run)
        });
    }
    if let Some(q) = cfg.reports {
        apalis_consumers += 1;
        let (pool, svc, cfg2, name) = (
            pool.clone(),
            svc.clone(),
            cfg.clone(),
            format!("{instance}:reports"),
        );
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(consumer_name(&name, restarts))
                .backend(storage::<serde_json::Value>(
                    &pool,
                    jobs::queue::REPORTS,
                    q,
                    &cfg2,
                ))
                .data(svc.clone())
                .concurrency(q.concurrency)
                .parallelize(tokio::spawn)
                .build(crate::reports::render)
        });
    }
    if let Some((hour, minute)) = cfg.invoice_run_at {
        apalis_consumers += 1;
        let (svc, name) = (svc.clone(), format!("{instance}:invoice-cron"));
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(consumer_name(&name, restarts))
                .backend(CronScheduler::new(DailyAt { hour, minute }).with_timezone(Wib))
                .data(svc.clone())
                .build(cron_tick)
        });
    }

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
    let stopping = stop_tx.clone();
    let grace = cfg.shutdown_grace;
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

/// apalis keys heartbeats and locks by consumer name, and the registration of a name stays
/// locked by the connection that made it: a restarted consumer takes a fresh name. Jobs the
/// failed one had fetched are re-queued once its heartbeats stop.
fn consumer_name(base: &str, restarts: usize) -> String {
    if restarts == 0 {
        base.to_owned()
    } else {
        format!("{base}:r{restarts}")
    }
}

/// Restarts a failed queue consumer (a dropped database connection, say), but not in a tight
/// loop: after `MAX` failures within `WINDOW` the worker stops, exits non-zero, and its
/// supervisor (systemd `Restart=on-failure`) starts it again after a pause.
#[derive(Default)]
struct Restarts {
    recent: std::sync::Mutex<std::collections::VecDeque<std::time::Instant>>,
    failed: std::sync::atomic::AtomicBool,
    gave_up: tokio::sync::Notify,
}

impl Restarts {
    const MAX: usize = 5;
    const WINDOW: Duration = Duration::from_secs(60);

    fn allow(&self, consumer: &str, error: &apalis_core::error::WorkerError) -> bool {
        let now = std::time::Instant::now();
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        recent.retain(|t| now.duration_since(*t) < Self::WINDOW);
        recent.push_back(now);
        if recent.len() > Self::MAX {
            tracing::error!(consumer, %error, "queue consumer failed {} times within a minute; giving up", recent.len());
            self.failed.store(true, Ordering::SeqCst);
            self.gave_up.notify_one();
            return false;
        }
        tracing::error!(consumer, %error, "queue consumer stopped with an error; restarting it");
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Clock, FixedClock};

    #[test]
    fn the_daily_run_is_at_09_00_wib_today_or_tomorrow() {
        let nine = DailyAt { hour: 9, minute: 0 };
        let at = |d, h, m| FixedClock::at_jakarta(2026, 11, d, h, m).now();
        assert_eq!(nine.next_after(at(28, 8, 59)), at(28, 9, 0));
        assert_eq!(nine.next_after(at(28, 9, 0)), at(29, 9, 0));
        assert_eq!(nine.next_after(at(28, 23, 30)), at(29, 9, 0));
        // 00:30 WIB is still the previous day in UTC
        assert_eq!(nine.next_after(at(29, 0, 30)), at(29, 9, 0));
    }

    #[test]
    fn a_consumer_failing_over_and_over_is_given_up() {
        let restarts = Restarts::default();
        let error = apalis_core::error::WorkerError::PanicError("test".into());
        for _ in 0..Restarts::MAX {
            assert!(restarts.allow("q", &error));
        }
        assert!(!restarts.allow("q", &error));
        assert!(restarts.failed.load(Ordering::SeqCst));
        assert_eq!(consumer_name("h:1:whatsapp", 0), "h:1:whatsapp");
        assert_eq!(consumer_name("h:1:whatsapp", 2), "h:1:whatsapp:r2");
    }
}
