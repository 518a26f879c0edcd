//! The JSON API under `/api/v1`, the same on every portal (the portal's roles apply), and its
//! OpenAPI document at `/api/openapi.json`.

use salvo::Router;

pub fn router() -> Router {
    Router::with_path("api/v1")
}
