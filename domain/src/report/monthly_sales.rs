//! Monthly Sales: a month's mitra-order and purchase-order revenue with the change against the
//! month before — a KPI strip, every day of the month (zero days included) with a chart, and
//! one row per stokis. One statement groups both months by Jakarta day and stokis in the
//! database; only those few thousand sums come to Rust.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::{BTreeMap, HashMap};

use super::build::{column, document, percent, stokis_names, table};
use super::doc::{
    Block, Cell, CellKind, Chart, ChartSeries, Document, Fact, Orientation, SeriesKind,
};
use super::sales::{self, Window, change, share};
use super::{Month, ReportParams};
use crate::clock::{format_month_id, jakarta_date};

pub const SHEET_DAILY: &str = "Harian";
pub const SHEET_STOKIS: &str = "Per Stokis";

/// One group of the aggregate: the sales of one stokis on one day, orders or POs.
#[derive(Debug, Clone, sqlx::FromRow)]
struct DaySum {
    is_po: bool,
    day: NaiveDate,
    stokis_id: i64,
    n: i64,
    value: i64,
}

/// Counts and values of orders and POs.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    orders: i64,
    order_value: i64,
    pos: i64,
    po_value: i64,
}

impl Sums {
    fn add(&mut self, r: &DaySum) {
        if r.is_po {
            self.pos += r.n;
            self.po_value += r.value;
        } else {
            self.orders += r.n;
            self.order_value += r.value;
        }
    }
}

/// Both months, from the first of the previous month to the end of `month`.
fn sql() -> String {
    format!(
        "SELECT false AS is_po, {od} AS day, o.stokis_id, count(*)::bigint AS n,
                sum(o.total)::bigint AS value
         FROM orders o WHERE {of} GROUP BY 2, 3
         UNION ALL
         SELECT true, {pd}, p.stokis_id, count(*)::bigint, sum(p.total)::bigint
         FROM purchase_orders p WHERE {pf} GROUP BY 2, 3",
        od = sales::jakarta_day("o"),
        of = sales::order_filter("o", "$1", "$2"),
        pd = sales::jakarta_day("p"),
        pf = sales::po_filter("p", "$1", "$2"),
    )
}

fn window(month: Month) -> Window {
    Window::days(month.previous().first_day(), month.last_day())
}

async fn sums(conn: &mut PgConnection, month: Month) -> Result<Vec<DaySum>, sqlx::Error> {
    let w = window(month);
    sqlx::query_as(AssertSqlSafe(sql()))
        .bind(w.start)
        .bind(w.end)
        .fetch_all(conn)
        .await
}

pub async fn baseline(conn: &mut PgConnection, month: Month) -> Result<u64, sqlx::Error> {
    Ok(sums(conn, month).await?.len() as u64)
}

/// `Senin` … `Minggu`.
fn weekday_id(d: NaiveDate) -> &'static str {
    match d.weekday().number_from_monday() {
        1 => "Senin",
        2 => "Selasa",
        3 => "Rabu",
        4 => "Kamis",
        5 => "Jumat",
        6 => "Sabtu",
        _ => "Minggu",
    }
}

pub async fn build(
    conn: &mut PgConnection,
    params: &ReportParams,
    month: Month,
    generated_at: DateTime<Utc>,
) -> Result<Document, sqlx::Error> {
    let rows = sums(conn, month).await?;
    let first = month.first_day();
    let mut total = Sums::default();
    let mut prev_total = Sums::default();
    let mut by_day: BTreeMap<NaiveDate, Sums> = BTreeMap::new();
    let mut by_stokis: HashMap<i64, (Sums, Sums)> = HashMap::new();
    for r in &rows {
        let entry = by_stokis.entry(r.stokis_id).or_default();
        if r.day >= first {
            total.add(r);
            by_day.entry(r.day).or_default().add(r);
            entry.0.add(r);
        } else {
            prev_total.add(r);
            entry.1.add(r);
        }
    }
    let ids: Vec<i64> = by_stokis.keys().copied().collect();
    let names = stokis_names(conn, &ids).await?;

    // Every day of the month, zero days included, as long as the month sold anything at all
    // (an empty month shows "Tidak ada data" rather than a page of zeros).
    let mut daily = Vec::new();
    if total.orders + total.pos > 0 {
        let mut d = first;
        while d <= month.last_day() {
            let s = by_day.get(&d).copied().unwrap_or_default();
            daily.push(vec![
                Cell::Date(d),
                Cell::text(weekday_id(d)),
                Cell::Int(s.orders),
                Cell::Rupiah(s.order_value),
                Cell::Int(s.pos),
                Cell::Rupiah(s.po_value),
            ]);
            d += Duration::days(1);
        }
    }
    let daily_totals = vec![vec![
        Cell::text("Total"),
        Cell::Empty,
        Cell::Int(total.orders),
        Cell::Rupiah(total.order_value),
        Cell::Int(total.pos),
        Cell::Rupiah(total.po_value),
    ]];

    let mut stokis: Vec<(i64, Sums, Sums)> = by_stokis
        .into_iter()
        .map(|(id, (c, p))| (id, c, p))
        .collect();
    let code = |id: i64| names.get(&id).map(|s| s.code.clone()).unwrap_or_default();
    stokis.sort_by(|a, b| {
        (b.1.po_value, b.1.order_value)
            .cmp(&(a.1.po_value, a.1.order_value))
            .then_with(|| code(a.0).cmp(&code(b.0)))
    });
    let stokis_rows: Vec<Vec<Cell>> = stokis
        .iter()
        .map(|(id, cur, prev)| {
            let (code, name) = names
                .get(id)
                .map(|s| (s.code.clone(), s.name.clone()))
                .unwrap_or_default();
            vec![
                Cell::Text(code),
                Cell::Text(name),
                Cell::Int(cur.orders),
                Cell::Rupiah(cur.order_value),
                percent(change(cur.order_value, prev.order_value)),
                Cell::Percent(share(cur.order_value, total.order_value)),
                Cell::Int(cur.pos),
                Cell::Rupiah(cur.po_value),
                percent(change(cur.po_value, prev.po_value)),
                Cell::Percent(share(cur.po_value, total.po_value)),
            ]
        })
        .collect();
    let full = |v: i64| Cell::Percent(if v == 0 { 0.0 } else { 1.0 });
    let stokis_totals = vec![vec![
        Cell::text("Total"),
        Cell::Empty,
        Cell::Int(total.orders),
        Cell::Rupiah(total.order_value),
        percent(change(total.order_value, prev_total.order_value)),
        full(total.order_value),
        Cell::Int(total.pos),
        Cell::Rupiah(total.po_value),
        percent(change(total.po_value, prev_total.po_value)),
        full(total.po_value),
    ]];

    // The average over the days that have begun: a report on the current month is not diluted
    // by the days still to come.
    let today = jakarta_date(generated_at);
    let days_run = if today < first {
        0
    } else if today >= month.last_day() {
        i64::from(month.days())
    } else {
        i64::from(today.day())
    };
    let active = stokis
        .iter()
        .filter(|(_, c, _)| c.orders + c.pos > 0)
        .count();
    let prev_label = format_month_id(month.previous().year, month.previous().month);
    let facts = vec![
        Fact::new("Total Nilai Order Mitra", Cell::Rupiah(total.order_value)),
        Fact::new("Total Nilai PO", Cell::Rupiah(total.po_value)),
        Fact::new("Jumlah Order Mitra", Cell::Int(total.orders)),
        Fact::new("Jumlah PO", Cell::Int(total.pos)),
        Fact::new(
            "Order Mitra vs Bulan Lalu",
            percent(change(total.order_value, prev_total.order_value)),
        ),
        Fact::new(
            "PO vs Bulan Lalu",
            percent(change(total.po_value, prev_total.po_value)),
        ),
        Fact::new("Stokis Aktif", Cell::Int(active as i64)),
        Fact::new(
            "Rata-rata Order Mitra per Hari",
            Cell::Rupiah(if days_run == 0 {
                0
            } else {
                total.order_value / days_run
            }),
        ),
    ];

    let blocks = vec![
        Block::Facts {
            title: Some("Ringkasan".into()),
            columns: 4,
            facts,
        },
        Block::Chart(Chart {
            title: "Penjualan Harian".into(),
            table_sheet: SHEET_DAILY.into(),
            category_column: 0,
            series: vec![
                ChartSeries {
                    column: 3,
                    kind: SeriesKind::Bar,
                },
                ChartSeries {
                    column: 5,
                    kind: SeriesKind::Line,
                },
            ],
        }),
        Block::Table(table(
            SHEET_DAILY,
            "Penjualan per Hari",
            vec![
                column("Tanggal", CellKind::Date, 12.0),
                column("Hari", CellKind::Text, 9.0),
                column("Order Mitra", CellKind::Int, 10.0),
                column("Nilai Order Mitra", CellKind::Rupiah, 17.0),
                column("PO", CellKind::Int, 8.0),
                column("Nilai PO", CellKind::Rupiah, 17.0),
            ],
            daily,
            daily_totals,
        )),
        Block::Table(table(
            SHEET_STOKIS,
            "Penjualan per Stokis",
            vec![
                column("Kode", CellKind::Text, 10.0),
                column("Nama Stokis", CellKind::Text, 26.0),
                column("Order Mitra", CellKind::Int, 9.0),
                column("Nilai Order Mitra", CellKind::Rupiah, 16.0),
                column("vs Bulan Lalu", CellKind::Percent, 10.0),
                column("Pangsa Order", CellKind::Percent, 9.0),
                column("PO", CellKind::Int, 7.0),
                column("Nilai PO", CellKind::Rupiah, 16.0),
                column("vs Bulan Lalu (PO)", CellKind::Percent, 10.0),
                column("Pangsa PO", CellKind::Percent, 9.0),
            ],
            stokis_rows,
            stokis_totals,
        )),
    ];
    let subtitle = vec![
        sales::period_line(first, month.last_day()),
        format!("Dibandingkan dengan {prev_label}"),
    ];
    Ok(document(
        params,
        subtitle,
        Orientation::Landscape,
        generated_at,
        blocks,
        Vec::new(),
    ))
}
