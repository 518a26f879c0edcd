//! The status history of a record as the API shows it: every transition, by whom, when, why.

use chrono::{DateTime, Utc};
use salvo::oapi::ToSchema;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[salvo(schema(name = "HistoryEntry"))]
pub struct HistoryEntry {
    /// None for the creation of the record.
    pub from_status: Option<String>,
    pub to_status: String,
    /// None for the system (the daily invoice run).
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// A rejection reason, a credit override, a payment.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<domain::history::HistoryEntry> for HistoryEntry {
    fn from(h: domain::history::HistoryEntry) -> Self {
        HistoryEntry {
            from_status: h.from_status,
            to_status: h.to_status,
            actor_id: h.actor_id,
            actor_name: h.actor_name,
            note: h.note,
            at: h.at,
        }
    }
}
