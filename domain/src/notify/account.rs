//! "Your password was changed": the message to a user whose password they changed themselves
//! or head office reset, so someone who took over an account cannot do it unnoticed. Written
//! in the change's own transaction, with its send job.

use super::{Contact, Expanded, NewLog, NotifyError, insert, render};
use crate::clock::{Clock, format_wib};
use crate::role::Role;
use crate::whatsapp::{LogType, Recipient};
use serde::Serialize;
use sqlx::PgConnection;

/// Who set the new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChangedBy {
    /// The user, with their current password.
    Owner,
    /// Head office, on the user's account page.
    HeadOffice,
}

/// One message to the user (a FAILED row when they have no number, as for every message),
/// with its send job, on the caller's transaction.
pub async fn password_changed(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    user_id: i64,
    by: PasswordChangedBy,
) -> Result<Expanded, NotifyError> {
    let row: Option<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT username, name, role, phone FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((username, name, role, phone)) = row else {
        return Ok(Expanded::default());
    };
    let now = clock.now();
    #[derive(Serialize)]
    struct V<'a> {
        name: &'a str,
        username: &'a str,
        by_admin: bool,
        when: String,
    }
    let text = render(
        "password_changed.txt",
        &V {
            name: &name,
            username: &username,
            by_admin: by == PasswordChangedBy::HeadOffice,
            when: format_wib(now),
        },
    )?;
    // To the user's own number (`users.phone`), not their mitra's or stokis's: a resend
    // re-reads the number from the user for these two recipients.
    let recipient = match role.parse::<Role>() {
        Ok(Role::Finance) => Recipient::Finance,
        _ => Recipient::Staff,
    };
    let mut log = NewLog::new(
        LogType::Manual,
        match by {
            PasswordChangedBy::Owner => "password_changed",
            PasswordChangedBy::HeadOffice => "password_reset",
        },
        recipient,
        Contact {
            label: format!("pengguna {name}"),
            phone,
        },
        text,
        format!("user:{user_id}:password:{}", now.timestamp_micros()),
    );
    log.user_id = Some(user_id);
    let mut out = Expanded::default();
    out.add(insert(conn, now, &log).await?);
    out.enqueue_sends(conn).await?;
    Ok(out)
}
