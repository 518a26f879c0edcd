//! Finance's PO approval queue: submitted POs, oldest first, each with its stokis's credit
//! position (outstanding balance, approved-but-unshipped POs, limit, days overdue) and whether
//! approving it needs an override. The positions of a page's stokis come from one query with
//! the same rules as `purchase_order::credit::position`, which approval itself re-checks under
//! lock.

use crate::listing::like_pattern;
use crate::purchase_order::CreditPosition;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Matches PO number or stokis code/name.
    pub search: Option<String>,
    pub stokis_id: Option<i64>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    stokis_id: i64,
    stokis_code: String,
    stokis_name: String,
    total: i64,
    lines: i64,
    note: String,
    created_at: DateTime<Utc>,
    credit_limit: i64,
    outstanding: i64,
    committed: i64,
    max_days_overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub id: i64,
    pub number: String,
    pub stokis_id: i64,
    pub stokis_code: String,
    pub stokis_name: String,
    pub total: i64,
    pub lines: i64,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub credit: CreditPosition,
    /// `remaining` after this PO (negative: over the limit).
    pub remaining_after: i64,
    /// Why approving needs an override reason; `None` when it fits.
    pub blocked: Option<String>,
}

/// A page of POs waiting for approval and how many there are.
pub async fn queue(
    conn: &mut PgConnection,
    today: NaiveDate,
    filter: &QueueFilter,
) -> Result<(Vec<QueueItem>, i64), sqlx::Error> {
    let per_page = i64::from(filter.per_page.clamp(1, 100));
    let page = i64::from(filter.page.max(1));
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE po.status = 'SUBMITTED'");
        if let Some(id) = filter.stokis_id {
            qb.push(" AND po.stokis_id = ").push_bind(id);
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (po.number ILIKE ").push_bind(p.clone());
            qb.push(" OR s.code ILIKE ").push_bind(p.clone());
            qb.push(" OR s.name ILIKE ").push_bind(p).push(")");
        }
    };
    let mut count = QueryBuilder::new(
        "SELECT count(*) FROM purchase_orders po JOIN stokis s ON s.id = po.stokis_id",
    );
    scope(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut qb = QueryBuilder::new(
        "WITH page AS (
             SELECT po.id, po.number, po.stokis_id, s.code AS stokis_code, s.name AS stokis_name,
                    po.total, po.note, po.created_at, s.credit_limit
             FROM purchase_orders po JOIN stokis s ON s.id = po.stokis_id",
    );
    scope(&mut qb);
    qb.push(" ORDER BY po.created_at, po.id LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page - 1) * per_page);
    qb.push(
        "), credit AS (
             SELECT k.stokis_id,
                    COALESCE((SELECT sum(i.total - i.paid) FROM invoices i
                              WHERE i.stokis_id = k.stokis_id AND i.status <> 'PAID'), 0)::bigint AS outstanding,
                    COALESCE((SELECT sum(p.total) FROM purchase_orders p
                              WHERE p.stokis_id = k.stokis_id AND p.status = 'APPROVED'), 0)::bigint AS committed,
                    COALESCE((SELECT max(",
    );
    qb.push_bind(today);
    qb.push("::date - i.due_date) FROM invoices i
                              WHERE i.stokis_id = k.stokis_id AND i.status <> 'PAID' AND i.due_date < ");
    qb.push_bind(today);
    qb.push(
        "), 0)::bigint AS max_days_overdue
             FROM (SELECT DISTINCT stokis_id FROM page) k
         )
         SELECT page.id, page.number, page.stokis_id, page.stokis_code, page.stokis_name, page.total,
                (SELECT count(*) FROM purchase_order_items it WHERE it.purchase_order_id = page.id) AS lines,
                page.note, page.created_at, page.credit_limit,
                credit.outstanding, credit.committed, credit.max_days_overdue
         FROM page JOIN credit ON credit.stokis_id = page.stokis_id
         ORDER BY page.created_at, page.id",
    );
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let credit = CreditPosition {
                stokis_id: r.stokis_id,
                credit_limit: r.credit_limit,
                outstanding: r.outstanding,
                committed: r.committed,
                max_days_overdue: r.max_days_overdue,
            };
            QueueItem {
                remaining_after: credit.remaining().saturating_sub(r.total),
                blocked: credit.blocks(r.total),
                id: r.id,
                number: r.number,
                stokis_id: r.stokis_id,
                stokis_code: r.stokis_code,
                stokis_name: r.stokis_name,
                total: r.total,
                lines: r.lines,
                note: r.note,
                created_at: r.created_at,
                credit,
            }
        })
        .collect();
    Ok((items, total))
}
