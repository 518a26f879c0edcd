//! Stokis Performance: per stokis over a period, what it bought from head office (POs), what it
//! sold to its mitra (orders it handled), how fast it shipped them (median and p90 from order to
//! shipment), how punctually it paid the invoices that fell due (by count and by value), and
//! what it owed at the end of the period. Every total is computed over all the underlying rows
//! (weighted), never as an average of the stokis' figures.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::BTreeMap;

use super::ReportParams;
use super::build::{column, document, stokis_names, table};
use super::doc::{Block, Cell, CellKind, Document, Fact, Orientation};
use super::sales::{self, Window};

pub const SHEET: &str = "Kinerja Stokis";

/// One group of the aggregate; `stokis_id` is `None` on the grand-total row.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
struct Figures {
    stokis_id: Option<i64>,
    pos: i64,
    po_value: i64,
    orders: i64,
    order_value: i64,
    /// Hours from a handled order's creation to its shipment, over the orders shipped.
    ship_median_h: Option<f64>,
    ship_p90_h: Option<f64>,
    /// Invoices due in the period, and those of them paid in full by their due date.
    due: i64,
    due_value: i64,
    on_time: i64,
    on_time_value: i64,
    /// Balances at the end of the period, and the part of them already past due.
    outstanding: i64,
    overdue: i64,
}

/// One statement: four aggregates grouped by stokis and once more for everything (`GROUPING
/// SETS`), so a total's median is the median of all orders, not of the stokis' medians.
fn sql() -> String {
    format!(
        "WITH po AS (
             SELECT p.stokis_id, count(*)::bigint AS pos, sum(p.total)::bigint AS po_value
             FROM purchase_orders p WHERE {pf}
             GROUP BY GROUPING SETS ((p.stokis_id), ())
         ), ord AS (
             SELECT o.stokis_id, count(*)::bigint AS orders, sum(o.total)::bigint AS order_value,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.shipped_at - o.created_at) / 3600.0)
                        FILTER (WHERE o.shipped_at IS NOT NULL) AS ship_median_h,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM o.shipped_at - o.created_at) / 3600.0)
                        FILTER (WHERE o.shipped_at IS NOT NULL) AS ship_p90_h
             FROM orders o WHERE {of}
             GROUP BY GROUPING SETS ((o.stokis_id), ())
         ), due AS (
             SELECT i.stokis_id, count(*)::bigint AS due, sum(i.total)::bigint AS due_value,
                    count(*) FILTER (WHERE i.status = 'PAID'
                        AND (i.paid_at AT TIME ZONE 'Asia/Jakarta')::date <= i.due_date)::bigint AS on_time,
                    COALESCE(sum(i.total) FILTER (WHERE i.status = 'PAID'
                        AND (i.paid_at AT TIME ZONE 'Asia/Jakarta')::date <= i.due_date), 0)::bigint AS on_time_value
             FROM invoices i WHERE i.due_date BETWEEN $3 AND $4
             GROUP BY GROUPING SETS ((i.stokis_id), ())
         ), bal AS (
             SELECT b.stokis_id, sum(b.balance)::bigint AS outstanding,
                    COALESCE(sum(b.balance) FILTER (WHERE b.due_date < $4), 0)::bigint AS overdue
             FROM (SELECT i.stokis_id, i.due_date,
                          i.total - COALESCE((SELECT sum(pm.amount) FROM payments pm
                                              WHERE pm.invoice_id = i.id AND pm.paid_on <= $4), 0) AS balance
                   FROM invoices i
                   WHERE i.issue_date <= $4 AND (i.status <> 'PAID' OR i.paid_at >= $2)) b
             WHERE b.balance > 0
             GROUP BY GROUPING SETS ((b.stokis_id), ())
         ), ids AS (
             SELECT stokis_id FROM po UNION SELECT stokis_id FROM ord
             UNION SELECT stokis_id FROM due UNION SELECT stokis_id FROM bal
         )
         SELECT ids.stokis_id,
                COALESCE(po.pos, 0) AS pos, COALESCE(po.po_value, 0) AS po_value,
                COALESCE(ord.orders, 0) AS orders, COALESCE(ord.order_value, 0) AS order_value,
                ord.ship_median_h, ord.ship_p90_h,
                COALESCE(due.due, 0) AS due, COALESCE(due.due_value, 0) AS due_value,
                COALESCE(due.on_time, 0) AS on_time, COALESCE(due.on_time_value, 0) AS on_time_value,
                COALESCE(bal.outstanding, 0) AS outstanding, COALESCE(bal.overdue, 0) AS overdue
         FROM ids
         LEFT JOIN po ON po.stokis_id IS NOT DISTINCT FROM ids.stokis_id
         LEFT JOIN ord ON ord.stokis_id IS NOT DISTINCT FROM ids.stokis_id
         LEFT JOIN due ON due.stokis_id IS NOT DISTINCT FROM ids.stokis_id
         LEFT JOIN bal ON bal.stokis_id IS NOT DISTINCT FROM ids.stokis_id",
        pf = sales::po_filter("p", "$1", "$2"),
        of = sales::order_filter("o", "$1", "$2"),
    )
}

async fn figures(
    conn: &mut PgConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Figures>, sqlx::Error> {
    let w = Window::days(from, to);
    sqlx::query_as(AssertSqlSafe(sql()))
        .bind(w.start)
        .bind(w.end)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await
}

pub async fn baseline(
    conn: &mut PgConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64, sqlx::Error> {
    Ok(figures(conn, from, to).await?.len() as u64)
}

fn rate(part: i64, whole: i64) -> Cell {
    if whole == 0 {
        Cell::Empty
    } else {
        Cell::Percent(part as f64 / whole as f64)
    }
}

fn hours(h: Option<f64>) -> Cell {
    h.map_or(Cell::Empty, |h| Cell::Decimal((h * 10.0).round() / 10.0))
}

fn figure_cells(f: &Figures) -> Vec<Cell> {
    vec![
        Cell::Int(f.pos),
        Cell::Rupiah(f.po_value),
        Cell::Int(f.orders),
        Cell::Rupiah(f.order_value),
        hours(f.ship_median_h),
        hours(f.ship_p90_h),
        Cell::Int(f.due),
        rate(f.on_time, f.due),
        rate(f.on_time_value, f.due_value),
        Cell::Rupiah(f.outstanding),
        Cell::Rupiah(f.overdue),
    ]
}

pub async fn build(
    conn: &mut PgConnection,
    params: &ReportParams,
    from: NaiveDate,
    to: NaiveDate,
    generated_at: DateTime<Utc>,
) -> Result<Document, sqlx::Error> {
    let all = figures(conn, from, to).await?;
    let (totals, per_stokis): (Vec<Figures>, Vec<Figures>) =
        all.into_iter().partition(|f| f.stokis_id.is_none());
    let total = totals.into_iter().next().unwrap_or_default();
    let ids: Vec<i64> = per_stokis.iter().filter_map(|f| f.stokis_id).collect();
    let names = stokis_names(conn, &ids).await?;
    // By code, so the same stokis sits on the same line from one period to the next.
    let mut sorted: BTreeMap<(String, i64), &Figures> = BTreeMap::new();
    for f in &per_stokis {
        let id = f.stokis_id.unwrap_or_default();
        let code = names.get(&id).map(|s| s.code.clone()).unwrap_or_default();
        sorted.insert((code, id), f);
    }
    let rows: Vec<Vec<Cell>> = sorted
        .iter()
        .map(|((code, id), f)| {
            let name = names.get(id).map(|s| s.name.clone()).unwrap_or_default();
            let mut row = vec![Cell::Text(code.clone()), Cell::Text(name)];
            row.extend(figure_cells(f));
            row
        })
        .collect();
    let mut total_row = vec![
        Cell::text("Total"),
        Cell::Text(format!("{} stokis", rows.len())),
    ];
    total_row.extend(figure_cells(&total));
    let totals = if rows.is_empty() {
        Vec::new()
    } else {
        vec![total_row]
    };
    let blocks = vec![
        Block::Facts {
            title: Some("Ringkasan".into()),
            columns: 3,
            facts: vec![
                Fact::new("Nilai PO", Cell::Rupiah(total.po_value)),
                Fact::new("Nilai Order Mitra", Cell::Rupiah(total.order_value)),
                Fact::new("Median Order → Kirim (jam)", hours(total.ship_median_h)),
                Fact::new("Bayar Tepat Waktu (jumlah)", rate(total.on_time, total.due)),
                Fact::new(
                    "Bayar Tepat Waktu (nilai)",
                    rate(total.on_time_value, total.due_value),
                ),
                Fact::new("Piutang Jatuh Tempo", Cell::Rupiah(total.overdue)),
            ],
        },
        Block::Table(table(
            SHEET,
            "Kinerja per Stokis",
            vec![
                column("Kode", CellKind::Text, 9.0),
                column("Nama Stokis", CellKind::Text, 22.0),
                column("PO", CellKind::Int, 6.0),
                column("Nilai PO", CellKind::Rupiah, 15.0),
                column("Order Mitra", CellKind::Int, 8.0),
                column("Nilai Order", CellKind::Rupiah, 15.0),
                column("Median Kirim (jam)", CellKind::Decimal, 9.0),
                column("P90 Kirim (jam)", CellKind::Decimal, 9.0),
                column("Faktur Jatuh Tempo", CellKind::Int, 8.0),
                column("Tepat Waktu (jml)", CellKind::Percent, 9.0),
                column("Tepat Waktu (nilai)", CellKind::Percent, 9.0),
                column("Piutang Akhir", CellKind::Rupiah, 15.0),
                column("Lewat Jatuh Tempo", CellKind::Rupiah, 15.0),
            ],
            rows,
            totals,
        )),
    ];
    Ok(document(
        params,
        vec![sales::period_line(from, to)],
        Orientation::Landscape,
        generated_at,
        blocks,
        vec![
            "Waktu kirim: dari order mitra dibuat sampai dikirim stokis, median dan persentil \
             ke-90, dalam jam, atas order yang sudah dikirim. Tepat waktu: faktur yang jatuh \
             tempo dalam periode dan lunas paling lambat pada tanggal jatuh temponya. Piutang \
             akhir: sisa tagihan pada akhir periode menurut pembayaran bertanggal sampai hari \
             itu; lewat jatuh tempo bila tanggal jatuh temponya sebelum akhir periode."
                .into(),
        ],
    ))
}
