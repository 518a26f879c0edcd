//! What WhatsApp said about our messages after they left: the server's ack of each message id
//! (or its nack code), and the recipient's phone's delivery and read receipts. They arrive as
//! events on the connection, by WhatsApp message id (which the claim step writes before the
//! send), and may come after a restart, so they are matched in the database, not in memory.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Records the server's answer to message `wa_message_id`: `nack: None` is the ack that makes
/// it sent (kept even if the worker dies before recording the send, so it is never sent
/// again), a code is kept on the row for the log page. Returns whether a row matched.
pub async fn record_ack(
    conn: &mut PgConnection,
    wa_message_id: &str,
    nack: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE whatsapp_logs
         SET acked_at = CASE WHEN $2::text IS NULL THEN coalesce(acked_at, $3) ELSE acked_at END,
             nack_code = $2
         WHERE wa_message_id = $1",
    )
    .bind(wa_message_id)
    .bind(nack)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records a delivery (or, with `read`, a read) receipt for messages `ids`; the first time of
/// each is kept. A read message was delivered too, even if that receipt never came. Returns
/// how many rows matched.
pub async fn record_receipt(
    conn: &mut PgConnection,
    ids: &[String],
    read: bool,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE whatsapp_logs
         SET delivered_at = coalesce(delivered_at, $3),
             read_at = CASE WHEN $2 THEN coalesce(read_at, $3) ELSE read_at END
         WHERE wa_message_id = ANY($1)",
    )
    .bind(ids)
    .bind(read)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
