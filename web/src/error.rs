//! The web tier's one error type, and its single mapping to HTTP: the JSON error body for
//! `/api/*`, an error page for everything else. Internal details are logged, never sent.

use std::collections::BTreeMap;

use domain::{DomainError, FieldErrors};
use salvo::http::StatusCode;
use salvo::http::header::{HeaderValue, RETRY_AFTER};
use salvo::oapi::{self, Components, EndpointOutRegister, Operation, ToSchema};
use salvo::writing::{Json, Redirect};
use salvo::{Depot, Request, Response, Writer, async_trait};
use serde::Serialize;

use crate::render;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The record or page does not exist, or the caller may not know it exists.
    #[error("{0}")]
    NotFound(String),
    /// No (valid) session or token.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// A request the server can't read (malformed JSON, wrong content type).
    #[error("{0}")]
    BadRequest(String),
    /// Input that fails validation, per field; nothing was written.
    #[error("{message}")]
    Validation {
        message: String,
        fields: FieldErrors,
    },
    /// The action clashes with the record's state; `code` is the API code
    /// (`invalid_transition`, `insufficient_stock`, `credit_blocked`, `conflict`).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// A refusal with its own status and API code (413 `payload_too_large`, 415
    /// `unsupported_media_type`, 408 `request_timeout`, 422 `idempotency_key_reused`).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// Anything the caller can't fix; the text is logged, and the client sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

/// `{"error": {"code": …, "message": …, "fields": {…}}}`, the body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code: `not_found`, `forbidden`, `validation_failed`, …
    pub code: String,
    /// A message for people, in Bahasa Indonesia.
    pub message: String,
    /// Per-field messages; empty unless `code` is `validation_failed`.
    pub fields: BTreeMap<String, String>,
}

const INTERNAL_MESSAGE: &str = "Terjadi kesalahan pada server. Silakan coba lagi.";

impl WebError {
    pub fn not_found() -> WebError {
        WebError::NotFound("Halaman atau data tidak ditemukan".to_owned())
    }

    pub fn internal(detail: impl std::fmt::Display) -> WebError {
        WebError::Internal(detail.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict { .. } => StatusCode::CONFLICT,
            WebError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Refused { status, .. } => *status,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "not_found",
            WebError::Unauthorized(_) => "unauthorized",
            WebError::Forbidden(_) => "forbidden",
            WebError::BadRequest(_) => "bad_request",
            WebError::Validation { .. } => "validation_failed",
            WebError::Conflict { code, .. } => code,
            WebError::TooManyRequests { .. } => "too_many_requests",
            WebError::Refused { code, .. } => code,
            WebError::Internal(_) => "internal",
        }
    }

    /// What the client is told.
    pub fn public_message(&self) -> String {
        match self {
            WebError::Internal(_) => INTERNAL_MESSAGE.to_owned(),
            other => other.to_string(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.public_message(),
                fields: match self {
                    WebError::Validation { fields, .. } => fields.clone(),
                    _ => BTreeMap::new(),
                },
            },
        }
    }
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> WebError {
        let code = e.code();
        match e {
            DomainError::NotFound { .. } => WebError::NotFound(e.to_string()),
            DomainError::Forbidden(m) => WebError::Forbidden(m),
            DomainError::Validation(fields) => WebError::Validation {
                message: "Data yang diisi belum benar".to_owned(),
                fields,
            },
            DomainError::InvalidTransition { .. }
            | DomainError::InsufficientStock { .. }
            | DomainError::CreditBlocked(_)
            | DomainError::Conflict(_) => WebError::Conflict {
                code,
                message: e.to_string(),
            },
            DomainError::Database(_) | DomainError::Jobs(_) => WebError::Internal(e.to_string()),
        }
    }
}

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> WebError {
        WebError::Internal(format!("database: {e}"))
    }
}

impl From<tera::Error> for WebError {
    fn from(e: tera::Error) -> WebError {
        WebError::Internal(format!("template: {}", render::error_chain(&e)))
    }
}

/// API paths answer in JSON; everything else is a page.
pub fn is_api(req: &Request) -> bool {
    let path = req.uri().path();
    path == "/api" || path.starts_with("/api/")
}

#[async_trait]
impl Writer for WebError {
    async fn write(self, req: &mut Request, depot: &mut Depot, res: &mut Response) {
        if let WebError::Internal(detail) = &self {
            tracing::error!(method = %req.method(), path = req.uri().path(), "{detail}");
        }
        res.status_code(self.status());
        if let WebError::TooManyRequests {
            retry_after_secs, ..
        } = &self
        {
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        if is_api(req) {
            res.render(Json(self.body()));
        } else if let WebError::Unauthorized(_) = &self {
            // A page that needs a login sends the browser to the login form, and back after.
            res.render(Redirect::found(crate::auth::login_redirect_target(req)));
        } else {
            render::error_page(req, depot, res, self.status(), &self.public_message());
        }
    }
}

impl EndpointOutRegister for WebError {
    fn register(components: &mut Components, operation: &mut Operation) {
        let schema = <ErrorBody as ToSchema>::to_schema(components);
        for (status, description) in [
            ("400", "bad_request: the request body could not be read"),
            ("401", "unauthorized: no valid session or bearer token"),
            ("403", "forbidden: the caller's role may not do this"),
            ("404", "not_found: no such record visible to the caller"),
            (
                "409",
                "invalid_transition | insufficient_stock | credit_blocked | conflict",
            ),
            (
                "408",
                "request_timeout: the body did not arrive within the body timeout",
            ),
            ("413", "payload_too_large: the body is over its limit"),
            (
                "415",
                "unsupported_media_type: a body without Content-Type: application/json",
            ),
            (
                "422",
                "validation_failed: see `fields` | idempotency_key_reused",
            ),
            ("429", "too_many_requests: see the Retry-After header"),
            ("500", "internal: logged on the server"),
        ] {
            operation.responses.insert(
                status,
                oapi::Response::new(description).add_content("application/json", schema.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_map_to_status_and_code() {
        let cases: Vec<(DomainError, StatusCode, &str)> = vec![
            (
                DomainError::NotFound { entity: "Order" },
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                DomainError::Forbidden("bukan milik Anda".into()),
                StatusCode::FORBIDDEN,
                "forbidden",
            ),
            (
                DomainError::field("qty", "minimal 1"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            ),
            (
                DomainError::InvalidTransition {
                    action: "kirim",
                    from: "PENDING".into(),
                },
                StatusCode::CONFLICT,
                "invalid_transition",
            ),
            (
                DomainError::InsufficientStock {
                    product: "Tepung".into(),
                    available: 1,
                    requested: 2,
                },
                StatusCode::CONFLICT,
                "insufficient_stock",
            ),
            (
                DomainError::CreditBlocked("melebihi limit".into()),
                StatusCode::CONFLICT,
                "credit_blocked",
            ),
            (
                DomainError::Conflict("sudah ada".into()),
                StatusCode::CONFLICT,
                "conflict",
            ),
            (
                DomainError::Database(sqlx::Error::PoolTimedOut),
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
            ),
        ];
        for (domain, status, code) in cases {
            let web = WebError::from(domain);
            assert_eq!(web.status(), status, "{web:?}");
            assert_eq!(web.code(), code, "{web:?}");
            assert_eq!(web.body().error.code, code);
        }
    }

    #[test]
    fn validation_fields_reach_the_body() {
        let body = WebError::from(DomainError::field("qty", "minimal 1")).body();
        assert_eq!(
            body.error.fields.get("qty").map(String::as_str),
            Some("minimal 1")
        );
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "validation_failed");
        assert_eq!(json["error"]["fields"]["qty"], "minimal 1");
    }

    #[test]
    fn internal_details_never_reach_the_client() {
        let web = WebError::from(sqlx::Error::Protocol(
            "relation \"users\" does not exist".into(),
        ));
        let body = serde_json::to_string(&web.body()).unwrap();
        assert!(!body.contains("users"), "{body}");
        assert!(!body.contains("relation"), "{body}");
        assert_eq!(web.body().error.message, INTERNAL_MESSAGE);
        assert!(web.to_string().contains("relation"));
    }
}
