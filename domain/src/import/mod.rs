//! Spreadsheet imports: head office's master data (products, stokis, mitra) and finance's bank
//! statements, from `.xlsx`, `.xls`, `.ods` or `.csv`. An upload is read, its columns found by
//! header text, every row checked and compared with the database, and the result stored as an
//! import record in `PREVIEW`; nothing else is written. Committing applies the whole preview
//! in the caller's transaction, only when it has no errors and the data it was compared with
//! has not changed since (then it is refused as stale), and marks the record `COMMITTED`.

mod bank;
mod csv_text;
mod header;
mod master;
mod record;
mod sheet;
pub mod template;
mod values;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::role::Role;
use crate::text_enum::text_enum;

pub use bank::{InvoiceOption, open_invoices};
pub use record::{ImportRecord, ImportSummary, get, list};
pub use sheet::MAX_ROWS;
/// The sheets of a file as the import reads them (the bench's baseline: reading alone).
pub use sheet::read as read_sheets;

/// The largest file an import ever takes; the web tier refuses bodies over its configured
/// limit (`IMPORT_MAX_MB`, at most this) before reading them.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

text_enum! {
    pub enum ImportKind {
        Products => "PRODUCTS",
        Stokis => "STOKIS",
        Mitra => "MITRA",
        BankStatement => "BANK_STATEMENT",
    }
}

impl ImportKind {
    pub fn label(self) -> &'static str {
        match self {
            ImportKind::Products => "Produk & harga",
            ImportKind::Stokis => "Stokis",
            ImportKind::Mitra => "Mitra",
            ImportKind::BankStatement => "Mutasi rekening bank",
        }
    }

    /// Who may import this kind: head office its master data, finance the bank statements.
    pub fn role(self) -> Role {
        match self {
            ImportKind::BankStatement => Role::Finance,
            _ => Role::Pusat,
        }
    }

    /// The kinds `role` may import (empty for everyone else).
    pub fn for_role(role: Role) -> Vec<ImportKind> {
        ImportKind::ALL
            .iter()
            .copied()
            .filter(|k| k.role() == role)
            .collect()
    }

    /// The columns of this kind, in template order.
    pub fn fields(self) -> &'static [header::Field] {
        match self {
            ImportKind::BankStatement => bank::FIELDS,
            other => master::fields(other),
        }
    }

    /// The column headers of this kind, in template order, with whether each is required.
    pub fn columns(self) -> Vec<(&'static str, &'static str, bool)> {
        self.fields()
            .iter()
            .map(|f| (f.key, f.label, f.required))
            .collect()
    }
}

text_enum! {
    pub enum ImportStatus {
        Preview => "PREVIEW",
        Committed => "COMMITTED",
    }
}

text_enum! {
    /// What committing does with one row.
    pub enum RowAction {
        Create => "CREATE",
        Update => "UPDATE",
        Unchanged => "UNCHANGED",
        Error => "ERROR",
        /// A bank credit with no invoice to pay: listed, recorded nowhere.
        Unmatched => "UNMATCHED",
    }
}

impl RowAction {
    pub fn label(self) -> &'static str {
        match self {
            RowAction::Create => "Baru",
            RowAction::Update => "Diubah",
            RowAction::Unchanged => "Tetap",
            RowAction::Error => "Salah",
            RowAction::Unmatched => "Belum cocok",
        }
    }
}

/// The preview's tally. For a bank statement `create` counts the payments to record,
/// `unchanged` the lines recorded by an earlier import, `unmatched` the credits without an
/// invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub create: u32,
    pub update: u32,
    pub unchanged: u32,
    pub errors: u32,
    #[serde(default)]
    pub unmatched: u32,
}

/// One problem, where the user finds it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The sheet's row number (1 is the first row); the header row for a missing column.
    pub row: u32,
    /// The column's header as the file writes it (or the template's, when it is missing).
    pub column: String,
    pub message: String,
}

/// One changed cell: `old` is `None` for a new record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub column: String,
    pub old: Option<String>,
    pub new: String,
}

/// A bank statement line and the invoice it pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankLine {
    pub date: NaiveDate,
    pub description: String,
    pub amount: i64,
    /// The bank's reference, or one derived from the line (`MUTASI-…`): what makes a second
    /// import of the same statement record nothing.
    pub reference: String,
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub stokis_code: Option<String>,
    /// `INVOICE_NUMBER` (found in the description) or `STOKIS_BALANCE` (a suggestion: the
    /// stokis named in the description has an invoice with exactly this balance).
    pub matched_by: Option<String>,
}

/// One row of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: u32,
    /// SKU or code; for a bank line its reference.
    pub key: String,
    pub action: RowAction,
    pub changes: Vec<Change>,
    /// `Pindah stokis: STK001 → STK002`, `Sudah tercatat pada impor sebelumnya`.
    pub note: Option<String>,
    /// The row's checked values by field, what commit writes.
    pub values: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<BankLine>,
}

/// Everything a preview shows, stored on the import record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub counts: Counts,
    pub rows: Vec<PreviewRow>,
    pub errors: Vec<RowError>,
    /// The header row's texts, for choosing columns by hand.
    pub headers: Vec<String>,
    /// Field key → the header used for it.
    pub columns: BTreeMap<String, String>,
    /// Required columns not found (their template labels).
    pub missing: Vec<String>,
    pub sheet: String,
    pub header_row: u32,
}

/// What a commit applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Payments recorded from a bank statement.
    pub payments: u32,
}

/// Columns chosen by hand: field key (`date`, `description`, `amount`, `reference`) → header.
pub type ColumnChoice = BTreeMap<String, String>;

/// Finance's decision on one bank line at commit: pay `invoice_id`, or nothing (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchChoice {
    pub row: u32,
    pub invoice_id: Option<i64>,
}

fn require_role(actor: &Actor, kind: ImportKind) -> Result<(), DomainError> {
    if actor.role == kind.role() {
        Ok(())
    } else if kind == ImportKind::BankStatement {
        Err(DomainError::Forbidden(
            "Impor mutasi bank hanya untuk Finance".into(),
        ))
    } else {
        Err(DomainError::Forbidden(
            "Impor data master hanya untuk Pusat".into(),
        ))
    }
}

/// Reads `bytes`, checks and compares every row, and stores the preview. Only an unreadable
/// file is an error (422 on `file`); missing columns and bad rows are in the preview.
pub async fn preview(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    choice: &ColumnChoice,
) -> Result<ImportRecord, DomainError> {
    require_role(actor, kind)?;
    let file_name = file_name.trim();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(DomainError::field("file", "Nama berkas tidak valid"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(DomainError::field(
            "file",
            format!(
                "Berkas terlalu besar: maksimal {} MB",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let sheets = sheet::read(file_name, bytes)?;
    let (preview, signature) = match kind {
        ImportKind::BankStatement => bank::preview(conn, actor, clock, &sheets, choice).await?,
        other => (master::preview(conn, other, &sheets).await?, None),
    };
    record::insert(
        conn,
        actor,
        clock,
        kind,
        file_name,
        bytes,
        signature.as_deref(),
        &preview,
    )
    .await
}

/// A new preview of a stored import's file with columns chosen by hand.
pub async fn repreview(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    choice: &ColumnChoice,
) -> Result<ImportRecord, DomainError> {
    let (kind, file_name, bytes) = record::file(conn, actor, id).await?;
    preview(conn, actor, clock, kind, &file_name, &bytes, choice).await
}

/// Applies import `id`: all of it in the caller's transaction, or nothing. Refused (422) while
/// the preview has errors, and (409) when committed already or when the data it was compared
/// with has changed since (the preview is stale: upload the file again).
pub async fn commit(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    matches: &[MatchChoice],
) -> Result<ImportRecord, DomainError> {
    let locked = record::lock(conn, actor, id).await?;
    require_role(actor, locked.kind)?;
    if locked.status == ImportStatus::Committed {
        return Err(DomainError::Conflict(
            "Impor ini sudah diterapkan sebelumnya".into(),
        ));
    }
    if locked.preview.counts.errors > 0 {
        return Err(DomainError::field(
            "file",
            format!(
                "Pratinjau masih berisi {} kesalahan: perbaiki berkasnya lalu unggah ulang",
                locked.preview.counts.errors
            ),
        ));
    }
    let applied = match locked.kind {
        ImportKind::BankStatement => {
            bank::commit(conn, actor, clock, id, &locked.preview, matches).await?
        }
        kind => master::commit(conn, actor, clock, kind, id, &locked.preview).await?,
    };
    record::mark_committed(conn, actor, clock, id, &applied).await?;
    record::get(conn, actor, id).await
}

/// The message of a stale preview.
fn stale() -> DomainError {
    DomainError::Conflict(
        "Data sudah berubah sejak pratinjau dibuat: unggah ulang berkasnya untuk pratinjau baru"
            .into(),
    )
}
