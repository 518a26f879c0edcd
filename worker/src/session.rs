//! Keeps `whatsapp_sessions` in step with the transport's connection, so the admin page (served
//! by the web tier, which never talks to WhatsApp) shows the status, QR code and pairing code.

use crate::messenger::{ConnectionStatus, Messenger, MessengerEvent};
use domain::SharedClock;
use domain::whatsapp::session::{self, SessionUpdate};
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

fn update_for(event: &MessengerEvent, holder: &str) -> SessionUpdate {
    let mut u = match event {
        MessengerEvent::QrCode(qr) => SessionUpdate {
            qr: Some(qr.clone()),
            ..SessionUpdate::new(ConnectionStatus::WaitingQr)
        },
        MessengerEvent::PairCode(code) => SessionUpdate {
            pair_code: Some(code.clone()),
            ..SessionUpdate::new(ConnectionStatus::WaitingQr)
        },
        MessengerEvent::Connected { phone } => SessionUpdate {
            phone: Some(phone.clone()),
            ..SessionUpdate::new(ConnectionStatus::Connected)
        },
        MessengerEvent::Disconnected { reason } => SessionUpdate {
            last_error: Some(reason.clone()),
            ..SessionUpdate::new(ConnectionStatus::Disconnected)
        },
        MessengerEvent::LoggedOut => SessionUpdate::new(ConnectionStatus::LoggedOut),
        MessengerEvent::Banned { reason } => SessionUpdate {
            last_error: Some(reason.clone()),
            ..SessionUpdate::new(ConnectionStatus::Banned)
        },
    };
    u.holder = Some(holder.to_owned());
    u
}

async fn record(pool: &PgPool, clock: &SharedClock, session_id: &str, update: &SessionUpdate) {
    let result = match pool.acquire().await {
        Ok(mut conn) => session::record(&mut conn, clock.as_ref(), session_id, update).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot record the WhatsApp session state");
    }
}

/// Records the transport's current state, then every change, until `stop` turns true.
pub async fn track(
    pool: PgPool,
    clock: SharedClock,
    messenger: Arc<dyn Messenger>,
    session_id: String,
    holder: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut events = messenger.events();
    let initial = SessionUpdate {
        phone: messenger.sender(),
        holder: Some(holder.clone()),
        ..SessionUpdate::new(messenger.status())
    };
    record(&pool, &clock, &session_id, &initial).await;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    tracing::info!(transport = messenger.name(), ?event, "WhatsApp connection event");
                    record(&pool, &clock, &session_id, &update_for(&event, &holder)).await;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            () = crate::until_set(&mut stop) => break,
        }
    }
}
