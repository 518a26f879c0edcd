//! Invoices (one per shipped purchase order) and the payments that settle them.

mod issue;
mod payment;
mod query;

pub use crate::transition::InvoiceStatus;
pub use issue::issue;
pub use payment::{NewPayment, PaymentMethod, record_payment};
pub(crate) use query::load;
pub use query::{InvoiceFilter, get, list, payments};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Invoice {
    pub id: i64,
    pub number: String,
    pub purchase_order_id: i64,
    pub purchase_order_number: String,
    pub stokis_id: i64,
    pub stokis_name: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: i64,
    pub paid: i64,
    pub balance: i64,
    pub status: InvoiceStatus,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Invoice {
    /// Days past due as of `today`, computed from the due date (0 when not late or paid).
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        if self.balance == 0 {
            return 0;
        }
        (today - self.due_date).num_days().max(0)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub invoice_id: i64,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    pub reference: String,
    pub recorded_by: i64,
    pub created_at: DateTime<Utc>,
}
