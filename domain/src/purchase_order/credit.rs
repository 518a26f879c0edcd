//! Credit control for approving purchase orders: the stokis's exposure against its limit, and
//! how late its oldest unpaid invoice is. Computed from due dates and payments, never from the
//! stored OVERDUE flag, so it cannot drift.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;

/// Beyond this many days overdue, no new PO is approved without an override.
pub const MAX_DAYS_OVERDUE: i64 = 30;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CreditPosition {
    pub stokis_id: i64,
    pub credit_limit: i64,
    /// Unpaid invoice balances.
    pub outstanding: i64,
    /// Approved POs not yet shipped: they become invoices, so they count against the limit.
    pub committed: i64,
    /// Days past due of the oldest unpaid invoice (0 when none is late).
    pub max_days_overdue: i64,
}

impl CreditPosition {
    pub fn exposure(&self) -> i64 {
        self.outstanding.saturating_add(self.committed)
    }

    pub fn remaining(&self) -> i64 {
        self.credit_limit.saturating_sub(self.exposure())
    }

    /// Why approving `amount` more is blocked, in words for finance; `None` when it is fine.
    pub fn blocks(&self, amount: i64) -> Option<String> {
        let mut reasons = Vec::new();
        let after = self.exposure().saturating_add(amount);
        if after > self.credit_limit {
            reasons.push(format!(
                "melebihi limit kredit: tagihan {} + PO disetujui {} + PO ini {} = {} > limit {}",
                crate::money::format_rupiah(self.outstanding),
                crate::money::format_rupiah(self.committed),
                crate::money::format_rupiah(amount),
                crate::money::format_rupiah(after),
                crate::money::format_rupiah(self.credit_limit),
            ));
        }
        if self.max_days_overdue > MAX_DAYS_OVERDUE {
            reasons.push(format!(
                "ada invoice yang terlambat {} hari (batas {MAX_DAYS_OVERDUE} hari)",
                self.max_days_overdue
            ));
        }
        if reasons.is_empty() {
            None
        } else {
            Some(reasons.join("; "))
        }
    }
}

/// The stokis's credit position as of `today` (Asia/Jakarta).
pub async fn position(
    conn: &mut PgConnection,
    stokis_id: i64,
    today: NaiveDate,
) -> Result<CreditPosition, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS stokis_id, s.credit_limit,
                COALESCE((SELECT sum(i.total - i.paid) FROM invoices i
                          WHERE i.stokis_id = s.id AND i.status <> 'PAID'), 0)::bigint AS outstanding,
                COALESCE((SELECT sum(p.total) FROM purchase_orders p
                          WHERE p.stokis_id = s.id AND p.status = 'APPROVED'), 0)::bigint AS committed,
                COALESCE((SELECT max($2::date - i.due_date) FROM invoices i
                          WHERE i.stokis_id = s.id AND i.status <> 'PAID' AND i.due_date < $2), 0)::bigint
                    AS max_days_overdue
         FROM stokis s WHERE s.id = $1",
    )
    .bind(stokis_id)
    .bind(today)
    .fetch_one(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(limit: i64, outstanding: i64, committed: i64, late: i64) -> CreditPosition {
        CreditPosition {
            stokis_id: 1,
            credit_limit: limit,
            outstanding,
            committed,
            max_days_overdue: late,
        }
    }

    #[test]
    fn within_the_limit_is_fine_and_exactly_at_it_too() {
        assert_eq!(pos(1_000, 300, 200, 0).blocks(500), None);
        assert_eq!(pos(1_000, 300, 200, 30).blocks(499), None);
    }

    #[test]
    fn over_the_limit_or_long_overdue_is_blocked_with_the_numbers() {
        let why = pos(1_000_000, 600_000, 0, 0).blocks(500_000).unwrap();
        assert!(why.contains("Rp 1.100.000"), "{why}");
        assert!(why.contains("Rp 1.000.000"), "{why}");
        let why = pos(1_000_000, 0, 0, 31).blocks(1).unwrap();
        assert!(why.contains("31 hari"), "{why}");
    }
}
