//! The WhatsApp connection's state as the admin page shows it: the worker holding the
//! connection writes it into `whatsapp_sessions` (status, QR code, pairing code), the web tier
//! only reads it, so the web tier never talks to WhatsApp.

use crate::clock::Clock;
use crate::text_enum::text_enum;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

text_enum! {
    pub enum ConnectionStatus {
        Disconnected => "DISCONNECTED",
        Connecting => "CONNECTING",
        WaitingQr => "WAITING_QR",
        Connected => "CONNECTED",
        LoggedOut => "LOGGED_OUT",
        Banned => "BANNED",
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Session {
    pub session_id: String,
    pub status: ConnectionStatus,
    /// The QR code to scan while `WAITING_QR` (the raw string the phone expects).
    pub qr: Option<String>,
    pub pair_code: Option<String>,
    /// The connected WhatsApp number (or `console` for the development transport).
    pub phone: Option<String>,
    /// Which worker process holds the connection.
    pub holder: Option<String>,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A change of the connection, as a worker reports it.
#[derive(Debug, Clone)]
pub struct SessionUpdate {
    pub status: ConnectionStatus,
    pub qr: Option<String>,
    pub pair_code: Option<String>,
    pub phone: Option<String>,
    pub holder: Option<String>,
    pub last_error: Option<String>,
}

impl SessionUpdate {
    pub fn new(status: ConnectionStatus) -> SessionUpdate {
        SessionUpdate {
            status,
            qr: None,
            pair_code: None,
            phone: None,
            holder: None,
            last_error: None,
        }
    }
}

/// The session's state, `None` before any worker has started.
pub async fn get(
    conn: &mut PgConnection,
    session_id: &str,
) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as(
        "SELECT session_id, status, qr, pair_code, phone, holder, last_error, updated_at
         FROM whatsapp_sessions WHERE session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(conn)
    .await
}

/// Records a new state. The QR and pairing codes are only kept while they can be used: any
/// status other than `WAITING_QR` clears them.
pub async fn record(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    session_id: &str,
    update: &SessionUpdate,
) -> Result<(), sqlx::Error> {
    let status = update.status;
    let waiting = status == ConnectionStatus::WaitingQr;
    sqlx::query(
        "INSERT INTO whatsapp_sessions (session_id, status, qr, pair_code, phone, holder, last_error, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (session_id) DO UPDATE SET
             status = EXCLUDED.status,
             qr = EXCLUDED.qr,
             pair_code = EXCLUDED.pair_code,
             phone = COALESCE(EXCLUDED.phone, whatsapp_sessions.phone),
             holder = COALESCE(EXCLUDED.holder, whatsapp_sessions.holder),
             last_error = EXCLUDED.last_error,
             updated_at = EXCLUDED.updated_at",
    )
    .bind(session_id)
    .bind(status.as_str())
    .bind(update.qr.as_deref().filter(|_| waiting))
    .bind(update.pair_code.as_deref().filter(|_| waiting))
    .bind(update.phone.as_deref())
    .bind(update.holder.as_deref())
    .bind(update.last_error.as_deref())
    .bind(clock.now())
    .execute(conn)
    .await?;
    Ok(())
}
