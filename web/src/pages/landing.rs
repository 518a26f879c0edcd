//! The apex landing page: what D'Fresto is and a link to each of the three portals.

use salvo::{Depot, Request, Response, handler};

use crate::error::WebError;
use crate::render;
use crate::state;

#[handler]
pub async fn landing(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let state = state::of(depot)?;
    let ctx = render::base_context(req, state);
    render::template(res, state, "landing.html", &ctx)
}
