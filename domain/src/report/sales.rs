//! The one definition of "sales" every report uses: which mitra orders and purchase orders
//! count, by which timestamp they are dated, and the footnote that says so in print.
//!
//! A mitra order counts once its stokis confirmed it (CONFIRMED, SHIPPED, DELIVERED: a
//! confirmed order can no longer be cancelled, so it never drops out again); a purchase order
//! once head office approved it (APPROVED, SHIPPED, RECEIVED). Both are dated by `created_at`
//! read in Asia/Jakarta: the date the mitra or stokis sees on the order, and the column the
//! `*_created_idx` indexes cover. Pending, cancelled and rejected ones never count.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::clock::{format_date_id, jakarta_start_of_day, month_name_id};

/// The order statuses that count as a sale, as an SQL list.
pub const ORDER_STATUSES: &str = "('CONFIRMED', 'SHIPPED', 'DELIVERED')";
/// The purchase-order statuses that count as a sale, as an SQL list.
pub const PO_STATUSES: &str = "('APPROVED', 'SHIPPED', 'RECEIVED')";

/// Printed under every report.
pub const FOOTNOTE: &str = "Penjualan dihitung dari order mitra berstatus Dikonfirmasi, Dikirim \
    atau Diterima dan PO stokis berstatus Disetujui, Dikirim atau Diterima, menurut tanggal \
    order/PO dibuat (WIB, Asia/Jakarta). Order dan PO yang masih menunggu, dibatalkan atau \
    ditolak tidak dihitung. Nilai dalam Rupiah penuh.";

/// A half-open span of instants `[start, end)` covering whole Jakarta days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// From 00:00 WIB of `from` to 00:00 WIB of the day after `to` (both days included).
    pub fn days(from: NaiveDate, to: NaiveDate) -> Window {
        Window {
            start: jakarta_start_of_day(from),
            end: jakarta_start_of_day(to + Duration::days(1)),
        }
    }
}

/// The condition for a counted mitra order `alias` created in `[start, end)`, where `start`
/// and `end` are the placeholders (`$1`) bound to the window's instants.
pub fn order_filter(alias: &str, start: &str, end: &str) -> String {
    format!(
        "{alias}.status IN {ORDER_STATUSES} AND {alias}.created_at >= {start} \
         AND {alias}.created_at < {end}"
    )
}

/// The same for purchase orders.
pub fn po_filter(alias: &str, start: &str, end: &str) -> String {
    format!(
        "{alias}.status IN {PO_STATUSES} AND {alias}.created_at >= {start} \
         AND {alias}.created_at < {end}"
    )
}

/// The Jakarta business date of a row's `created_at`.
pub fn jakarta_day(alias: &str) -> String {
    format!("({alias}.created_at AT TIME ZONE 'Asia/Jakarta')::date")
}

/// `Periode: 1–30 November 2026`, or `Periode: 15 Okt 2026 – 14 Nov 2026` across months.
pub fn period_line(from: NaiveDate, to: NaiveDate) -> String {
    if from.year() == to.year() && from.month() == to.month() {
        let days = if from == to {
            from.day().to_string()
        } else {
            format!("{}–{}", from.day(), to.day())
        };
        format!(
            "Periode: {days} {} {}",
            month_name_id(from.month()),
            from.year()
        )
    } else {
        format!("Periode: {} – {}", format_date_id(from), format_date_id(to))
    }
}

/// `(cur - prev) / prev`, or `None` when there was nothing to compare against.
pub fn change(cur: i64, prev: i64) -> Option<f64> {
    (prev != 0).then(|| (cur - prev) as f64 / prev as f64)
}

/// `part / whole`, 0 for an empty whole.
pub fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn periods_read_as_indonesians_write_them() {
        assert_eq!(
            period_line(d(2026, 11, 1), d(2026, 11, 30)),
            "Periode: 1–30 November 2026"
        );
        assert_eq!(
            period_line(d(2026, 10, 15), d(2026, 11, 14)),
            "Periode: 15 Okt 2026 – 14 Nov 2026"
        );
        assert_eq!(
            period_line(d(2026, 11, 5), d(2026, 11, 5)),
            "Periode: 5 November 2026"
        );
    }

    #[test]
    fn windows_cover_whole_jakarta_days() {
        let w = Window::days(d(2026, 11, 1), d(2026, 11, 30));
        assert_eq!(w.start.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(w.end.to_rfc3339(), "2026-11-30T17:00:00+00:00");
    }

    #[test]
    fn changes_need_a_previous_figure() {
        assert_eq!(change(150, 100), Some(0.5));
        assert_eq!(change(5, 0), None);
        assert_eq!(share(1, 4), 0.25);
        assert_eq!(share(1, 0), 0.0);
    }
}
