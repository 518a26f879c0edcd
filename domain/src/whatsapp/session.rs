//! The WhatsApp connection's state as the admin page shows it: the worker holding the
//! connection writes it into `whatsapp_sessions` (status, QR code, pairing code), the web tier
//! only reads it, so the web tier never talks to WhatsApp. The admin page's requests (log out,
//! pair again by QR or by code) go the other way as one pending `command` the holder takes.

use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::phone::Phone;
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
        /// Another device or worker took the session over; this one stopped.
        Replaced => "REPLACED",
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
    /// When a temporary ban ends, if WhatsApp said.
    pub banned_until: Option<DateTime<Utc>>,
    /// When the status last changed (not every update: a rotating QR code keeps it).
    pub status_since: Option<DateTime<Utc>>,
    /// When the current number was linked; the daily cap ramps up from that day.
    pub paired_at: Option<DateTime<Utc>>,
    /// The admin page's request the holder has not taken yet.
    pub command: Option<String>,
    pub command_phone: Option<String>,
    pub command_at: Option<DateTime<Utc>>,
    pub command_by: Option<i64>,
    /// The holder's transport: `console`, `fake` or `whatsapp`.
    pub transport: Option<String>,
    /// Test mode: every message goes to this number instead (`WHATSAPP_REDIRECT_TO`).
    pub redirect_to: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Session {
    /// The pending command, if any (the raw columns decoded).
    pub fn pending_command(&self) -> Option<Command> {
        Command::from_columns(self.command.as_deref(), self.command_phone.as_deref())
    }
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
    /// Kept only while `BANNED`.
    pub banned_until: Option<DateTime<Utc>>,
    /// Set when a new pairing succeeded; `None` keeps the stored value.
    pub paired_at: Option<DateTime<Utc>>,
    /// The holder's transport; `None` keeps the stored value.
    pub transport: Option<String>,
    /// The holder's test-mode number, written with every update (`None`: no redirect).
    pub redirect_to: Option<String>,
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
            banned_until: None,
            paired_at: None,
            transport: None,
            redirect_to: None,
        }
    }
}

/// The session's state, `None` before any worker has started.
pub async fn get(
    conn: &mut PgConnection,
    session_id: &str,
) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as(
        "SELECT session_id, status, qr, pair_code, phone, holder, last_error, banned_until,
                status_since, paired_at, command, command_phone, command_at, command_by, transport,
                redirect_to, updated_at
         FROM whatsapp_sessions WHERE session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(conn)
    .await
}

/// Records a new state. The QR and pairing codes are only kept while they can be used: any
/// status other than `WAITING_QR` clears them; `banned_until` likewise only lives while
/// `BANNED`. `status_since` moves only when the status really changes, so "since when" on the
/// admin page survives a QR code rotating every 20 seconds.
pub async fn record(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    session_id: &str,
    update: &SessionUpdate,
) -> Result<(), sqlx::Error> {
    let status = update.status;
    let waiting = status == ConnectionStatus::WaitingQr;
    let banned = status == ConnectionStatus::Banned;
    sqlx::query(
        "INSERT INTO whatsapp_sessions (session_id, status, qr, pair_code, phone, holder, last_error,
                                        banned_until, paired_at, status_since, updated_at,
                                        transport, redirect_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)
         ON CONFLICT (session_id) DO UPDATE SET
             status = EXCLUDED.status,
             qr = EXCLUDED.qr,
             pair_code = EXCLUDED.pair_code,
             phone = COALESCE(EXCLUDED.phone, whatsapp_sessions.phone),
             holder = COALESCE(EXCLUDED.holder, whatsapp_sessions.holder),
             last_error = EXCLUDED.last_error,
             banned_until = EXCLUDED.banned_until,
             paired_at = COALESCE(EXCLUDED.paired_at, whatsapp_sessions.paired_at),
             transport = COALESCE(EXCLUDED.transport, whatsapp_sessions.transport),
             redirect_to = EXCLUDED.redirect_to,
             status_since = CASE
                 WHEN whatsapp_sessions.status = EXCLUDED.status
                      AND whatsapp_sessions.status_since IS NOT NULL
                 THEN whatsapp_sessions.status_since
                 ELSE EXCLUDED.status_since END,
             updated_at = EXCLUDED.updated_at",
    )
    .bind(session_id)
    .bind(status.as_str())
    .bind(update.qr.as_deref().filter(|_| waiting))
    .bind(update.pair_code.as_deref().filter(|_| waiting))
    .bind(update.phone.as_deref())
    .bind(update.holder.as_deref())
    .bind(update.last_error.as_deref())
    .bind(update.banned_until.filter(|_| banned))
    .bind(update.paired_at)
    .bind(clock.now())
    .bind(update.transport.as_deref())
    .bind(update.redirect_to.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// What the admin page asks the worker holding the connection to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Command {
    /// Unlink this number (WhatsApp forgets the device; pairing again starts from scratch).
    Logout,
    /// Drop the current link and show a fresh QR code to scan.
    PairQr,
    /// Drop the current link and ask WhatsApp for an 8-character code for this number
    /// (normalised `62…`), to type into the phone instead of scanning.
    PairCode { phone: String },
}

impl Command {
    pub fn as_str(&self) -> &'static str {
        match self {
            Command::Logout => "LOGOUT",
            Command::PairQr => "PAIR_QR",
            Command::PairCode { .. } => "PAIR_CODE",
        }
    }

    fn phone(&self) -> Option<&str> {
        match self {
            Command::PairCode { phone } => Some(phone),
            _ => None,
        }
    }

    fn from_columns(command: Option<&str>, phone: Option<&str>) -> Option<Command> {
        match (command?, phone) {
            ("LOGOUT", _) => Some(Command::Logout),
            ("PAIR_QR", _) => Some(Command::PairQr),
            ("PAIR_CODE", Some(phone)) => Some(Command::PairCode {
                phone: phone.to_owned(),
            }),
            _ => None,
        }
    }
}

/// Leaves a command for the holder (pusat and finance only). A newer request replaces one not
/// taken yet: the last click is what the admin meant. The pairing number is normalised here so
/// the holder gets `62…` and a typo is refused on the form, not by WhatsApp minutes later.
/// Works before any worker has started too (the row is created `DISCONNECTED`).
pub async fn request_command(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    session_id: &str,
    cmd: Command,
) -> Result<(), DomainError> {
    super::require_manager(actor)?;
    let cmd = match cmd {
        Command::PairCode { phone } => match Phone::parse(&phone) {
            Ok(phone) => Command::PairCode {
                phone: phone.as_str().to_owned(),
            },
            Err(e) => return Err(DomainError::field("phone", e.to_string())),
        },
        other => other,
    };
    let now = clock.now();
    sqlx::query(
        "INSERT INTO whatsapp_sessions (session_id, status, status_since, updated_at,
                                        command, command_phone, command_at, command_by)
         VALUES ($1, 'DISCONNECTED', $2, $2, $3, $4, $2, $5)
         ON CONFLICT (session_id) DO UPDATE SET
             command = EXCLUDED.command,
             command_phone = EXCLUDED.command_phone,
             command_at = EXCLUDED.command_at,
             command_by = EXCLUDED.command_by",
    )
    .bind(session_id)
    .bind(now)
    .bind(cmd.as_str())
    .bind(cmd.phone())
    .bind(actor.user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The holder's side: takes the pending command, if any, and clears it in the same statement,
/// so two workers (or a retry) never both act on one click. `command_at`/`command_by` stay as
/// the record of the last request.
pub async fn take_command(
    conn: &mut PgConnection,
    session_id: &str,
) -> Result<Option<Command>, sqlx::Error> {
    // FOR UPDATE makes a second taker wait, then find the command already cleared.
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "WITH taken AS (
             SELECT id, command, command_phone FROM whatsapp_sessions
             WHERE session_id = $1 AND command IS NOT NULL
             FOR UPDATE)
         UPDATE whatsapp_sessions s SET command = NULL, command_phone = NULL
         FROM taken WHERE s.id = taken.id
         RETURNING taken.command, taken.command_phone",
    )
    .bind(session_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(c, p)| Command::from_columns(c.as_deref(), p.as_deref())))
}
