//! Document numbers: `ORD-YYMMDD-NNNNNN`, `PO-YYMMDD-NNNNNN` and the gapless `INV/YYYY/MM/NNNN`.
//!
//! Order and PO numbers come from PostgreSQL sequences: unique and never blocking, with gaps
//! when a transaction rolls back (a per-day counter row would serialise every order). The date
//! part is the Jakarta business date the caller passes in, for people's benefit only; uniqueness
//! comes from the sequence alone, so a sequence value is never reused across days.
//!
//! Invoice numbers must have no gaps within a month (tax and audit practice), so they come from
//! a counter row per month that is locked for the rest of the issuing transaction; invoices are
//! issued at a low rate, so that serialisation costs nothing noticeable.

use chrono::{Datelike, NaiveDate};
use sqlx::PgConnection;

/// `ORD-261128-000042`. The sequence part is at least 6 digits and grows beyond that rather than
/// being cut, so numbers stay unique after the millionth order.
pub fn order_number(date: NaiveDate, seq: i64) -> String {
    dated_number("ORD", date, seq)
}

/// `PO-261128-000042`, formed like [`order_number`].
pub fn po_number(date: NaiveDate, seq: i64) -> String {
    dated_number("PO", date, seq)
}

fn dated_number(prefix: &str, date: NaiveDate, seq: i64) -> String {
    debug_assert!(seq > 0, "document sequences start at 1, got {seq}");
    format!(
        "{prefix}-{:02}{:02}{:02}-{seq:06}",
        date.year().rem_euclid(100),
        date.month(),
        date.day()
    )
}

/// `INV/2026/11/0007`: the `n`th invoice issued in the month of `date`; at least 4 digits.
pub fn invoice_number(date: NaiveDate, n: i32) -> String {
    debug_assert!(n > 0, "invoice numbers start at 1, got {n}");
    format!("INV/{:04}/{:02}/{n:04}", date.year(), date.month())
}

/// The next order number, dated `today` (the Jakarta business date).
pub async fn next_order_number(
    conn: &mut PgConnection,
    today: NaiveDate,
) -> Result<String, sqlx::Error> {
    let seq: i64 = sqlx::query_scalar("SELECT nextval('order_number_seq')")
        .fetch_one(&mut *conn)
        .await?;
    Ok(order_number(today, seq))
}

/// The next purchase-order number, dated `today` (the Jakarta business date).
pub async fn next_po_number(
    conn: &mut PgConnection,
    today: NaiveDate,
) -> Result<String, sqlx::Error> {
    let seq: i64 = sqlx::query_scalar("SELECT nextval('purchase_order_number_seq')")
        .fetch_one(&mut *conn)
        .await?;
    Ok(po_number(today, seq))
}

/// The next invoice number of `issue_date`'s month, with no gaps.
///
/// Must run inside the transaction that inserts the invoice. The upsert takes the month's
/// counter row lock and holds it until that transaction ends: a concurrent issuer waits, then
/// sees the committed count. If the issuing transaction rolls back, the increment rolls back
/// with it and the number is handed out again, which is what keeps the series gapless (unlike
/// a sequence, whose `nextval` survives a rollback).
pub async fn next_invoice_number(
    conn: &mut PgConnection,
    issue_date: NaiveDate,
) -> Result<String, sqlx::Error> {
    let period = first_of_month(issue_date);
    let n: i32 = sqlx::query_scalar(
        "INSERT INTO invoice_counters (period, last_no) VALUES ($1, 1) \
         ON CONFLICT (period) DO UPDATE SET last_no = invoice_counters.last_no + 1 \
         RETURNING last_no",
    )
    .bind(period)
    .fetch_one(&mut *conn)
    .await?;
    Ok(invoice_number(issue_date, n))
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    // Day 1 exists in every month, so with_day(1) cannot fail; the fallback only satisfies the type.
    d.with_day(1).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn matches_dated(prefix: &str, s: &str) -> bool {
        // ^PREFIX-[0-9]{6}-[0-9]{6,}$ as in the database CHECK.
        let Some(rest) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
            return false;
        };
        let Some((d, n)) = rest.split_once('-') else {
            return false;
        };
        d.len() == 6
            && d.bytes().all(|b| b.is_ascii_digit())
            && n.len() >= 6
            && n.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn order_number_has_date_and_padded_sequence() {
        assert_eq!(order_number(date(2026, 11, 28), 42), "ORD-261128-000042");
        assert_eq!(order_number(date(2026, 1, 5), 1), "ORD-260105-000001");
        assert_eq!(
            order_number(date(2030, 12, 31), 999_999),
            "ORD-301231-999999"
        );
    }

    #[test]
    fn order_number_grows_instead_of_truncating() {
        assert_eq!(
            order_number(date(2026, 11, 28), 1_000_000),
            "ORD-261128-1000000"
        );
        assert_eq!(
            order_number(date(2026, 11, 28), 123_456_789_012),
            "ORD-261128-123456789012"
        );
        assert_ne!(
            order_number(date(2026, 11, 28), 1_000_000),
            order_number(date(2026, 11, 28), 100_000)
        );
    }

    #[test]
    fn year_2000_and_2100_keep_two_digits() {
        assert_eq!(order_number(date(2000, 1, 1), 7), "ORD-000101-000007");
        assert_eq!(po_number(date(2100, 2, 3), 7), "PO-000203-000007");
    }

    #[test]
    fn po_number_has_date_and_padded_sequence() {
        assert_eq!(po_number(date(2026, 11, 28), 42), "PO-261128-000042");
        assert_eq!(
            po_number(date(2026, 11, 28), 1_234_567),
            "PO-261128-1234567"
        );
    }

    #[test]
    fn dated_numbers_match_the_database_checks() {
        for seq in [1, 42, 999_999, 1_000_000, i64::MAX] {
            let d = date(2026, 11, 28);
            assert!(matches_dated("ORD", &order_number(d, seq)), "{seq}");
            assert!(matches_dated("PO", &po_number(d, seq)), "{seq}");
        }
    }

    #[test]
    fn invoice_number_has_year_month_and_at_least_four_digits() {
        assert_eq!(invoice_number(date(2026, 11, 28), 7), "INV/2026/11/0007");
        assert_eq!(invoice_number(date(2026, 1, 1), 1), "INV/2026/01/0001");
        assert_eq!(
            invoice_number(date(2026, 12, 31), 9_999),
            "INV/2026/12/9999"
        );
        assert_eq!(
            invoice_number(date(2026, 12, 31), 10_000),
            "INV/2026/12/10000"
        );
    }

    #[test]
    fn invoice_period_is_the_first_of_the_month() {
        assert_eq!(first_of_month(date(2026, 11, 28)), date(2026, 11, 1));
        assert_eq!(first_of_month(date(2026, 11, 1)), date(2026, 11, 1));
        assert_eq!(first_of_month(date(2028, 2, 29)), date(2028, 2, 1));
    }

    #[test]
    fn numbers_sort_by_sequence_within_a_day() {
        let d = date(2026, 11, 28);
        let mut v = vec![order_number(d, 3), order_number(d, 1), order_number(d, 2)];
        v.sort();
        assert_eq!(
            v,
            [
                "ORD-261128-000001",
                "ORD-261128-000002",
                "ORD-261128-000003"
            ]
        );
    }
}
