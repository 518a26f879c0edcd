//! The downloadable template of each import kind, as a [`Document`] the `render` crate writes
//! as .xlsx: one sheet whose header row is exactly what the import reads, empty or filled with
//! the current records ("export, edit, import back" is how head office changes prices).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::ImportKind;
use crate::error::DomainError;
use crate::report::doc::{Block, Cell, CellKind, Column, Document, Orientation, Table};

fn kind_of(key: &str) -> CellKind {
    match key {
        "price_to_mitra" | "price_to_stokis" | "credit_limit" | "amount" => CellKind::Rupiah,
        "payment_terms_days" => CellKind::Int,
        "date" => CellKind::Date,
        _ => CellKind::Text,
    }
}

fn text(s: String) -> Cell {
    Cell::Text(s)
}

/// The rows of the current records, in the template's column order.
async fn current(conn: &mut PgConnection, kind: ImportKind) -> Result<Vec<Vec<Cell>>, DomainError> {
    let yes_no = |b: bool| text(if b { "Ya" } else { "Tidak" }.to_owned());
    let phone = |p: Option<String>| text(p.unwrap_or_default());
    Ok(match kind {
        ImportKind::Products => {
            let rows: Vec<(String, String, String, String, i64, i64, bool)> = sqlx::query_as(
                "SELECT sku, name, unit, category, price_to_mitra, price_to_stokis, active FROM products ORDER BY sku",
            )
            .fetch_all(conn)
            .await?;
            rows.into_iter()
                .map(|(sku, name, unit, cat, pm, ps, active)| {
                    vec![
                        text(sku),
                        text(name),
                        text(unit),
                        text(cat),
                        Cell::Rupiah(pm),
                        Cell::Rupiah(ps),
                        yes_no(active),
                    ]
                })
                .collect()
        }
        ImportKind::Stokis => {
            let rows: Vec<(String, String, String, Option<String>, i64, i32)> = sqlx::query_as(
                "SELECT code, name, city, phone, credit_limit, payment_terms_days FROM stokis ORDER BY code",
            )
            .fetch_all(conn)
            .await?;
            rows.into_iter()
                .map(|(code, name, city, p, limit, terms)| {
                    vec![
                        text(code),
                        text(name),
                        text(city),
                        phone(p),
                        Cell::Rupiah(limit),
                        Cell::Int(i64::from(terms)),
                    ]
                })
                .collect()
        }
        ImportKind::Mitra => {
            let rows: Vec<(String, String, String, Option<String>, String, String)> =
                sqlx::query_as(
                    "SELECT m.code, m.name, m.owner_name, m.phone, m.city, s.code
                 FROM mitra m JOIN stokis s ON s.id = m.stokis_id ORDER BY m.code",
                )
                .fetch_all(conn)
                .await?;
            rows.into_iter()
                .map(|(code, name, owner, p, city, stokis)| {
                    vec![
                        text(code),
                        text(name),
                        text(owner),
                        phone(p),
                        text(city),
                        text(stokis),
                    ]
                })
                .collect()
        }
        // A statement comes from the bank; its template only shows the columns.
        ImportKind::BankStatement => Vec::new(),
    })
}

/// The template of `kind`; with `with_data`, filled with the current records.
pub async fn document(
    conn: &mut PgConnection,
    kind: ImportKind,
    with_data: bool,
    now: DateTime<Utc>,
) -> Result<Document, DomainError> {
    let fields = kind.fields();
    let columns = fields
        .iter()
        .map(|f| Column {
            header: f.label.to_owned(),
            kind: kind_of(f.key),
            width: if f.key == "name" || f.key == "description" {
                32.0
            } else {
                16.0
            },
        })
        .collect();
    let rows = if with_data {
        current(conn, kind).await?
    } else {
        Vec::new()
    };
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.label)
        .collect();
    let stem = kind.as_str().to_lowercase().replace('_', "-");
    Ok(Document {
        title: format!("Templat impor {}", kind.label()),
        subtitle: vec![format!(
            "Isi lembar \"{}\"; urutan kolom bebas.",
            sheet_name(kind)
        )],
        generated_at: now,
        orientation: Orientation::Landscape,
        file_stem: if with_data {
            format!("impor-{stem}-data")
        } else {
            format!("impor-{stem}-templat")
        },
        blocks: vec![Block::Table(Table {
            sheet: sheet_name(kind).to_owned(),
            title: kind.label().to_owned(),
            columns,
            rows,
            totals: Vec::new(),
            // An empty template must not carry a "no data" line the import would read as a row.
            empty_text: String::new(),
        })],
        footnotes: vec![
            format!("Kolom wajib: {}.", required.join(", ")),
            "Harga dan limit dalam Rupiah bulat; nomor WhatsApp diawali 08 atau +62.".to_owned(),
        ],
    })
}

fn sheet_name(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Products => "Produk",
        ImportKind::Stokis => "Stokis",
        ImportKind::Mitra => "Mitra",
        ImportKind::BankStatement => "Mutasi",
    }
}
