//! Step 3 of the invoice run: overdue alerts to each stokis N days past due, and their summary
//! to finance.

use super::{LISTED, Line, RunConfig, Window, contact, more, per_stokis, write};
use crate::clock::format_date_id;
use crate::money::format_rupiah;
use crate::notify::{self, Contact, Expanded, NewLog, NotifyError};
use crate::whatsapp::Recipient;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// Step 3: an alert to each stokis with an overdue invoice whose alert day (N days past due)
/// is in the run's window, listing all its overdue invoices, oldest first; and a summary of
/// those stokis to every finance user with a phone.
pub(super) async fn send_overdue_alerts(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    window: Window,
    run_date: NaiveDate,
    cfg: &RunConfig,
    out: &mut Expanded,
) -> Result<i32, NotifyError> {
    if cfg.overdue_alert_days.is_empty() {
        return Ok(0);
    }
    let as_of = window.as_of;
    let days: Vec<i32> = cfg.overdue_alert_days.iter().map(|&d| d as i32).collect();
    let lines: Vec<Line> = sqlx::query_as(
        "WITH overdue AS (
             SELECT i.id, i.number, i.stokis_id, i.due_date, i.total - i.paid AS balance,
                    EXISTS (SELECT 1 FROM unnest($2::int[]) AS m
                            WHERE i.due_date + m > COALESCE($3::date, '-infinity')
                              AND i.due_date + m <= $1) AS milestone
             FROM invoices i
             WHERE i.status = 'OVERDUE' AND i.paid < i.total AND i.due_date < $1),
         ranked AS (
             SELECT o.*, bool_or(o.milestone) OVER s AS alerted, count(*) OVER s AS count,
                    sum(o.balance) OVER s AS total, row_number() OVER s AS rn
             FROM overdue o
             WINDOW s AS (PARTITION BY o.stokis_id ORDER BY o.due_date, o.id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
         SELECT r.stokis_id, s.code AS stokis_code, s.name AS stokis_name, s.phone AS stokis_phone,
                r.count, r.total::bigint AS total, r.id, r.number, r.due_date, r.balance
         FROM ranked r JOIN stokis s ON s.id = r.stokis_id
         WHERE r.alerted AND r.rn <= $4
         ORDER BY r.stokis_id, r.rn",
    )
    .bind(as_of)
    .bind(days)
    .bind(window.after)
    .bind(LISTED)
    .fetch_all(&mut *conn)
    .await?;
    if lines.is_empty() {
        return Ok(0);
    }

    #[derive(Serialize)]
    struct L {
        number: String,
        balance: String,
        days_overdue: i64,
        due_date: String,
    }
    #[derive(Serialize)]
    struct V<'a> {
        stokis_name: &'a str,
        more: i64,
        invoices: Vec<L>,
        total: String,
    }
    #[derive(Serialize)]
    struct StokisLine {
        name: String,
        code: String,
        count: i64,
        balance: String,
        max_days: i64,
    }
    let mut summary = Vec::new();
    let mut grand_total = 0i64;
    let mut written = 0;
    for group in per_stokis(&lines) {
        let first = &group[0];
        grand_total += first.total;
        let text = notify::render(
            "invoice_overdue.txt",
            &V {
                stokis_name: &first.stokis_name,
                more: more(group),
                invoices: group
                    .iter()
                    .map(|i| L {
                        number: i.number.clone(),
                        balance: format_rupiah(i.balance),
                        days_overdue: (as_of - i.due_date).num_days(),
                        due_date: format_date_id(i.due_date),
                    })
                    .collect(),
                total: format_rupiah(first.total),
            },
        )?;
        let mut log = NewLog::new_for_run(
            "invoice_overdue",
            Recipient::Stokis,
            contact(first),
            text,
            format!("invoice-overdue:{run_date}:stokis:{}", first.stokis_id),
        );
        log.stokis_id = Some(first.stokis_id);
        if first.count == 1 {
            log.invoice_id = Some(first.id);
        }
        write(conn, now, &log, out).await?;
        written += 1;
        summary.push(StokisLine {
            name: first.stokis_name.clone(),
            code: first.stokis_code.clone(),
            count: first.count,
            balance: format_rupiah(first.total),
            // oldest first
            max_days: (as_of - first.due_date).num_days(),
        });
    }

    let finance: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, phone FROM users
         WHERE role = 'FINANCE' AND active AND phone IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if !finance.is_empty() && !summary.is_empty() {
        #[derive(Serialize)]
        struct F<'a> {
            date: String,
            stokis: &'a [StokisLine],
            total: String,
        }
        let text = notify::render(
            "invoice_overdue_finance.txt",
            &F {
                date: format_date_id(as_of),
                stokis: &summary,
                total: format_rupiah(grand_total),
            },
        )?;
        for (user_id, name, phone) in finance {
            let mut log = NewLog::new_for_run(
                "invoice_overdue",
                Recipient::Finance,
                Contact {
                    label: format!("user finance {name}"),
                    phone,
                },
                text.clone(),
                format!("invoice-overdue:{run_date}:finance:{user_id}"),
            );
            log.user_id = Some(user_id);
            write(conn, now, &log, out).await?;
            written += 1;
        }
    }
    Ok(written)
}
