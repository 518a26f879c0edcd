//! Invoice Aging as of a date: per stokis, the balances unpaid on that day split by how far past
//! due they were (belum jatuh tempo, 1–30, 31–60, 61–90, > 90 days), with the invoice count, the
//! oldest due date and the share of the whole; a total row and a `%` row; then every open
//! invoice. Balances are rebuilt from the payments dated up to that day, so a payment made
//! after it does not count and a past date shows what was owed then.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use std::collections::BTreeMap;

use super::ReportParams;
use super::build::{column, document, table};
use super::doc::{Block, Cell, CellKind, Document, Fact, Orientation};
use crate::clock::{format_date_id, jakarta_start_of_day};
use crate::read::aging::bucket_of;

pub const SHEET_STOKIS: &str = "Per Stokis";
pub const SHEET_DETAIL: &str = "Rincian Faktur";

/// The five buckets, in print order.
pub const BUCKETS: [&str; 5] = ["Belum Jatuh Tempo", "1–30", "31–60", "61–90", "> 90"];

/// One invoice with a balance on the day.
#[derive(Debug, Clone, sqlx::FromRow)]
struct OpenInvoice {
    number: String,
    stokis_id: i64,
    stokis_code: String,
    stokis_name: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    total: i64,
    paid: i64,
}

impl OpenInvoice {
    fn balance(&self) -> i64 {
        self.total - self.paid
    }
}

/// Unpaid invoices and those settled after the day are the only candidates: an invoice whose
/// last payment was recorded by the end of `as_of` was settled by then (a payment is never dated
/// after the day it is recorded).
const SQL: &str = "SELECT i.number, i.stokis_id, s.code AS stokis_code, s.name AS stokis_name,
           i.issue_date, i.due_date, i.total,
           COALESCE((SELECT sum(p.amount) FROM payments p
                     WHERE p.invoice_id = i.id AND p.paid_on <= $1), 0)::bigint AS paid
    FROM invoices i JOIN stokis s ON s.id = i.stokis_id
    WHERE i.issue_date <= $1 AND (i.status <> 'PAID' OR i.paid_at >= $2)";

async fn open_invoices(
    conn: &mut PgConnection,
    as_of: NaiveDate,
) -> Result<Vec<OpenInvoice>, sqlx::Error> {
    let settled_after = jakarta_start_of_day(as_of + chrono::Duration::days(1));
    let mut rows: Vec<OpenInvoice> = sqlx::query_as(SQL)
        .bind(as_of)
        .bind(settled_after)
        .fetch_all(conn)
        .await?;
    rows.retain(|r| r.balance() > 0);
    Ok(rows)
}

pub async fn baseline(conn: &mut PgConnection, as_of: NaiveDate) -> Result<u64, sqlx::Error> {
    Ok(open_invoices(conn, as_of).await?.len() as u64)
}

/// A stokis' line: the buckets, the invoice count and its oldest due date.
#[derive(Debug, Clone, Default)]
struct StokisAging {
    code: String,
    name: String,
    buckets: [i64; 5],
    invoices: i64,
    oldest_due: Option<NaiveDate>,
}

impl StokisAging {
    fn total(&self) -> i64 {
        self.buckets.iter().sum()
    }

    fn add(&mut self, inv: &OpenInvoice, as_of: NaiveDate) {
        self.buckets[bucket_of((as_of - inv.due_date).num_days())] += inv.balance();
        self.invoices += 1;
        self.oldest_due = Some(
            self.oldest_due
                .map_or(inv.due_date, |d| d.min(inv.due_date)),
        );
    }
}

fn share(part: i64, whole: i64) -> Cell {
    Cell::Percent(super::sales::share(part, whole))
}

pub async fn build(
    conn: &mut PgConnection,
    params: &ReportParams,
    as_of: NaiveDate,
    generated_at: DateTime<Utc>,
) -> Result<Document, sqlx::Error> {
    let mut open = open_invoices(conn, as_of).await?;
    let mut per_stokis: BTreeMap<i64, StokisAging> = BTreeMap::new();
    let mut all = StokisAging::default();
    for inv in &open {
        let s = per_stokis
            .entry(inv.stokis_id)
            .or_insert_with(|| StokisAging {
                code: inv.stokis_code.clone(),
                name: inv.stokis_name.clone(),
                ..StokisAging::default()
            });
        s.add(inv, as_of);
        all.add(inv, as_of);
    }
    let grand = all.total();
    let mut stokis: Vec<StokisAging> = per_stokis.into_values().collect();
    // Largest balance first: who to call.
    stokis.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.code.cmp(&b.code)));
    let rows: Vec<Vec<Cell>> = stokis
        .iter()
        .map(|s| {
            let mut row = vec![Cell::Text(s.code.clone()), Cell::Text(s.name.clone())];
            row.extend(s.buckets.iter().map(|b| Cell::Rupiah(*b)));
            row.push(Cell::Rupiah(s.total()));
            row.push(Cell::Int(s.invoices));
            row.push(s.oldest_due.map_or(Cell::Empty, Cell::Date));
            row.push(share(s.total(), grand));
            row
        })
        .collect();
    let totals = if rows.is_empty() {
        Vec::new()
    } else {
        let mut total = vec![
            Cell::text("Total"),
            Cell::Text(format!("{} stokis", rows.len())),
        ];
        total.extend(all.buckets.iter().map(|b| Cell::Rupiah(*b)));
        total.push(Cell::Rupiah(grand));
        total.push(Cell::Int(all.invoices));
        total.push(all.oldest_due.map_or(Cell::Empty, Cell::Date));
        total.push(share(grand, grand));
        let mut pct = vec![Cell::text("%"), Cell::Empty];
        pct.extend(all.buckets.iter().map(|b| share(*b, grand)));
        pct.push(share(grand, grand));
        pct.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
        vec![total, pct]
    };
    let mut columns = vec![
        column("Kode", CellKind::Text, 9.0),
        column("Nama Stokis", CellKind::Text, 22.0),
    ];
    columns.extend(BUCKETS.iter().map(|b| column(b, CellKind::Rupiah, 14.0)));
    columns.extend([
        column("Total", CellKind::Rupiah, 15.0),
        column("Faktur", CellKind::Int, 7.0),
        column("Jatuh Tempo Tertua", CellKind::Date, 11.0),
        column("% dari Total", CellKind::Percent, 8.0),
    ]);

    open.sort_by(|a, b| {
        (&a.stokis_code, a.due_date, &a.number).cmp(&(&b.stokis_code, b.due_date, &b.number))
    });
    let detail: Vec<Vec<Cell>> = open
        .iter()
        .map(|inv| {
            let late = (as_of - inv.due_date).num_days();
            vec![
                Cell::Text(inv.number.clone()),
                Cell::Text(inv.stokis_code.clone()),
                Cell::Text(inv.stokis_name.clone()),
                Cell::Date(inv.issue_date),
                Cell::Date(inv.due_date),
                Cell::Int(late.max(0)),
                Cell::Rupiah(inv.total),
                Cell::Rupiah(inv.paid),
                Cell::Rupiah(inv.balance()),
                Cell::text(BUCKETS[bucket_of(late)]),
            ]
        })
        .collect();
    let detail_totals = if detail.is_empty() {
        Vec::new()
    } else {
        vec![vec![
            Cell::text("Total"),
            Cell::Empty,
            Cell::Text(format!("{} faktur", detail.len())),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Rupiah(open.iter().map(|i| i.total).sum()),
            Cell::Rupiah(open.iter().map(|i| i.paid).sum()),
            Cell::Rupiah(grand),
            Cell::Empty,
        ]]
    };
    let overdue: i64 = all.buckets[1..].iter().sum();
    let blocks = vec![
        Block::Facts {
            title: Some("Ringkasan".into()),
            columns: 4,
            facts: vec![
                Fact::new("Total Piutang", Cell::Rupiah(grand)),
                Fact::new("Lewat Jatuh Tempo", Cell::Rupiah(overdue)),
                Fact::new("Faktur Terbuka", Cell::Int(all.invoices)),
                Fact::new("Stokis", Cell::Int(stokis.len() as i64)),
            ],
        },
        Block::Table(table(
            SHEET_STOKIS,
            "Umur Piutang per Stokis",
            columns,
            rows,
            totals,
        )),
        Block::Table(table(
            SHEET_DETAIL,
            "Rincian Faktur Terbuka",
            vec![
                column("No. Faktur", CellKind::Text, 18.0),
                column("Kode", CellKind::Text, 9.0),
                column("Nama Stokis", CellKind::Text, 20.0),
                column("Tgl Faktur", CellKind::Date, 11.0),
                column("Jatuh Tempo", CellKind::Date, 11.0),
                column("Hari Lewat", CellKind::Int, 7.0),
                column("Nilai Faktur", CellKind::Rupiah, 14.0),
                column("Dibayar", CellKind::Rupiah, 14.0),
                column("Sisa", CellKind::Rupiah, 14.0),
                column("Kelompok", CellKind::Text, 12.0),
            ],
            detail,
            detail_totals,
        )),
    ];
    Ok(document(
        params,
        vec![format!("Posisi per {}", format_date_id(as_of))],
        Orientation::Landscape,
        generated_at,
        blocks,
        vec![
            "Sisa tagihan dihitung dari nilai faktur dikurangi pembayaran bertanggal sampai \
             tanggal posisi; pembayaran sesudahnya tidak dihitung. Umur dihitung dari tanggal \
             jatuh tempo sampai tanggal posisi."
                .into(),
        ],
    ))
}
