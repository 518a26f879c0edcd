//! The few calls the link makes on a connected client, behind [`Connection`]: the real one
//! wraps whatsapp-rust's `Client`; tests of the send path supply their own and inject the
//! server's acknowledgements and receipts through [`super::Link::handle_event`], exactly where
//! the real client's events enter.

use std::sync::Arc;

use whatsapp_rust::Client;
use whatsapp_rust::Jid;
use whatsapp_rust::SendOptions;
use whatsapp_rust::wacore::proto_helpers::MessageBuilderExt;
use whatsapp_rust::waproto::whatsapp as wa;

use crate::events::{self, SendOutcome};

/// A connection that can send.
#[whatsapp_rust::async_trait]
pub trait Connection: Send + Sync + 'static {
    /// The linked number, digits only (`6281…`).
    fn phone(&self) -> Option<String>;

    /// Whether the number is registered on WhatsApp; `Err` when the question could not be
    /// asked (the send goes ahead: the server's answer to the message is the final word).
    async fn is_on_whatsapp(&self, phone: &str) -> Result<bool, String>;

    /// Shows "typing…" to the recipient, as a person would before a message.
    async fn typing(&self, phone: &str);

    /// Writes the message with our id to the socket; the server's ack comes later as an event.
    async fn send_text(&self, phone: &str, text: &str, message_id: &str)
    -> Result<(), SendOutcome>;
}

/// The real client.
pub struct ClientConnection {
    client: Arc<Client>,
}

impl ClientConnection {
    pub fn new(client: Arc<Client>) -> ClientConnection {
        ClientConnection { client }
    }
}

#[whatsapp_rust::async_trait]
impl Connection for ClientConnection {
    fn phone(&self) -> Option<String> {
        self.client.pn().map(|jid| jid.user.to_string())
    }

    async fn is_on_whatsapp(&self, phone: &str) -> Result<bool, String> {
        let jid = Jid::pn(phone);
        match self.client.contacts().is_on_whatsapp(&[jid]).await {
            Ok(answers) => Ok(answers.iter().any(|a| a.is_registered)),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn typing(&self, phone: &str) {
        if let Err(e) = self
            .client
            .chatstate()
            .send_composing(&Jid::pn(phone))
            .await
        {
            tracing::debug!(error = %e, "cannot show typing before a send");
        }
    }

    async fn send_text(
        &self,
        phone: &str,
        text: &str,
        message_id: &str,
    ) -> Result<(), SendOutcome> {
        self.client
            .send_message_with_options(
                Jid::pn(phone),
                wa::Message::text(text),
                SendOptions::default().with_message_id(message_id),
            )
            .await
            .map(|_| ())
            .map_err(|e| events::send_error(&e))
    }
}
