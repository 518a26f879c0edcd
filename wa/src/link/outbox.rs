//! Sending one message and knowing whether it went: `send_*` returns once the stanza is on the
//! socket, so the outcome is the server's ack of our message id (or its nack code), awaited
//! here with a timeout; numbers are checked with `is_on_whatsapp` first, the answer cached.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use whatsapp_rust::types::events::ServerAck;

use super::connection::Connection;
use crate::events::{self, SendOutcome};

/// How long an `is_on_whatsapp` answer is trusted: a number rarely joins or leaves, and a
/// wrong "registered" is corrected by the server's answer to the message anyway.
const REGISTRATION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long "typing…" shows before the message.
const TYPING_FOR: Duration = Duration::from_millis(1500);

#[derive(Default)]
pub(super) struct Outbox {
    /// Our message ids waiting for the server's ack, with where to deliver it.
    waiting: Mutex<HashMap<String, oneshot::Sender<ServerAck>>>,
    registered: Mutex<HashMap<String, (bool, Instant)>>,
}

impl Outbox {
    /// Hands a server ack to the send waiting for it; `false` when nobody waits (an ack for a
    /// send made before a restart, or for another stanza).
    pub(super) fn on_ack(&self, ack: &ServerAck) -> bool {
        let waiter = self.waiting.lock().ok().and_then(|mut w| w.remove(&ack.id));
        match waiter {
            Some(tx) => tx.send(ack.clone()).is_ok(),
            None => false,
        }
    }

    fn cached_registration(&self, phone: &str) -> Option<bool> {
        let cache = self.registered.lock().ok()?;
        let (registered, at) = cache.get(phone)?;
        (at.elapsed() < REGISTRATION_TTL).then_some(*registered)
    }

    fn remember_registration(&self, phone: &str, registered: bool) {
        if let Ok(mut cache) = self.registered.lock() {
            cache.insert(phone.to_owned(), (registered, Instant::now()));
        }
    }

    fn forget_waiter(&self, id: &str) {
        if let Ok(mut w) = self.waiting.lock() {
            w.remove(id);
        }
    }

    /// One message through `conn`: registration check, typing, send, the server's answer.
    /// Returns the outcome and, for a nack, its code.
    pub(super) async fn send(
        &self,
        conn: &dyn Connection,
        phone: &str,
        text: &str,
        message_id: &str,
        ack_timeout: Duration,
    ) -> (SendOutcome, Option<String>) {
        let registered = match self.cached_registration(phone) {
            Some(r) => Some(r),
            None => match conn.is_on_whatsapp(phone).await {
                Ok(r) => {
                    self.remember_registration(phone, r);
                    Some(r)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot check the number on WhatsApp; sending anyway");
                    None
                }
            },
        };
        if let Some(failed) = registered.and_then(events::registration) {
            return (failed, None);
        }
        conn.typing(phone).await;
        tokio::time::sleep(TYPING_FOR).await;

        // Registered before the send: the ack may arrive before `send_text` returns.
        let (tx, rx) = oneshot::channel();
        if let Ok(mut w) = self.waiting.lock() {
            w.insert(message_id.to_owned(), tx);
        }
        if let Err(outcome) = conn.send_text(phone, text, message_id).await {
            self.forget_waiter(message_id);
            return (outcome, None);
        }
        match tokio::time::timeout(ack_timeout, rx).await {
            Ok(Ok(ack)) => {
                let code = ack.error.clone().filter(|c| !c.is_empty());
                (events::ack(&ack).unwrap_or(SendOutcome::Sent), code)
            }
            Ok(Err(_)) | Err(_) => {
                self.forget_waiter(message_id);
                (
                    SendOutcome::Retry {
                        reason: format!(
                            "WhatsApp tidak mengonfirmasi pesan dalam {} detik",
                            ack_timeout.as_secs()
                        ),
                    },
                    None,
                )
            }
        }
    }
}
