//! The link to WhatsApp as the worker sees it: one [`Link`] per process, whose supervisor
//! ([`supervisor`]) competes for the session's advisory lock and, while holding it, runs the
//! whatsapp-rust client over the PostgreSQL store, applying our policy to every way the client
//! can stop. The worker reads the state and events, hands commands from the admin page in, and
//! sends through [`Link::send`], which answers only once the server acknowledged our id.

mod connection;
mod network;
mod outbox;
mod supervisor;

pub use connection::{ClientConnection, Connection};
pub use network::{NetworkTrouble, WatchedHttp, WatchedTransport};

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use whatsapp_rust::http::HttpClient;
use whatsapp_rust::transport::TransportFactory;
use whatsapp_rust::types::events::Event;

use crate::events::{self, LinkState, Next, ReceiptMark, SendOutcome};
use crate::holder::Holder;
use outbox::Outbox;

/// What the admin page asks of the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkCommand {
    /// Unlink this number and forget the session.
    Logout,
    /// Forget the session and pair again by QR code.
    PairQr,
    /// Forget the session and pair again by an 8-character code for this number (`62…`).
    PairCode { phone: String },
}

/// What the link reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// The link's state changed (only the holder reports).
    State(LinkState),
    /// This process now holds the session (`true`) or has given it up (`false`).
    Holding(bool),
    /// The server acknowledged one of our messages; `nack` is its error code, if refused.
    Ack {
        message_id: String,
        nack: Option<String>,
        at: DateTime<Utc>,
    },
    Receipt(ReceiptMark),
}

/// How the link connects.
pub struct LinkConfig {
    pub pool: PgPool,
    pub holder: Holder,
    /// `None`: WhatsApp's own websocket.
    pub transport: Option<Arc<dyn TransportFactory>>,
    /// `None`: ureq (only used to fetch the WhatsApp Web version and media).
    pub http: Option<Arc<dyn HttpClient>>,
    /// The WhatsApp Web version to announce; `None` fetches the current one at connect.
    pub version: Option<(u32, u32, u32)>,
    pub push_name: String,
    /// How long a send waits for the server's ack of its id.
    pub ack_timeout: Duration,
    /// First and longest wait before building the client again after it stopped.
    pub backoff: (Duration, Duration),
}

pub(crate) struct Shared {
    state: watch::Sender<LinkState>,
    events: broadcast::Sender<LinkEvent>,
    holding: watch::Sender<bool>,
    connection: RwLock<Option<Arc<dyn Connection>>>,
    outbox: Outbox,
    /// What the last terminal-looking event said to do when the client's run ends.
    next: Mutex<Next>,
    commands: Mutex<Option<mpsc::UnboundedSender<LinkCommand>>>,
    ack_timeout: Duration,
}

/// The worker's handle on the link. Cloning is cheap.
#[derive(Clone)]
pub struct Link {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("state", &*self.shared.state.borrow())
            .field("holding", &*self.shared.holding.borrow())
            .finish_non_exhaustive()
    }
}

impl Link {
    /// A link with no supervisor: nothing connects until a connection is attached
    /// ([`Link::attach`]). The send path's tests drive it this way, with their own
    /// [`Connection`] and the server's answers injected through [`Link::handle_event`].
    pub fn detached(ack_timeout: Duration) -> Link {
        let (state, _) = watch::channel(LinkState::Disconnected {
            reason: "belum terhubung".to_owned(),
        });
        let (events, _) = broadcast::channel(256);
        let (holding, _) = watch::channel(false);
        Link {
            shared: Arc::new(Shared {
                state,
                events,
                holding,
                connection: RwLock::new(None),
                outbox: Outbox::default(),
                next: Mutex::new(Next::Continue),
                commands: Mutex::new(None),
                ack_timeout,
            }),
        }
    }

    /// Starts the supervisor: it waits for the session's lock, then runs the client until
    /// `stop` turns true. The handle ends once the client is shut down and the lock released.
    pub fn start(cfg: LinkConfig, stop: watch::Receiver<bool>) -> (Link, JoinHandle<()>) {
        let link = Link::detached(cfg.ack_timeout);
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut c) = link.shared.commands.lock() {
            *c = Some(tx);
        }
        let task = tokio::spawn(supervisor::run(link.clone(), cfg, rx, stop));
        (link, task)
    }

    pub fn state(&self) -> LinkState {
        self.shared.state.borrow().clone()
    }

    /// Whether this process holds the session (and so may connect and report).
    pub fn holding(&self) -> bool {
        *self.shared.holding.borrow()
    }

    pub fn events(&self) -> broadcast::Receiver<LinkEvent> {
        self.shared.events.subscribe()
    }

    /// The linked number while a connection can send.
    pub fn phone(&self) -> Option<String> {
        self.connection().and_then(|c| c.phone())
    }

    /// Passes an admin command to the supervisor; ignored by a link without one.
    pub fn command(&self, cmd: LinkCommand) {
        if let Some(tx) = self.shared.commands.lock().ok().and_then(|c| c.clone()) {
            let _ = tx.send(cmd);
        }
    }

    /// Uses `conn` for sends from now on (the supervisor does this on `Connected`).
    pub fn attach(&self, conn: Arc<dyn Connection>) {
        if let Ok(mut c) = self.shared.connection.write() {
            *c = Some(conn);
        }
    }

    pub(crate) fn detach(&self) {
        if let Ok(mut c) = self.shared.connection.write() {
            *c = None;
        }
    }

    fn connection(&self) -> Option<Arc<dyn Connection>> {
        self.shared.connection.read().ok().and_then(|c| c.clone())
    }

    pub(crate) fn set_state(&self, state: LinkState) {
        self.shared.state.send_replace(state.clone());
        let _ = self.shared.events.send(LinkEvent::State(state));
    }

    pub(crate) fn set_holding(&self, holding: bool) {
        self.shared.holding.send_replace(holding);
        let _ = self.shared.events.send(LinkEvent::Holding(holding));
    }

    pub(crate) fn take_next(&self) -> Next {
        self.shared
            .next
            .lock()
            .map(|mut n| std::mem::replace(&mut *n, Next::Continue))
            .unwrap_or(Next::Continue)
    }

    /// One event of the client: the link's state, a server ack for a waiting send, or a
    /// receipt. The supervisor's event handler calls it for every event, inline.
    pub fn handle_event(&self, event: &Event, now: DateTime<Utc>) {
        match event {
            Event::ServerAck(ack) => {
                if events::ack(ack).is_some() {
                    self.shared.outbox.on_ack(ack);
                    let _ = self.shared.events.send(LinkEvent::Ack {
                        message_id: ack.id.clone(),
                        nack: ack.error.clone().filter(|c| !c.is_empty()),
                        at: now,
                    });
                }
            }
            Event::Receipt(r) => {
                if let Some(mark) = events::receipt(r) {
                    let _ = self.shared.events.send(LinkEvent::Receipt(mark));
                }
            }
            other => {
                if let Some((state, next)) = events::link(other, now) {
                    // A logout is only shown (and acted on) once a second connect confirms it.
                    let state = match (&state, &next) {
                        (LinkState::LoggedOut { reason }, Next::ConfirmThenWipe) => {
                            LinkState::Disconnected {
                                reason: format!("{reason}; memastikan dengan koneksi ulang"),
                            }
                        }
                        _ => state,
                    };
                    if next != Next::Continue
                        && let Ok(mut n) = self.shared.next.lock()
                    {
                        *n = next;
                    }
                    self.set_state(state);
                }
            }
        }
    }

    /// Why nothing can be sent now, in the words the message log shows.
    pub fn unavailable_reason(&self) -> String {
        match self.state() {
            LinkState::Banned { until, .. } => match until {
                Some(t) => format!(
                    "nomor diblokir sementara sampai {} WIB",
                    (t + chrono::Duration::hours(7)).format("%d-%m-%Y %H:%M")
                ),
                None => "nomor dikunci WhatsApp".to_owned(),
            },
            _ if !self.holding() => "worker lain memegang koneksi WhatsApp".to_owned(),
            LinkState::Disconnected { reason } | LinkState::LoggedOut { reason } => reason,
            LinkState::Replaced => "diambil alih perangkat lain".to_owned(),
            LinkState::WaitingQr { .. }
            | LinkState::WaitingPairCode { .. }
            | LinkState::PairCodeRefused { .. } => "belum tertaut: menunggu pairing".to_owned(),
            LinkState::Connecting | LinkState::Paired { .. } | LinkState::Connected => {
                "menghubungkan ke WhatsApp".to_owned()
            }
        }
    }

    /// Sends one message: held while there is no connection or the number is banned, failed
    /// for a number not on WhatsApp, sent once the server acknowledged `message_id`. Returns
    /// the outcome and the nack code, if the server refused it.
    pub async fn send(
        &self,
        phone: &str,
        text: &str,
        message_id: &str,
    ) -> (SendOutcome, Option<String>) {
        let Some(conn) = self.connection() else {
            let reason = self.unavailable_reason();
            return (SendOutcome::Held { reason }, None);
        };
        self.shared
            .outbox
            .send(
                conn.as_ref(),
                phone,
                text,
                message_id,
                self.shared.ack_timeout,
            )
            .await
    }
}
