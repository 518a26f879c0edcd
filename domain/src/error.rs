//! The one error type of the domain layer; the web tier maps it to HTTP once.

use std::collections::BTreeMap;

/// Messages per input field, in Bahasa Indonesia, ready to show beside the field.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The record does not exist, or the actor may not see it (never tell the two apart).
    #[error("{entity} tidak ditemukan")]
    NotFound { entity: &'static str },
    /// The actor may see the record but not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// Input that fails validation; nothing was written.
    #[error("data tidak valid")]
    Validation(FieldErrors),
    /// The record is not in a state that allows this action.
    #[error("tidak bisa {action}: status sekarang {from}")]
    InvalidTransition { action: &'static str, from: String },
    #[error("stok {product} tidak cukup: tersedia {available}, diminta {requested}")]
    InsufficientStock {
        product: String,
        available: i64,
        requested: i64,
    },
    #[error("{0}")]
    CreditBlocked(String),
    /// A conflicting concurrent change or a duplicate.
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("job queue error: {0}")]
    Jobs(#[from] jobs::EnqueueError),
}

impl DomainError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), message.into());
        DomainError::Validation(errors)
    }

    /// A stable snake_case code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::NotFound { .. } => "not_found",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::Validation(_) => "validation_failed",
            DomainError::InvalidTransition { .. } => "invalid_transition",
            DomainError::InsufficientStock { .. } => "insufficient_stock",
            DomainError::CreditBlocked(_) => "credit_blocked",
            DomainError::Conflict(_) => "conflict",
            DomainError::Database(_) => "internal",
            DomainError::Jobs(_) => "internal",
        }
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;
