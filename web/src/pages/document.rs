//! The printable documents on every portal that has them: `/invoices/{id}/pdf` (the faktur, for
//! the stokis billed, finance and pusat) and `/purchase-orders/{id}/delivery-note` (the surat
//! jalan, for gudang, head office and the stokis receiving it). A document a worker has not
//! rendered yet answers a short page that reloads itself until the file is there.

use domain::document::{self, Prepared};
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use crate::auth;
use crate::download::Download;
use crate::error::WebError;
use crate::pages::query;
use crate::render;
use crate::state;

async fn answer(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    prepared: Prepared,
    what: &str,
    back: String,
) -> Result<(), WebError> {
    match prepared {
        Prepared::Ready { file_name, bytes } => {
            res.render(Download {
                file_name,
                content_type: "application/pdf".into(),
                bytes,
            });
            Ok(())
        }
        Prepared::Rendering | Prepared::Failed(_) => {
            let mut ctx = Context::new();
            ctx.insert("what", what);
            ctx.insert("back", &back);
            if let Prepared::Failed(error) = prepared {
                ctx.insert("error", &error);
            }
            render::page(req, depot, res, "document_pending.html", ctx)
        }
    }
}

#[handler]
pub async fn invoice_pdf(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::current_user(depot)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = query::id_param(req)?;
    let mut tx = state.pool.begin().await?;
    let prepared = document::invoice_pdf(&mut tx, &actor, id).await?;
    tx.commit().await?;
    answer(
        req,
        depot,
        res,
        prepared,
        "Faktur",
        format!("/invoices/{id}"),
    )
    .await
}

#[handler]
pub async fn delivery_note_pdf(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::current_user(depot)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = query::id_param(req)?;
    let mut tx = state.pool.begin().await?;
    let prepared = document::delivery_note_pdf(&mut tx, &actor, id).await?;
    tx.commit().await?;
    answer(
        req,
        depot,
        res,
        prepared,
        "Surat jalan",
        format!("/purchase-orders/{id}"),
    )
    .await
}
