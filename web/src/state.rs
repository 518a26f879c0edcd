//! The application state every handler may use (configuration, pool, templates, clock, site
//! resolver), and the one way a handler reaches it.
//!
//! The service injects an `Arc<AppState>` into every request's `Depot` (`affix_state::inject`,
//! in `server::build`), and handlers take it with [`of`].

use std::sync::Arc;

use domain::SharedClock;
use salvo::Depot;
use sqlx::PgPool;

use crate::config::Config;
use crate::error::WebError;
use crate::host::SiteResolver;
use crate::render::Templates;

/// What every handler may use; built once, shared by reference count.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub pool: PgPool,
    pub templates: Templates,
    pub clock: SharedClock,
    pub sites: Arc<SiteResolver>,
}

/// The application state of this request.
pub fn of(depot: &Depot) -> Result<&Arc<AppState>, WebError> {
    depot
        .get_typed::<Arc<AppState>>()
        .map_err(|_| WebError::internal("AppState missing from the depot"))
}
