//! The transport that delivers WhatsApp messages, behind the [`Messenger`] trait: a console
//! transport for development, a fake for tests, and the real whatsapp-rust client.
//!
//! The trait is shaped for that client: `send` takes the message id chosen by us (WhatsApp
//! accepts client-chosen ids and drops a second message with an id it has seen, which is what
//! makes a re-send after a crash harmless) and returns WhatsApp's id; the connection reports
//! its status and the QR / pairing codes to show on the admin page as events.

mod console;
mod fake;
mod whatsapp;

pub use console::ConsoleMessenger;
pub use fake::{FakeMessenger, JournalEntry};
pub use whatsapp::{WhatsAppMessenger, status_of};

use chrono::{DateTime, Utc};
use domain::Phone;
use domain::whatsapp::FailureKind;
pub use domain::whatsapp::session::ConnectionStatus;
use futures::future::BoxFuture;
use tokio::sync::broadcast;

/// One message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: Phone,
    pub text: String,
    /// Fixed per message before the first attempt; every retry carries the same id.
    pub message_id: String,
}

/// WhatsApp accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub wa_message_id: String,
}

/// Why a send failed, classified for the retry policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No connection (not paired yet, reconnecting, logged out): the message waits.
    #[error("not connected: {0}")]
    Unavailable(String),
    /// May pass (timeout, network error, server busy): retried with backoff.
    #[error("{0}")]
    Transient(String),
    /// Will never work (the number is not on WhatsApp): the message fails at once.
    #[error("{0}")]
    Permanent(String),
}

impl SendError {
    /// A send outcome the client adapter derived (from the server's ack, `is_on_whatsapp` or a
    /// failed call) as the pipeline's error; `None` for a message the server acknowledged.
    /// Held messages wait without counting an attempt, with the reason on the log row.
    pub fn from_outcome(outcome: wa::events::SendOutcome) -> Option<SendError> {
        use wa::events::SendOutcome as O;
        match outcome {
            O::Sent => None,
            O::Held { reason } => Some(SendError::Unavailable(reason)),
            O::Retry { reason } => Some(SendError::Transient(reason)),
            O::Failed { reason } => Some(SendError::Permanent(reason)),
        }
    }

    pub fn kind(&self) -> FailureKind {
        match self {
            SendError::Unavailable(_) => FailureKind::Unavailable,
            SendError::Transient(_) => FailureKind::Transient,
            SendError::Permanent(_) => FailureKind::Permanent,
        }
    }
}

/// What the connection reports, for `whatsapp_sessions` and the admin page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessengerEvent {
    /// A QR code to scan with the phone (pairing by QR).
    QrCode(String),
    /// A code to type on the phone (pairing by phone number).
    PairCode(String),
    /// Building the client and connecting.
    Connecting,
    Connected {
        phone: String,
    },
    Disconnected {
        reason: String,
    },
    /// A phone linked this number just now (the daily cap ramps up from here).
    Paired {
        phone: String,
    },
    /// Pairing by code was refused; the QR code stays usable.
    PairCodeRefused {
        reason: String,
    },
    LoggedOut,
    /// `until` when WhatsApp said when the ban ends.
    Banned {
        reason: String,
        until: Option<DateTime<Utc>>,
    },
    /// Another device or worker took the session over; this one stopped.
    Replaced,
    /// The server acknowledged one of our message ids (`nack`: refused, with its code).
    Acked {
        message_id: String,
        nack: Option<String>,
        at: DateTime<Utc>,
    },
    /// Messages reached the recipient's phone (`read`: and were read).
    Receipt {
        message_ids: Vec<String>,
        read: bool,
        at: DateTime<Utc>,
    },
}

impl From<wa::events::LinkState> for MessengerEvent {
    fn from(state: wa::events::LinkState) -> MessengerEvent {
        use wa::events::LinkState as L;
        match state {
            // The number is the client's `pn()`, which only the caller has; the client
            // adapter fills it in.
            L::Connecting => MessengerEvent::Connecting,
            L::Connected => MessengerEvent::Connected {
                phone: String::new(),
            },
            L::WaitingQr { qr, .. } => MessengerEvent::QrCode(qr),
            L::WaitingPairCode { code, .. } => MessengerEvent::PairCode(code),
            L::Paired { phone } => MessengerEvent::Paired { phone },
            L::PairCodeRefused { reason } => MessengerEvent::PairCodeRefused { reason },
            L::Disconnected { reason } => MessengerEvent::Disconnected { reason },
            L::LoggedOut { .. } => MessengerEvent::LoggedOut,
            L::Banned { until, reason } => MessengerEvent::Banned { reason, until },
            L::Replaced => MessengerEvent::Replaced,
        }
    }
}

pub trait Messenger: Send + Sync + 'static {
    /// `console`, `fake`, `whatsapp`: for logs.
    fn name(&self) -> &'static str;

    /// The number messages go out from while connected; the rate limiter counts per sender.
    /// `None` when there is no connection to send through.
    fn sender(&self) -> Option<String>;

    fn status(&self) -> ConnectionStatus;

    /// Whether this process reports the connection in `whatsapp_sessions`: the real client
    /// only while it holds the session (a waiting worker must not overwrite the holder's row).
    fn reports_session(&self) -> bool {
        true
    }

    /// Why there is no sender, for the messages left waiting (`None`: nothing to say).
    fn waiting_reason(&self) -> Option<String> {
        None
    }

    /// Connection events from now on (the current state is [`Messenger::status`]).
    fn events(&self) -> broadcast::Receiver<MessengerEvent>;

    /// Delivers `msg` and returns WhatsApp's message id.
    ///
    /// Must be idempotent on `msg.message_id`: sending an id that was delivered before must not
    /// deliver a second message (WhatsApp drops duplicates of a client-chosen id).
    fn send<'a>(&'a self, msg: &'a Message) -> BoxFuture<'a, Result<Delivered, SendError>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use wa::events;

    #[test]
    fn send_outcomes_become_pipeline_errors() {
        assert_eq!(SendError::from_outcome(events::SendOutcome::Sent), None);
        let first_contact = SendError::from_outcome(events::nack("463"));
        assert!(
            matches!(&first_contact, Some(SendError::Unavailable(r)) if r.contains("463")),
            "a 463 waits with its reason: {first_contact:?}"
        );
        assert_eq!(
            SendError::from_outcome(
                events::registration(false).unwrap_or(events::SendOutcome::Sent)
            ),
            Some(SendError::Permanent(events::NOT_ON_WHATSAPP.into()))
        );
        assert_eq!(
            SendError::from_outcome(events::nack("500")).map(|e| e.kind()),
            Some(FailureKind::Transient)
        );
    }
}
