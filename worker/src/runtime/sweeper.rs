//! The periodic sweep: stranded WhatsApp messages re-enqueued, due report schedules requested,
//! finished jobs, old report files and ended sessions deleted.

use domain::SharedClock;
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::watch;

pub(super) async fn sweep(
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
        // Every worker may do it: a schedule's period is requested once, whoever gets there.
        if let Err(e) = crate::reports::housekeeping(&pool, clock.as_ref(), reports_keep_days).await
        {
            tracing::warn!(error = %e, "report schedules and retention failed");
        }
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
