//! `/imports` (Impor data), for PUSAT (products, stokis, mitra) and FINANCE (bank statements):
//! the upload form with the size limit and each kind's template (empty, or with the current
//! data to edit and import back), the preview of one import (created, updated old → new,
//! unchanged, errors by row and column; for a bank statement the invoice of each line, to
//! confirm or change, and the columns to choose when the headers were not recognised), its
//! commit button, and the history of imports.

use domain::Role;
use domain::import::{self, ImportKind, MatchChoice, RowAction};
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::{PER_PAGE, done, path_id, refused};
use crate::api::imports::{column_choice, max_mb, parse_kind, read_upload};
use crate::auth;
use crate::download;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

const PATH: &str = "/imports";
const ROLES: &[Role] = &[Role::Pusat, Role::Finance];

#[derive(Debug, Serialize)]
struct KindOption {
    code: &'static str,
    label: &'static str,
    columns: Vec<ColumnInfo>,
    has_data: bool,
}

#[derive(Debug, Serialize)]
struct ColumnInfo {
    label: &'static str,
    required: bool,
}

fn kinds(role: Role) -> Vec<KindOption> {
    ImportKind::for_role(role)
        .into_iter()
        .map(|k| KindOption {
            code: k.as_str(),
            label: k.label(),
            columns: k
                .columns()
                .into_iter()
                .map(|(_, label, required)| ColumnInfo { label, required })
                .collect(),
            has_data: k != ImportKind::BankStatement,
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct HistoryRow {
    #[serde(flatten)]
    summary: import::ImportSummary,
    label: &'static str,
}

/// The upload form and the history.
#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, ROLES)?.actor.clone();
    let state = state::of(depot)?.clone();
    let page = query::page(req);
    let mut conn = state.pool.acquire().await?;
    let (rows, total) =
        import::list(&mut conn, &actor, i64::from(page), i64::from(PER_PAGE)).await?;
    drop(conn);
    let history: Vec<HistoryRow> = rows
        .into_iter()
        .map(|s| HistoryRow {
            label: s.kind.label(),
            summary: s,
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("kinds", &kinds(actor.role));
    ctx.insert("history", &history);
    ctx.insert(
        "pager",
        &Pager::new(PATH, &Filters::new(), page, PER_PAGE, total),
    );
    ctx.insert("max_mb", &max_mb(depot));
    ctx.insert("max_rows", &import::MAX_ROWS);
    render::page(req, depot, res, "admin/imports.html", ctx)
}

/// Reads the upload and stores its preview; on to the preview page.
#[handler]
pub async fn upload_file(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, ROLES)?.actor.clone();
    let state = state::of(depot)?.clone();
    let upload = match read_upload(req, max_mb(depot)).await {
        Ok(u) => u,
        Err(e) => return refuse(res, e),
    };
    let kind = match parse_kind(upload.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => return refuse(res, e),
    };
    let mut tx = state.pool.begin().await?;
    let outcome = import::preview(
        &mut tx,
        &actor,
        &*state.clock,
        kind,
        &upload.file_name,
        &upload.bytes,
        &upload.choice,
    )
    .await;
    settle(tx, res, outcome, PATH, |record| {
        (
            "Pratinjau siap: periksa lalu terapkan".to_owned(),
            format!("{PATH}/{}", record.id),
        )
    })
    .await
}

/// A refused upload or commit: its message (a field's, when it has one) on the page it came from.
/// Ends one import action: commits and goes on with the message and page `next` gives, or
/// rolls back and shows the refusal on `refused_at`.
async fn settle(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    res: &mut Response,
    outcome: Result<import::ImportRecord, domain::DomainError>,
    refused_at: &str,
    next: impl FnOnce(&import::ImportRecord) -> (String, String),
) -> Result<(), WebError> {
    match outcome {
        Ok(record) => {
            tx.commit().await?;
            let (message, location) = next(&record);
            done(res, message, &location);
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            refuse_to(res, WebError::from(e), refused_at)
        }
    }
}

fn refuse(res: &mut Response, e: WebError) -> Result<(), WebError> {
    refuse_to(res, e, PATH)
}

fn refuse_to(res: &mut Response, e: WebError, to: &str) -> Result<(), WebError> {
    let message = match &e {
        WebError::Validation { fields, message } => fields
            .values()
            .next()
            .map(|m| capitalised(m))
            .unwrap_or_else(|| message.clone()),
        WebError::Conflict { message, .. } | WebError::Forbidden(message) => message.clone(),
        _ => return Err(e),
    };
    refused(res, message, to);
    Ok(())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[derive(Debug, Serialize)]
struct RowView {
    row: u32,
    key: String,
    action: &'static str,
    action_label: &'static str,
    /// The stylesheet's badge for it (no new styles: the status colours say the same).
    badge: &'static str,
    changes: Vec<domain::import::Change>,
    note: Option<String>,
    bank: Option<domain::import::BankLine>,
}

/// One import's preview (or what it applied).
#[handler]
pub async fn show_import(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, ROLES)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let mut conn = state.pool.acquire().await?;
    let record = import::get(&mut conn, &actor, id).await?;
    let is_bank = record.kind == ImportKind::BankStatement;
    let invoices = if is_bank {
        import::open_invoices(&mut conn).await?
    } else {
        Vec::new()
    };
    drop(conn);
    let rows: Vec<RowView> = record
        .preview
        .rows
        .iter()
        .map(|r| RowView {
            row: r.row,
            key: r.key.clone(),
            action: r.action.as_str(),
            action_label: r.action.label(),
            badge: match r.action {
                RowAction::Create => "badge-approved",
                RowAction::Update => "badge-pending",
                RowAction::Unchanged => "badge-cancelled",
                RowAction::Error => "badge-rejected",
                RowAction::Unmatched => "badge-overdue",
            },
            changes: r.changes.clone(),
            note: r.note.clone(),
            bank: r.bank.clone(),
        })
        .collect();
    let committable = record.status == import::ImportStatus::Preview
        && record.preview.counts.errors == 0
        && rows
            .iter()
            .any(|r| r.action != RowAction::Unchanged.as_str());
    let choose_columns = is_bank
        && record.status == import::ImportStatus::Preview
        && !record.preview.missing.is_empty()
        && !record.preview.headers.is_empty();
    let mut ctx = Context::new();
    ctx.insert("record", &record);
    ctx.insert("label", record.kind.label());
    ctx.insert("rows", &rows);
    ctx.insert("is_bank", &is_bank);
    ctx.insert("invoices", &invoices);
    ctx.insert("committable", &committable);
    ctx.insert("choose_columns", &choose_columns);
    ctx.insert("bank_fields", &ImportKind::BankStatement.columns());
    render::page(req, depot, res, "admin/import.html", ctx)
}

/// Applies an import; for a bank statement with finance's choice per line (`match_<row>`).
#[handler]
pub async fn apply(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, ROLES)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let here = format!("{PATH}/{id}");
    let fields = req
        .form_data()
        .await
        .map(|f| f.fields.clone())
        .unwrap_or_default();
    let matches: Vec<MatchChoice> = fields
        .iter()
        .filter_map(|(k, v)| {
            let row = k.strip_prefix("match_")?.parse().ok()?;
            Some(MatchChoice {
                row,
                invoice_id: v.parse().ok(),
            })
        })
        .collect();
    let mut tx = state.pool.begin().await?;
    let outcome = import::commit(&mut tx, &actor, &*state.clock, id, &matches).await;
    settle(tx, res, outcome, &here, |record| {
        let a = record.applied.clone().unwrap_or_default();
        let message = if record.kind == ImportKind::BankStatement {
            format!("Impor diterapkan: {} pembayaran dicatat", a.payments)
        } else {
            format!(
                "Impor diterapkan: {} baru, {} diubah, {} tetap",
                a.created, a.updated, a.unchanged
            )
        };
        (message, here.clone())
    })
    .await
}

/// A new preview of the stored file with the bank statement columns chosen on the page.
#[handler]
pub async fn pick_columns(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, ROLES)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let fields = req
        .form_data()
        .await
        .map(|f| f.fields.clone())
        .unwrap_or_default();
    let choice = column_choice(|k| fields.get(k).cloned());
    let mut tx = state.pool.begin().await?;
    let outcome = import::repreview(&mut tx, &actor, &*state.clock, id, &choice).await;
    settle(tx, res, outcome, &format!("{PATH}/{id}"), |record| {
        (
            "Kolom dipilih: pratinjau baru siap".to_owned(),
            format!("{PATH}/{}", record.id),
        )
    })
    .await
}

/// The template of a kind as .xlsx; `?data=1` fills it with the current records.
#[handler]
pub async fn template(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, ROLES)?.actor.clone();
    let state = state::of(depot)?.clone();
    let kind: ImportKind = req
        .param::<String>("kind")
        .and_then(|k| k.to_ascii_uppercase().replace('-', "_").parse().ok())
        .ok_or_else(WebError::not_found)?;
    if kind.role() != actor.role {
        return Err(WebError::Forbidden(format!(
            "Templat {} hanya untuk peran {}",
            kind.label(),
            kind.role()
        )));
    }
    let with_data = query::text(req, "data").as_deref() == Some("1");
    let mut conn = state.pool.acquire().await?;
    let doc = import::template::document(&mut conn, kind, with_data, state.clock.now()).await?;
    drop(conn);
    download::xlsx(res, &doc)
}
