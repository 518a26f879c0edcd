//! The stokis portal's logged-in pages (`stokis.<base>`).

use salvo::Router;

/// The routes of this portal's pages, mounted behind the stokis host filter.
pub fn router() -> Router {
    Router::new()
}
