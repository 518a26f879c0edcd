//! What whatsapp-rust 0.7's events mean for us, as pure functions: the link's state for
//! `whatsapp_sessions` and what the supervisor does next ([`link`]), a server ack or nack of
//! one of our messages as a send outcome ([`ack`], [`nack`]), a delivery or read receipt
//! ([`receipt`]), a failed `send_*` call ([`send_error`]) and the `is_on_whatsapp` answer
//! ([`registration`]). Kept apart from the client so every code is unit-tested without one.

use chrono::{DateTime, Utc};
use std::time::Duration;
use whatsapp_rust::types::events::{ConnectFailureReason, Event, Receipt, ServerAck};
use whatsapp_rust::types::presence::ReceiptType;

/// The failure text of a message to a number WhatsApp does not know.
pub const NOT_ON_WHATSAPP: &str = "nomor tidak terdaftar di WhatsApp";

/// The link's state after an event, in the terms of `whatsapp_sessions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// A client is being built and connects.
    Connecting,
    /// Connected; the number is the client's `pn()`, which the caller reads.
    Connected,
    WaitingQr {
        qr: String,
        valid_for: Duration,
    },
    WaitingPairCode {
        code: String,
        valid_for: Duration,
    },
    /// A phone scanned the QR code or typed the code: the number is linked from now.
    Paired {
        phone: String,
    },
    /// The pairing-code request was refused; the QR code stays usable, the reason is shown.
    PairCodeRefused {
        reason: String,
    },
    Disconnected {
        reason: String,
    },
    LoggedOut {
        reason: String,
    },
    /// `until` is `None` when WhatsApp gave no end (a locked account).
    Banned {
        until: Option<DateTime<Utc>>,
        reason: String,
    },
    /// Another device or client took the session over.
    Replaced,
}

/// What the supervisor does after the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Nothing: the client goes on (or reconnects by itself).
    Continue,
    /// The client stopped; build it again after a backoff.
    Rebuild,
    /// Logged out: reconnect once to confirm (spurious 401s happen), wipe the session only if
    /// it is confirmed.
    ConfirmThenWipe,
    /// Banned: send nothing and wait until then.
    WaitUntil(DateTime<Utc>),
    /// Stop and wait for an admin's command (pair again, new QR), never fight back.
    WaitForCommand,
}

/// The state and next step an event implies, `None` for events that do not concern the link.
pub fn link(event: &Event, now: DateTime<Utc>) -> Option<(LinkState, Next)> {
    let mapped = match event {
        Event::Connected(_) => (LinkState::Connected, Next::Continue),
        Event::Disconnected(d) => (
            LinkState::Disconnected {
                reason: format!("koneksi terputus: {}", d.reason),
            },
            Next::Continue,
        ),
        Event::PairingQrCode(qr) => (
            LinkState::WaitingQr {
                qr: qr.code.clone(),
                valid_for: qr.timeout,
            },
            Next::Continue,
        ),
        Event::PairingCode(code) => (
            LinkState::WaitingPairCode {
                code: code.code.clone(),
                valid_for: code.timeout,
            },
            Next::Continue,
        ),
        Event::PairingCodeError(e) => (
            LinkState::PairCodeRefused {
                reason: format!("kode pairing gagal: {}", e.error),
            },
            Next::Continue,
        ),
        Event::PairingQrCodesExhausted(_) => (
            LinkState::Disconnected {
                reason: "kode QR habis tanpa dipindai; minta kode baru".to_owned(),
            },
            Next::WaitForCommand,
        ),
        Event::PairSuccess(p) => (
            LinkState::Paired {
                phone: p.id.user.to_string(),
            },
            Next::Continue,
        ),
        Event::PairError(p) => (
            LinkState::Disconnected {
                reason: format!("pairing gagal: {}", p.error),
            },
            Next::WaitForCommand,
        ),
        Event::LoggedOut(l) if l.reason == ConnectFailureReason::AccountLocked => (
            LinkState::Banned {
                until: None,
                reason: format!("akun dikunci WhatsApp ({})", l.reason.code()),
            },
            Next::WaitForCommand,
        ),
        Event::LoggedOut(l) => (
            LinkState::LoggedOut {
                reason: format!("dikeluarkan oleh WhatsApp ({})", l.reason.code()),
            },
            Next::ConfirmThenWipe,
        ),
        Event::TemporaryBan(b) => {
            let until = now + b.expire;
            (
                LinkState::Banned {
                    until: Some(until),
                    reason: format!("diblokir sementara: {}", b.code),
                },
                Next::WaitUntil(until),
            )
        }
        Event::StreamReplaced(_) => (LinkState::Replaced, Next::WaitForCommand),
        Event::ClientOutdated(_) => (
            LinkState::Disconnected {
                reason: "versi klien WhatsApp kedaluwarsa (405); perbarui worker".to_owned(),
            },
            Next::WaitForCommand,
        ),
        Event::ConnectFailure(f) => (
            LinkState::Disconnected {
                reason: format!(
                    "WhatsApp menolak koneksi ({}){}",
                    f.reason.code(),
                    f.message
                        .as_deref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ),
            },
            // 500/503 are reconnected by the client itself; any other failure ends its run.
            if f.reason.should_reconnect() {
                Next::Continue
            } else {
                Next::Rebuild
            },
        ),
        Event::StreamError(e) => (
            LinkState::Disconnected {
                reason: format!("stream error {}", e.code),
            },
            Next::Continue,
        ),
        _ => return None,
    };
    Some(mapped)
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The server acknowledged our id without error.
    Sent,
    /// May pass: retried with backoff up to the attempt limit.
    Retry { reason: String },
    /// Waits without counting an attempt (the account or the first contact is the problem, not
    /// this message); the reason is shown on the log.
    Held { reason: String },
    /// Will never work.
    Failed { reason: String },
}

/// The outcome of a server ack for a message; `None` for acks of other stanzas (receipts,
/// notifications, calls), whose ids are not our messages'.
pub fn ack(ack: &ServerAck) -> Option<SendOutcome> {
    if ack.class.as_deref().is_some_and(|c| c != "message") {
        return None;
    }
    Some(match ack.error.as_deref() {
        None | Some("") => SendOutcome::Sent,
        Some(code) => nack(code),
    })
}

/// The outcome of a nack code on a message.
pub fn nack(code: &str) -> SendOutcome {
    let held = |why: &str| SendOutcome::Held {
        reason: format!("{why} (kode {code})"),
    };
    match code.trim() {
        // Reach-out timelock: a first message to someone who never wrote to this number.
        "463" => held(
            "WhatsApp menahan pesan pertama ke nomor yang belum pernah menghubungi kita; dicoba lagi nanti",
        ),
        "475" => held("batas chat baru nomor ini tercapai; dicoba lagi nanti"),
        // Our account, not the recipient: the link was logged out or restricted.
        "401" => held("WhatsApp menolak pengirim (belum/tidak lagi tertaut)"),
        "402" => held("akun pengirim dibatasi WhatsApp"),
        // The stanza itself was refused: sending it again gives the same answer.
        "479" => SendOutcome::Failed {
            reason: format!("WhatsApp menolak isi pesan (kode {code})"),
        },
        // Stale addressing, server errors, rate limits, and codes we do not know: retried a
        // limited number of times, never failed on a guess.
        other => SendOutcome::Retry {
            reason: format!("WhatsApp menolak pengiriman (kode {other})"),
        },
    }
}

/// The `is_on_whatsapp` answer: a number that is not registered fails at once.
pub fn registration(is_registered: bool) -> Option<SendOutcome> {
    (!is_registered).then(|| SendOutcome::Failed {
        reason: NOT_ON_WHATSAPP.to_owned(),
    })
}

/// A failed `send_*` call (nothing, or not all, went out).
pub fn send_error(e: &whatsapp_rust::SendError) -> SendOutcome {
    use whatsapp_rust::SendError as E;
    match e {
        E::NotLoggedIn => SendOutcome::Held {
            reason: "belum tertaut ke WhatsApp".to_owned(),
        },
        E::Client(c) if c.is_transport_unavailable() => SendOutcome::Held {
            reason: format!("cannot reach WhatsApp: {c}"),
        },
        E::InvalidRequest(why) => SendOutcome::Failed {
            reason: format!("permintaan kirim tidak valid: {why}"),
        },
        other => SendOutcome::Retry {
            reason: other.to_string(),
        },
    }
}

/// A receipt for messages we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptMark {
    pub read: bool,
    pub message_ids: Vec<String>,
    pub at: DateTime<Utc>,
}

/// Delivery and read receipts; `None` for every other kind (retries, our own devices' reads).
pub fn receipt(r: &Receipt) -> Option<ReceiptMark> {
    let read = match r.r#type {
        ReceiptType::Delivered => false,
        // A played voice note was read too.
        ReceiptType::Read | ReceiptType::Played => true,
        _ => return None,
    };
    Some(ReceiptMark {
        read,
        message_ids: r.message_ids.clone(),
        at: r.timestamp,
    })
}
