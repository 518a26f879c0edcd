//! The mitra portal's logged-in pages (`mitra.<base>`).

use salvo::Router;

/// The routes of this portal's pages, mounted behind the mitra host filter.
pub fn router() -> Router {
    Router::new()
}
