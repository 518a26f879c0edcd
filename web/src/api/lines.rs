//! The lines of orders and purchase orders as the API reads and writes them.

use salvo::oapi::ToSchema;
use serde::{Deserialize, Serialize};

/// One line of a new order or purchase order. The price is never sent: it comes from the
/// price list.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[salvo(schema(name = "NewLine"))]
pub struct NewLine {
    pub product_id: i64,
    /// Whole units, 1 to 100000.
    pub qty: i64,
}

impl From<NewLine> for domain::input::Line {
    fn from(line: NewLine) -> Self {
        domain::input::Line {
            product_id: line.product_id,
            qty: line.qty,
        }
    }
}

/// One line of an order or purchase order, priced when it was placed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[salvo(schema(name = "Line"))]
pub struct Line {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: i64,
    /// Rupiah per unit.
    pub unit_price: i64,
    /// qty × unit_price, Rupiah.
    pub subtotal: i64,
}

impl From<domain::order::OrderItem> for Line {
    fn from(i: domain::order::OrderItem) -> Self {
        Line {
            product_id: i.product_id,
            sku: i.sku,
            name: i.name,
            unit: i.unit,
            qty: i64::from(i.qty),
            unit_price: i.unit_price,
            subtotal: i.subtotal,
        }
    }
}

impl From<domain::purchase_order::PoItem> for Line {
    fn from(i: domain::purchase_order::PoItem) -> Self {
        Line {
            product_id: i.product_id,
            sku: i.sku,
            name: i.name,
            unit: i.unit,
            qty: i64::from(i.qty),
            unit_price: i.unit_price,
            subtotal: i.subtotal,
        }
    }
}

/// The body of a new order or purchase order.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "NewLines"))]
pub struct NewLines {
    /// 1 to 200 lines, each product at most once.
    pub items: Vec<NewLine>,
    /// Up to 1000 characters.
    #[serde(default)]
    pub note: String,
}

/// The body of a rejection.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "Reason"))]
pub struct ReasonBody {
    /// Why, for the other side to read; 1 to 1000 characters.
    pub reason: String,
}
