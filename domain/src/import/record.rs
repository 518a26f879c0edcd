//! The `imports` table: one row per upload with its stored preview and counts, who uploaded it
//! and who committed it. Head office sees the master-data imports, finance the bank statements.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::{Applied, ImportKind, ImportStatus, Preview};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;

/// One import with its preview.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub kind: ImportKind,
    pub status: ImportStatus,
    pub file_name: String,
    pub file_size: i64,
    pub preview: Preview,
    pub applied: Option<Applied>,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub committed_by_name: Option<String>,
    pub committed_at: Option<DateTime<Utc>>,
}

/// One line of the import history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ImportSummary {
    pub id: i64,
    pub kind: ImportKind,
    pub status: ImportStatus,
    pub file_name: String,
    pub count_create: i32,
    pub count_update: i32,
    pub count_unchanged: i32,
    pub count_errors: i32,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: ImportKind,
    status: ImportStatus,
    file_name: String,
    file_size: i64,
    preview: Json<Preview>,
    applied: Option<Json<Applied>>,
    created_by: i64,
    created_by_name: String,
    created_at: DateTime<Utc>,
    committed_by_name: Option<String>,
    committed_at: Option<DateTime<Utc>>,
}

impl From<Row> for ImportRecord {
    fn from(r: Row) -> Self {
        ImportRecord {
            id: r.id,
            kind: r.kind,
            status: r.status,
            file_name: r.file_name,
            file_size: r.file_size,
            preview: r.preview.0,
            applied: r.applied.map(|a| a.0),
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            committed_by_name: r.committed_by_name,
            committed_at: r.committed_at,
        }
    }
}

/// The kinds the actor's role sees; empty means the role has no imports at all (403).
fn visible_kinds(actor: &Actor) -> Result<Vec<String>, DomainError> {
    let kinds: Vec<String> = ImportKind::for_role(actor.role)
        .into_iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    if kinds.is_empty() {
        Err(DomainError::Forbidden(
            "Impor hanya untuk Pusat (data master) dan Finance (mutasi bank)".into(),
        ))
    } else {
        Ok(kinds)
    }
}

pub(super) async fn insert(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    signature: Option<&str>,
    preview: &Preview,
) -> Result<ImportRecord, DomainError> {
    let c = &preview.counts;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (kind, file_name, file_bytes, file_size, layout_signature,
                count_create, count_update, count_unchanged, count_errors, preview, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(kind)
    .bind(file_name)
    .bind(bytes)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(signature)
    .bind(i32::try_from(c.create).unwrap_or(i32::MAX))
    .bind(i32::try_from(c.update).unwrap_or(i32::MAX))
    .bind(i32::try_from(c.unchanged).unwrap_or(i32::MAX))
    .bind(i32::try_from(c.errors).unwrap_or(i32::MAX))
    .bind(Json(preview))
    .bind(actor.user_id)
    .bind(clock.now())
    .fetch_one(&mut *conn)
    .await?;
    get(conn, actor, id).await
}

const SELECT: &str = "SELECT i.id, i.kind, i.status, i.file_name, i.file_size, i.preview, i.applied,
        i.created_by, u.name AS created_by_name, i.created_at, c.name AS committed_by_name, i.committed_at
    FROM imports i JOIN users u ON u.id = i.created_by LEFT JOIN users c ON c.id = i.committed_by";

/// One import the actor may see (another role's import is not found).
pub async fn get(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<ImportRecord, DomainError> {
    let kinds = visible_kinds(actor)?;
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.id = $1 AND i.kind = ANY($2)"
    )))
    .bind(id)
    .bind(&kinds)
    .fetch_optional(conn)
    .await?;
    row.map(ImportRecord::from)
        .ok_or(DomainError::NotFound { entity: "impor" })
}

/// The import's kind, status and preview, locked for the commit.
pub(super) struct Locked {
    pub kind: ImportKind,
    pub status: ImportStatus,
    pub preview: Preview,
}

pub(super) async fn lock(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<Locked, DomainError> {
    let kinds = visible_kinds(actor)?;
    let row: Option<(ImportKind, ImportStatus, Json<Preview>)> = sqlx::query_as(
        "SELECT kind, status, preview FROM imports WHERE id = $1 AND kind = ANY($2) FOR UPDATE",
    )
    .bind(id)
    .bind(&kinds)
    .fetch_optional(conn)
    .await?;
    let (kind, status, preview) = row.ok_or(DomainError::NotFound { entity: "impor" })?;
    Ok(Locked {
        kind,
        status,
        preview: preview.0,
    })
}

/// The stored file of an import still in preview.
pub(super) async fn file(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<(ImportKind, String, Vec<u8>), DomainError> {
    let kinds = visible_kinds(actor)?;
    let row: Option<(ImportKind, String, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT kind, file_name, file_bytes FROM imports WHERE id = $1 AND kind = ANY($2)",
    )
    .bind(id)
    .bind(&kinds)
    .fetch_optional(conn)
    .await?;
    let (kind, name, bytes) = row.ok_or(DomainError::NotFound { entity: "impor" })?;
    let bytes = bytes.ok_or_else(|| {
        DomainError::Conflict("Impor ini sudah diterapkan; unggah berkasnya lagi".into())
    })?;
    Ok((kind, name, bytes))
}

pub(super) async fn mark_committed(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    applied: &Applied,
) -> Result<(), DomainError> {
    // The file has done its work; the preview and counts stay as the record of what was read.
    sqlx::query(
        "UPDATE imports SET status = 'COMMITTED', committed_by = $2, committed_at = $3,
                applied = $4, file_bytes = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(actor.user_id)
    .bind(clock.now())
    .bind(Json(applied))
    .execute(conn)
    .await?;
    Ok(())
}

/// The actor's import history, newest first, and the total.
pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ImportSummary>, i64), DomainError> {
    let kinds = visible_kinds(actor)?;
    let per_page = per_page.clamp(1, 100);
    let offset = (page.max(1) - 1) * per_page;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM imports WHERE kind = ANY($1)")
        .bind(&kinds)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query_as(
        "SELECT i.id, i.kind, i.status, i.file_name, i.count_create, i.count_update,
                i.count_unchanged, i.count_errors, u.name AS created_by_name, i.created_at, i.committed_at
         FROM imports i JOIN users u ON u.id = i.created_by
         WHERE i.kind = ANY($1) ORDER BY i.created_at DESC, i.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(&kinds)
    .bind(per_page)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((rows, total))
}
