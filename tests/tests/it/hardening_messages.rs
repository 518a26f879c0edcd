//! Free text typed by a stokis or finance reaches the recipient from the company's WhatsApp
//! number only as one quoted line: at most 200 characters, no WhatsApp markup, marked as the
//! sender's words.

use reqwest::StatusCode;
use serde_json::json;
use tests::api_client::Api;

/// A reason a phisher would type: 1,000 characters over several lines, bold text, a quote and
/// a link on a line of its own.
fn hostile_reason() -> String {
    let mut reason =
        String::from("*PENGUMUMAN RESMI D'FRESTO*\n> Pembayaran kini ke rekening baru\n");
    reason.push_str("_segera_ hubungi \"admin\" kami\nhttps://dfresto-bayar.example/login\n");
    while reason.chars().count() < 1_000 {
        reason.push_str("~stok~ `habis` ");
    }
    reason.chars().take(1_000).collect()
}

async fn message_of(api: &Api, event: &str) -> String {
    sqlx::query_scalar("SELECT message FROM whatsapp_logs WHERE event = $1")
        .bind(event)
        .fetch_one(&api.app.db.pool)
        .await
        .expect("the message was written")
}

fn assert_one_quoted_line(message: &str, label: &str) {
    let lines: Vec<&str> = message
        .lines()
        .filter(|l| l.contains("PENGUMUMAN"))
        .collect();
    assert_eq!(lines.len(), 1, "{message}");
    let line = lines[0];
    assert!(
        line.starts_with(&format!(
            "{label} \"PENGUMUMAN RESMI D'FRESTO Pembayaran kini"
        )),
        "{line}"
    );
    assert!(line.ends_with("…\""), "{line}");
    assert!(
        line.chars().count() <= 200,
        "{} chars: {line}",
        line.chars().count()
    );
    assert_eq!(line.matches('"').count(), 2, "{line}");
    for mark in ['*', '_', '~', '`'] {
        assert!(!message.contains(mark), "{mark} in {message}");
    }
    assert!(!message.lines().any(|l| l.starts_with('>')), "{message}");
    // The link stays inside the sender's quote, never on a line that reads as the company's.
    assert!(
        line.contains("https://dfresto-bayar.example/login"),
        "{line}"
    );
    assert!(!message.lines().any(|l| l.starts_with("http")), "{message}");
}

#[tokio::test]
async fn a_stokis_reject_reason_reaches_the_mitra_as_one_quoted_line() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    let order = api.place_order("mitra0001", &[(ayam, 1)]).await;
    let reason = hostile_reason();
    api.post(
        "stokis001",
        &format!("/orders/{order}/reject"),
        json!({"reason": reason}),
    )
    .await
    .expect(StatusCode::OK);
    api.app.run_pending_jobs().await;
    // What was stored is what the stokis typed; only the message is reduced.
    let stored: String = sqlx::query_scalar("SELECT reject_reason FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&api.app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, reason);
    let message = message_of(&api, "order_rejected").await;
    assert_one_quoted_line(&message, "Alasan dari stokis:");
}

#[tokio::test]
async fn a_finance_po_reject_reason_reaches_the_stokis_as_one_quoted_line() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    let po = api.submit_po("stokis001", &[(ayam, 1)]).await;
    api.post(
        "finance",
        &format!("/purchase-orders/{po}/reject"),
        json!({"reason": hostile_reason()}),
    )
    .await
    .expect(StatusCode::OK);
    api.app.run_pending_jobs().await;
    let message = message_of(&api, "po_rejected").await;
    assert_one_quoted_line(&message, "Alasan dari Finance:");
}
