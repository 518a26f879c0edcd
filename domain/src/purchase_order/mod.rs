//! Purchase orders from a stokis to head office: submit, finance approval under credit
//! control, warehouse shipping (which issues the invoice), receipt into stokis stock.

mod apply;
pub mod credit;
mod query;
mod submit;

pub use crate::transition::{PoAction, PoStatus};
pub use apply::{apply, approve};
pub use credit::{CreditPosition, position};
pub(crate) use query::load;
pub use query::{PoFilter, PoListItem, get, list};
pub use submit::{NewPurchaseOrder, Submitted, submit};

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PurchaseOrder {
    pub id: i64,
    pub number: String,
    pub stokis_id: i64,
    pub status: PoStatus,
    pub total: i64,
    pub note: String,
    pub reject_reason: Option<String>,
    pub credit_override_reason: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    #[sqlx(skip)]
    pub items: Vec<PoItem>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PoItem {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: i32,
    pub unit_price: i64,
    pub subtotal: i64,
}
