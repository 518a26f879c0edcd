//! "WhatsApp sends again": the message to finance once a temporary ban of the sending number has
//! lifted (the ban itself is on the admin page; this is the "it is over" they would otherwise
//! have to keep checking for). Written by the worker holding the link when it connects again.

use super::{Contact, Expanded, NewLog, NotifyError, insert, render};
use crate::clock::{Clock, format_wib};
use crate::whatsapp::{LogType, Recipient};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// One message per active finance user with a number, once per ban (`banned_since` names it),
/// with the send jobs enqueued, on the caller's transaction.
pub async fn ban_lifted(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    banned_since: DateTime<Utc>,
) -> Result<Expanded, NotifyError> {
    let staff: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, phone FROM users WHERE role = 'FINANCE' AND active ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let now = clock.now();
    #[derive(Serialize)]
    struct V<'a> {
        name: &'a str,
        since: String,
    }
    let mut out = Expanded::default();
    for (user_id, name, phone) in staff {
        let text = render(
            "whatsapp_ban_lifted.txt",
            &V {
                name: &name,
                since: format_wib(now),
            },
        )?;
        let mut log = NewLog::new(
            LogType::Manual,
            "whatsapp_ban_lifted",
            Recipient::Finance,
            Contact {
                label: format!("pengguna {name}"),
                phone,
            },
            text,
            format!(
                "whatsapp:ban:{}:lifted:user:{user_id}",
                banned_since.timestamp()
            ),
        );
        log.user_id = Some(user_id);
        out.add(insert(conn, now, &log).await?);
    }
    out.enqueue_sends(conn).await?;
    Ok(out)
}
