//! The supervisor: takes the session's advisory lock, then builds and runs the whatsapp-rust
//! client over the PostgreSQL store again and again, with our policy for each way a run ends:
//!
//! - the client keeps itself connected (it reconnects dropped sockets with its own backoff);
//!   when its run ends for a reason it does not retry, the client is built again after a
//!   growing wait;
//! - logged out: built once more to confirm (spurious 401s happen), then the session is wiped
//!   and the link waits for an admin to pair again;
//! - temporarily banned: nothing is sent until the ban's end, then the client is built again;
//! - replaced by another device, QR codes exhausted, a client too old: no fighting back, the
//!   link waits for an admin's command;
//! - the device saver halted (PostgreSQL was away for too long): the client is built again
//!   once the database answers;
//! - the lock lost (our connection to PostgreSQL died): the client stops at once, another
//!   worker takes over.
//!
//! Commands from the admin page (log out, pair again by QR or by code) end the current client
//! and wipe the session before pairing again.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc, watch};
use whatsapp_rust::bot::{Bot, BotHandle};
use whatsapp_rust::http::{HttpClient, UreqHttpClient};
use whatsapp_rust::pair_code::PairCodeOptions;
use whatsapp_rust::transport::{TokioWebSocketTransportFactory, TransportFactory};
use whatsapp_rust::types::events::{Event, EventHandler};
use whatsapp_rust::wacore::store::device::DevicePropsOverride;
use whatsapp_rust::waproto::whatsapp as wa;

use super::connection::ClientConnection;
use super::network::{NetworkTrouble, WatchedHttp, WatchedTransport};
use super::{Link, LinkCommand, LinkConfig};
use crate::events::{LinkState, Next};
use crate::holder::Lease;
use crate::store::PgStore;

/// How long a client gets to disconnect cleanly (and flush its device) when told to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How often the running client's saver is checked.
const SAVER_CHECK: Duration = Duration::from_secs(10);
/// The wait before the confirming reconnect after a logout.
const CONFIRM_AFTER: Duration = Duration::from_secs(2);

/// Hands every client event to the link, inline on the client's dispatch path (it never
/// blocks: state and acks are channel sends).
struct Bridge {
    link: Link,
}

impl EventHandler for Bridge {
    fn handle_event(&self, event: Arc<Event>) {
        self.link.handle_event(&event, Utc::now());
    }
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

enum HoldEnd {
    Stopped,
    LeaseLost(String),
}

/// What the link waits for before the next client.
enum Wait {
    Nothing,
    For(Duration),
    Until(chrono::DateTime<Utc>),
    Command,
}

pub(super) async fn run(
    link: Link,
    cfg: LinkConfig,
    mut commands: mpsc::UnboundedReceiver<LinkCommand>,
    mut stop: watch::Receiver<bool>,
) {
    let mut store = PgStore::new(cfg.pool.clone(), cfg.holder.session_id());
    let trouble = NetworkTrouble::default();
    loop {
        let Some(mut lease) = cfg.holder.take(&mut stop).await else {
            return;
        };
        // Commands given while another worker held the session were that worker's to act on.
        while commands.try_recv().is_ok() {}
        link.set_holding(true);
        let end = hold(
            &link,
            &cfg,
            &mut store,
            &trouble,
            &mut lease,
            &mut commands,
            &mut stop,
        )
        .await;
        link.detach();
        link.set_holding(false);
        match end {
            HoldEnd::Stopped => {
                lease.release().await;
                return;
            }
            HoldEnd::LeaseLost(reason) => {
                tracing::warn!(%reason, "lost the WhatsApp session lock; the client stopped");
                drop(lease);
            }
        }
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one state machine: every end of a client run and its policy read together"
)]
async fn hold(
    link: &Link,
    cfg: &LinkConfig,
    store: &mut PgStore,
    trouble: &NetworkTrouble,
    lease: &mut Lease,
    commands: &mut mpsc::UnboundedReceiver<LinkCommand>,
    stop: &mut watch::Receiver<bool>,
) -> HoldEnd {
    let (first_backoff, max_backoff) = cfg.backoff;
    let mut backoff = first_backoff;
    let mut confirming_logout = false;
    let mut wait = Wait::Nothing;
    let mut pair_code: Option<String> = None;
    loop {
        // Waiting (a backoff, a ban, an admin) — a command ends any wait.
        let command = match wait {
            Wait::Nothing => None,
            Wait::For(d) => tokio::select! {
                () = tokio::time::sleep(d) => None,
                c = commands.recv() => c,
                reason = lease.lost() => return HoldEnd::LeaseLost(reason),
                () = stopped(stop) => return HoldEnd::Stopped,
            },
            Wait::Until(t) => {
                let d = (t - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                tokio::select! {
                    () = tokio::time::sleep(d) => None,
                    c = commands.recv() => c,
                    reason = lease.lost() => return HoldEnd::LeaseLost(reason),
                    () = stopped(stop) => return HoldEnd::Stopped,
                }
            }
            Wait::Command => tokio::select! {
                c = commands.recv() => c,
                reason = lease.lost() => return HoldEnd::LeaseLost(reason),
                () = stopped(stop) => return HoldEnd::Stopped,
            },
        };
        if let Some(cmd) = command {
            match forget(link, store, None, cmd).await {
                Ok(After::Pair(code)) => pair_code = code,
                Ok(After::Wait) => {
                    wait = Wait::Command;
                    continue;
                }
                Err(e) => {
                    link.set_state(LinkState::Disconnected {
                        reason: format!("tidak bisa menghapus sesi: {e}"),
                    });
                    wait = Wait::For(max_backoff.min(Duration::from_secs(30)));
                    continue;
                }
            }
        }
        wait = Wait::Nothing;

        link.set_state(LinkState::Connecting);
        let bot = match build(link, cfg, store, trouble, pair_code.take()).await {
            Ok(bot) => bot,
            Err(reason) => {
                link.set_state(LinkState::Disconnected { reason });
                wait = Wait::For(backoff);
                backoff = (backoff * 2).min(max_backoff);
                continue;
            }
        };
        let mut handle = bot.spawn();
        let client = handle.client();
        let mut state = link.shared.state.subscribe();
        let mut network = trouble.subscribe();
        let mut saver = tokio::time::interval(SAVER_CHECK);
        saver.tick().await;

        // Running: until the client's run ends (`None`), a command (`Some(Some(_))`), the
        // saver halting (`Some(None)`), the lock or a stop.
        let ended_by_command = loop {
            tokio::select! {
                () = &mut handle => break None,
                reason = lease.lost() => {
                    // Another worker may connect any moment: no goodbye, stop now.
                    handle.abort();
                    return HoldEnd::LeaseLost(reason);
                }
                () = stopped(stop) => {
                    link.detach();
                    let _ = tokio::time::timeout(SHUTDOWN_GRACE, handle.shutdown()).await;
                    return HoldEnd::Stopped;
                }
                c = commands.recv() => {
                    if let Some(cmd) = c {
                        break Some(Some(cmd));
                    }
                }
                changed = state.changed() => {
                    if changed.is_err() {
                        continue;
                    }
                    let now = state.borrow_and_update().clone();
                    if now == LinkState::Connected {
                        link.attach(Arc::new(ClientConnection::new(client.clone())));
                        backoff = first_backoff;
                        confirming_logout = false;
                    } else {
                        link.detach();
                    }
                }
                changed = network.changed() => {
                    if changed.is_err() {
                        continue;
                    }
                    let trouble = network.borrow_and_update().clone();
                    if let Some(reason) = trouble
                        && link.state() != LinkState::Connected
                    {
                        link.set_state(LinkState::Disconnected { reason });
                    }
                }
                _ = saver.tick() => {
                    if client.persistence_manager().is_saver_halted() {
                        tracing::warn!("the WhatsApp device saver halted (database unreachable); rebuilding the client");
                        link.detach();
                        link.set_state(LinkState::Disconnected {
                            reason: "database tidak terjangkau; klien dibangun ulang".to_owned(),
                        });
                        break Some(None);
                    }
                }
            }
        };
        link.detach();

        match ended_by_command {
            // The saver halted: stop this client; the next one starts from the store.
            Some(None) => {
                let _ = tokio::time::timeout(SHUTDOWN_GRACE, handle.shutdown()).await;
            }
            Some(Some(cmd)) => {
                match forget(link, store, Some((handle, client)), cmd).await {
                    Ok(After::Pair(code)) => pair_code = code,
                    Ok(After::Wait) => wait = Wait::Command,
                    Err(e) => {
                        link.set_state(LinkState::Disconnected {
                            reason: format!("tidak bisa menghapus sesi: {e}"),
                        });
                        wait = Wait::For(Duration::from_secs(30));
                    }
                }
                continue;
            }
            // The run ended by itself: stop what it leaves running (the device saver would
            // otherwise keep writing next to the next client's).
            None => client.disconnect().await,
        }

        match link.take_next() {
            Next::Continue | Next::Rebuild => {
                wait = Wait::For(backoff);
                backoff = (backoff * 2).min(max_backoff);
            }
            Next::ConfirmThenWipe if !confirming_logout => {
                tracing::warn!("WhatsApp logged this device out; reconnecting once to confirm");
                confirming_logout = true;
                wait = Wait::For(CONFIRM_AFTER);
            }
            Next::ConfirmThenWipe => {
                confirming_logout = false;
                drop(client);
                match store.wipe().await {
                    Ok(()) => {
                        *store = store.fresh();
                        tracing::warn!("logged out twice in a row: the WhatsApp session is wiped");
                        link.set_state(LinkState::LoggedOut {
                            reason: "dikeluarkan oleh WhatsApp; tautkan ulang".to_owned(),
                        });
                        wait = Wait::Command;
                    }
                    Err(e) => {
                        link.set_state(LinkState::Disconnected {
                            reason: format!("tidak bisa menghapus sesi: {e}"),
                        });
                        wait = Wait::For(Duration::from_secs(30));
                    }
                }
            }
            Next::WaitUntil(t) => wait = Wait::Until(t),
            Next::WaitForCommand => wait = Wait::Command,
        }
    }
}

enum After {
    /// Build a fresh client, by code for this number when given.
    Pair(Option<String>),
    /// Wait for the next command.
    Wait,
}

/// Ends the running client (unlinking it from the phone first, so the phone's list of linked
/// devices does not keep a dead entry), wipes the session, and says what comes next.
async fn forget(
    link: &Link,
    store: &mut PgStore,
    running: Option<(BotHandle, Arc<whatsapp_rust::Client>)>,
    cmd: LinkCommand,
) -> Result<After, sqlx::Error> {
    tracing::info!(?cmd, "WhatsApp command from the admin page");
    if let Some((handle, client)) = running {
        if client.is_logged_in() {
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, client.logout()).await;
        }
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, handle.shutdown()).await;
        drop(client);
    }
    store.wipe().await?;
    *store = store.fresh();
    Ok(match cmd {
        LinkCommand::Logout => {
            link.set_state(LinkState::LoggedOut {
                reason: "dikeluarkan dari halaman admin".to_owned(),
            });
            After::Wait
        }
        LinkCommand::PairQr => After::Pair(None),
        LinkCommand::PairCode { phone } => After::Pair(Some(phone)),
    })
}

async fn build(
    link: &Link,
    cfg: &LinkConfig,
    store: &PgStore,
    trouble: &NetworkTrouble,
    pair_code: Option<String>,
) -> Result<Bot, String> {
    let transport: Arc<dyn TransportFactory> = cfg
        .transport
        .clone()
        .unwrap_or_else(|| Arc::new(TokioWebSocketTransportFactory::new()));
    let http: Arc<dyn HttpClient> = cfg
        .http
        .clone()
        .unwrap_or_else(|| Arc::new(UreqHttpClient::new()));
    let mut builder = Bot::builder()
        .with_backend(store.clone())
        .with_transport_factory(WatchedTransport {
            inner: transport,
            trouble: trouble.clone(),
        })
        .with_http_client(WatchedHttp {
            inner: http,
            trouble: trouble.clone(),
        })
        .skip_history_sync()
        .with_push_name(cfg.push_name.clone())
        // Android-looking companions get unlinked right after pairing (whatsapp-rust #159).
        .with_device_props(
            DevicePropsOverride::new().with_platform_type(wa::device_props::PlatformType::CHROME),
        )
        .with_event_handler(Bridge { link: link.clone() });
    if let Some(version) = cfg.version {
        builder = builder.with_version(version);
    }
    if let Some(phone) = pair_code {
        builder = builder.with_pair_code(PairCodeOptions {
            phone_number: phone,
            ..PairCodeOptions::default()
        });
    }
    builder
        .build()
        .await
        .map_err(|e| format!("klien WhatsApp tidak bisa dibuat: {e}"))
}
