//! The real transport: whatsapp-rust through `wa::link`. The link's supervisor runs the client
//! only in the worker holding the session's advisory lock; in every other worker this
//! messenger has no sender, so its messages wait (`PENDING`, with the reason) and are sent by
//! the holder. While holding, it also takes the admin page's commands from
//! `whatsapp_sessions` and hands them to the supervisor.

use super::{ConnectionStatus, Delivered, Message, Messenger, MessengerEvent, SendError};
use domain::whatsapp::session::{self, Command};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;
use wa::events::LinkState;
use wa::link::{Link, LinkCommand, LinkEvent};

/// How often the holder looks for a command from the admin page.
const COMMAND_POLL: Duration = Duration::from_secs(2);

pub struct WhatsAppMessenger {
    link: Link,
    events: broadcast::Sender<MessengerEvent>,
}

/// The connection status the admin page shows for a link state.
pub fn status_of(state: &LinkState) -> ConnectionStatus {
    match state {
        LinkState::Connected => ConnectionStatus::Connected,
        LinkState::WaitingQr { .. }
        | LinkState::WaitingPairCode { .. }
        | LinkState::PairCodeRefused { .. } => ConnectionStatus::WaitingQr,
        LinkState::Paired { .. } | LinkState::Connecting => ConnectionStatus::Connecting,
        LinkState::Disconnected { .. } => ConnectionStatus::Disconnected,
        LinkState::LoggedOut { .. } => ConnectionStatus::LoggedOut,
        LinkState::Banned { .. } => ConnectionStatus::Banned,
        LinkState::Replaced => ConnectionStatus::Replaced,
    }
}

impl WhatsAppMessenger {
    /// Wraps `link` (started by the caller, or detached in tests); spawns the task turning the
    /// link's events into messenger events and, when `commands` is given, the task taking
    /// the admin page's commands while this process holds the session. Both end with `stop`.
    pub fn new(
        link: Link,
        commands: Option<(PgPool, String)>,
        stop: watch::Receiver<bool>,
    ) -> (WhatsAppMessenger, Vec<JoinHandle<()>>) {
        let (events, _) = broadcast::channel(256);
        let mut tasks = vec![tokio::spawn(forward(
            link.clone(),
            events.clone(),
            stop.clone(),
        ))];
        if let Some((pool, session_id)) = commands {
            tasks.push(tokio::spawn(take_commands(
                link.clone(),
                pool,
                session_id,
                stop,
            )));
        }
        (WhatsAppMessenger { link, events }, tasks)
    }

    pub fn link(&self) -> &Link {
        &self.link
    }
}

/// A link event as the messenger reports it; `None` for what the session row does not show.
fn messenger_event(link: &Link, event: LinkEvent) -> Option<MessengerEvent> {
    Some(match event {
        LinkEvent::State(LinkState::Connected) => MessengerEvent::Connected {
            phone: link.phone().unwrap_or_default(),
        },
        LinkEvent::State(state) => MessengerEvent::from(state),
        // Taking the session over: report where the link stands now.
        LinkEvent::Holding(true) => messenger_event(link, LinkEvent::State(link.state()))?,
        LinkEvent::Holding(false) => return None,
        LinkEvent::Ack {
            message_id,
            nack,
            at,
        } => MessengerEvent::Acked {
            message_id,
            nack,
            at,
        },
        LinkEvent::Receipt(mark) => MessengerEvent::Receipt {
            message_ids: mark.message_ids,
            read: mark.read,
            at: mark.at,
        },
    })
}

async fn forward(
    link: Link,
    events: broadcast::Sender<MessengerEvent>,
    mut stop: watch::Receiver<bool>,
) {
    let mut rx = link.events();
    loop {
        tokio::select! {
            got = rx.recv() => match got {
                Ok(event) => {
                    if let Some(e) = messenger_event(&link, event) {
                        let _ = events.send(e);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(skipped = n, "WhatsApp link events were skipped");
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            () = crate::until_set(&mut stop) => return,
        }
    }
}

async fn take_commands(
    link: Link,
    pool: PgPool,
    session_id: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(COMMAND_POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = crate::until_set(&mut stop) => return,
        }
        if !link.holding() {
            continue;
        }
        let taken = match pool.acquire().await {
            Ok(mut conn) => session::take_command(&mut conn, &session_id).await,
            Err(e) => Err(e),
        };
        match taken {
            Ok(Some(cmd)) => link.command(match cmd {
                Command::Logout => LinkCommand::Logout,
                Command::PairQr => LinkCommand::PairQr,
                Command::PairCode { phone } => LinkCommand::PairCode { phone },
            }),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the WhatsApp page's commands"),
        }
    }
}

impl Messenger for WhatsAppMessenger {
    fn name(&self) -> &'static str {
        "whatsapp"
    }

    fn sender(&self) -> Option<String> {
        self.link.phone()
    }

    fn status(&self) -> ConnectionStatus {
        status_of(&self.link.state())
    }

    fn waiting_reason(&self) -> Option<String> {
        Some(self.link.unavailable_reason())
    }

    fn reports_session(&self) -> bool {
        self.link.holding()
    }

    fn events(&self) -> broadcast::Receiver<MessengerEvent> {
        self.events.subscribe()
    }

    fn send<'a>(&'a self, msg: &'a Message) -> BoxFuture<'a, Result<Delivered, SendError>> {
        async move {
            let (outcome, _nack) = self
                .link
                .send(msg.to.as_str(), &msg.text, &msg.message_id)
                .await;
            match SendError::from_outcome(outcome) {
                None => Ok(Delivered {
                    wa_message_id: msg.message_id.clone(),
                }),
                Some(e) => Err(e),
            }
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_state_has_a_page_status() {
        let cases = [
            (LinkState::Connected, ConnectionStatus::Connected),
            (
                LinkState::WaitingQr {
                    qr: "2@x".into(),
                    valid_for: Duration::from_secs(20),
                },
                ConnectionStatus::WaitingQr,
            ),
            (
                LinkState::WaitingPairCode {
                    code: "ABCD1234".into(),
                    valid_for: Duration::from_secs(180),
                },
                ConnectionStatus::WaitingQr,
            ),
            (
                LinkState::Paired {
                    phone: "628".into(),
                },
                ConnectionStatus::Connecting,
            ),
            (
                LinkState::LoggedOut { reason: "x".into() },
                ConnectionStatus::LoggedOut,
            ),
            (
                LinkState::Banned {
                    until: None,
                    reason: "x".into(),
                },
                ConnectionStatus::Banned,
            ),
            (LinkState::Replaced, ConnectionStatus::Replaced),
        ];
        for (state, status) in cases {
            assert_eq!(status_of(&state), status, "{state:?}");
        }
    }

    #[tokio::test]
    async fn a_link_without_a_connection_holds_messages_with_the_reason() {
        let (_stop_tx, stop) = watch::channel(false);
        let (m, _tasks) =
            WhatsAppMessenger::new(Link::detached(Duration::from_secs(1)), None, stop);
        assert_eq!(m.sender(), None, "no number to count the limiter against");
        let msg = Message {
            to: domain::Phone::parse("081234567890").expect("valid"),
            text: "Halo".into(),
            message_id: "3EB0DF00000000000001".into(),
        };
        let err = m.send(&msg).await.expect_err("nothing to send through");
        assert!(
            matches!(&err, SendError::Unavailable(r) if r.contains("worker lain") || r.contains("belum terhubung")),
            "{err:?}"
        );
    }
}
