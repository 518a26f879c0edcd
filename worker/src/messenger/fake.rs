//! A transport for tests: records every call, delivers each message id once (as WhatsApp's
//! server does), and can be told to fail, to be slow, or to lose its connection.
//!
//! With a journal file it also works across processes: every call and delivery is appended as
//! a JSON line, and a message id already delivered by any process sharing the file is not
//! delivered again. Tests that start and kill real worker processes read the journal to see
//! what reached "WhatsApp". The delivery is recorded *before* the configured delay, so a worker
//! killed during the delay has sent the message without having recorded it: the worst case a
//! crash can produce.

use super::{ConnectionStatus, Delivered, Message, Messenger, MessengerEvent, SendError};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::broadcast;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// `call` for every send attempt, `delivered` for the first delivery of an id,
    /// `duplicate` for an id delivered before.
    pub event: String,
    pub message_id: String,
    pub to: String,
    pub text: String,
    pub pid: u32,
}

impl JournalEntry {
    /// Reads a journal; a missing file is an empty journal.
    pub fn read_all(path: &Path) -> Vec<JournalEntry> {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

#[derive(Default)]
struct State {
    calls: Vec<Message>,
    delivered: Vec<Message>,
    failures: VecDeque<SendError>,
    delay: Duration,
    disconnected: bool,
}

#[derive(Clone)]
pub struct FakeMessenger {
    state: Arc<Mutex<State>>,
    events: broadcast::Sender<MessengerEvent>,
    sender: String,
    journal: Option<PathBuf>,
}

impl FakeMessenger {
    pub fn new() -> FakeMessenger {
        FakeMessenger {
            state: Arc::default(),
            events: broadcast::channel(16).0,
            sender: "fake".into(),
            journal: None,
        }
    }

    /// Shares deliveries with every process writing to `path`.
    pub fn with_journal(mut self, path: impl Into<PathBuf>) -> FakeMessenger {
        self.journal = Some(path.into());
        self
    }

    pub fn with_sender(mut self, sender: impl Into<String>) -> FakeMessenger {
        self.sender = sender.into();
        self
    }

    /// The next `n` sends fail with `error`.
    pub fn fail_next(&self, n: usize, error: SendError) {
        let mut s = self.lock();
        for _ in 0..n {
            s.failures.push_back(error.clone());
        }
    }

    /// Every send takes this long to be acknowledged (after the message went out).
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    pub fn set_connected(&self, connected: bool) {
        self.lock().disconnected = !connected;
        let _ = self.events.send(if connected {
            MessengerEvent::Connected {
                phone: self.sender.clone(),
            }
        } else {
            MessengerEvent::Disconnected {
                reason: "fake disconnect".into(),
            }
        });
    }

    /// Reports an event as the real client would (a QR code, a pairing code…).
    pub fn emit(&self, event: MessengerEvent) {
        let _ = self.events.send(event);
    }

    /// Every send attempt, in order.
    pub fn calls(&self) -> Vec<Message> {
        self.lock().calls.clone()
    }

    /// Every message delivered, once per message id, in order.
    pub fn delivered(&self) -> Vec<Message> {
        self.lock().delivered.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn journal(&self, event: &str, msg: &Message) {
        let Some(path) = &self.journal else {
            return;
        };
        let entry = JournalEntry {
            event: event.into(),
            message_id: msg.message_id.clone(),
            to: msg.to.as_str().into(),
            text: msg.text.clone(),
            pid: std::process::id(),
        };
        let line = match serde_json::to_string(&entry) {
            Ok(l) => l + "\n",
            Err(_) => return,
        };
        // One write of one line with O_APPEND: lines from several processes do not interleave.
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            tracing::error!(path = %path.display(), error = %e, "cannot write the fake messenger journal");
        }
    }

    fn delivered_before(&self, state: &State, id: &str) -> bool {
        state.delivered.iter().any(|m| m.message_id == id)
            || self.journal.as_deref().is_some_and(|p| {
                JournalEntry::read_all(p)
                    .iter()
                    .any(|e| e.event == "delivered" && e.message_id == id)
            })
    }
}

impl Default for FakeMessenger {
    fn default() -> Self {
        FakeMessenger::new()
    }
}

impl Messenger for FakeMessenger {
    fn name(&self) -> &'static str {
        "fake"
    }

    fn sender(&self) -> Option<String> {
        (!self.lock().disconnected).then(|| self.sender.clone())
    }

    fn status(&self) -> ConnectionStatus {
        if self.lock().disconnected {
            ConnectionStatus::Disconnected
        } else {
            ConnectionStatus::Connected
        }
    }

    fn events(&self) -> broadcast::Receiver<MessengerEvent> {
        self.events.subscribe()
    }

    fn send<'a>(&'a self, msg: &'a Message) -> BoxFuture<'a, Result<Delivered, SendError>> {
        let (result, delay) = {
            let mut s = self.lock();
            s.calls.push(msg.clone());
            self.journal("call", msg);
            let result = if s.disconnected {
                Err(SendError::Unavailable("fake transport disconnected".into()))
            } else if let Some(e) = s.failures.pop_front() {
                Err(e)
            } else {
                if self.delivered_before(&s, &msg.message_id) {
                    self.journal("duplicate", msg);
                } else {
                    s.delivered.push(msg.clone());
                    self.journal("delivered", msg);
                }
                Ok(Delivered {
                    wa_message_id: msg.message_id.clone(),
                })
            };
            (result, s.delay)
        };
        async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            result
        }
        .boxed()
    }
}
