//! Keeps `whatsapp_sessions` in step with the transport's connection, so the admin page (served
//! by the web tier, which never talks to WhatsApp) shows the status, QR code and pairing code.

use crate::messenger::{ConnectionStatus, Messenger, MessengerEvent};
use chrono::{DateTime, Utc};
use domain::SharedClock;
use domain::whatsapp::delivery;
use domain::whatsapp::session::{self, SessionUpdate};
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// The row an event leaves in `whatsapp_sessions`; `None` for an event that changes nothing
/// there on its own. `now` stamps a new pairing.
fn update_for(event: &MessengerEvent, holder: &str, now: DateTime<Utc>) -> Option<SessionUpdate> {
    let mut u = match event {
        MessengerEvent::QrCode(qr) => SessionUpdate {
            qr: Some(qr.clone()),
            ..SessionUpdate::new(ConnectionStatus::WaitingQr)
        },
        MessengerEvent::PairCode(code) => SessionUpdate {
            pair_code: Some(code.clone()),
            ..SessionUpdate::new(ConnectionStatus::WaitingQr)
        },
        MessengerEvent::Connecting => SessionUpdate::new(ConnectionStatus::Connecting),
        MessengerEvent::Connected { phone } => SessionUpdate {
            phone: Some(phone.clone()).filter(|p| !p.is_empty()),
            ..SessionUpdate::new(ConnectionStatus::Connected)
        },
        // WhatsApp reconnects right after a pairing; until then the link is being set up.
        MessengerEvent::Paired { phone } => SessionUpdate {
            phone: Some(phone.clone()),
            paired_at: Some(now),
            ..SessionUpdate::new(ConnectionStatus::Connecting)
        },
        // Recording it would clear the QR code the admin can still scan: the log says it.
        MessengerEvent::PairCodeRefused { .. } => return None,
        MessengerEvent::Disconnected { reason } => SessionUpdate {
            last_error: Some(reason.clone()),
            ..SessionUpdate::new(ConnectionStatus::Disconnected)
        },
        MessengerEvent::LoggedOut => SessionUpdate::new(ConnectionStatus::LoggedOut),
        MessengerEvent::Banned { reason, until } => SessionUpdate {
            last_error: Some(reason.clone()),
            banned_until: *until,
            ..SessionUpdate::new(ConnectionStatus::Banned)
        },
        MessengerEvent::Replaced => SessionUpdate {
            last_error: Some("diambil alih perangkat lain".to_owned()),
            ..SessionUpdate::new(ConnectionStatus::Replaced)
        },
        // About messages, not the connection: see `record_delivery`.
        MessengerEvent::Acked { .. } | MessengerEvent::Receipt { .. } => return None,
    };
    u.holder = Some(holder.to_owned());
    Some(u)
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

/// Who reports: this process, its transport and its test-mode number, stamped on every row.
#[derive(Debug, Clone)]
pub struct Reporter {
    pub session_id: String,
    pub holder: String,
    pub redirect_to: Option<String>,
}

/// The status on the row now and since when.
async fn status_now(pool: &PgPool, session_id: &str) -> Option<(ConnectionStatus, DateTime<Utc>)> {
    let mut conn = pool.acquire().await.ok()?;
    let s = session::get(&mut conn, session_id).await.ok()??;
    Some((s.status, s.status_since.unwrap_or(s.updated_at)))
}

/// A ban lifted (banned, now connected): finance is told, once per ban.
async fn tell_finance_ban_lifted(pool: &PgPool, clock: &SharedClock, since: DateTime<Utc>) {
    let result = async {
        let mut tx = pool.begin().await?;
        domain::notify::ban_lifted(&mut tx, clock.as_ref(), since).await?;
        tx.commit().await?;
        anyhow::Ok(())
    }
    .await;
    match result {
        Ok(()) => tracing::info!("the WhatsApp ban lifted; finance is told"),
        Err(e) => tracing::warn!(error = %e, "cannot tell finance the WhatsApp ban lifted"),
    }
}

/// Records an ack or receipt on the messages' rows.
async fn record_delivery(pool: &PgPool, event: &MessengerEvent) {
    let result = match event {
        MessengerEvent::Acked {
            message_id,
            nack,
            at,
        } => match pool.acquire().await {
            Ok(mut conn) => delivery::record_ack(&mut conn, message_id, nack.as_deref(), *at)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        MessengerEvent::Receipt {
            message_ids,
            read,
            at,
        } => match pool.acquire().await {
            Ok(mut conn) => delivery::record_receipt(&mut conn, message_ids, *read, *at)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot record a WhatsApp ack or receipt");
    }
}

/// Records the transport's current state, then every change, until `stop` turns true.
pub async fn track(
    pool: PgPool,
    clock: SharedClock,
    messenger: Arc<dyn Messenger>,
    reporter: Reporter,
    mut stop: watch::Receiver<bool>,
) {
    let Reporter {
        session_id,
        holder,
        redirect_to,
    } = reporter;
    let stamp = |mut u: SessionUpdate| {
        u.transport = Some(messenger.name().to_owned());
        u.redirect_to = redirect_to.clone();
        u
    };
    let mut events = messenger.events();
    let initial = SessionUpdate {
        phone: messenger.sender(),
        holder: Some(holder.clone()),
        ..SessionUpdate::new(messenger.status())
    };
    if messenger.reports_session() {
        record(&pool, &clock, &session_id, &stamp(initial)).await;
    }
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event @ (MessengerEvent::Acked { .. } | MessengerEvent::Receipt { .. })) => {
                    record_delivery(&pool, &event).await;
                }
                Ok(event) => {
                    tracing::info!(transport = messenger.name(), ?event, "WhatsApp connection event");
                    if !messenger.reports_session() {
                        continue;
                    }
                    if let Some(update) = update_for(&event, &holder, clock.now()) {
                        let before = status_now(&pool, &session_id).await;
                        record(&pool, &clock, &session_id, &stamp(update.clone())).await;
                        if let Some((ConnectionStatus::Banned, since)) = before
                            && update.status == ConnectionStatus::Connected
                        {
                            tell_finance_ban_lifted(&pool, &clock, since).await;
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            () = crate::until_set(&mut stop) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use wa::events::LinkState;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn row(state: LinkState) -> Option<SessionUpdate> {
        update_for(&MessengerEvent::from(state), "w1", now())
    }

    #[test]
    fn link_states_become_session_rows() {
        let until = now() + chrono::Duration::hours(1);
        let banned = row(LinkState::Banned {
            until: Some(until),
            reason: "diblokir sementara: 101".into(),
        })
        .expect("a row");
        assert_eq!(banned.status, ConnectionStatus::Banned);
        assert_eq!(banned.banned_until, Some(until));
        assert_eq!(banned.holder.as_deref(), Some("w1"));

        let replaced = row(LinkState::Replaced).expect("a row");
        assert_eq!(replaced.status, ConnectionStatus::Replaced);

        let paired = row(LinkState::Paired {
            phone: "6281234567890".into(),
        })
        .expect("a row");
        assert_eq!(paired.paired_at, Some(now()));
        assert_eq!(paired.phone.as_deref(), Some("6281234567890"));

        let qr = row(LinkState::WaitingQr {
            qr: "2@abc".into(),
            valid_for: std::time::Duration::from_secs(20),
        })
        .expect("a row");
        assert_eq!(
            (qr.status, qr.qr.as_deref()),
            (ConnectionStatus::WaitingQr, Some("2@abc"))
        );

        let down = row(LinkState::Disconnected {
            reason: "cannot reach WhatsApp: dns".into(),
        })
        .expect("a row");
        assert_eq!(down.status, ConnectionStatus::Disconnected);
        assert_eq!(
            down.last_error.as_deref(),
            Some("cannot reach WhatsApp: dns")
        );

        let out = row(LinkState::LoggedOut {
            reason: "401".into(),
        })
        .expect("a row");
        assert_eq!(out.status, ConnectionStatus::LoggedOut);

        // A connected event without a number keeps the stored one.
        let up = row(LinkState::Connected).expect("a row");
        assert_eq!((up.status, up.phone), (ConnectionStatus::Connected, None));

        assert!(
            row(LinkState::PairCodeRefused { reason: "x".into() }).is_none(),
            "the QR code shown stays"
        );
    }
}
