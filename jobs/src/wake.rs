//! apalis's wake-up: the `NOTIFY` channel its listening workers wait on, and the insert
//! trigger that sends it. The one place that knows the channel's name.

use sqlx::PgConnection;

/// The channel apalis-postgres's workers `LISTEN` on for new due jobs.
pub const CHANNEL: &str = "apalis::job::insert";

/// Wakes the listening workers of `queue` for job `id`, as apalis's insert trigger does for a
/// new job; delivered when the caller's transaction commits.
pub async fn workers(conn: &mut PgConnection, queue: &str, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT pg_notify($1, json_build_object('job_type', $2::text, 'id', $3::text)::text)",
    )
    .bind(CHANNEL)
    .bind(queue)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// apalis's insert trigger, less the wake-up for `notifications` jobs.
///
/// The trigger `NOTIFY`s listeners of every job due now, and PostgreSQL serialises the commits
/// of notifying transactions behind one lock held through the WAL flush. Every order, PO and
/// invoice transaction enqueues a notification, so they would all commit one at a time: a
/// pgbench transaction inserting a row and a job ran at ~2,000/s with the wake-up and ~4,000/s
/// without. The notifications queue is consumed by the worker's batch consumers, which watch
/// the queue with a cheap query a few times a second instead; the other queues (jobs from the
/// workers themselves and rare manual actions) keep their wake-ups. Replaced after apalis's
/// own migrations on every `migrate`: an apalis upgrade that recreates the trigger brings the
/// wake-ups back, which costs speed, not correctness.
pub fn quiet_notifications_sql() -> String {
    format!(
        "
CREATE OR REPLACE FUNCTION apalis.notify_new_jobs() RETURNS TRIGGER AS $$
BEGIN
    IF NEW.run_at <= now() AND NEW.job_type <> '{notifications}' THEN
        PERFORM pg_notify(
            '{CHANNEL}',
            json_build_object('job_type', NEW.job_type, 'id', NEW.id, 'run_at', NEW.run_at)::text
        );
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
",
        notifications = crate::queue::NOTIFICATIONS
    )
}
