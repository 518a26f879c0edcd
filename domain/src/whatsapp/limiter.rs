//! The WhatsApp send limiter, kept in PostgreSQL so every worker shares it: a daily cap per
//! sender number (Asia/Jakarta day) that ramps up over the first days after the number was
//! paired, a random gap between two sends, and quiet hours. A message that may not go now is
//! told when it may; nothing is ever dropped.
//!
//! The defaults are for a fresh number, which WhatsApp bans quickly when it sends fast and a
//! lot from its first day: 20–60 s between sends, 100 messages on the day of pairing, doubling
//! each day up to the plain cap (1000).
//!
//! One `whatsapp_rate` row per sender number is locked `FOR UPDATE` for the reservation, so two
//! workers asking at once are served one after the other and the cap holds exactly.

use crate::clock::{Clock, jakarta_at, jakarta_date, jakarta_start_of_day, to_jakarta};
use crate::setting::Setting;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// How fast the one WhatsApp number may send. All times are WIB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimiterConfig {
    /// Messages per sender number per Asia/Jakarta day, once the ramp has reached it.
    pub daily_cap: u32,
    /// The cap on the Jakarta day the sender was paired; it doubles each day after until it
    /// reaches `daily_cap`. Senders without a pairing date (console, fake) get `daily_cap`.
    pub ramp_start: u32,
    /// The gap after a send is drawn uniformly from `min_gap..=max_gap`.
    pub min_gap: Duration,
    pub max_gap: Duration,
    /// No sends from `start` until `end` (wrapping midnight when `start > end`);
    /// `None` sends around the clock.
    pub quiet_hours: Option<(NaiveTime, NaiveTime)>,
}

impl Default for LimiterConfig {
    fn default() -> Self {
        LimiterConfig {
            daily_cap: 1000,
            ramp_start: 100,
            min_gap: Duration::seconds(20),
            max_gap: Duration::seconds(60),
            quiet_hours: Some((hm(21, 0), hm(7, 0))),
        }
    }
}

/// The limiter's settings as given (see [`LimiterConfig::from_settings`]).
#[derive(Debug, Clone, Default)]
pub struct LimiterSettings {
    pub daily_cap: Option<Setting>,
    pub ramp_start: Option<Setting>,
    pub gap_min_secs: Option<Setting>,
    pub gap_max_secs: Option<Setting>,
    pub quiet_hours: Option<Setting>,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl LimiterConfig {
    /// The limiter from its settings (an absent one keeps its default): the daily cap
    /// (1000), the first day's cap of the ramp (100), the gap between sends in seconds (20 to
    /// 60; decimals allowed) and the quiet hours (`21:00-07:00`, or `off`). The worker and the web tier (which shows the budget)
    /// read the same settings.
    pub fn from_settings(s: &LimiterSettings) -> Result<LimiterConfig, String> {
        let mut cfg = LimiterConfig::default();
        if let Some(v) = &s.daily_cap {
            cfg.daily_cap = v.whole_number()?;
        }
        if let Some(v) = &s.ramp_start {
            cfg.ramp_start = v.whole_number()?;
            if cfg.ramp_start == 0 {
                return Err(format!("{}: must be at least 1", v.name));
            }
        }
        if let Some(v) = &s.gap_min_secs {
            cfg.min_gap = parse_secs(v)?;
        }
        if let Some(v) = &s.gap_max_secs {
            cfg.max_gap = parse_secs(v)?;
        }
        if cfg.max_gap < cfg.min_gap {
            let name =
                |v: &Option<Setting>, default: &'static str| v.as_ref().map_or(default, |v| v.name);
            return Err(format!(
                "{} is below {}",
                name(&s.gap_max_secs, "the longest gap"),
                name(&s.gap_min_secs, "the shortest gap")
            ));
        }
        if let Some(v) = &s.quiet_hours {
            cfg.quiet_hours = parse_quiet_hours(v)?;
        }
        Ok(cfg)
    }

    /// The cap on Jakarta day `day` for a sender paired on `paired_on`: `ramp_start` that day
    /// (and on any day before it, should the clocks disagree), doubling each day after, never
    /// above `daily_cap`. Without a pairing date the plain cap holds.
    pub fn cap_on(&self, day: NaiveDate, paired_on: Option<NaiveDate>) -> u32 {
        let Some(paired_on) = paired_on else {
            return self.daily_cap;
        };
        let days = (day - paired_on).num_days().max(0);
        // 2^31 and more is past any cap a u32 holds: stop doubling there.
        let ramped = u64::from(self.ramp_start) << days.min(31);
        u32::try_from(ramped.min(u64::from(self.daily_cap))).unwrap_or(self.daily_cap)
    }

    /// True when `t` falls in quiet hours.
    pub fn is_quiet(&self, t: DateTime<Utc>) -> bool {
        let Some((start, end)) = self.quiet_hours else {
            return false;
        };
        let tod = to_jakarta(t).time();
        if start < end {
            start <= tod && tod < end
        } else if start > end {
            tod >= start || tod < end
        } else {
            false
        }
    }

    /// The first instant at or after `t` outside quiet hours.
    pub fn open_at_or_after(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        match self.quiet_hours {
            Some((_, end)) if self.is_quiet(t) => {
                let day = jakarta_date(t);
                let today = jakarta_at(day, end.hour(), end.minute());
                if today > t {
                    today
                } else {
                    jakarta_at(day + Duration::days(1), end.hour(), end.minute())
                }
            }
            _ => t,
        }
    }

    /// When the day after `day` opens for sending (07:00 WIB with the default quiet hours).
    pub fn next_day_opens(&self, day: NaiveDate) -> DateTime<Utc> {
        self.open_at_or_after(jakarta_start_of_day(day + Duration::days(1)))
    }

    /// A gap between `min_gap` and `max_gap`; `unit` is a random number in `[0, 1)`.
    pub fn gap(&self, unit: f64) -> Duration {
        let spread = (self.max_gap - self.min_gap).num_milliseconds().max(0) as f64;
        self.min_gap + Duration::milliseconds((spread * unit.clamp(0.0, 1.0)).round() as i64)
    }
}

fn parse_secs(setting: &Setting) -> Result<Duration, String> {
    let (name, v) = (setting.name, &setting.value);
    let secs: f64 = v
        .trim()
        .parse()
        .map_err(|_| format!("{name}: not a number of seconds: {v:?}"))?;
    if !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("{name}: must be between 0 and 86400 seconds"));
    }
    Ok(Duration::milliseconds((secs * 1000.0).round() as i64))
}

/// `21:00-07:00`; `off`, `none` or an empty value for no quiet hours.
pub fn parse_quiet_hours(setting: &Setting) -> Result<Option<(NaiveTime, NaiveTime)>, String> {
    let (name, v) = (setting.name, setting.value.trim());
    if v.is_empty() || v.eq_ignore_ascii_case("off") || v.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let bad = || format!("{name}: expected HH:MM-HH:MM or off, got {v:?}");
    let (a, b) = v.split_once('-').ok_or_else(bad)?;
    let a = NaiveTime::parse_from_str(a.trim(), "%H:%M").map_err(|_| bad())?;
    let b = NaiveTime::parse_from_str(b.trim(), "%H:%M").map_err(|_| bad())?;
    Ok(if a == b { None } else { Some((a, b)) })
}

/// Why a message may not be sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    QuietHours,
    DailyCap,
    /// The minimum gap since the last send has not passed yet.
    Gap,
    /// The message itself is scheduled later (a retry after backoff).
    Scheduled,
    /// No WhatsApp connection to send through.
    NotConnected,
}

/// The answer to "may I send one message now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Yes: the send is counted and the next one must wait for the gap.
    Granted,
    Wait {
        until: DateTime<Utc>,
        reason: WaitReason,
    },
}

/// Reserves one send for `sender`, on the caller's transaction (the row lock is held until it
/// commits, so the reservation and the claim of the message commit together).
pub async fn reserve(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    cfg: &LimiterConfig,
    sender: &str,
) -> Result<Slot, sqlx::Error> {
    let now = clock.now();
    let today = jakarta_date(now);
    sqlx::query(
        "INSERT INTO whatsapp_rate (sender, day, sent_today, next_send_at, updated_at)
         VALUES ($1, $2, 0, $3, $3) ON CONFLICT (sender) DO NOTHING",
    )
    .bind(sender)
    .bind(today)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let (day, sent, next_send_at): (NaiveDate, i32, DateTime<Utc>) = sqlx::query_as(
        "SELECT day, sent_today, next_send_at FROM whatsapp_rate WHERE sender = $1 FOR UPDATE",
    )
    .bind(sender)
    .fetch_one(&mut *conn)
    .await?;
    let sent = if day == today { sent } else { 0 };
    let cap = cfg.cap_on(today, paired_on(&mut *conn, sender).await?);

    if cfg.is_quiet(now) {
        return Ok(Slot::Wait {
            until: cfg.open_at_or_after(now),
            reason: WaitReason::QuietHours,
        });
    }
    if i64::from(sent) >= i64::from(cap) {
        return Ok(Slot::Wait {
            until: cfg.next_day_opens(today),
            reason: WaitReason::DailyCap,
        });
    }
    if next_send_at > now {
        return Ok(Slot::Wait {
            until: next_send_at,
            reason: WaitReason::Gap,
        });
    }
    let next = now + cfg.gap(random_unit());
    sqlx::query(
        "UPDATE whatsapp_rate SET day = $2, sent_today = $3, next_send_at = $4, updated_at = $5
         WHERE sender = $1",
    )
    .bind(sender)
    .bind(today)
    .bind(sent + 1)
    .bind(next)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Slot::Granted)
}

/// The Jakarta day the session sending as `sender` was paired, if one was: the ramp counts from
/// it. The most recent pairing wins should two sessions ever have held the same number.
async fn paired_on(
    conn: &mut PgConnection,
    sender: &str,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    let paired_at: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT max(paired_at) FROM whatsapp_sessions WHERE phone = $1")
            .bind(sender)
            .fetch_one(conn)
            .await?;
    Ok(paired_at.map(jakarta_date))
}

/// Gives back a reservation whose message certainly did not go out (no connection, a number
/// WhatsApp refuses), so the day's count matches what was sent.
pub async fn refund(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    sender: &str,
) -> Result<(), sqlx::Error> {
    let now = clock.now();
    sqlx::query(
        "UPDATE whatsapp_rate SET sent_today = sent_today - 1, updated_at = $3
         WHERE sender = $1 AND day = $2 AND sent_today > 0",
    )
    .bind(sender)
    .bind(jakarta_date(now))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Today's send budget, for the admin page.
#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    pub day: NaiveDate,
    /// The sender number the counts are for (the most recently active one).
    pub sender: Option<String>,
    pub sent: i64,
    /// Today's cap for that sender (ramped up after pairing).
    pub cap: i64,
    /// The cap once the ramp is over (`WHATSAPP_DAILY_CAP`).
    pub full_cap: i64,
    /// The day the sender was paired, which the ramp counts from.
    pub paired_on: Option<NaiveDate>,
    pub remaining: i64,
    /// The earliest moment the next message may go (now, after the gap, after quiet hours or
    /// tomorrow morning when the cap is reached).
    pub next_send_at: DateTime<Utc>,
    pub quiet_now: bool,
    /// Messages waiting to be sent, and how many of them are already due.
    pub pending: i64,
    pub pending_due: i64,
}

pub async fn budget(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    cfg: &LimiterConfig,
) -> Result<Budget, sqlx::Error> {
    let now = clock.now();
    let today = jakarta_date(now);
    let row: Option<(String, NaiveDate, i32, DateTime<Utc>)> = sqlx::query_as(
        "SELECT sender, day, sent_today, next_send_at FROM whatsapp_rate
         ORDER BY updated_at DESC, sender LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (sender, sent, gap_until) = match row {
        Some((sender, day, sent, next)) => {
            (Some(sender), if day == today { sent } else { 0 }, next)
        }
        None => (None, 0, now),
    };
    let paired = match &sender {
        Some(s) => paired_on(&mut *conn, s).await?,
        // Nothing sent yet: the number paired last is the one that will send.
        None => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "SELECT max(paired_at) FROM whatsapp_sessions WHERE phone IS NOT NULL",
        )
        .fetch_one(&mut *conn)
        .await?
        .map(jakarta_date),
    };
    let cap = i64::from(cfg.cap_on(today, paired));
    let sent = i64::from(sent);
    let mut next = gap_until.max(now);
    if sent >= cap {
        next = next.max(cfg.next_day_opens(today));
    }
    let next = cfg.open_at_or_after(next);
    let (pending, pending_due): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE scheduled_for <= $1)
         FROM whatsapp_logs WHERE status = 'PENDING'",
    )
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Budget {
        day: today,
        sender,
        sent,
        cap,
        full_cap: i64::from(cfg.daily_cap),
        paired_on: paired,
        remaining: (cap - sent).max(0),
        next_send_at: next,
        quiet_now: cfg.is_quiet(now),
        pending,
        pending_due,
    })
}

/// A random number in `[0, 1)` for jitter. The standard library's randomly keyed hasher is
/// enough here: jitter only has to keep workers and retries from moving in lock step.
pub(crate) fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        FixedClock::at_jakarta(2026, 11, d, h, m).now()
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let cfg = LimiterConfig::default();
        assert!(!cfg.is_quiet(at(28, 7, 0)));
        assert!(!cfg.is_quiet(at(28, 20, 59)));
        assert!(cfg.is_quiet(at(28, 21, 0)));
        assert!(cfg.is_quiet(at(28, 23, 30)));
        assert!(cfg.is_quiet(at(29, 0, 0)));
        assert!(cfg.is_quiet(at(29, 6, 59)));
        assert_eq!(cfg.open_at_or_after(at(28, 22, 0)), at(29, 7, 0));
        assert_eq!(cfg.open_at_or_after(at(29, 3, 0)), at(29, 7, 0));
        assert_eq!(cfg.open_at_or_after(at(29, 9, 0)), at(29, 9, 0));
        assert_eq!(
            cfg.next_day_opens(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            at(29, 7, 0)
        );
    }

    #[test]
    fn quiet_hours_within_a_day_and_off() {
        let cfg = LimiterConfig {
            quiet_hours: Some((hm(1, 0), hm(5, 0))),
            ..LimiterConfig::default()
        };
        assert!(!cfg.is_quiet(at(28, 0, 30)));
        assert!(cfg.is_quiet(at(28, 1, 0)));
        assert!(!cfg.is_quiet(at(28, 5, 0)));
        assert_eq!(cfg.open_at_or_after(at(28, 2, 0)), at(28, 5, 0));
        // midnight is open, so the next day opens at midnight
        assert_eq!(
            cfg.next_day_opens(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            at(29, 0, 0)
        );
        let off = LimiterConfig {
            quiet_hours: None,
            ..LimiterConfig::default()
        };
        assert!(!off.is_quiet(at(28, 23, 0)));
    }

    #[test]
    fn settings_are_read_and_checked() {
        let set = |name, v: &str| Some(Setting::new(name, v));
        let cfg = LimiterConfig::from_settings(&LimiterSettings {
            daily_cap: set("CAP", "50"),
            ramp_start: set("RAMP", "10"),
            gap_min_secs: set("MIN", "0.5"),
            gap_max_secs: set("MAX", "2"),
            quiet_hours: set("QUIET", "off"),
        })
        .unwrap();
        assert_eq!(cfg.daily_cap, 50);
        assert_eq!(cfg.ramp_start, 10);
        assert_eq!(cfg.min_gap, Duration::milliseconds(500));
        assert_eq!(cfg.max_gap, Duration::seconds(2));
        assert_eq!(cfg.quiet_hours, None);
        assert_eq!(
            LimiterConfig::from_settings(&LimiterSettings::default()).unwrap(),
            LimiterConfig::default()
        );
        let quiet = LimiterConfig::from_settings(&LimiterSettings {
            quiet_hours: set("QUIET", "9pm"),
            ..LimiterSettings::default()
        });
        assert!(quiet.unwrap_err().starts_with("QUIET: "));
        let gaps = LimiterConfig::from_settings(&LimiterSettings {
            gap_min_secs: set("MIN", "61"),
            ..LimiterSettings::default()
        });
        assert_eq!(gaps.unwrap_err(), "the longest gap is below MIN");
        let ramp = LimiterConfig::from_settings(&LimiterSettings {
            ramp_start: set("RAMP", "0"),
            ..LimiterSettings::default()
        });
        assert_eq!(ramp.unwrap_err(), "RAMP: must be at least 1");
    }

    #[test]
    fn gaps_stay_in_range() {
        let cfg = LimiterConfig::default();
        assert_eq!(cfg.gap(0.0), Duration::seconds(20));
        assert_eq!(cfg.gap(0.5), Duration::seconds(40));
        assert_eq!(cfg.gap(1.0), Duration::seconds(60));
        for _ in 0..100 {
            let u = random_unit();
            assert!((0.0..1.0).contains(&u));
            let g = cfg.gap(u);
            assert!(g >= Duration::seconds(20) && g <= Duration::seconds(60));
        }
    }

    #[test]
    fn the_daily_cap_ramps_from_the_pairing_day() {
        let cfg = LimiterConfig::default();
        let paired = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let day = |n: i64| paired + Duration::days(n);
        let caps: Vec<u32> = (0..6).map(|n| cfg.cap_on(day(n), Some(paired))).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(cfg.cap_on(day(400), Some(paired)), 1000);
        // a clock behind the pairing day still gets the first day's cap, not more
        assert_eq!(cfg.cap_on(day(-3), Some(paired)), 100);
        // console and fake transports are never paired: the plain cap
        assert_eq!(cfg.cap_on(day(0), None), 1000);
        let small = LimiterConfig {
            daily_cap: 300,
            ramp_start: 50,
            ..LimiterConfig::default()
        };
        let caps: Vec<u32> = (0..5).map(|n| small.cap_on(day(n), Some(paired))).collect();
        assert_eq!(caps, [50, 100, 200, 300, 300]);
        // a ramp starting above the cap is held to the cap
        let odd = LimiterConfig {
            daily_cap: 80,
            ramp_start: 100,
            ..LimiterConfig::default()
        };
        assert_eq!(odd.cap_on(day(0), Some(paired)), 80);
    }
}
