//! The printable documents over the API: `GET /invoices/{id}/pdf` (the faktur) and
//! `GET /purchase-orders/{id}/delivery-note` (the surat jalan). A worker renders them; one not
//! rendered yet answers 202 with `Retry-After`, and the same request a moment later gets the file.

use domain::document::{self, Prepared};
use salvo::http::StatusCode;
use salvo::http::header::{HeaderValue, RETRY_AFTER};
use salvo::oapi::{self, Components, Content, EndpointOutRegister, Operation, ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Request, Response, Router, Writer, async_trait};
use serde::Serialize;

use super::caller::Caller;
use super::record_id::RecordId;
use crate::download::Download;
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::new()
        .push(Router::with_path("invoices/{id}/pdf").get(invoice_pdf))
        .push(Router::with_path("purchase-orders/{id}/delivery-note").get(delivery_note_pdf))
}

/// A document still being rendered.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "DocumentPending"))]
pub struct Pending {
    /// Always `RENDERING`: ask again after `Retry-After` seconds.
    pub status: &'static str,
    /// Why the previous attempt failed, when it did (a new one is under way).
    pub last_error: Option<String>,
}

/// The file (200) or "ask again shortly" (202).
#[derive(Debug)]
pub struct DocumentAnswer(Prepared);

#[async_trait]
impl Writer for DocumentAnswer {
    async fn write(self, req: &mut Request, depot: &mut Depot, res: &mut Response) {
        match self.0 {
            Prepared::Ready { file_name, bytes } => {
                Download {
                    file_name,
                    content_type: "application/pdf".into(),
                    bytes,
                }
                .write(req, depot, res)
                .await;
            }
            pending => {
                res.status_code(StatusCode::ACCEPTED);
                res.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("2"));
                let last_error = match pending {
                    Prepared::Failed(e) => Some(e),
                    _ => None,
                };
                res.render(Json(Pending {
                    status: "RENDERING",
                    last_error,
                }));
            }
        }
    }
}

impl EndpointOutRegister for DocumentAnswer {
    fn register(components: &mut Components, operation: &mut Operation) {
        Download::register(components, operation);
        operation.responses.insert(
            "202",
            oapi::Response::new("Being rendered: ask again after Retry-After seconds").add_content(
                "application/json",
                Content::new(Pending::to_schema(components)),
            ),
        );
    }
}

/// The invoice's faktur as PDF
///
/// Seller and buyer, lines, total, paid and balance as they stand now, and how to pay. For the
/// stokis billed, finance and pusat.
#[endpoint(
    tags("invoices"),
    operation_id = "invoice_pdf",
    status_codes(200, 202, 401, 403, 404, 500)
)]
pub async fn invoice_pdf(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<DocumentAnswer, WebError> {
    let state = state::of(depot)?.clone();
    let mut tx = state.pool.begin().await?;
    let prepared = document::invoice_pdf(&mut tx, &caller.actor, id.0).await?;
    tx.commit().await?;
    Ok(DocumentAnswer(prepared))
}

/// The shipped PO's delivery note (surat jalan) as PDF
///
/// Lines and quantities without prices, with boxes to sign. For gudang, head office and the
/// stokis receiving it; 409 before the PO is shipped.
#[endpoint(
    tags("purchase-orders"),
    operation_id = "delivery_note_pdf",
    status_codes(200, 202, 401, 403, 404, 409, 500)
)]
pub async fn delivery_note_pdf(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<DocumentAnswer, WebError> {
    let state = state::of(depot)?.clone();
    let mut tx = state.pool.begin().await?;
    let prepared = document::delivery_note_pdf(&mut tx, &caller.actor, id.0).await?;
    tx.commit().await?;
    Ok(DocumentAnswer(prepared))
}
