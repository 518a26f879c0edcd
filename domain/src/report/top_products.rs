//! Top Products: the products mitra ordered most in a period, ranked once by quantity and once
//! by revenue, with each one's share and the cumulative share (for a Pareto / ABC reading) and
//! a `Lainnya` row for the products past the limit, so the shares add up to 100 %. One
//! statement groups the period's order lines per product in the database.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, PgConnection};

use super::ReportParams;
use super::build::{column, document, table};
use super::doc::{Block, Cell, CellKind, Column, Document, Fact, Orientation};
use super::sales::{self, Window, share};

pub const SHEET_QTY: &str = "Per Produk (Qty)";
pub const SHEET_VALUE: &str = "Per Produk (Nilai)";

#[derive(Debug, Clone, sqlx::FromRow)]
struct ProductSum {
    sku: String,
    name: String,
    unit: String,
    qty: i64,
    value: i64,
    /// Orders with this product on them (one line per product and order).
    orders: i64,
}

fn sql() -> String {
    format!(
        "SELECT p.sku, p.name, p.unit, g.qty, g.value, g.orders
         FROM (SELECT oi.product_id, sum(oi.qty)::bigint AS qty,
                      sum(oi.subtotal)::bigint AS value, count(*)::bigint AS orders
               FROM orders o JOIN order_items oi ON oi.order_id = o.id
               WHERE {f}
               GROUP BY oi.product_id) g
         JOIN products p ON p.id = g.product_id",
        f = sales::order_filter("o", "$1", "$2"),
    )
}

async fn sums(
    conn: &mut PgConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ProductSum>, sqlx::Error> {
    let w = Window::days(from, to);
    sqlx::query_as(AssertSqlSafe(sql()))
        .bind(w.start)
        .bind(w.end)
        .fetch_all(conn)
        .await
}

pub async fn baseline(
    conn: &mut PgConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64, sqlx::Error> {
    Ok(sums(conn, from, to).await?.len() as u64)
}

fn avg_price(value: i64, qty: i64) -> Cell {
    if qty == 0 {
        Cell::Empty
    } else {
        Cell::Rupiah((value + qty / 2) / qty)
    }
}

/// Which figure a ranking sorts by.
#[derive(Clone, Copy)]
enum By {
    Qty,
    Value,
}

/// One ranking: the first `limit` products, a `Lainnya` row for the rest, a total row.
fn ranking(all: &[ProductSum], by: By, limit: usize) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let total_qty: i64 = all.iter().map(|p| p.qty).sum();
    let total_value: i64 = all.iter().map(|p| p.value).sum();
    let key = |p: &ProductSum| match by {
        By::Qty => (p.qty, p.value),
        By::Value => (p.value, p.qty),
    };
    let mut sorted: Vec<&ProductSum> = all.iter().collect();
    sorted.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.sku.cmp(&b.sku)));
    let (main_total, main_of) = match by {
        By::Qty => (
            total_qty,
            (|p: &ProductSum| p.qty) as fn(&ProductSum) -> i64,
        ),
        By::Value => (
            total_value,
            (|p: &ProductSum| p.value) as fn(&ProductSum) -> i64,
        ),
    };
    // The row's figures in the column order of `columns(by)` after rank, SKU, name, unit.
    let figures = |qty: i64, value: i64, cumulative: i64| -> Vec<Cell> {
        let (main, other, other_total, main_cell, other_cell): (i64, i64, i64, Cell, Cell) =
            match by {
                By::Qty => (qty, value, total_value, Cell::Int(qty), Cell::Rupiah(value)),
                By::Value => (value, qty, total_qty, Cell::Rupiah(value), Cell::Int(qty)),
            };
        vec![
            main_cell,
            Cell::Percent(share(main, main_total)),
            // From the running integer sum, so the last row reads exactly 100 %.
            Cell::Percent(share(cumulative, main_total)),
            other_cell,
            Cell::Percent(share(other, other_total)),
        ]
    };
    let mut rows = Vec::new();
    let mut cumulative = 0;
    for (i, p) in sorted.iter().take(limit).enumerate() {
        cumulative += main_of(p);
        let mut row = vec![
            Cell::Int(i as i64 + 1),
            Cell::text(p.sku.clone()),
            Cell::text(p.name.clone()),
            Cell::text(p.unit.clone()),
        ];
        row.extend(figures(p.qty, p.value, cumulative));
        row.push(Cell::Int(p.orders));
        row.push(avg_price(p.value, p.qty));
        rows.push(row);
    }
    let rest = &sorted[limit.min(sorted.len())..];
    if !rest.is_empty() {
        let qty: i64 = rest.iter().map(|p| p.qty).sum();
        let value: i64 = rest.iter().map(|p| p.value).sum();
        cumulative += rest.iter().map(|p| main_of(p)).sum::<i64>();
        let mut row = vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Text(format!("Lainnya ({} produk)", rest.len())),
            Cell::Empty,
        ];
        row.extend(figures(qty, value, cumulative));
        // Orders holding any of the rest cannot be added up from per-product counts.
        row.push(Cell::Empty);
        row.push(avg_price(value, qty));
        rows.push(row);
    }
    let full = |t: i64| Cell::Percent(if t == 0 { 0.0 } else { 1.0 });
    let (main_cell, other_cell, other_total) = match by {
        By::Qty => (Cell::Int(total_qty), Cell::Rupiah(total_value), total_value),
        By::Value => (Cell::Rupiah(total_value), Cell::Int(total_qty), total_qty),
    };
    let totals = vec![vec![
        Cell::text("Total"),
        Cell::Empty,
        Cell::Text(format!("{} produk", all.len())),
        Cell::Empty,
        main_cell,
        full(main_total),
        Cell::Empty,
        other_cell,
        full(other_total),
        Cell::Empty,
        avg_price(total_value, total_qty),
    ]];
    (rows, totals)
}

fn columns(by: By) -> Vec<Column> {
    let mut c = vec![
        column("Peringkat", CellKind::Int, 8.0),
        column("SKU", CellKind::Text, 11.0),
        column("Nama Produk", CellKind::Text, 26.0),
        column("Satuan", CellKind::Text, 7.0),
    ];
    match by {
        By::Qty => c.extend([
            column("Qty", CellKind::Int, 10.0),
            column("Pangsa Qty", CellKind::Percent, 9.0),
            column("Kumulatif Qty", CellKind::Percent, 10.0),
            column("Nilai", CellKind::Rupiah, 16.0),
            column("Pangsa Nilai", CellKind::Percent, 9.0),
        ]),
        By::Value => c.extend([
            column("Nilai", CellKind::Rupiah, 16.0),
            column("Pangsa Nilai", CellKind::Percent, 9.0),
            column("Kumulatif Nilai", CellKind::Percent, 10.0),
            column("Qty", CellKind::Int, 10.0),
            column("Pangsa Qty", CellKind::Percent, 9.0),
        ]),
    }
    c.extend([
        column("Jumlah Order", CellKind::Int, 9.0),
        column("Harga Rata-rata", CellKind::Rupiah, 13.0),
    ]);
    c
}

pub async fn build(
    conn: &mut PgConnection,
    params: &ReportParams,
    from: NaiveDate,
    to: NaiveDate,
    limit: u32,
    generated_at: DateTime<Utc>,
) -> Result<Document, sqlx::Error> {
    let all = sums(conn, from, to).await?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let (qty_rows, qty_totals) = ranking(&all, By::Qty, limit);
    let (value_rows, value_totals) = ranking(&all, By::Value, limit);
    let blocks = vec![
        Block::Facts {
            title: Some("Ringkasan".into()),
            columns: 3,
            facts: vec![
                Fact::new(
                    "Total Qty Terjual",
                    Cell::Int(all.iter().map(|p| p.qty).sum()),
                ),
                Fact::new(
                    "Total Nilai Order Mitra",
                    Cell::Rupiah(all.iter().map(|p| p.value).sum()),
                ),
                Fact::new("Produk Terjual", Cell::Int(all.len() as i64)),
            ],
        },
        Block::Table(table(
            SHEET_QTY,
            "Peringkat menurut Qty",
            columns(By::Qty),
            qty_rows,
            qty_totals,
        )),
        Block::Table(table(
            SHEET_VALUE,
            "Peringkat menurut Nilai",
            columns(By::Value),
            value_rows,
            value_totals,
        )),
    ];
    let shown = limit.min(all.len());
    Ok(document(
        params,
        vec![
            sales::period_line(from, to),
            format!("{shown} produk teratas dari order mitra"),
        ],
        Orientation::Landscape,
        generated_at,
        blocks,
        vec![
            "Produk dihitung dari baris order mitra (penjualan stokis ke mitra). Pangsa dan \
             kumulatif dihitung terhadap seluruh produk terjual pada periode; baris Lainnya \
             menjumlahkan produk di luar peringkat."
                .into(),
        ],
    ))
}
