//! The WhatsApp connection as the admin WhatsApp page, its live refresh and
//! `GET /api/v1/whatsapp/status|qr` show it: the status in Bahasa Indonesia, since when, the
//! last error, the test-mode number, the pairing code and the QR code drawn as SVG. Built from
//! the `whatsapp_sessions` row the worker holding the connection writes; the web tier only
//! reads it.

use chrono::{DateTime, Utc};
use domain::Phone;
use domain::clock::format_wib;
use domain::whatsapp::session::{Command, ConnectionStatus, Session};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Serialize;

/// What the page and the API say about the connection.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionView {
    /// `CONNECTED`, `WAITING_QR`, … (`DISCONNECTED` before any worker has started).
    pub status: &'static str,
    /// The status as a sentence: `Terhubung sebagai +62 812-3456-7890`, `Menunggu pindai QR`, …
    pub status_text: String,
    pub connected: bool,
    /// A worker has written this session at least once.
    pub known: bool,
    pub phone: Option<String>,
    pub holder: Option<String>,
    /// When the status last changed.
    pub since: Option<DateTime<Utc>>,
    pub since_wib: Option<String>,
    pub last_error: Option<String>,
    pub banned_until: Option<DateTime<Utc>>,
    /// `console`, `fake` or `whatsapp`.
    pub transport: Option<String>,
    /// Nothing reaches WhatsApp: the development transport only logs messages.
    pub console: bool,
    pub redirect_to: Option<String>,
    pub redirect_to_pretty: Option<String>,
    /// The 8-character code to type on the phone, while the worker waits for it.
    pub pair_code: Option<String>,
    /// The code as WhatsApp shows it on the phone (`ABCD-EFGH`).
    pub pair_code_display: Option<String>,
    /// The raw QR string while `WAITING_QR`.
    pub qr: Option<String>,
    /// The same QR code as an SVG image, ready to put in the page.
    pub qr_svg: Option<String>,
    /// The admin page's request the worker has not taken yet, in words.
    pub pending_command: Option<String>,
    pub pending_command_text: Option<String>,
    pub command_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn pretty(phone: &str) -> String {
    Phone::parse(phone).map_or_else(|_| phone.to_owned(), |p| p.pretty())
}

/// The status as the page says it.
pub fn status_text(
    status: ConnectionStatus,
    session: Option<&Session>,
    has_pair_code: bool,
) -> String {
    let Some(s) = session else {
        return "Terputus: belum ada worker yang memegang koneksi".to_owned();
    };
    match status {
        ConnectionStatus::Connected => match s.phone.as_deref() {
            Some(p) if Phone::parse(p).is_ok() => format!("Terhubung sebagai {}", pretty(p)),
            Some(p) => format!("Terhubung ({p})"),
            None => "Terhubung".to_owned(),
        },
        ConnectionStatus::WaitingQr if has_pair_code => "Menunggu kode pairing".to_owned(),
        ConnectionStatus::WaitingQr => "Menunggu pindai QR".to_owned(),
        ConnectionStatus::Disconnected => match s.last_error.as_deref() {
            Some(e) => format!("Terputus: {e}"),
            None => "Terputus".to_owned(),
        },
        ConnectionStatus::Connecting => "Menghubungkan…".to_owned(),
        ConnectionStatus::LoggedOut => "Keluar".to_owned(),
        ConnectionStatus::Banned => match s.banned_until {
            Some(t) => format!("Diblokir sementara sampai {}", format_wib(t)),
            None => "Diblokir sementara".to_owned(),
        },
        ConnectionStatus::Replaced => "Diambil alih perangkat lain".to_owned(),
    }
}

fn command_text(cmd: &Command) -> String {
    match cmd {
        Command::Logout => "keluarkan perangkat".to_owned(),
        Command::PairQr => "tautkan ulang dengan kode QR".to_owned(),
        Command::PairCode { phone } => format!("kode pairing untuk {}", pretty(phone)),
    }
}

/// The QR string as an inline SVG image (no XML declaration, so it can sit in the page).
/// `None` when the string cannot be a QR code (far too long): the raw string is still shown.
pub fn qr_svg(data: &str) -> Option<String> {
    let code = match QrCode::new(data.as_bytes()) {
        Ok(code) => code,
        Err(e) => {
            tracing::warn!(error = %e, "the WhatsApp QR string cannot be drawn");
            return None;
        }
    };
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(264, 264)
        .quiet_zone(true)
        .build();
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

/// `ABCD-EFGH` for an 8-character code; anything else as it came.
fn pair_code_display(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

impl ConnectionView {
    pub fn new(session: Option<&Session>) -> ConnectionView {
        let status = session.map_or(ConnectionStatus::Disconnected, |s| s.status);
        let pair_code = session.and_then(|s| s.pair_code.clone());
        let qr = session.and_then(|s| s.qr.clone());
        let transport = session.and_then(|s| s.transport.clone());
        let redirect_to = session.and_then(|s| s.redirect_to.clone());
        let command = session.and_then(Session::pending_command);
        let since = session.and_then(|s| s.status_since);
        ConnectionView {
            status: status.as_str(),
            status_text: status_text(status, session, pair_code.is_some()),
            connected: status == ConnectionStatus::Connected,
            known: session.is_some(),
            phone: session.and_then(|s| s.phone.clone()),
            holder: session.and_then(|s| s.holder.clone()),
            since,
            since_wib: since.map(format_wib),
            last_error: session.and_then(|s| s.last_error.clone()),
            banned_until: session.and_then(|s| s.banned_until),
            console: transport.as_deref() == Some("console"),
            transport,
            redirect_to_pretty: redirect_to.as_deref().map(pretty),
            redirect_to,
            pair_code_display: pair_code.as_deref().map(pair_code_display),
            pair_code,
            qr_svg: qr.as_deref().and_then(qr_svg),
            qr,
            pending_command: command.as_ref().map(|c| c.as_str().to_owned()),
            pending_command_text: command.as_ref().map(command_text),
            command_at: session.and_then(|s| s.command_at),
            updated_at: session.map(|s| s.updated_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn session(status: ConnectionStatus) -> Session {
        Session {
            session_id: "default".into(),
            status,
            qr: None,
            pair_code: None,
            phone: Some("6281234567890".into()),
            holder: None,
            last_error: None,
            banned_until: None,
            status_since: None,
            paired_at: None,
            command: None,
            command_phone: None,
            command_at: None,
            command_by: None,
            transport: Some("whatsapp".into()),
            redirect_to: None,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn every_status_reads_in_bahasa_indonesia() {
        use ConnectionStatus::*;
        let text = |s: &Session| ConnectionView::new(Some(s)).status_text;
        assert_eq!(
            text(&session(Connected)),
            "Terhubung sebagai +62 812-3456-7890"
        );
        assert_eq!(text(&session(WaitingQr)), "Menunggu pindai QR");
        let mut code = session(WaitingQr);
        code.pair_code = Some("ABCDEFGH".into());
        assert_eq!(text(&code), "Menunggu kode pairing");
        assert_eq!(
            ConnectionView::new(Some(&code))
                .pair_code_display
                .as_deref(),
            Some("ABCD-EFGH")
        );
        let mut down = session(Disconnected);
        down.last_error = Some("tidak ada jaringan".into());
        assert_eq!(text(&down), "Terputus: tidak ada jaringan");
        assert_eq!(text(&session(Connecting)), "Menghubungkan…");
        assert_eq!(text(&session(LoggedOut)), "Keluar");
        let mut banned = session(Banned);
        // 07:00 UTC is 14:00 WIB.
        banned.banned_until = Utc.with_ymd_and_hms(2026, 12, 8, 7, 0, 0).single();
        assert_eq!(
            text(&banned),
            "Diblokir sementara sampai 8 Des 2026 14:00 WIB"
        );
        assert_eq!(text(&session(Replaced)), "Diambil alih perangkat lain");
        assert_eq!(
            ConnectionView::new(None).status_text,
            "Terputus: belum ada worker yang memegang koneksi"
        );
    }

    #[test]
    fn the_qr_code_is_an_inline_svg() {
        let svg = qr_svg("2@abc,def,ghi,jkl").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<path"), "{svg}");
        assert!(!svg.contains("<?xml"));
        assert_ne!(svg, qr_svg("2@other,code").unwrap());
    }
}
