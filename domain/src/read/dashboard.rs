//! Read models for the mitra and stokis dashboards: what needs attention now (open orders, new
//! orders, low stock, open invoices) and where the account stands (spend, credit), each from a
//! handful of indexed queries scoped to the actor's own mitra or stokis.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

use crate::actor::Actor;
use crate::clock::jakarta_start_of_day;
use crate::error::DomainError;
use crate::order::{self, OrderFilter, OrderListItem, OrderStatus};
use crate::purchase_order::credit::{self, CreditPosition};
use crate::role::Role;

/// How many recent records a dashboard lists; the full lists are one click away.
pub const RECENT: u32 = 8;

/// Orders per status, for the counters on a dashboard.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderCounts {
    pub pending: i64,
    pub confirmed: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub rejected: i64,
}

impl OrderCounts {
    fn add(&mut self, status: OrderStatus, n: i64) {
        match status {
            OrderStatus::Pending => self.pending += n,
            OrderStatus::Confirmed => self.confirmed += n,
            OrderStatus::Shipped => self.shipped += n,
            OrderStatus::Delivered => self.delivered += n,
            OrderStatus::Cancelled => self.cancelled += n,
            OrderStatus::Rejected => self.rejected += n,
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MitraHeader {
    pub mitra_id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub stokis_name: String,
    pub stokis_city: String,
    pub stokis_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MitraDashboard {
    pub mitra: MitraHeader,
    pub counts: OrderCounts,
    /// Orders still moving: pending, confirmed or shipped.
    pub open_orders: i64,
    /// Orders placed this month (Asia/Jakarta), not counting cancelled or rejected ones.
    pub month_orders: i64,
    pub month_spend: i64,
    pub recent: Vec<OrderListItem>,
}

/// The first day of `today`'s month, as the instant it starts in Jakarta.
fn month_start(today: NaiveDate) -> DateTime<Utc> {
    jakarta_start_of_day(today.with_day(1).unwrap_or(today))
}

/// The mitra dashboard: the actor's own mitra only.
pub async fn mitra(
    conn: &mut PgConnection,
    actor: &Actor,
    today: NaiveDate,
) -> Result<MitraDashboard, DomainError> {
    let mitra_id = match (actor.role, actor.mitra_id) {
        (Role::Mitra, Some(id)) => id,
        _ => return Err(DomainError::Forbidden("hanya untuk mitra".into())),
    };
    let header: MitraHeader = sqlx::query_as(
        "SELECT m.id AS mitra_id, m.code, m.name, m.city, s.name AS stokis_name,
                s.city AS stokis_city, s.phone AS stokis_phone
         FROM mitra m JOIN stokis s ON s.id = m.stokis_id WHERE m.id = $1",
    )
    .bind(mitra_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "mitra" })?;

    // One pass over the mitra's orders (tens a year) gives every counter.
    let rows: Vec<(OrderStatus, i64, i64, i64)> = sqlx::query_as(
        "SELECT status, count(*),
                count(*) FILTER (WHERE created_at >= $2),
                COALESCE(sum(total) FILTER (WHERE created_at >= $2), 0)::bigint
         FROM orders WHERE mitra_id = $1 GROUP BY status",
    )
    .bind(mitra_id)
    .bind(month_start(today))
    .fetch_all(&mut *conn)
    .await?;
    let mut counts = OrderCounts::default();
    let (mut month_orders, mut month_spend) = (0, 0);
    for (status, n, month_n, month_total) in rows {
        counts.add(status, n);
        if !matches!(status, OrderStatus::Cancelled | OrderStatus::Rejected) {
            month_orders += month_n;
            month_spend += month_total;
        }
    }
    let (recent, _) = order::list(
        conn,
        actor,
        &OrderFilter {
            page: 1,
            per_page: RECENT,
            ..OrderFilter::default()
        },
    )
    .await?;
    Ok(MitraDashboard {
        mitra: header,
        open_orders: counts.pending + counts.confirmed + counts.shipped,
        counts,
        month_orders,
        month_spend,
        recent,
    })
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StokisHeader {
    pub stokis_id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub payment_terms_days: i32,
}

/// A product at or below its minimum at the stokis.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LowStockItem {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: i64,
    pub min_qty: i64,
}

/// An unpaid invoice as a dashboard lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OpenInvoice {
    pub id: i64,
    pub number: String,
    pub due_date: NaiveDate,
    pub total: i64,
    pub balance: i64,
    /// Days past due as of today (0 when not yet due).
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct InvoiceSummary {
    pub open_count: i64,
    pub open_balance: i64,
    pub overdue_count: i64,
    pub overdue_balance: i64,
    pub next_due: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StokisDashboard {
    pub stokis: StokisHeader,
    pub counts: OrderCounts,
    /// Pending orders, newest first (the count is `counts.pending`).
    pub new_orders: Vec<OrderListItem>,
    pub low_stock: Vec<LowStockItem>,
    pub low_stock_count: i64,
    pub invoices: InvoiceSummary,
    pub open_invoices: Vec<OpenInvoice>,
    pub credit: CreditPosition,
    pub credit_remaining: i64,
    /// Purchase orders submitted, approved or on their way.
    pub open_purchase_orders: i64,
}

/// The open invoices of the actor's stokis as of `today`: how many, how much, how much late.
pub async fn invoice_summary(
    conn: &mut PgConnection,
    actor: &Actor,
    today: NaiveDate,
) -> Result<InvoiceSummary, DomainError> {
    match (actor.role, actor.stokis_id) {
        (Role::Stokis, Some(id)) => invoice_summary_of(conn, id, today).await,
        _ => Err(DomainError::Forbidden("hanya untuk stokis".into())),
    }
}

async fn invoice_summary_of(
    conn: &mut PgConnection,
    stokis_id: i64,
    today: NaiveDate,
) -> Result<InvoiceSummary, DomainError> {
    // Balances come from totals and payments, and lateness from due dates, never from the
    // stored OVERDUE flag.
    Ok(sqlx::query_as(
        "SELECT count(*) AS open_count,
                COALESCE(sum(total - paid), 0)::bigint AS open_balance,
                count(*) FILTER (WHERE due_date < $2) AS overdue_count,
                COALESCE(sum(total - paid) FILTER (WHERE due_date < $2), 0)::bigint AS overdue_balance,
                min(due_date) AS next_due
         FROM invoices WHERE stokis_id = $1 AND status <> 'PAID'",
    )
    .bind(stokis_id)
    .bind(today)
    .fetch_one(conn)
    .await?)
}

/// The stokis dashboard: the actor's own stokis only, as of `today` (Asia/Jakarta).
pub async fn stokis(
    conn: &mut PgConnection,
    actor: &Actor,
    today: NaiveDate,
) -> Result<StokisDashboard, DomainError> {
    let stokis_id = match (actor.role, actor.stokis_id) {
        (Role::Stokis, Some(id)) => id,
        _ => return Err(DomainError::Forbidden("hanya untuk stokis".into())),
    };
    let header: StokisHeader = sqlx::query_as(
        "SELECT id AS stokis_id, code, name, city, payment_terms_days FROM stokis WHERE id = $1",
    )
    .bind(stokis_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "stokis" })?;

    // Open states are few rows per stokis; closed ones are counted over the index only.
    let rows: Vec<(OrderStatus, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM orders WHERE stokis_id = $1 GROUP BY status")
            .bind(stokis_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut counts = OrderCounts::default();
    for (status, n) in rows {
        counts.add(status, n);
    }
    let (new_orders, _) = order::list(
        conn,
        actor,
        &OrderFilter {
            status: Some(OrderStatus::Pending),
            page: 1,
            per_page: RECENT,
            ..OrderFilter::default()
        },
    )
    .await?;

    let low_stock: Vec<LowStockItem> = sqlx::query_as(
        "SELECT p.id AS product_id, p.sku, p.name, p.unit, s.qty, s.min_qty
         FROM stokis_stock s JOIN products p ON p.id = s.product_id
         WHERE s.stokis_id = $1 AND s.qty < s.min_qty AND p.active
         ORDER BY (s.qty::float8 / GREATEST(s.min_qty, 1)), p.name
         LIMIT $2",
    )
    .bind(stokis_id)
    .bind(i64::from(RECENT))
    .fetch_all(&mut *conn)
    .await?;
    let low_stock_count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stokis_stock s JOIN products p ON p.id = s.product_id
         WHERE s.stokis_id = $1 AND s.qty < s.min_qty AND p.active",
    )
    .bind(stokis_id)
    .fetch_one(&mut *conn)
    .await?;

    let invoices = invoice_summary_of(conn, stokis_id, today).await?;
    let open_invoices: Vec<OpenInvoice> = sqlx::query_as(
        "SELECT id, number, due_date, total, (total - paid) AS balance,
                GREATEST($2::date - due_date, 0)::bigint AS days_overdue
         FROM invoices WHERE stokis_id = $1 AND status <> 'PAID'
         ORDER BY due_date, id LIMIT $3",
    )
    .bind(stokis_id)
    .bind(today)
    .bind(i64::from(RECENT))
    .fetch_all(&mut *conn)
    .await?;

    let credit = credit::position(conn, stokis_id, today).await?;
    let open_purchase_orders: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM purchase_orders
         WHERE stokis_id = $1 AND status IN ('SUBMITTED', 'APPROVED', 'SHIPPED')",
    )
    .bind(stokis_id)
    .fetch_one(&mut *conn)
    .await?;

    Ok(StokisDashboard {
        stokis: header,
        counts,
        new_orders,
        low_stock,
        low_stock_count,
        invoices,
        open_invoices,
        credit_remaining: credit.remaining(),
        credit,
        open_purchase_orders,
    })
}
