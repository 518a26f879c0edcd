//! The shape of a seed run: which days the history covers, when it stops, and how much of it
//! there is at each scale.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::Scale;

/// Every random choice derives from this; change it and every demo set changes.
pub(crate) const SEED: u64 = 0xDF2E_5700_0000_2026;

/// Twelve months of history: the 364 days before `today`, and the first hours of `today`.
pub(crate) const HISTORY_DAYS: i64 = 365;

/// The default set: ~165 orders a day, a third of the target volume, so a first `make run`
/// loads in seconds; the bench scale goes to the full volume and beyond.
pub(crate) const DEFAULT_ORDERS: u64 = 60_000;
pub(crate) const DEFAULT_PURCHASE_ORDERS: u64 = 5_000;

/// History stops at 07:00 on `today` (Asia/Jakarta), or at the moment of seeding if that is
/// earlier. Outlets place supply orders early, so the demo opens with a few fresh ones; a seed
/// run later that day gives the same data, and one before 07:00 stops where the clock is, so
/// nothing seeded is dated after the moment it was seeded.
pub(crate) const END_MINUTE_OF_TODAY: i64 = 7 * 60;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub today: NaiveDate,
    pub start: NaiveDate,
    /// No event happens after this instant (Jakarta wall-clock time).
    pub end: NaiveDateTime,
    pub orders: u64,
    pub purchase_orders: u64,
    /// Volume relative to the default set (≥ 1): credit limits grow with it so the bench set's
    /// stokis are not all blocked by credit control.
    pub volume: f64,
}

impl Plan {
    /// `now` is the Jakarta wall-clock moment of seeding; its date is the plan's `today`.
    pub(crate) fn new(now: NaiveDateTime, scale: &Scale) -> Self {
        let today = now.date();
        let (orders, purchase_orders) = match scale {
            Scale::Default => (DEFAULT_ORDERS, DEFAULT_PURCHASE_ORDERS),
            Scale::Bench { orders } => (
                *orders,
                (*orders * DEFAULT_PURCHASE_ORDERS / DEFAULT_ORDERS).max(400),
            ),
        };
        Plan {
            today,
            start: today - TimeDelta::days(HISTORY_DAYS - 1),
            end: at(today, END_MINUTE_OF_TODAY).min(now),
            orders,
            purchase_orders,
            volume: (orders as f64 / DEFAULT_ORDERS as f64).max(1.0),
        }
    }

    pub(crate) fn date(&self, day: usize) -> NaiveDate {
        self.start + TimeDelta::days(day as i64)
    }
}

/// `date` at `minutes` past midnight (minutes may run past 24 h into the next days).
pub(crate) fn at(date: NaiveDate, minutes: i64) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN) + TimeDelta::minutes(minutes)
}
