//! The business core of D'Fresto: types, state machines, rules, and the SQL that reads and writes them.
//!
//! Nothing here knows about HTTP or the job runner's internals. Every write takes a
//! `&mut PgConnection` that is already inside a transaction opened by the caller (or opens
//! one itself and says so), so a business change, its history row and its jobs commit together.

pub mod actor;
pub mod clock;
pub mod document;
pub mod error;
pub mod history;
pub mod idempotency;
pub mod import;
pub mod input;
pub mod invoice;
pub mod invoice_run;
mod listing;
pub mod money;
pub mod notify;
pub mod numbering;
pub mod ops;
pub mod order;
pub mod phone;
pub mod purchase_order;
pub mod read;
pub mod report;
pub mod role;
pub mod schema;
pub mod setting;
pub mod stock;
mod text_enum;
pub mod transition;
pub mod whatsapp;

pub use actor::Actor;
pub use clock::{Clock, FixedClock, SharedClock, SystemClock};
pub use error::{DomainError, FieldErrors};
pub use money::Money;
pub use phone::Phone;
pub use role::{Portal, Role};
pub mod auth;
pub mod catalogue;
pub mod line_items;
pub mod master;
pub mod price_list;
pub mod warehouse;
