//! `/api/v1/imports`: upload a spreadsheet for a preview (201; nothing but the import record is
//! written), read an import, commit it (200 with what was applied; 422 while it has errors, 409
//! when stale or done). PUSAT imports master data, FINANCE bank statements; others get 403.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::import::{self, ColumnChoice, ImportKind, ImportRecord, ImportSummary, MatchChoice};
use salvo::extract::{Extractible, Metadata};
use salvo::http::ParseError;
use salvo::oapi::{
    self, BasicType, Components, Content, EndpointArgRegister, EndpointOutRegister, KnownFormat,
    Object, Operation, RequestBody, Required, SchemaFormat, ToSchema, endpoint,
};
use salvo::writing::Json;
use salvo::{Depot, FlowCtrl, Request, Response, Router, Writer, async_trait, handler};
use serde::{Deserialize, Serialize};

use super::body::ApiJson;
use super::caller::Caller;
use super::pagination::{Paging, list_of};
use super::query::Query;
use super::record_id::RecordId;
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::with_path("imports")
        .get(list_imports)
        .post(create_import)
        .push(
            Router::with_path("{id}")
                .get(get_import)
                .push(Router::with_path("commit").post(commit_import)),
        )
}

/// Room for the form's other fields around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Lets an upload to an import path be as large as an import file may be; every other request
/// keeps salvo's small default. Runs before the session and CSRF checks, which read the form.
#[handler]
pub async fn upload_limit(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    let path = req.uri().path().to_owned();
    if req.method() == salvo::http::Method::POST && path.ends_with("/imports") {
        let max_mb = max_mb(depot);
        let limit = max_mb * 1024 * 1024 + FORM_OVERHEAD;
        let declared = req
            .headers()
            .get(salvo::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        // Said too big before a byte is read: the CSRF check would only see an unreadable form
        // and call it expired, so the size is the answer here (nothing is written either way).
        if declared.is_some_and(|n| n > limit) {
            if crate::error::is_api(req) {
                let refused = file_error(too_big(max_mb));
                res.status_code(refused.status());
                res.render(Json(refused.body()));
            } else {
                crate::flash::set(res, "error", too_big(max_mb));
                res.render(salvo::writing::Redirect::other("/imports"));
            }
            ctrl.skip_rest();
            return;
        }
        req.set_secure_max_size(limit);
    }
    ctrl.call_next(req, depot, res).await;
}

fn too_big(max_mb: usize) -> String {
    format!("Berkas terlalu besar: maksimal {max_mb} MB")
}

/// The configured upload limit in MB (`IMPORT_MAX_MB`).
pub fn max_mb(depot: &Depot) -> usize {
    state::of(depot)
        .map(|s| s.config.import_max_mb as usize)
        .unwrap_or(5)
        .min(import::MAX_FILE_BYTES / (1024 * 1024))
}

/// A multipart upload: `kind`, `file`, and optionally the columns of a bank statement chosen
/// by hand (`date_column`, `description_column`, `amount_column`, `reference_column`).
#[derive(Debug)]
pub struct Upload {
    pub kind: Option<String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub choice: ColumnChoice,
}

fn file_error(message: impl Into<String>) -> WebError {
    WebError::Validation {
        message: "Berkas belum bisa diimpor".to_owned(),
        fields: BTreeMap::from([("file".to_owned(), message.into())]),
    }
}

/// The column choice fields of a form, by field key.
pub fn column_choice(get: impl Fn(&str) -> Option<String>) -> ColumnChoice {
    ["date", "description", "amount", "reference"]
        .into_iter()
        .filter_map(|k| {
            get(&format!("{k}_column"))
                .filter(|v| !v.trim().is_empty())
                .map(|v| (k.to_owned(), v))
        })
        .collect()
}

/// Reads the multipart form of an upload (the file from salvo's temporary copy).
pub async fn read_upload(req: &mut Request, max_mb: usize) -> Result<Upload, WebError> {
    let limit = max_mb * 1024 * 1024 + FORM_OVERHEAD;
    let form = match req.form_data_max_size(limit).await {
        Ok(form) => form,
        Err(ParseError::PayloadTooLarge) => return Err(file_error(too_big(max_mb))),
        Err(e) => {
            return Err(WebError::BadRequest(format!(
                "Kirim formulir multipart dengan kolom kind dan file: {e}"
            )));
        }
    };
    let kind = form.fields.get("kind").cloned();
    let choice = column_choice(|k| form.fields.get(k).cloned());
    let Some(part) = form.files.get("file") else {
        return Err(file_error("Pilih berkas yang akan diimpor"));
    };
    let file_name = part
        .name()
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
        .unwrap_or_default();
    let bytes = tokio::fs::read(part.path())
        .await
        .map_err(|e| WebError::internal(format!("reading the uploaded file: {e}")))?;
    Ok(Upload {
        kind,
        file_name,
        bytes,
        choice,
    })
}

/// `PRODUCTS`, `STOKIS`, `MITRA`, `BANK_STATEMENT`, or 422 on `kind`.
pub fn parse_kind(kind: Option<&str>) -> Result<ImportKind, WebError> {
    kind.unwrap_or_default()
        .trim()
        .parse()
        .map_err(|_| WebError::Validation {
            message: "Data yang diisi belum benar".to_owned(),
            fields: BTreeMap::from([(
                "kind".to_owned(),
                "pilih salah satu: PRODUCTS, STOKIS, MITRA, BANK_STATEMENT".to_owned(),
            )]),
        })
}

impl<'ex> Extractible<'ex> for Upload {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[expect(
        refining_impl_trait,
        reason = "salvo calls this through the trait; naming WebError here keeps the error type visible"
    )]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, WebError> {
        // A role that imports nothing is refused before its upload is read.
        let user = crate::auth::current_user(depot)?;
        if ImportKind::for_role(user.actor.role).is_empty() {
            return Err(WebError::Forbidden(
                "Impor hanya untuk Pusat (data master) dan Finance (mutasi bank)".to_owned(),
            ));
        }
        read_upload(req, max_mb(depot)).await
    }
}

impl EndpointArgRegister for Upload {
    fn register(_components: &mut Components, operation: &mut Operation, _arg: &str) {
        let text = |d: &str| Object::with_type(BasicType::String).description(d.to_owned());
        let schema = Object::new()
            .property("kind", kind_schema())
            .required("kind")
            .property(
                "file",
                Object::with_type(BasicType::String)
                    .format(SchemaFormat::KnownFormat(KnownFormat::Binary))
                    .description(
                        ".xlsx, .xls, .ods or .csv, at most IMPORT_MAX_MB (5 MB unless configured)",
                    ),
            )
            .required("file")
            .property(
                "date_column",
                text("BANK_STATEMENT: the header of the date column, when not recognised"),
            )
            .property(
                "description_column",
                text("BANK_STATEMENT: the header of the description column"),
            )
            .property(
                "amount_column",
                text("BANK_STATEMENT: the header of the credit amount column"),
            )
            .property(
                "reference_column",
                text("BANK_STATEMENT: the header of the bank reference column (optional)"),
            );
        operation.request_body = Some(
            RequestBody::new()
                .description("multipart/form-data")
                .add_content("multipart/form-data", Content::new(schema))
                .required(Required::True),
        );
    }
}

fn kind_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(
            ImportKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
        )
        .description("PRODUCTS, STOKIS, MITRA: pusat; BANK_STATEMENT: finance")
}

fn action_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(vec!["CREATE", "UPDATE", "UNCHANGED", "ERROR", "UNMATCHED"])
        .description("What commit does with the row; a bank line: CREATE records a payment, UNMATCHED nothing")
}

fn status_schema() -> Object {
    Object::with_type(BasicType::String).enum_values(vec!["PREVIEW", "COMMITTED"])
}

/// The preview's tally.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportCounts"))]
pub struct Counts {
    pub create: u32,
    pub update: u32,
    pub unchanged: u32,
    /// Number of errors (rows × columns); commit is refused while it is not 0.
    pub errors: u32,
    /// Bank lines without an invoice.
    pub unmatched: u32,
}

/// One problem, where it is in the file.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportError"))]
pub struct RowError {
    /// The sheet's row number (1 = first row).
    pub row: u32,
    /// The column's header as the file writes it.
    pub column: String,
    /// In Bahasa Indonesia.
    pub message: String,
}

/// One changed cell (`old` null for a new record).
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportChange"))]
pub struct Change {
    pub field: String,
    pub column: String,
    pub old: Option<String>,
    pub new: String,
}

/// A bank line and the invoice it pays.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportBankLine"))]
pub struct BankLine {
    pub date: NaiveDate,
    pub description: String,
    pub amount: i64,
    pub reference: String,
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub stokis_code: Option<String>,
    /// `INVOICE_NUMBER` or `STOKIS_BALANCE` (a suggestion).
    pub matched_by: Option<String>,
}

/// One row of the preview.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportRow"))]
pub struct Row {
    pub row: u32,
    /// SKU or code; a bank line's reference.
    pub key: String,
    #[salvo(schema(schema_with = action_schema))]
    pub action: String,
    pub changes: Vec<Change>,
    pub note: Option<String>,
    pub bank: Option<BankLine>,
}

/// What a commit applied.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportApplied"))]
pub struct Applied {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub payments: u32,
}

/// An import and its preview.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "Import"))]
pub struct Import {
    pub id: i64,
    #[salvo(schema(schema_with = kind_schema))]
    pub kind: String,
    #[salvo(schema(schema_with = status_schema))]
    pub status: String,
    pub file_name: String,
    pub counts: Counts,
    pub rows: Vec<Row>,
    pub errors: Vec<RowError>,
    /// The header row as read (for choosing bank statement columns).
    pub headers: Vec<String>,
    /// Required columns not found.
    pub missing: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
    pub applied: Option<Applied>,
}

impl From<ImportRecord> for Import {
    fn from(r: ImportRecord) -> Self {
        let p = r.preview;
        Import {
            id: r.id,
            kind: r.kind.as_str().to_owned(),
            status: r.status.as_str().to_owned(),
            file_name: r.file_name,
            counts: Counts {
                create: p.counts.create,
                update: p.counts.update,
                unchanged: p.counts.unchanged,
                errors: p.counts.errors,
                unmatched: p.counts.unmatched,
            },
            rows: p
                .rows
                .into_iter()
                .map(|row| Row {
                    row: row.row,
                    key: row.key,
                    action: row.action.as_str().to_owned(),
                    changes: row
                        .changes
                        .into_iter()
                        .map(|c| Change {
                            field: c.field,
                            column: c.column,
                            old: c.old,
                            new: c.new,
                        })
                        .collect(),
                    note: row.note,
                    bank: row.bank.map(|b| BankLine {
                        date: b.date,
                        description: b.description,
                        amount: b.amount,
                        reference: b.reference,
                        invoice_id: b.invoice_id,
                        invoice_number: b.invoice_number,
                        stokis_code: b.stokis_code,
                        matched_by: b.matched_by,
                    }),
                })
                .collect(),
            errors: p
                .errors
                .into_iter()
                .map(|e| RowError {
                    row: e.row,
                    column: e.column,
                    message: e.message,
                })
                .collect(),
            headers: p.headers,
            missing: p.missing,
            created_by: r.created_by_name,
            created_at: r.created_at,
            committed_at: r.committed_at,
            applied: r.applied.map(|a| Applied {
                created: a.created,
                updated: a.updated,
                unchanged: a.unchanged,
                payments: a.payments,
            }),
        }
    }
}

/// One line of the history.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "ImportSummary"))]
pub struct Summary {
    pub id: i64,
    #[salvo(schema(schema_with = kind_schema))]
    pub kind: String,
    #[salvo(schema(schema_with = status_schema))]
    pub status: String,
    pub file_name: String,
    pub create: i32,
    pub update: i32,
    pub unchanged: i32,
    pub errors: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
}

impl From<ImportSummary> for Summary {
    fn from(s: ImportSummary) -> Self {
        Summary {
            id: s.id,
            kind: s.kind.as_str().to_owned(),
            status: s.status.as_str().to_owned(),
            file_name: s.file_name,
            create: s.count_create,
            update: s.count_update,
            unchanged: s.count_unchanged,
            errors: s.count_errors,
            created_by: s.created_by_name,
            created_at: s.created_at,
            committed_at: s.committed_at,
        }
    }
}

list_of!(
    #[salvo(schema(name = "ImportList"))]
    ImportList,
    Summary
);

/// A new preview (201).
#[derive(Debug)]
pub struct Created(pub Import);

#[async_trait]
impl Writer for Created {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(salvo::http::StatusCode::CREATED);
        res.render(Json(self.0));
    }
}

impl EndpointOutRegister for Created {
    fn register(components: &mut Components, operation: &mut Operation) {
        operation.responses.insert(
            "201",
            oapi::Response::new("The preview: nothing but the import record was written")
                .add_content(
                    "application/json",
                    Content::new(Import::to_schema(components)),
                ),
        );
    }
}

/// Finance's decisions on bank lines; empty for master data.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[salvo(schema(name = "ImportCommit"))]
pub struct CommitBody {
    /// Per bank line (by row): the invoice to pay instead of the suggestion, or null to pay
    /// nothing. Lines not listed keep the preview's match.
    #[serde(default)]
    pub matches: Vec<MatchBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "ImportMatch"))]
pub struct MatchBody {
    pub row: u32,
    pub invoice_id: Option<i64>,
}

/// Upload a file for a preview (pusat: master data; finance: bank statements)
///
/// Reads the file, finds the columns by header text (any order, Bahasa or English), checks
/// every row and compares it with the database. Nothing but the import record is written:
/// commit it with `POST /imports/{id}/commit`. An unreadable file is 422 on `file`.
#[endpoint(
    tags("imports"),
    operation_id = "create_import",
    status_codes(201, 400, 401, 403, 422, 500)
)]
pub async fn create_import(
    caller: Caller,
    upload: Upload,
    depot: &mut Depot,
) -> Result<Created, WebError> {
    let state = state::of(depot)?.clone();
    let kind = parse_kind(upload.kind.as_deref())?;
    let mut tx = state.pool.begin().await?;
    let record = import::preview(
        &mut tx,
        &caller.actor,
        &*state.clock,
        kind,
        &upload.file_name,
        &upload.bytes,
        &upload.choice,
    )
    .await?;
    tx.commit().await?;
    Ok(Created(record.into()))
}

/// One import with its preview
#[endpoint(
    tags("imports"),
    operation_id = "get_import",
    status_codes(200, 401, 403, 404, 500)
)]
pub async fn get_import(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Import>, WebError> {
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    Ok(Json(
        import::get(&mut conn, &caller.actor, id.0).await?.into(),
    ))
}

/// The import history
///
/// Newest first: pusat sees master-data imports, finance bank statements.
#[endpoint(
    tags("imports"),
    operation_id = "list_imports",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_imports(
    caller: Caller,
    query: Query<Paging>,
    depot: &mut Depot,
) -> Result<Json<ImportList>, WebError> {
    let state = state::of(depot)?.clone();
    let paging = query.0;
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = import::list(
        &mut conn,
        &caller.actor,
        i64::from(paging.page),
        i64::from(paging.per_page),
    )
    .await?;
    Ok(Json(ImportList::new(
        rows.into_iter().map(Summary::from).collect(),
        paging,
        total,
    )))
}

/// Commit an import
///
/// Applies the whole preview in one transaction: 422 while it has errors, 409 when it was
/// committed already or the data changed since the preview (upload again). Importing the same
/// file again changes nothing; a bank line already recorded is never recorded twice.
#[endpoint(
    tags("imports"),
    operation_id = "commit_import",
    status_codes(200, 401, 403, 404, 409, 422, 500)
)]
pub async fn commit_import(
    caller: Caller,
    id: RecordId,
    body: ApiJson<CommitBody>,
    depot: &mut Depot,
) -> Result<Json<Import>, WebError> {
    let state = state::of(depot)?.clone();
    let matches: Vec<MatchChoice> = body
        .into_inner()
        .matches
        .into_iter()
        .map(|m| MatchChoice {
            row: m.row,
            invoice_id: m.invoice_id,
        })
        .collect();
    let mut tx = state.pool.begin().await?;
    let record = import::commit(&mut tx, &caller.actor, &*state.clock, id.0, &matches).await?;
    tx.commit().await?;
    Ok(Json(record.into()))
}
