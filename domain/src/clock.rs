//! Time: the injectable clock every "now"/"today" rule takes, and Asia/Jakarta (WIB) date helpers.
//!
//! Timestamps are stored in UTC; business dates (due dates, "today", report months) are dates in
//! Asia/Jakarta. Code never calls `Utc::now()` for a business rule: it asks a [`Clock`], so tests
//! can pin time with [`FixedClock`] and move it forward while the application runs.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use std::sync::{Arc, Mutex, PoisonError};

/// The business time zone: all of D'Fresto's days start at 00:00 WIB (UTC+7, no daylight saving).
pub const TZ: Tz = chrono_tz::Asia::Jakarta;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Asia/Jakarta.
    fn today(&self) -> NaiveDate {
        jakarta_date(self.now())
    }
}

/// What the application holds; tests put an `Arc<FixedClock>` behind it and keep a handle.
pub type SharedClock = Arc<dyn Clock>;

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl SystemClock {
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told otherwise.
///
/// Share it as `Arc<FixedClock>`: one clone goes to the application as a [`SharedClock`], the
/// test keeps the other and calls [`FixedClock::set`] / [`FixedClock::advance`], which the
/// application sees at once.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(t: DateTime<Utc>) -> FixedClock {
        FixedClock(Mutex::new(t))
    }

    /// A clock showing the given wall-clock time in Jakarta (WIB).
    ///
    /// # Panics
    /// On a date or time that does not exist; this is a test constructor taking literals.
    pub fn at_jakarta(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> FixedClock {
        let date = NaiveDate::from_ymd_opt(year, month, day)
            .expect("FixedClock::at_jakarta: invalid date");
        let time =
            NaiveTime::from_hms_opt(hour, minute, 0).expect("FixedClock::at_jakarta: invalid time");
        FixedClock::at(from_jakarta_local(date.and_time(time)))
    }

    /// Wraps it for sharing: keep this `Arc`, hand `clock.clone()` to the app as a [`SharedClock`].
    pub fn shared(self) -> Arc<FixedClock> {
        Arc::new(self)
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.lock() = t;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.lock();
        *t += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // The guarded value is a plain timestamp that is always whole, so a panic elsewhere while
        // holding the lock leaves nothing half-updated: keep using it.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

/// The instant in Jakarta's time zone, for reading its wall-clock fields.
pub fn to_jakarta(t: DateTime<Utc>) -> DateTime<Tz> {
    t.with_timezone(&TZ)
}

/// The Jakarta calendar date of an instant (23:30 UTC on 27 Nov is 28 Nov in Jakarta).
pub fn jakarta_date(t: DateTime<Utc>) -> NaiveDate {
    to_jakarta(t).date_naive()
}

/// 00:00 WIB of the given date, as a UTC instant (17:00 UTC the day before).
pub fn jakarta_start_of_day(d: NaiveDate) -> DateTime<Utc> {
    from_jakarta_local(d.and_time(NaiveTime::MIN))
}

/// `hour:minute` WIB on the given date, as a UTC instant.
///
/// Counted from the start of the day rather than validated, so it cannot panic on data from
/// configuration: `24:00` is the next midnight, and larger values roll over likewise.
pub fn jakarta_at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    jakarta_start_of_day(d)
        + chrono::Duration::hours(i64::from(hour))
        + chrono::Duration::minutes(i64::from(minute))
}

fn from_jakarta_local(local: NaiveDateTime) -> DateTime<Utc> {
    match TZ.from_local_datetime(&local).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // Unreachable for Asia/Jakarta (no DST gaps since 1964); fall back to WIB's fixed offset.
        None => Utc.from_utc_datetime(&(local - chrono::Duration::hours(7))),
    }
}

const MONTH_ABBR_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];

const MONTH_NAME_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `Jan`…`Des` for months 1–12; `?` outside that range rather than a panic.
pub fn month_abbr_id(month: u32) -> &'static str {
    month_lookup(&MONTH_ABBR_ID, month)
}

/// `Januari`…`Desember` for months 1–12; `?` outside that range rather than a panic.
pub fn month_name_id(month: u32) -> &'static str {
    month_lookup(&MONTH_NAME_ID, month)
}

fn month_lookup(names: &[&'static str; 12], month: u32) -> &'static str {
    month
        .checked_sub(1)
        .and_then(|i| names.get(i as usize))
        .copied()
        .unwrap_or("?")
}

/// `28 Nov 2026`: a business date as Indonesians read it.
pub fn format_date_id(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_abbr_id(d.month()), d.year())
}

/// `November 2026`: a report month.
pub fn format_month_id(year: i32, month: u32) -> String {
    format!("{} {year}", month_name_id(month))
}

/// `28 Nov 2026 09:00 WIB`: an instant shown in Jakarta time.
pub fn format_wib(t: DateTime<Utc>) -> String {
    let local = to_jakarta(t);
    format!(
        "{} {:02}:{:02} WIB",
        format_date_id(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid UTC time")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_jakarta() {
        assert_eq!(jakarta_date(utc(2026, 11, 27, 23, 30)), date(2026, 11, 28));
        assert_eq!(jakarta_date(utc(2026, 11, 27, 17, 0)), date(2026, 11, 28));
        assert_eq!(jakarta_date(utc(2026, 11, 27, 16, 59)), date(2026, 11, 27));
        assert_eq!(jakarta_date(utc(2026, 12, 31, 17, 0)), date(2027, 1, 1));
    }

    #[test]
    fn start_of_day_is_17_00_utc_the_day_before() {
        assert_eq!(
            jakarta_start_of_day(date(2026, 11, 28)),
            utc(2026, 11, 27, 17, 0)
        );
        assert_eq!(
            jakarta_start_of_day(date(2027, 1, 1)),
            utc(2026, 12, 31, 17, 0)
        );
        assert_eq!(
            jakarta_date(jakarta_start_of_day(date(2026, 11, 28))),
            date(2026, 11, 28)
        );
        let just_before = jakarta_start_of_day(date(2026, 11, 28)) - Duration::seconds(1);
        assert_eq!(jakarta_date(just_before), date(2026, 11, 27));
    }

    #[test]
    fn jakarta_at_gives_wall_clock_time_in_wib() {
        assert_eq!(
            jakarta_at(date(2026, 11, 28), 9, 0),
            utc(2026, 11, 28, 2, 0)
        );
        assert_eq!(
            jakarta_at(date(2026, 11, 28), 6, 30),
            utc(2026, 11, 27, 23, 30)
        );
        assert_eq!(
            jakarta_at(date(2026, 11, 28), 23, 59),
            utc(2026, 11, 28, 16, 59)
        );
        assert_eq!(
            jakarta_at(date(2026, 11, 28), 24, 0),
            jakarta_start_of_day(date(2026, 11, 29))
        );
    }

    #[test]
    fn format_wib_shows_jakarta_wall_clock() {
        assert_eq!(format_wib(utc(2026, 11, 28, 2, 0)), "28 Nov 2026 09:00 WIB");
        assert_eq!(
            format_wib(utc(2026, 11, 27, 23, 30)),
            "28 Nov 2026 06:30 WIB"
        );
        assert_eq!(format_wib(utc(2026, 8, 4, 17, 5)), "5 Agu 2026 00:05 WIB");
    }

    #[test]
    fn format_date_uses_indonesian_month_abbreviations() {
        let expected = [
            "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
        ];
        for (i, abbr) in expected.iter().enumerate() {
            let m = i as u32 + 1;
            assert_eq!(format_date_id(date(2026, m, 1)), format!("1 {abbr} 2026"));
        }
        assert_eq!(format_date_id(date(2026, 11, 28)), "28 Nov 2026");
        assert_eq!(format_date_id(date(2027, 5, 9)), "9 Mei 2027");
    }

    #[test]
    fn month_names() {
        assert_eq!(month_name_id(1), "Januari");
        assert_eq!(month_name_id(8), "Agustus");
        assert_eq!(month_name_id(12), "Desember");
        assert_eq!(month_name_id(0), "?");
        assert_eq!(month_name_id(13), "?");
        assert_eq!(month_abbr_id(0), "?");
        assert_eq!(format_month_id(2026, 11), "November 2026");
    }

    #[test]
    fn system_clock_is_close_to_now() {
        let before = Utc::now();
        let now = SystemClock.now();
        let after = Utc::now();
        assert!(before <= now && now <= after);
        assert_eq!(SystemClock.today(), jakarta_date(now));
        let shared = SystemClock::shared();
        assert!(shared.now() >= now);
    }

    #[test]
    fn fixed_clock_stands_still_and_moves_when_told() {
        let clock = FixedClock::at(utc(2026, 11, 27, 23, 30));
        assert_eq!(clock.now(), utc(2026, 11, 27, 23, 30));
        assert_eq!(clock.now(), utc(2026, 11, 27, 23, 30));
        assert_eq!(clock.today(), date(2026, 11, 28));

        clock.advance(Duration::days(3));
        assert_eq!(clock.now(), utc(2026, 11, 30, 23, 30));
        assert_eq!(clock.today(), date(2026, 12, 1));

        clock.set(utc(2027, 1, 1, 0, 0));
        assert_eq!(clock.now(), utc(2027, 1, 1, 0, 0));
        assert_eq!(clock.today(), date(2027, 1, 1));
    }

    #[test]
    fn fixed_clock_at_jakarta_is_wib_wall_clock() {
        let clock = FixedClock::at_jakarta(2026, 11, 28, 9, 0);
        assert_eq!(clock.now(), utc(2026, 11, 28, 2, 0));
        assert_eq!(clock.today(), date(2026, 11, 28));
        assert_eq!(format_wib(clock.now()), "28 Nov 2026 09:00 WIB");

        let early = FixedClock::at_jakarta(2026, 11, 28, 0, 30);
        assert_eq!(early.now(), utc(2026, 11, 27, 17, 30));
        assert_eq!(early.today(), date(2026, 11, 28));
    }

    #[test]
    #[should_panic(expected = "invalid date")]
    fn fixed_clock_at_jakarta_refuses_impossible_dates() {
        let _ = FixedClock::at_jakarta(2026, 2, 30, 9, 0);
    }

    #[test]
    fn a_shared_fixed_clock_moves_for_every_holder() {
        let handle = FixedClock::at_jakarta(2026, 11, 28, 8, 59).shared();
        let app: SharedClock = handle.clone();
        assert_eq!(app.today(), date(2026, 11, 28));
        assert_eq!(format_wib(app.now()), "28 Nov 2026 08:59 WIB");

        handle.advance(Duration::minutes(1));
        assert_eq!(format_wib(app.now()), "28 Nov 2026 09:00 WIB");

        handle.set(jakarta_at(date(2026, 12, 5), 9, 0));
        assert_eq!(app.today(), date(2026, 12, 5));

        // Another thread holding the shared clock sees the same time.
        let in_thread = {
            let app = app.clone();
            std::thread::spawn(move || app.now())
                .join()
                .expect("thread")
        };
        assert_eq!(in_thread, handle.now());
    }
}
