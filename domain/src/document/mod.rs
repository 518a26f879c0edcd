//! Printable documents of a record: the invoice (faktur) a stokis pays from and the delivery
//! note (surat jalan) gudang sends with the goods. Each is built as a [`report::doc::Document`]
//! and rendered to PDF by a worker (the web tier carries no PDF library), then kept in
//! `documents` per *version* of the record: a payment changes the faktur's version, so an old
//! faktur is never served as the current one. Asking for a document that is not rendered yet
//! queues it and answers [`Prepared::Rendering`]; the page tries again in a moment.
//!
//! [`report::doc::Document`]: crate::report::doc::Document

mod delivery_note;
mod faktur;
mod party;
mod seller;

pub use seller::Seller;

use crate::actor::Actor;
use crate::error::DomainError;
use crate::purchase_order::PoStatus;
use crate::report::doc::Document;
use crate::role::Role;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

crate::text_enum::text_enum! {
    pub enum DocKind {
        Invoice => "INVOICE",
        DeliveryNote => "DELIVERY_NOTE",
    }
}

/// A document asked for: its file, or the news that a worker is rendering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    Ready {
        file_name: String,
        bytes: Vec<u8>,
    },
    Rendering,
    /// The last render failed (the error); asking again queues a new attempt.
    Failed(String),
}

/// What the worker renders for one `documents` row.
#[derive(Debug, Clone)]
pub struct ToRender {
    pub id: i64,
    pub kind: DocKind,
    pub record_id: i64,
}

/// The faktur of invoice `id` as it stands now, for whoever may see the invoice.
pub async fn invoice_pdf(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<Prepared, DomainError> {
    let invoice = crate::invoice::get(conn, actor, id).await?;
    // What the faktur prints that can change after issue: the payments and the status.
    let version = format!("paid={};status={}", invoice.paid, invoice.status.as_str());
    let stem = faktur::file_stem(&invoice.number);
    prepare(conn, DocKind::Invoice, id, &version, &stem).await
}

/// The surat jalan of PO `id`, once it has been shipped: for gudang and head office, and for
/// the stokis receiving it.
pub async fn delivery_note_pdf(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<Prepared, DomainError> {
    if actor.role == Role::Mitra {
        return Err(DomainError::Forbidden(
            "surat jalan hanya untuk gudang, pusat, finance dan stokis penerima".into(),
        ));
    }
    let po = crate::purchase_order::get(conn, actor, id).await?;
    if !matches!(po.status, PoStatus::Shipped | PoStatus::Received) {
        return Err(DomainError::Conflict(
            "surat jalan ada setelah PO dikirim gudang".into(),
        ));
    }
    // Lines and quantities never change after shipping.
    let stem = delivery_note::file_stem(&po.number);
    prepare(conn, DocKind::DeliveryNote, id, "shipped", &stem).await
}

async fn prepare(
    conn: &mut PgConnection,
    kind: DocKind,
    record_id: i64,
    version: &str,
    stem: &str,
) -> Result<Prepared, DomainError> {
    let file_name = format!("{stem}.pdf");
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO documents (kind, record_id, version, file_name) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, record_id, version) DO NOTHING RETURNING id",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(version)
    .bind(&file_name)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        jobs::enqueue(conn, &[jobs::RenderDocument { document_id: id }]).await?;
        return Ok(Prepared::Rendering);
    }
    let (id, file, error): (i64, Option<Vec<u8>>, Option<String>) = sqlx::query_as(
        "SELECT id, file, error FROM documents WHERE kind = $1 AND record_id = $2 AND version = $3",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(version)
    .fetch_one(&mut *conn)
    .await?;
    match (file, error) {
        (Some(bytes), _) => Ok(Prepared::Ready { file_name, bytes }),
        (None, Some(error)) => {
            // Asked again after a failure: one more attempt, the error shown meanwhile.
            sqlx::query("UPDATE documents SET error = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            jobs::enqueue(conn, &[jobs::RenderDocument { document_id: id }]).await?;
            Ok(Prepared::Failed(error))
        }
        (None, None) => Ok(Prepared::Rendering),
    }
}

/// The row a render job names, unless it is already rendered or gone.
pub async fn to_render(conn: &mut PgConnection, id: i64) -> Result<Option<ToRender>, DomainError> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT kind, record_id FROM documents WHERE id = $1 AND file IS NULL")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(kind, record_id)| {
        kind.parse().ok().map(|kind| ToRender {
            id,
            kind,
            record_id,
        })
    }))
}

/// The document's content as the record stands now.
pub async fn build(
    conn: &mut PgConnection,
    doc: &ToRender,
    seller: &Seller,
    generated_at: DateTime<Utc>,
) -> Result<Document, DomainError> {
    match doc.kind {
        DocKind::Invoice => faktur::build(conn, doc.record_id, seller, generated_at).await,
        DocKind::DeliveryNote => {
            delivery_note::build(conn, doc.record_id, seller, generated_at).await
        }
    }
}

/// Keeps the rendered file.
pub async fn store(
    conn: &mut PgConnection,
    id: i64,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE documents SET file = $2, error = NULL, rendered_at = $3 WHERE id = $1")
        .bind(id)
        .bind(bytes)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps why rendering failed; the next request tries again.
pub async fn fail(conn: &mut PgConnection, id: i64, error: &str) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(2000).collect();
    sqlx::query("UPDATE documents SET error = $2 WHERE id = $1 AND file IS NULL")
        .bind(id)
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}
