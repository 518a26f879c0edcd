//! Report schedules: finance asks for a report monthly (day N, for the previous month),
//! weekly (a weekday, for the previous Monday–Sunday week) or daily (for the previous day;
//! aging as of the run day), at HH:MM WIB. Each occurrence is requested once: `next_run_at` is
//! the first occurrence not yet requested, and a worker that finds it due requests it and moves
//! it on, under a row lock (`SKIP LOCKED`, so two workers never take the same schedule), with
//! the run keyed by (schedule, period) besides. A worker that was down requests every
//! occurrence it missed, each for its own period.

use super::run;
use super::{Month, ReportFormat, ReportKind, ReportParams};
use crate::actor::Actor;
use crate::clock::{Clock, jakarta_at, jakarta_date};
use crate::error::DomainError;
use crate::text_enum::text_enum;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

text_enum! {
    pub enum Frequency {
        Monthly => "MONTHLY",
        Weekly => "WEEKLY",
        Daily => "DAILY",
    }
}

impl Frequency {
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Monthly => "Bulanan",
            Frequency::Weekly => "Mingguan",
            Frequency::Daily => "Harian",
        }
    }
}

/// `Senin` … `Minggu` for ISO weekdays 1–7.
pub fn weekday_name(n: u32) -> &'static str {
    match n {
        1 => "Senin",
        2 => "Selasa",
        3 => "Rabu",
        4 => "Kamis",
        5 => "Jumat",
        6 => "Sabtu",
        7 => "Minggu",
        _ => "?",
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Schedule {
    pub id: i64,
    pub kind: ReportKind,
    pub format: ReportFormat,
    pub params: serde_json::Value,
    pub frequency: Frequency,
    pub day_of_month: Option<i32>,
    pub weekday: Option<i32>,
    #[sqlx(rename = "run_at_hour")]
    pub hour: i32,
    #[sqlx(rename = "run_at_minute")]
    pub minute: i32,
    pub active: bool,
    pub created_by: i64,
    pub next_run_at: DateTime<Utc>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Schedule {
    /// `Bulanan, tanggal 1 pukul 06:00 WIB`, `Mingguan, Senin pukul 07:30 WIB`.
    pub fn describe(&self) -> String {
        let at = format!("pukul {:02}:{:02} WIB", self.hour, self.minute);
        match self.frequency {
            Frequency::Monthly => format!(
                "Bulanan, tanggal {} {at} (bulan sebelumnya)",
                self.day_of_month.unwrap_or(1)
            ),
            Frequency::Weekly => format!(
                "Mingguan, {} {at} (minggu sebelumnya)",
                weekday_name(u32::try_from(self.weekday.unwrap_or(1)).unwrap_or(1))
            ),
            Frequency::Daily => format!("Harian, {at}"),
        }
    }

    fn rule(&self) -> Rule {
        Rule {
            frequency: self.frequency,
            day_of_month: self
                .day_of_month
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(1),
            weekday: self
                .weekday
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(1),
            hour: u32::try_from(self.hour).unwrap_or(0),
            minute: u32::try_from(self.minute).unwrap_or(0),
        }
    }
}

/// When a schedule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub frequency: Frequency,
    pub day_of_month: u32,
    /// ISO: 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Rule {
    /// The first occurrence strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let today = jakarta_date(t);
        let at = |d: NaiveDate| jakarta_at(d, self.hour, self.minute);
        match self.frequency {
            Frequency::Daily => {
                if at(today) > t {
                    at(today)
                } else {
                    at(today + Duration::days(1))
                }
            }
            Frequency::Weekly => {
                let ahead = (i64::from(self.weekday)
                    - i64::from(today.weekday().number_from_monday()))
                .rem_euclid(7);
                let day = today + Duration::days(ahead);
                if at(day) > t {
                    at(day)
                } else {
                    at(day + Duration::days(7))
                }
            }
            Frequency::Monthly => {
                let this = Month::of(today);
                let day_in = |m: Month| {
                    NaiveDate::from_ymd_opt(m.year, m.month, self.day_of_month)
                        .unwrap_or_else(|| m.last_day())
                };
                let candidate = at(day_in(this));
                if candidate > t {
                    candidate
                } else {
                    at(day_in(this.next()))
                }
            }
        }
    }
}

/// What an occurrence on `day` (Jakarta) asks for, and the key of its period.
pub fn params_for(
    kind: ReportKind,
    frequency: Frequency,
    day: NaiveDate,
    limit: u32,
) -> (ReportParams, String) {
    let (from, to) = match frequency {
        Frequency::Monthly => {
            let m = Month::of(day).previous();
            (m.first_day(), m.last_day())
        }
        Frequency::Weekly => {
            // The last full Monday–Sunday week before the run day.
            let back = i64::from(day.weekday().number_from_monday());
            let sunday = day - Duration::days(back);
            (sunday - Duration::days(6), sunday)
        }
        Frequency::Daily => {
            let y = day - Duration::days(1);
            (y, y)
        }
    };
    match kind {
        ReportKind::MonthlySales => {
            let month = Month::of(from);
            (ReportParams::MonthlySales { month }, month.to_string())
        }
        ReportKind::TopProducts => (
            ReportParams::TopProducts { from, to, limit },
            format!("{from}_{to}"),
        ),
        ReportKind::StokisPerformance => (
            ReportParams::StokisPerformance { from, to },
            format!("{from}_{to}"),
        ),
        ReportKind::InvoiceAging => (ReportParams::InvoiceAging { as_of: day }, day.to_string()),
    }
}

/// A schedule as typed in the form or the API.
#[derive(Debug, Clone, Default)]
pub struct NewSchedule {
    pub kind: String,
    pub format: String,
    pub frequency: String,
    pub day_of_month: Option<String>,
    pub weekday: Option<String>,
    /// `HH:MM` (WIB).
    pub time: String,
    pub limit: Option<String>,
}

fn allowed(actor: &Actor) -> Result<(), DomainError> {
    if run::can_use(actor) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "jadwal laporan hanya untuk pusat dan finance".into(),
        ))
    }
}

const COLUMNS: &str = "id, kind, format, params, frequency, day_of_month, weekday, run_at_hour,
    run_at_minute, active, created_by, next_run_at, last_run_at, created_at";

pub async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: &NewSchedule,
) -> Result<Schedule, DomainError> {
    allowed(actor)?;
    let mut errors = crate::FieldErrors::new();
    let kind = input.kind.trim().parse::<ReportKind>().ok();
    if kind.is_none() {
        errors.insert("kind".into(), "pilih jenis laporan".into());
    }
    let format = input.format.trim().parse::<ReportFormat>().ok();
    if format.is_none() {
        errors.insert("format".into(), "format harus PDF atau XLSX".into());
    }
    let frequency = input.frequency.trim().parse::<Frequency>().ok();
    if frequency.is_none() {
        errors.insert(
            "frequency".into(),
            "pilih bulanan, mingguan atau harian".into(),
        );
    }
    let number = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<u32>())
    };
    let mut day_of_month = None;
    let mut weekday = None;
    match frequency {
        Some(Frequency::Monthly) => match number(&input.day_of_month) {
            Some(Ok(d)) if (1..=28).contains(&d) => day_of_month = Some(d),
            _ => {
                errors.insert("day_of_month".into(), "tanggal harus 1 sampai 28".into());
            }
        },
        Some(Frequency::Weekly) => match number(&input.weekday) {
            Some(Ok(d)) if (1..=7).contains(&d) => weekday = Some(d),
            _ => {
                errors.insert("weekday".into(), "pilih hari (Senin sampai Minggu)".into());
            }
        },
        _ => {}
    }
    if kind == Some(ReportKind::MonthlySales)
        && matches!(frequency, Some(f) if f != Frequency::Monthly)
    {
        errors.insert(
            "frequency".into(),
            "Penjualan Bulanan hanya bisa dijadwalkan bulanan".into(),
        );
    }
    let time = input.time.trim();
    let hm = time
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|&(h, m)| h < 24 && m < 60 && time.len() == 5);
    if hm.is_none() {
        errors.insert(
            "time".into(),
            "jam tidak valid (format JJ:MM, contoh 06:00)".into(),
        );
    }
    let limit = match number(&input.limit) {
        None => super::DEFAULT_TOP_LIMIT,
        Some(Ok(n)) if (1..=super::MAX_TOP_LIMIT).contains(&n) => n,
        Some(_) => {
            errors.insert(
                "limit".into(),
                format!("jumlah produk harus 1 sampai {}", super::MAX_TOP_LIMIT),
            );
            super::DEFAULT_TOP_LIMIT
        }
    };
    let (Some(kind), Some(format), Some(frequency), Some((hour, minute)), true) =
        (kind, format, frequency, hm, errors.is_empty())
    else {
        return Err(DomainError::Validation(errors));
    };
    let rule = Rule {
        frequency,
        day_of_month: day_of_month.unwrap_or(1),
        weekday: weekday.unwrap_or(1),
        hour,
        minute,
    };
    let params = if kind == ReportKind::TopProducts {
        serde_json::json!({ "limit": limit })
    } else {
        serde_json::json!({})
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO report_schedules (kind, format, params, frequency, day_of_month, weekday,
                run_at_hour, run_at_minute, created_by, next_run_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(format.as_str())
    .bind(params)
    .bind(frequency.as_str())
    .bind(day_of_month.map(|d| d as i32))
    .bind(weekday.map(|d| d as i32))
    .bind(hour as i32)
    .bind(minute as i32)
    .bind(actor.user_id)
    .bind(rule.next_after(clock.now()))
    .bind(clock.now())
    .fetch_one(&mut *conn)
    .await?;
    get(conn, actor, id).await
}

pub async fn get(conn: &mut PgConnection, actor: &Actor, id: i64) -> Result<Schedule, DomainError> {
    allowed(actor)?;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM report_schedules WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(DomainError::NotFound {
        entity: "jadwal laporan",
    })
}

pub async fn list(conn: &mut PgConnection, actor: &Actor) -> Result<Vec<Schedule>, DomainError> {
    allowed(actor)?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM report_schedules ORDER BY id"
    )))
    .fetch_all(conn)
    .await?)
}

/// Pauses or resumes. A resumed schedule starts from its next occurrence after now: the
/// periods it was paused over are not requested afterwards.
pub async fn set_active(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    active: bool,
) -> Result<Schedule, DomainError> {
    let s = get(conn, actor, id).await?;
    let next = if active && !s.active {
        s.rule().next_after(clock.now())
    } else {
        s.next_run_at
    };
    sqlx::query(
        "UPDATE report_schedules SET active = $2, next_run_at = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(active)
    .bind(next)
    .bind(clock.now())
    .execute(&mut *conn)
    .await?;
    get(conn, actor, id).await
}

/// Deletes the schedule; the reports it produced stay (no longer linked to it).
pub async fn delete(conn: &mut PgConnection, actor: &Actor, id: i64) -> Result<(), DomainError> {
    get(conn, actor, id).await?;
    sqlx::query("UPDATE report_runs SET schedule_id = NULL WHERE schedule_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM report_schedules WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// At most this many missed occurrences of one schedule are requested in one call (two years
/// of a monthly one); the rest follow on the next call.
const CATCH_UP: usize = 24;

/// Requests every due occurrence of every active schedule, on the caller's transaction;
/// returns the runs queued. Safe to call from every worker at any time.
pub async fn run_due(conn: &mut PgConnection, clock: &dyn Clock) -> Result<Vec<i64>, DomainError> {
    let now = clock.now();
    let due: Vec<Schedule> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM report_schedules WHERE active AND next_run_at <= $1
         ORDER BY next_run_at FOR UPDATE SKIP LOCKED"
    )))
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let mut queued = Vec::new();
    for s in due {
        let rule = s.rule();
        let limit = s
            .params
            .get("limit")
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(super::DEFAULT_TOP_LIMIT);
        let mut at = s.next_run_at;
        let mut last = s.last_run_at;
        for _ in 0..CATCH_UP {
            if at > now {
                break;
            }
            let (params, key) = params_for(s.kind, s.frequency, jakarta_date(at), limit);
            match run::insert(
                conn,
                clock,
                &params,
                s.format,
                Some(s.created_by),
                Some(s.id),
                Some(&key),
            )
            .await
            {
                Ok(id) => queued.push(id),
                // Already requested for this period (a schedule edited by hand, say).
                Err(DomainError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
            last = Some(at);
            at = rule.next_after(at);
        }
        sqlx::query(
            "UPDATE report_schedules SET next_run_at = $2, last_run_at = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(s.id)
        .bind(at)
        .bind(last)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixedClock;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        FixedClock::at_jakarta(2026, 12, d, h, m).now()
    }

    #[test]
    fn monthly_fires_on_its_day_and_asks_for_the_previous_month() {
        let r = Rule {
            frequency: Frequency::Monthly,
            day_of_month: 1,
            weekday: 1,
            hour: 6,
            minute: 0,
        };
        assert_eq!(
            r.next_after(at(7, 10, 0)),
            FixedClock::at_jakarta(2027, 1, 1, 6, 0).now()
        );
        assert_eq!(r.next_after(at(1, 5, 59)), at(1, 6, 0));
        let (p, key) = params_for(
            ReportKind::MonthlySales,
            Frequency::Monthly,
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default(),
            20,
        );
        assert_eq!(key, "2026-12");
        assert_eq!(
            p,
            ReportParams::MonthlySales {
                month: Month {
                    year: 2026,
                    month: 12
                }
            }
        );
    }

    #[test]
    fn weekly_covers_the_previous_monday_to_sunday() {
        // 7 Dec 2026 is a Monday.
        let r = Rule {
            frequency: Frequency::Weekly,
            day_of_month: 1,
            weekday: 1,
            hour: 7,
            minute: 30,
        };
        assert_eq!(r.next_after(at(7, 7, 29)), at(7, 7, 30));
        assert_eq!(r.next_after(at(7, 7, 30)), at(14, 7, 30));
        let day = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap_or_default(); // Wednesday
        let (p, _) = params_for(ReportKind::StokisPerformance, Frequency::Weekly, day, 20);
        assert_eq!(
            p,
            ReportParams::StokisPerformance {
                from: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
                to: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
            }
        );
    }

    #[test]
    fn aging_is_as_of_the_run_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let (p, key) = params_for(ReportKind::InvoiceAging, Frequency::Daily, day, 20);
        assert_eq!(p, ReportParams::InvoiceAging { as_of: day });
        assert_eq!(key, "2026-12-07");
    }
}
