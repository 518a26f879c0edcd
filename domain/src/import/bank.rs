//! Bank statement imports (mutasi rekening) for finance: each credit line matched to an open
//! invoice — by the invoice number in its description, or else suggested when the stokis named
//! in the description has an invoice whose balance is exactly the amount — and recorded on
//! commit as a transfer payment carrying the bank's reference. A reference already recorded is
//! never recorded again, so importing the same statement twice pays nothing twice.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::header::{self, Field, Located};
use super::sheet::{Cell, Sheet};
use super::values;
use super::{
    Applied, BankLine, ColumnChoice, Counts, MatchChoice, Preview, PreviewRow, RowAction, RowError,
};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::invoice::{NewPayment, PaymentMethod, record_payment};

pub(super) const FIELDS: &[Field] = &[
    Field {
        key: "date",
        label: "Tanggal",
        aliases: &[
            "tgl",
            "date",
            "tanggaltransaksi",
            "tgltransaksi",
            "transactiondate",
            "postingdate",
            "tglmutasi",
            "valuedate",
            "tanggalmutasi",
        ],
        required: true,
    },
    Field {
        key: "description",
        label: "Keterangan",
        aliases: &[
            "deskripsi",
            "uraian",
            "description",
            "remark",
            "remarks",
            "berita",
            "catatan",
            "keterangantransaksi",
            "uraiantransaksi",
        ],
        required: true,
    },
    Field {
        key: "amount",
        label: "Kredit",
        aliases: &[
            "credit",
            "cr",
            "masuk",
            "jumlahkredit",
            "creditamount",
            "mutasikredit",
            "mutasimasuk",
            "nominalkredit",
            "uangmasuk",
        ],
        required: true,
    },
    Field {
        key: "reference",
        label: "Referensi",
        aliases: &[
            "noreferensi",
            "nomorreferensi",
            "reference",
            "ref",
            "noref",
            "reftransaksi",
            "referenceno",
            "nomortransaksi",
        ],
        required: false,
    },
];

pub const MATCH_BY_NUMBER: &str = "INVOICE_NUMBER";
pub const MATCH_BY_BALANCE: &str = "STOKIS_BALANCE";

/// The layout of a statement: a hash of its header row, so a bank's export is recognised again.
fn signature(headers: &[String]) -> String {
    let joined: Vec<String> = headers.iter().map(|h| header::normalise(h)).collect();
    let digest = Sha256::digest(joined.join("|").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// An open invoice as matching sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct OpenInvoice {
    id: i64,
    number: String,
    stokis_code: String,
    stokis_name: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    balance: i64,
}

struct Book {
    invoices: Vec<OpenInvoice>,
    /// `INV2026110001` → index into `invoices`.
    by_number: HashMap<String, usize>,
    /// Invoice numbers (normalised) that exist but are paid, to say so.
    paid_numbers: HashSet<String>,
    recorded: HashSet<String>,
    stokis: Vec<(String, String)>,
}

fn compact(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

async fn book(
    conn: &mut PgConnection,
    references: &[String],
    lock: bool,
) -> Result<Book, DomainError> {
    let invoices: Vec<OpenInvoice> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT i.id, i.number, s.code AS stokis_code, s.name AS stokis_name, i.issue_date, i.due_date,
                i.total - i.paid AS balance
         FROM invoices i JOIN stokis s ON s.id = i.stokis_id
         WHERE i.status <> 'PAID' ORDER BY i.due_date, i.id{}",
        if lock { " FOR UPDATE OF i" } else { "" }
    )))
    .fetch_all(&mut *conn)
    .await?;
    let by_number = invoices
        .iter()
        .enumerate()
        .map(|(i, inv)| (compact(&inv.number), i))
        .collect();
    let paid: Vec<String> = sqlx::query_scalar("SELECT number FROM invoices WHERE status = 'PAID'")
        .fetch_all(&mut *conn)
        .await?;
    let recorded: Vec<String> = sqlx::query_scalar(
        "SELECT bank_reference FROM bank_statement_lines WHERE bank_reference = ANY($1)",
    )
    .bind(references)
    .fetch_all(&mut *conn)
    .await?;
    let stokis: Vec<(String, String)> = sqlx::query_as("SELECT code, name FROM stokis")
        .fetch_all(&mut *conn)
        .await?;
    Ok(Book {
        invoices,
        by_number,
        paid_numbers: paid.iter().map(|n| compact(n)).collect(),
        recorded: recorded.into_iter().collect(),
        stokis,
    })
}

/// Candidate invoice numbers in a description: `INV` and the 10 digits of `INV/YYYY/MM/NNNN`,
/// whatever the bank did to the slashes (`INV/2026/11/0001`, `INV-2026-11-0001`, `INV2026110001`).
fn invoice_numbers(description: &str) -> Vec<String> {
    let c = compact(description);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = c[from..].find("INV") {
        let start = from + pos;
        let digits: String = c[start + 3..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.len() >= 10 {
            out.push(format!("INV{digits}"));
        }
        from = start + 3;
    }
    out
}

/// The stokis a description names: its code as a word, or its full name.
fn stokis_named(book: &Book, description: &str) -> Option<String> {
    let upper = description.to_uppercase();
    let words: HashSet<&str> = upper
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    book.stokis
        .iter()
        .find(|(code, name)| {
            words.contains(code.as_str())
                || (name.len() >= 4 && upper.contains(&name.to_uppercase()))
        })
        .map(|(code, _)| code.clone())
}

/// Matches each line in file order, lowering each matched invoice's remaining balance so two
/// lines never pay the same balance twice.
fn plan(rows: &mut [PreviewRow], book: &Book) {
    let mut remaining: Vec<i64> = book.invoices.iter().map(|i| i.balance).collect();
    for r in rows.iter_mut().filter(|r| r.action != RowAction::Error) {
        let Some(line) = r.bank.as_mut() else {
            continue;
        };
        line.invoice_id = None;
        line.invoice_number = None;
        line.stokis_code = None;
        line.matched_by = None;
        r.note = None;
        if book.recorded.contains(&line.reference) {
            r.action = RowAction::Unchanged;
            r.note = Some("Sudah tercatat pada impor sebelumnya".into());
            continue;
        }
        let mut found = None;
        let mut why_not = None;
        for number in invoice_numbers(&line.description) {
            match book.by_number.get(&number) {
                Some(&i) if book.invoices[i].issue_date > line.date => {
                    why_not = Some(format!(
                        "{} terbit setelah tanggal transfer",
                        book.invoices[i].number
                    ));
                }
                Some(&i) if line.amount > remaining[i] => {
                    why_not = Some(format!(
                        "melebihi sisa tagihan {} ({})",
                        book.invoices[i].number,
                        crate::money::format_rupiah(remaining[i])
                    ));
                }
                Some(&i) => {
                    found = Some((i, MATCH_BY_NUMBER));
                    break;
                }
                None if book.paid_numbers.contains(&number) => {
                    why_not = Some("invoice di keterangan sudah lunas".into());
                }
                None => {}
            }
        }
        if found.is_none()
            && let Some(code) = stokis_named(book, &line.description)
        {
            line.stokis_code = Some(code.clone());
            found = book
                .invoices
                .iter()
                .enumerate()
                .find(|(i, inv)| {
                    inv.stokis_code == code
                        && remaining[*i] == line.amount
                        && inv.issue_date <= line.date
                })
                .map(|(i, _)| (i, MATCH_BY_BALANCE));
        }
        match found {
            Some((i, by)) => {
                let inv = &book.invoices[i];
                remaining[i] -= line.amount;
                line.invoice_id = Some(inv.id);
                line.invoice_number = Some(inv.number.clone());
                line.stokis_code = Some(inv.stokis_code.clone());
                line.matched_by = Some(by.to_owned());
                r.action = RowAction::Create;
                if by == MATCH_BY_BALANCE {
                    r.note = Some(format!(
                        "Saran: {} ({}) bersaldo persis sama, jatuh tempo {}",
                        inv.number,
                        inv.stokis_name,
                        inv.due_date.format("%d/%m/%Y")
                    ));
                }
            }
            None => {
                r.action = RowAction::Unmatched;
                r.note =
                    Some(why_not.unwrap_or_else(|| "Tidak ada invoice terbuka yang cocok".into()));
            }
        }
    }
}

fn count(rows: &[PreviewRow], errors: usize) -> Counts {
    let n = |a: RowAction| {
        u32::try_from(rows.iter().filter(|r| r.action == a).count()).unwrap_or(u32::MAX)
    };
    Counts {
        create: n(RowAction::Create),
        update: 0,
        unchanged: n(RowAction::Unchanged),
        errors: u32::try_from(errors).unwrap_or(u32::MAX),
        unmatched: n(RowAction::Unmatched),
    }
}

/// Where the columns are: the headers, else the column choice sent with the upload, else the
/// choice remembered for this layout.
async fn columns(
    conn: &mut PgConnection,
    sheets: &[Sheet],
    choice: &ColumnChoice,
) -> Result<(Located, Vec<RowError>, bool), DomainError> {
    let mut located = header::locate(sheets, FIELDS);
    let header_row = u32::try_from(located.header_row + 1).unwrap_or(u32::MAX);
    let mut errors = Vec::new();
    let mut chosen = false;
    if !choice.is_empty() {
        for field in FIELDS {
            if let Some(h) = choice.get(field.key).filter(|h| !h.trim().is_empty()) {
                if header::choose(&mut located, field.key, h) {
                    chosen = true;
                } else {
                    errors.push(RowError {
                        row: header_row,
                        column: h.clone(),
                        message: format!("kolom \"{h}\" tidak ada di baris judul"),
                    });
                }
            }
        }
    } else if !located.missing(FIELDS).is_empty() {
        let remembered: Option<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT date_column, description_column, amount_column, reference_column
             FROM import_bank_layouts WHERE signature = $1",
        )
        .bind(signature(&located.headers))
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((d, desc, a, r)) = remembered {
            header::choose(&mut located, "date", &d);
            header::choose(&mut located, "description", &desc);
            header::choose(&mut located, "amount", &a);
            if let Some(r) = r {
                header::choose(&mut located, "reference", &r);
            }
        }
    }
    Ok((located, errors, chosen))
}

pub(super) async fn preview(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    sheets: &[Sheet],
    choice: &ColumnChoice,
) -> Result<(Preview, Option<String>), DomainError> {
    let (located, mut errors, chosen) = columns(conn, sheets, choice).await?;
    let header_row = u32::try_from(located.header_row + 1).unwrap_or(u32::MAX);
    let sig = signature(&located.headers);
    let missing: Vec<String> = located
        .missing(FIELDS)
        .into_iter()
        .map(str::to_owned)
        .collect();
    for label in &missing {
        errors.push(RowError {
            row: header_row,
            column: label.clone(),
            message: format!("kolom \"{label}\" tidak dikenali: pilih kolomnya di bawah"),
        });
    }
    let column_names: BTreeMap<String, String> = located
        .columns
        .keys()
        .map(|k| ((*k).to_owned(), located.column_name(FIELDS, k)))
        .collect();
    let mut rows = Vec::new();
    if missing.is_empty() && errors.is_empty() {
        if chosen {
            remember(conn, actor, clock, &sig, &column_names).await?;
        }
        rows = parse(sheets, &located, clock.today(), &mut errors);
        let refs: Vec<String> = rows
            .iter()
            .filter_map(|r| r.bank.as_ref().map(|b| b.reference.clone()))
            .collect();
        let book = book(conn, &refs, false).await?;
        plan(&mut rows, &book);
    }
    errors.sort_by_key(|e| e.row);
    Ok((
        Preview {
            counts: count(&rows, errors.len()),
            rows,
            errors,
            headers: located.headers.clone(),
            columns: column_names,
            missing,
            sheet: sheets
                .get(located.sheet)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            header_row,
        },
        Some(sig),
    ))
}

async fn remember(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    signature: &str,
    columns: &BTreeMap<String, String>,
) -> Result<(), DomainError> {
    let get = |k: &str| columns.get(k).cloned().unwrap_or_default();
    sqlx::query(
        "INSERT INTO import_bank_layouts (signature, date_column, description_column, amount_column, reference_column, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (signature) DO UPDATE SET date_column = $2, description_column = $3,
             amount_column = $4, reference_column = $5, updated_by = $6, updated_at = $7",
    )
    .bind(signature)
    .bind(get("date"))
    .bind(get("description"))
    .bind(get("amount"))
    .bind(columns.get("reference"))
    .bind(actor.user_id)
    .bind(clock.now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The credit lines below the header (debits and blank credits are not payments: skipped).
fn parse(
    sheets: &[Sheet],
    located: &Located,
    today: NaiveDate,
    errors: &mut Vec<RowError>,
) -> Vec<PreviewRow> {
    let mut rows = Vec::new();
    let Some(sheet) = sheets.get(located.sheet) else {
        return rows;
    };
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (i, cells) in sheet.rows.iter().enumerate().skip(located.header_row + 1) {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let cell = |k: &str| {
            located
                .columns
                .get(k)
                .and_then(|&c| cells.get(c))
                .unwrap_or(&Cell::Empty)
        };
        let mut fail = |key: &str, message: String| {
            errors.push(RowError {
                row,
                column: located.column_name(FIELDS, key),
                message,
            });
        };
        let amount_cell = cell("amount");
        if amount_cell.is_empty()
            || matches!(amount_cell, Cell::Text(t) if t.trim() == "-" || t.trim() == "0")
        {
            continue;
        }
        let amount = match values::rupiah(amount_cell) {
            Ok(0) => continue,
            Ok(a) => Some(a),
            Err(e) => {
                fail("amount", e);
                None
            }
        };
        let date = match values::date(cell("date")) {
            Ok(d) if d > today => {
                fail("date", "tanggal di masa depan".into());
                None
            }
            Ok(d) => Some(d),
            // A closing-balance or totals line at the foot of a statement has no date.
            Err(_)
                if cell("date").is_empty()
                    && cells.iter().filter(|c| !c.is_empty()).count() <= 2 =>
            {
                continue;
            }
            Err(e) => {
                fail("date", e);
                None
            }
        };
        let description = match values::text(cell("description"), false, 1000) {
            Ok(d) => d,
            Err(e) => {
                fail("description", e);
                String::new()
            }
        };
        let given = values::text(cell("reference"), false, 200).unwrap_or_default();
        let (Some(date), Some(amount)) = (date, amount) else {
            rows.push(PreviewRow {
                row,
                key: String::new(),
                action: RowAction::Error,
                changes: Vec::new(),
                note: None,
                values: BTreeMap::new(),
                bank: None,
            });
            continue;
        };
        // Without a reference column the line itself is the reference: the same line of the
        // same statement always derives the same one, the n-th identical line its own.
        let base = format!("{date}|{}|{amount}", description.trim());
        let nth = seen.entry(base.clone()).or_insert(0);
        *nth += 1;
        let reference = if given.is_empty() {
            let digest = Sha256::digest(format!("{base}|{nth}").as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("MUTASI-{}", hex.to_uppercase())
        } else {
            given
        };
        rows.push(PreviewRow {
            row,
            key: reference.clone(),
            action: RowAction::Unmatched,
            changes: Vec::new(),
            note: None,
            values: BTreeMap::new(),
            bank: Some(BankLine {
                date,
                description,
                amount,
                reference,
                invoice_id: None,
                invoice_number: None,
                stokis_code: None,
                matched_by: None,
            }),
        });
    }
    let mut refs: HashMap<String, u32> = HashMap::new();
    for r in &mut rows {
        if r.action == RowAction::Error || r.key.is_empty() {
            continue;
        }
        if let Some(first) = refs.get(&r.key) {
            errors.push(RowError {
                row: r.row,
                column: located.column_name(FIELDS, "reference"),
                message: format!("referensi {} sudah ada di baris {first} berkas ini", r.key),
            });
            r.action = RowAction::Error;
        } else {
            refs.insert(r.key.clone(), r.row);
        }
    }
    rows
}

/// Re-plans against the locked invoices (stale if any automatic match differs), applies
/// finance's choices, and records each payment with its bank reference.
pub(super) async fn commit(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    import_id: i64,
    preview: &Preview,
    matches: &[MatchChoice],
) -> Result<Applied, DomainError> {
    let refs: Vec<String> = preview
        .rows
        .iter()
        .filter_map(|r| r.bank.as_ref().map(|b| b.reference.clone()))
        .collect();
    let book = book(conn, &refs, true).await?;
    let mut replanned = preview.rows.clone();
    plan(&mut replanned, &book);
    if replanned != preview.rows {
        return Err(super::stale());
    }
    let chosen: HashMap<u32, Option<i64>> = matches.iter().map(|m| (m.row, m.invoice_id)).collect();
    let mut bad = crate::error::FieldErrors::new();
    for row in chosen.keys() {
        if !replanned
            .iter()
            .any(|r| r.row == *row && r.bank.is_some() && r.action != RowAction::Unchanged)
        {
            bad.insert(
                format!("row {row}"),
                "baris ini tidak bisa dicocokkan".into(),
            );
        }
    }
    if !bad.is_empty() {
        return Err(DomainError::Validation(bad));
    }
    let now = clock.now();
    let mut applied = Applied::default();
    for r in &replanned {
        let Some(line) = &r.bank else {
            continue;
        };
        if r.action == RowAction::Unchanged {
            applied.unchanged += 1;
            continue;
        }
        let Some(invoice_id) = chosen.get(&r.row).copied().unwrap_or(line.invoice_id) else {
            continue;
        };
        // The reference row first: a concurrent import of the same line waits here and then
        // finds it taken, so it can never be paid twice.
        let inserted = sqlx::query(
            "INSERT INTO bank_statement_lines (bank_reference, import_id, invoice_id, amount, booked_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (bank_reference) DO NOTHING",
        )
        .bind(&line.reference)
        .bind(import_id)
        .bind(invoice_id)
        .bind(line.amount)
        .bind(line.date)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(super::stale());
        }
        let payment = NewPayment {
            amount: line.amount,
            paid_on: line.date,
            method: PaymentMethod::Transfer,
            reference: line.reference.clone(),
        };
        record_payment(conn, actor, clock, invoice_id, payment)
            .await
            .map_err(|e| match e {
                DomainError::Validation(fields) => DomainError::Validation(
                    fields
                        .into_values()
                        .map(|m| (format!("row {}", r.row), format!("baris {}: {m}", r.row)))
                        .collect(),
                ),
                DomainError::NotFound { .. } => DomainError::field(
                    &format!("row {}", r.row),
                    format!("baris {}: invoice tidak ditemukan", r.row),
                ),
                other => other,
            })?;
        applied.payments += 1;
    }
    Ok(applied)
}

/// An open invoice finance can pick for a bank line.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct InvoiceOption {
    pub id: i64,
    pub number: String,
    pub stokis_code: String,
    pub balance: i64,
}

/// Every invoice with a balance, oldest due first: the choices of the preview page.
pub async fn open_invoices(conn: &mut PgConnection) -> Result<Vec<InvoiceOption>, DomainError> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.number, s.code AS stokis_code, i.total - i.paid AS balance
         FROM invoices i JOIN stokis s ON s.id = i.stokis_id
         WHERE i.status <> 'PAID' ORDER BY i.due_date, i.id LIMIT 2000",
    )
    .fetch_all(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_survive_what_banks_do_to_slashes() {
        assert_eq!(
            invoice_numbers("TRF INV/2026/11/0001 STK001"),
            vec!["INV2026110001"]
        );
        assert_eq!(
            invoice_numbers("bayar inv-2026-11-0002"),
            vec!["INV2026110002"]
        );
        assert!(invoice_numbers("INVESTASI 2026").is_empty());
    }
}
