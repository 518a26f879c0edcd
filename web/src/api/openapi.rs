//! The OpenAPI document of the JSON API, served at `/api/openapi.json`. It is generated from the
//! mounted router itself (each route's `#[endpoint]` handler describes its parameters, body and
//! responses, error responses included), so it cannot drift from what is served; [`routes`]
//! lists what the router serves, independently, so a test can check the two agree.

use std::sync::{Arc, OnceLock};

use salvo::Response;
use salvo::Router;
use salvo::oapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use salvo::oapi::{OpenApi, endpoint};
use salvo::routing::FilterInfo;
use salvo::writing::Text;

use super::caller::{BEARER_SCHEME, COOKIE_SCHEME};

pub const TITLE: &str = "D'Fresto API";

/// The document of the router `api` (mounted at `/api`).
pub fn document(api: &Router) -> OpenApi {
    OpenApi::new(TITLE, env!("CARGO_PKG_VERSION"))
        .add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                Http::new(HttpAuthScheme::Bearer)
                    .description("The token from POST /api/v1/auth/login, as `Authorization: Bearer <token>`"),
            ),
        )
        .add_security_scheme(
            COOKIE_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "dfresto_session",
                "The browser session of the portal; requests other than GET also send the session's CSRF token in the X-CSRF-Token header",
            ))),
        )
        .merge_router(api)
}

/// `GET /api/openapi.json`: the document, built once when the router is.
#[derive(Debug, Clone, Default)]
pub struct OpenApiJson {
    doc: Arc<OnceLock<String>>,
}

impl OpenApiJson {
    /// The handler and the slot [`OpenApiJson::publish`] fills once the whole router exists.
    pub fn new() -> OpenApiJson {
        OpenApiJson::default()
    }

    /// Generates the document from `api` (which mounts this handler) and serves it from now on.
    pub fn publish(&self, api: &Router) {
        let json = document(api).to_json().unwrap_or_else(|e| {
            tracing::error!("cannot serialise the OpenAPI document: {e}");
            "{}".to_owned()
        });
        // Published once, right after the router holding this handler is built.
        let _ = self.doc.set(json);
    }
}

/// The OpenAPI 3.1 document of this API
#[endpoint(
    tags("meta"),
    operation_id = "openapi_document",
    responses((status_code = 200, description = "The OpenAPI 3.1 document (JSON) of this API"))
)]
impl OpenApiJson {
    async fn handle(&self, res: &mut Response) {
        res.render(Text::Json(
            self.doc.get().map_or("{}", String::as_str).to_owned(),
        ));
    }
}

/// Every (method, path) a router serves, paths in OpenAPI form (`/api/v1/orders/{id}`).
pub fn routes(router: &Router) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(router, String::new(), None, &mut out);
    out.sort();
    out
}

fn walk(router: &Router, prefix: String, method: Option<String>, out: &mut Vec<(String, String)>) {
    let mut path = prefix;
    let mut method = method;
    for filter in router.filters() {
        match filter.info() {
            FilterInfo::Path(segment) => {
                let segment = segment.trim_matches('/');
                if !segment.is_empty() {
                    path.push('/');
                    path.push_str(segment);
                }
            }
            FilterInfo::Method(m) => method = Some(m.as_str().to_owned()),
            _ => {}
        }
    }
    if router.goal.is_some() {
        out.push((
            method.clone().unwrap_or_else(|| "ANY".to_owned()),
            if path.is_empty() {
                "/".to_owned()
            } else {
                path.clone()
            },
        ));
    }
    for child in router.routers() {
        walk(child, path.clone(), method.clone(), out);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_document_has_an_operation_for_every_route_and_no_other() {
        let api = crate::api::router();
        let doc: serde_json::Value =
            serde_json::from_str(&document(&api).to_json().unwrap()).unwrap();
        if let Ok(path) = std::env::var("DUMP_OPENAPI") {
            std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        }
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.to_ascii_uppercase(), path.clone()))
            })
            .collect();
        let served: BTreeSet<(String, String)> = routes(&api).into_iter().collect();
        assert_eq!(documented, served);
        assert!(served.contains(&("POST".to_owned(), "/api/v1/orders/{id}/confirm".to_owned())));
    }
}
