//! Invoice aging: per stokis, the unpaid balance as of a date, split by how far past due it is
//! (not yet due, 1–30, 31–60, 61–90, more than 90 days). Computed from due dates and payments
//! dated on or before that day, never from the stored OVERDUE flag, so it cannot drift and a
//! past date shows what was owed then.

use crate::listing::like_pattern;
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;

/// The five buckets and their sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Buckets {
    pub not_due: i64,
    pub d1_30: i64,
    pub d31_60: i64,
    pub d61_90: i64,
    pub over_90: i64,
    pub total: i64,
}

impl Buckets {
    pub fn add(&mut self, other: &Buckets) {
        self.not_due += other.not_due;
        self.d1_30 += other.d1_30;
        self.d31_60 += other.d31_60;
        self.d61_90 += other.d61_90;
        self.over_90 += other.over_90;
        self.total += other.total;
    }
}

/// Which bucket a balance falls in, from its days past due (≤ 0: not yet due).
pub fn bucket_of(days_past_due: i64) -> usize {
    match days_past_due {
        i64::MIN..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AgingRow {
    pub stokis_id: i64,
    pub stokis_code: String,
    pub stokis_name: String,
    /// Invoices with a balance on that day.
    pub invoices: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub buckets: Buckets,
}

/// Every stokis with a balance on `as_of`, largest total first; `search` matches code or name.
/// At most one row per stokis (a few hundred), so callers page the result in memory.
pub async fn by_stokis(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    search: Option<&str>,
) -> Result<Vec<AgingRow>, sqlx::Error> {
    let pattern = search.and_then(like_pattern);
    // Payments after `as_of` did not exist yet on that day: the balance is rebuilt from the
    // payments dated up to it. Invoices issued later did not exist either. An invoice whose last
    // payment was recorded by the end of `as_of` was settled by then (a payment is never dated
    // after the day it is recorded), so only unpaid invoices and those settled later are read:
    // for today, just the open ones.
    let settled_after = crate::clock::jakarta_start_of_day(as_of + chrono::Duration::days(1));
    sqlx::query_as(
        "WITH open AS MATERIALIZED (
             SELECT i.stokis_id, ($1::date - i.due_date) AS late,
                    i.total - COALESCE((SELECT sum(p.amount) FROM payments p
                                        WHERE p.invoice_id = i.id AND p.paid_on <= $1), 0) AS balance
             FROM invoices i
             WHERE i.issue_date <= $1 AND (i.status <> 'PAID' OR i.paid_at >= $3)
         ), per_stokis AS (
             SELECT stokis_id, count(*) AS invoices,
                    COALESCE(sum(balance) FILTER (WHERE late <= 0), 0)::bigint AS not_due,
                    COALESCE(sum(balance) FILTER (WHERE late BETWEEN 1 AND 30), 0)::bigint AS d1_30,
                    COALESCE(sum(balance) FILTER (WHERE late BETWEEN 31 AND 60), 0)::bigint AS d31_60,
                    COALESCE(sum(balance) FILTER (WHERE late BETWEEN 61 AND 90), 0)::bigint AS d61_90,
                    COALESCE(sum(balance) FILTER (WHERE late > 90), 0)::bigint AS over_90,
                    sum(balance)::bigint AS total
             FROM open WHERE balance > 0 GROUP BY stokis_id
         )
         SELECT s.id AS stokis_id, s.code AS stokis_code, s.name AS stokis_name, a.invoices,
                a.not_due, a.d1_30, a.d31_60, a.d61_90, a.over_90, a.total
         FROM per_stokis a JOIN stokis s ON s.id = a.stokis_id
         WHERE $2::text IS NULL OR s.code ILIKE $2 OR s.name ILIKE $2
         ORDER BY a.total DESC, s.name, s.id",
    )
    .bind(as_of)
    .bind(pattern)
    .bind(settled_after)
    .fetch_all(conn)
    .await
}

/// The sum of the rows' buckets.
pub fn totals(rows: &[AgingRow]) -> Buckets {
    let mut sum = Buckets::default();
    for r in rows {
        sum.add(&r.buckets);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_days_past_due() {
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(1), 1);
        assert_eq!(bucket_of(30), 1);
        assert_eq!(bucket_of(31), 2);
        assert_eq!(bucket_of(60), 2);
        assert_eq!(bucket_of(61), 3);
        assert_eq!(bucket_of(90), 3);
        assert_eq!(bucket_of(91), 4);
    }

    #[test]
    fn totals_add_every_bucket() {
        let row = |n: i64| AgingRow {
            stokis_id: n,
            stokis_code: String::new(),
            stokis_name: String::new(),
            invoices: 1,
            buckets: Buckets {
                not_due: n,
                d1_30: 2 * n,
                d31_60: 0,
                d61_90: 0,
                over_90: n,
                total: 4 * n,
            },
        };
        let t = totals(&[row(1), row(10)]);
        assert_eq!(
            t,
            Buckets {
                not_due: 11,
                d1_30: 22,
                d31_60: 0,
                d61_90: 0,
                over_90: 11,
                total: 44
            }
        );
    }
}
