//! `wa::events`: every whatsapp-rust 0.7 event and nack code we act on, mapped to the link's
//! state, the supervisor's next step and the send outcome.

use chrono::{TimeZone, Utc};
use std::time::Duration;
use wa::events::{self, LinkState, NOT_ON_WHATSAPP, Next, SendOutcome};
use whatsapp_rust::Jid;
use whatsapp_rust::types::events::*;
use whatsapp_rust::types::message::MessageSource;
use whatsapp_rust::types::presence::ReceiptType;
use whatsapp_rust::wacore::net::DisconnectReason;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()
}

fn link(e: Event) -> (LinkState, Next) {
    events::link(&e, now()).expect("a link event")
}

fn logged_out(reason: ConnectFailureReason) -> Event {
    Event::LoggedOut(LoggedOut::builder().on_connect(true).reason(reason).build())
}

#[test]
fn connection_events() {
    assert_eq!(
        link(Event::Connected(Connected::builder().build())),
        (LinkState::Connected, Next::Continue)
    );
    let (state, next) = link(Event::Disconnected(
        Disconnected::builder()
            .reason(DisconnectReason::StreamEnded)
            .build(),
    ));
    assert!(
        matches!(&state, LinkState::Disconnected { reason } if reason.contains("stream ended")),
        "{state:?}"
    );
    assert_eq!(next, Next::Continue, "the client reconnects by itself");
    let (state, next) = link(Event::StreamError(
        StreamError::builder().code("503".into()).build(),
    ));
    assert!(matches!(&state, LinkState::Disconnected { reason } if reason.contains("503")));
    assert_eq!(next, Next::Continue);
}

#[test]
fn pairing_events() {
    let (state, next) = link(Event::PairingQrCode(
        PairingQrCode::builder()
            .code("2@abc".into())
            .timeout(Duration::from_secs(60))
            .build(),
    ));
    assert_eq!(
        state,
        LinkState::WaitingQr {
            qr: "2@abc".into(),
            valid_for: Duration::from_secs(60)
        }
    );
    assert_eq!(next, Next::Continue);
    let (state, _) = link(Event::PairingCode(
        PairingCode::builder()
            .code("ABCD1234".into())
            .timeout(Duration::from_secs(180))
            .build(),
    ));
    assert_eq!(
        state,
        LinkState::WaitingPairCode {
            code: "ABCD1234".into(),
            valid_for: Duration::from_secs(180)
        }
    );
    let (state, next) = link(Event::PairingCodeError(
        PairingCodeError::builder()
            .error("too short".into())
            .build(),
    ));
    assert!(
        matches!(&state, LinkState::PairCodeRefused { reason } if reason.contains("too short"))
    );
    assert_eq!(next, Next::Continue, "the QR code stays usable");
    let (state, next) = link(Event::PairSuccess(
        PairSuccess::builder()
            .id(Jid::pn("6281234567890"))
            .lid(Jid::pn("1"))
            .business_name(String::new())
            .platform("android".into())
            .build(),
    ));
    assert_eq!(
        state,
        LinkState::Paired {
            phone: "6281234567890".into()
        }
    );
    assert_eq!(next, Next::Continue);
    let (state, next) = link(Event::PairingQrCodesExhausted(
        PairingQrCodesExhausted::builder()
            .disconnected(true)
            .build(),
    ));
    assert!(
        matches!(&state, LinkState::Disconnected { reason } if reason.contains("kode QR habis"))
    );
    assert_eq!(
        next,
        Next::WaitForCommand,
        "a new QR only when an admin asks"
    );
}

#[test]
fn terminal_events() {
    let (state, next) = link(logged_out(ConnectFailureReason::LoggedOut));
    assert!(
        matches!(&state, LinkState::LoggedOut { reason } if reason.contains("401")),
        "{state:?}"
    );
    assert_eq!(
        next,
        Next::ConfirmThenWipe,
        "a 401 is confirmed before the session is wiped"
    );
    let (state, next) = link(logged_out(ConnectFailureReason::AccountLocked));
    assert!(matches!(&state, LinkState::Banned { until: None, reason } if reason.contains("403")));
    assert_eq!(next, Next::WaitForCommand);

    let ban = TemporaryBan::builder()
        .code(TempBanReason::SentToTooManyPeople)
        .expire(chrono::Duration::hours(1))
        .build();
    let (state, next) = link(Event::TemporaryBan(ban));
    let until = now() + chrono::Duration::hours(1);
    assert!(
        matches!(&state, LinkState::Banned { until: Some(u), reason } if *u == until && reason.contains("101")),
        "{state:?}"
    );
    assert_eq!(
        next,
        Next::WaitUntil(until),
        "every send waits until the ban ends"
    );

    assert_eq!(
        link(Event::StreamReplaced(StreamReplaced::builder().build())),
        (LinkState::Replaced, Next::WaitForCommand),
        "no fighting back"
    );
    let (_, next) = link(Event::ClientOutdated(ClientOutdated::builder().build()));
    assert_eq!(next, Next::WaitForCommand);
    let (state, next) = link(Event::ConnectFailure(
        ConnectFailure::builder()
            .reason(ConnectFailureReason::Generic)
            .build(),
    ));
    assert!(matches!(&state, LinkState::Disconnected { reason } if reason.contains("400")));
    assert_eq!(next, Next::Rebuild);
    let (_, next) = link(Event::ConnectFailure(
        ConnectFailure::builder()
            .reason(ConnectFailureReason::ServiceUnavailable)
            .build(),
    ));
    assert_eq!(next, Next::Continue, "503 is reconnected by the client");
}

fn server_ack(class: Option<&str>, error: Option<&str>) -> ServerAck {
    ServerAck::builder()
        .id("3EB0DF00000000000001".into())
        .maybe_class(class.map(str::to_owned))
        .maybe_error(error.map(str::to_owned))
        .build()
}

fn held(o: Option<SendOutcome>, code: &str) {
    assert!(
        matches!(&o, Some(SendOutcome::Held { reason }) if reason.contains(code)),
        "{code}: {o:?}"
    );
}

#[test]
fn acks_and_nacks() {
    assert_eq!(
        events::ack(&server_ack(Some("message"), None)),
        Some(SendOutcome::Sent)
    );
    assert_eq!(
        events::ack(&server_ack(None, None)),
        Some(SendOutcome::Sent)
    );
    assert_eq!(
        events::ack(&server_ack(Some("receipt"), None)),
        None,
        "not one of our messages"
    );
    held(
        events::ack(&server_ack(Some("message"), Some("463"))),
        "463",
    );
    assert!(
        matches!(events::nack("463"), SendOutcome::Held { reason } if reason.contains("pesan pertama"))
    );
    held(Some(events::nack("475")), "475");
    held(Some(events::nack("401")), "401");
    held(Some(events::nack("402")), "402");
    assert!(matches!(events::nack("479"), SendOutcome::Failed { .. }));
    for code in ["421", "429", "500", "503", "999"] {
        assert!(
            matches!(events::nack(code), SendOutcome::Retry { reason } if reason.contains(code)),
            "{code}"
        );
    }
}

#[test]
fn not_on_whatsapp_and_send_errors() {
    assert_eq!(
        events::registration(false),
        Some(SendOutcome::Failed {
            reason: NOT_ON_WHATSAPP.into()
        })
    );
    assert_eq!(NOT_ON_WHATSAPP, "nomor tidak terdaftar di WhatsApp");
    assert_eq!(events::registration(true), None);
    assert!(matches!(
        events::send_error(&whatsapp_rust::SendError::NotLoggedIn),
        SendOutcome::Held { .. }
    ));
    assert!(matches!(
        events::send_error(&whatsapp_rust::SendError::Client(whatsapp_rust::ClientError::NotConnected)),
        SendOutcome::Held { reason } if reason.starts_with("cannot reach WhatsApp")
    ));
    assert!(matches!(
        events::send_error(&whatsapp_rust::SendError::InvalidRequest("x".into())),
        SendOutcome::Failed { .. }
    ));
    assert!(matches!(
        events::send_error(&whatsapp_rust::SendError::Internal(anyhow::anyhow!("boom"))),
        SendOutcome::Retry { .. }
    ));
}

fn receipt(kind: ReceiptType) -> Receipt {
    Receipt::builder()
        .source(MessageSource::default())
        .message_ids(vec!["3EB0DF00000000000001".into()])
        .timestamp(now())
        .r#type(kind)
        .offline(false)
        .build()
}

#[test]
fn receipts() {
    let delivered = events::receipt(&receipt(ReceiptType::Delivered)).unwrap();
    assert!(!delivered.read);
    assert_eq!(
        delivered.message_ids,
        vec!["3EB0DF00000000000001".to_string()]
    );
    assert_eq!(delivered.at, now());
    assert!(events::receipt(&receipt(ReceiptType::Read)).unwrap().read);
    assert!(events::receipt(&receipt(ReceiptType::Played)).unwrap().read);
    assert_eq!(events::receipt(&receipt(ReceiptType::Retry)), None);
    assert_eq!(events::receipt(&receipt(ReceiptType::ReadSelf)), None);
}
