//! The queue consumers: batch consumers for the notifications queue, one apalis consumer per
//! other queue with its concurrency (woken by PostgreSQL `LISTEN/NOTIFY`), and the 09:00 cron.

use super::cron::{DailyAt, Wib, cron_tick};
use super::restarts::{Restarts, consumer_name};
use crate::config::{QueueConfig, WorkerConfig};
use crate::handlers::{self, Services};
use crate::notification_batch;
use apalis::prelude::WorkerBuilderExt;
use apalis_core::backend::ext::poll_strategy::{PollWith, StreamStrategy};
use apalis_core::monitor::Monitor;
use apalis_core::worker::builder::WorkerBuilder;
use apalis_core::worker::event::Event;
use apalis_core::worker::ext::parallelize::ParallelizeExt;
use apalis_cron::CronScheduler;
use apalis_postgres::{Config, PostgresStorage, Pubsub};
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

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

/// The consumers of this process, started (the notification batches) or registered on the
/// monitor (the apalis ones, which start when the monitor runs).
pub(super) struct Consumers {
    pub monitor: Monitor,
    pub batches: Vec<JoinHandle<()>>,
    /// How many consumers the monitor has: without any it would return at once.
    pub apalis_consumers: usize,
}

/// Starts the notification batches and registers the other queues' consumers and the cron
/// with a monitor that restarts a failed one as `restarts` allows.
pub(super) fn start(
    cfg: &WorkerConfig,
    pool: &PgPool,
    svc: &Arc<Services>,
    restarts: &Arc<Restarts>,
    stop_rx: &watch::Receiver<bool>,
) -> Consumers {
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
    Consumers {
        monitor,
        batches,
        apalis_consumers,
    }
}
