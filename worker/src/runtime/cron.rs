//! The daily invoice run's schedule: 09:00 WIB by apalis-cron, and the catch-up of a worker
//! starting after that time.

use crate::handlers::Services;
use apalis_core::error::BoxDynError;
use apalis_core::task::data::Data;
use apalis_cron::{Schedule, Tick};
use domain::SharedClock;
use domain::clock::{jakarta_at, jakarta_date};
use sqlx::PgPool;
use std::sync::Arc;

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

pub(super) async fn cron_tick(
    _tick: Tick<Wib>,
    svc: Data<Arc<Services>>,
) -> Result<(), BoxDynError> {
    let mut tx = svc.pool.begin().await?;
    let enqueued = domain::invoice_run::schedule_today(&mut tx, svc.clock.as_ref()).await?;
    tx.commit().await?;
    match enqueued {
        Some(date) => tracing::info!(%date, "daily invoice run enqueued"),
        None => tracing::info!("daily invoice run already done or queued"),
    }
    Ok(())
}

/// A worker starting after today's run time (it was down at 09:00) catches up now.
pub(super) async fn catch_up(
    pool: &PgPool,
    clock: &SharedClock,
    invoice_run_at: Option<(u32, u32)>,
) -> anyhow::Result<()> {
    if let Some((h, m)) = invoice_run_at
        && clock.now() >= jakarta_at(clock.today(), h, m)
    {
        let mut tx = pool.begin().await?;
        if let Some(date) = domain::invoice_run::schedule_today(&mut tx, clock.as_ref()).await? {
            tracing::info!(%date, "started after the daily run time: invoice run enqueued");
        }
        tx.commit().await?;
    }
    Ok(())
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
}
