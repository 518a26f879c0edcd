//! Step 2 of the invoice run: one reminder per stokis for its invoices due in N days.

use super::{LISTED, Line, RunConfig, Window, contact, more, per_stokis, write};
use crate::clock::format_date_id;
use crate::money::format_rupiah;
use crate::notify::{self, Expanded, NewLog, NotifyError};
use crate::whatsapp::Recipient;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// Step 2: one reminder per stokis listing its open invoices with a reminder day in the run's
/// window, (previous run, today]. An invoice whose reminder day fell during downtime is
/// reminded once, with today's numbers; one that fell due meanwhile gets an overdue alert
/// instead. A reminder day on or before the issue date is skipped: the invoice itself told the
/// due date.
pub(super) async fn send_reminders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    window: Window,
    run_date: NaiveDate,
    cfg: &RunConfig,
    out: &mut Expanded,
) -> Result<i32, NotifyError> {
    let Some(&max_offset) = cfg.reminder_days.iter().max() else {
        return Ok(0);
    };
    let as_of = window.as_of;
    let days: Vec<i32> = cfg.reminder_days.iter().map(|&d| d as i32).collect();
    let lines: Vec<Line> = sqlx::query_as(
        "WITH due AS (
             SELECT i.id, i.number, i.stokis_id, i.due_date, i.total - i.paid AS balance
             FROM invoices i
             WHERE i.status <> 'PAID' AND i.paid < i.total
               AND i.due_date >= $1 AND i.due_date <= $2
               AND EXISTS (SELECT 1 FROM unnest($3::int[]) AS k
                           WHERE i.due_date - k > COALESCE($4::date, '-infinity')
                             AND i.due_date - k <= $1 AND i.due_date - k > i.issue_date)),
         ranked AS (
             SELECT d.*, count(*) OVER s AS count, sum(d.balance) OVER s AS total,
                    row_number() OVER s AS rn
             FROM due d
             WINDOW s AS (PARTITION BY d.stokis_id ORDER BY d.due_date, d.id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
         SELECT r.stokis_id, s.code AS stokis_code, s.name AS stokis_name, s.phone AS stokis_phone,
                r.count, r.total::bigint AS total, r.id, r.number, r.due_date, r.balance
         FROM ranked r JOIN stokis s ON s.id = r.stokis_id
         WHERE r.rn <= $5
         ORDER BY r.stokis_id, r.rn",
    )
    .bind(as_of)
    .bind(as_of + Duration::days(i64::from(max_offset)))
    .bind(days)
    .bind(window.after)
    .bind(LISTED)
    .fetch_all(&mut *conn)
    .await?;

    #[derive(Serialize)]
    struct L {
        number: String,
        balance: String,
        due_date: String,
        when: String,
    }
    #[derive(Serialize)]
    struct V<'a> {
        stokis_name: &'a str,
        count: i64,
        more: i64,
        invoices: Vec<L>,
        total: String,
    }
    let mut written = 0;
    for group in per_stokis(&lines) {
        let first = &group[0];
        let text = notify::render(
            "invoice_reminder.txt",
            &V {
                stokis_name: &first.stokis_name,
                count: first.count,
                more: more(group),
                invoices: group
                    .iter()
                    .map(|i| L {
                        number: i.number.clone(),
                        balance: format_rupiah(i.balance),
                        due_date: format_date_id(i.due_date),
                        when: when((i.due_date - as_of).num_days()),
                    })
                    .collect(),
                total: format_rupiah(first.total),
            },
        )?;
        let mut log = NewLog::new_for_run(
            "invoice_reminder",
            Recipient::Stokis,
            contact(first),
            text,
            format!("invoice-reminder:{run_date}:stokis:{}", first.stokis_id),
        );
        log.stokis_id = Some(first.stokis_id);
        if first.count == 1 {
            log.invoice_id = Some(first.id);
        }
        write(conn, now, &log, out).await?;
        written += 1;
    }
    Ok(written)
}

fn when(days_left: i64) -> String {
    match days_left {
        i64::MIN..=0 => "hari ini".into(),
        1 => "besok".into(),
        n => format!("{n} hari lagi"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_read_naturally() {
        assert_eq!(when(0), "hari ini");
        assert_eq!(when(1), "besok");
        assert_eq!(when(7), "7 hari lagi");
    }
}
