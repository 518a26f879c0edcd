//! The development transport: every message is written to the log instead of WhatsApp, and
//! recorded as sent by `console`. Like WhatsApp it delivers a message id once.

use super::{ConnectionStatus, Delivered, Message, Messenger, MessengerEvent, SendError};
use futures::FutureExt;
use futures::future::BoxFuture;
use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use tokio::sync::broadcast;

pub struct ConsoleMessenger {
    delivered: Mutex<HashSet<String>>,
    events: broadcast::Sender<MessengerEvent>,
}

impl ConsoleMessenger {
    pub fn new() -> ConsoleMessenger {
        ConsoleMessenger {
            delivered: Mutex::new(HashSet::new()),
            events: broadcast::channel(16).0,
        }
    }
}

impl Default for ConsoleMessenger {
    fn default() -> Self {
        ConsoleMessenger::new()
    }
}

impl Messenger for ConsoleMessenger {
    fn name(&self) -> &'static str {
        "console"
    }

    fn sender(&self) -> Option<String> {
        Some("console".into())
    }

    fn status(&self) -> ConnectionStatus {
        ConnectionStatus::Connected
    }

    fn events(&self) -> broadcast::Receiver<MessengerEvent> {
        self.events.subscribe()
    }

    fn send<'a>(&'a self, msg: &'a Message) -> BoxFuture<'a, Result<Delivered, SendError>> {
        let first = self
            .delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(msg.message_id.clone());
        if first {
            tracing::info!(
                to = %msg.to.pretty(),
                message_id = %msg.message_id,
                "WhatsApp (console transport):\n{}",
                msg.text
            );
        } else {
            tracing::info!(message_id = %msg.message_id, "WhatsApp (console transport): duplicate id, not delivered again");
        }
        futures::future::ready(Ok(Delivered {
            wa_message_id: msg.message_id.clone(),
        }))
        .boxed()
    }
}
