//! Recording a payment: partial payments lower the balance; the one that clears it marks the
//! invoice PAID. Never more than the balance.

use super::Invoice;
use super::query::load;
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::history::{self, Entity};
use crate::money::format_rupiah;
use crate::role::Role;
use crate::text_enum::text_enum;
use crate::transition::{self, By, InvoiceAction, InvoiceStatus};
use chrono::NaiveDate;
use sqlx::PgConnection;

text_enum! {
    pub enum PaymentMethod {
        Transfer => "TRANSFER",
        Cash => "CASH",
        Giro => "GIRO",
        Other => "OTHER",
    }
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: String,
}

pub async fn record_payment(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    invoice_id: i64,
    input: NewPayment,
) -> Result<Invoice, DomainError> {
    if actor.role != Role::Finance {
        return Err(DomainError::Forbidden(
            "hanya finance yang bisa mencatat pembayaran".into(),
        ));
    }
    let row: Option<(i64, i64, InvoiceStatus, NaiveDate)> = sqlx::query_as(
        "SELECT total, paid, status, issue_date FROM invoices WHERE id = $1 FOR UPDATE",
    )
    .bind(invoice_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (total, paid, status, issue_date) =
        row.ok_or(DomainError::NotFound { entity: "invoice" })?;
    let balance = total - paid;

    let mut errors = FieldErrors::new();
    if status == InvoiceStatus::Paid {
        return Err(DomainError::InvalidTransition {
            action: "mencatat pembayaran",
            from: status.label().into(),
        });
    }
    if input.amount <= 0 {
        errors.insert("amount".into(), "jumlah harus lebih dari 0".into());
    } else if input.amount > balance {
        errors.insert(
            "amount".into(),
            format!("melebihi sisa tagihan {}", format_rupiah(balance)),
        );
    }
    let today = clock.today();
    if input.paid_on > today {
        errors.insert(
            "paid_on".into(),
            "tanggal bayar tidak boleh di masa depan".into(),
        );
    } else if input.paid_on < issue_date {
        errors.insert(
            "paid_on".into(),
            "tanggal bayar sebelum tanggal invoice".into(),
        );
    }
    let reference = input.reference.trim();
    if reference.chars().count() > 200 {
        errors.insert("reference".into(), "maksimal 200 karakter".into());
    }
    if !errors.is_empty() {
        return Err(DomainError::Validation(errors));
    }

    let now = clock.now();
    sqlx::query(
        "INSERT INTO payments (invoice_id, amount, paid_on, method, reference, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(invoice_id)
    .bind(input.amount)
    .bind(input.paid_on)
    .bind(input.method.as_str())
    .bind(reference)
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;

    let new_paid = paid + input.amount;
    if new_paid == total {
        let to = transition::invoice(status, InvoiceAction::Settle, By::Role(actor.role)).map_err(
            |_| DomainError::InvalidTransition {
                action: "melunasi invoice",
                from: status.label().into(),
            },
        )?;
        sqlx::query("UPDATE invoices SET paid = $2, status = $3, paid_at = $4, updated_at = $4 WHERE id = $1")
            .bind(invoice_id)
            .bind(new_paid)
            .bind(to.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        let note = format!("pembayaran {} melunasi", format_rupiah(input.amount));
        history::record(
            conn,
            Entity::Invoice,
            invoice_id,
            Some(status.as_str()),
            to.as_str(),
            Some(actor.user_id),
            Some(&note),
            now,
        )
        .await?;
    } else {
        sqlx::query("UPDATE invoices SET paid = $2, updated_at = $3 WHERE id = $1")
            .bind(invoice_id)
            .bind(new_paid)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    load(conn, invoice_id).await
}
