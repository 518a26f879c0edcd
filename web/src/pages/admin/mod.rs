//! The admin portal's logged-in pages (`admin.<base>`).

use salvo::Router;

/// The routes of this portal's pages, mounted behind the admin host filter.
pub fn router() -> Router {
    Router::new()
}
