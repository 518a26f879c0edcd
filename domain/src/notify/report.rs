//! "Your report is ready": the WhatsApp to the staff member who requested a report.

use super::{Contact, NewLog, NotifyError, render};
use crate::report::{ReportKind, ReportParams};
use crate::whatsapp::{LogType, Recipient};
use serde::Serialize;
use sqlx::PgConnection;

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    params: serde_json::Value,
    format: String,
    size: Option<i64>,
    user_id: i64,
    user_name: String,
    user_phone: Option<String>,
    role: String,
}

/// `1,2 MB`, `85 KB`.
fn human_size(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 999) / 1000)
    }
}

fn period_text(params: &ReportParams) -> String {
    match params {
        ReportParams::InvoiceAging { .. } => format!("Posisi {}", params.period_label()),
        _ => format!("Periode: {}", params.period_label()),
    }
}

pub(crate) async fn ready_logs(
    conn: &mut PgConnection,
    run_id: i64,
) -> Result<Vec<NewLog>, NotifyError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.kind, r.params, r.format, r.size, u.id AS user_id, u.name AS user_name,
                u.phone AS user_phone, u.role
         FROM report_runs r JOIN users u ON u.id = r.requested_by
         WHERE r.id = $1 AND r.status = 'DONE'",
    )
    .bind(run_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(Vec::new());
    };
    let Ok(kind) = r.kind.parse::<ReportKind>() else {
        return Ok(Vec::new());
    };
    let period = ReportParams::parse(kind, &r.params, chrono::NaiveDate::MAX)
        .map(|p| period_text(&p))
        .unwrap_or_default();
    #[derive(Serialize)]
    struct V<'a> {
        name: &'a str,
        title: String,
        period: String,
        format: &'a str,
        size: String,
    }
    let text = render(
        "report_ready.txt",
        &V {
            name: &r.user_name,
            title: format!("Laporan {}", kind.label()),
            period,
            format: if r.format == "XLSX" { "Excel" } else { "PDF" },
            size: human_size(r.size.unwrap_or(0)),
        },
    )?;
    let recipient = if r.role == "FINANCE" {
        Recipient::Finance
    } else {
        Recipient::Staff
    };
    let mut log = NewLog::new(
        LogType::Report,
        "report_ready",
        recipient,
        Contact {
            label: format!("pengguna {}", r.user_name),
            phone: r.user_phone,
        },
        text,
        format!("report:{run_id}:ready:user:{}", r.user_id),
    );
    log.user_id = Some(r.user_id);
    Ok(vec![log])
}
