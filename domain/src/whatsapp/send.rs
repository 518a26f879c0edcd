//! Sending one logged message without ever sending it twice: claim, send, record.
//!
//! 1. [`claim`] (one transaction): the log row is locked, the limiter grants a slot, and the row
//!    records which job is sending it (`claimed_by`), the attempt, and its WhatsApp message id —
//!    deterministic ([`message_id_for`]), chosen before the first send and never changed.
//! 2. The worker calls the transport with that message id, outside any transaction.
//! 3. [`mark_sent`] or [`record_failure`] (one transaction) records the outcome.
//!
//! A crash between 2 and 3 (kill -9, power loss) leaves the row PENDING and claimed. apalis
//! gives the job to another worker once the dead one misses its heartbeats; that run sees its
//! own job id in `claimed_by`, takes the claim over, and sends again with the same message id.
//! WhatsApp (and the fake and console transports) deduplicate client-chosen message ids, so the
//! person receives one message. Without a persisted id the retry could not be told apart from a
//! new message; without the claim two jobs for one row could send in parallel.

use super::limiter::{self, Slot, WaitReason};
use super::{LimiterConfig, LimiterSettings};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::phone::Phone;
use crate::setting::Setting;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

/// Retries of messages whose send failed for a reason that may pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Send attempts before the message is marked FAILED.
    pub max_attempts: u32,
    /// The first retry waits about this long; each further one twice as long, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// How long a message waits when there is no WhatsApp connection (not counted as an attempt).
    pub unavailable_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::seconds(30),
            max_delay: Duration::hours(1),
            unavailable_delay: Duration::seconds(60),
        }
    }
}

/// The retry policy's settings as given (see [`RetryPolicy::from_settings`]).
#[derive(Debug, Clone, Default)]
pub struct RetrySettings {
    pub max_attempts: Option<Setting>,
    pub base_secs: Option<Setting>,
    pub max_secs: Option<Setting>,
}

impl RetryPolicy {
    /// The retry policy from its settings (an absent one keeps its default): attempts (5),
    /// the first retry's wait in seconds (30) and the longest wait (3600).
    pub fn from_settings(s: &RetrySettings) -> Result<RetryPolicy, String> {
        let mut p = RetryPolicy::default();
        if let Some(v) = &s.max_attempts {
            p.max_attempts = v.whole_number::<u32>()?.max(1);
        }
        if let Some(v) = &s.base_secs {
            p.base_delay = Duration::seconds(i64::from(v.whole_number::<u32>()?));
        }
        if let Some(v) = &s.max_secs {
            p.max_delay = Duration::seconds(i64::from(v.whole_number::<u32>()?));
        }
        Ok(p)
    }

    /// The wait after failed attempt number `attempt` (1-based): exponential, capped, with
    /// jitter (`unit` in `[0, 1)`) spreading it over its upper half so that messages failing
    /// together do not come back together.
    pub fn backoff(&self, attempt: u32, unit: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let full = self
            .base_delay
            .num_milliseconds()
            .saturating_mul(1i64 << exp)
            .min(self.max_delay.num_milliseconds())
            .max(0);
        let jittered = full as f64 * (0.5 + 0.5 * unit.clamp(0.0, 1.0));
        Duration::milliseconds(jittered.round() as i64)
    }
}

/// Everything the send steps need to know about pacing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPolicy {
    pub limiter: LimiterConfig,
    pub retry: RetryPolicy,
    /// A claim older than this is presumed dead (its worker crashed and its job was lost) and
    /// another job may take it over. Must exceed the transport's send timeout.
    pub claim_ttl: Duration,
    /// Waits up to this long are held by the running job; longer ones are handed to a new job
    /// scheduled for then, freeing the worker.
    pub hold_inline: Duration,
}

impl Default for SendPolicy {
    fn default() -> Self {
        SendPolicy {
            limiter: LimiterConfig::default(),
            retry: RetryPolicy::default(),
            claim_ttl: Duration::minutes(2),
            hold_inline: Duration::seconds(30),
        }
    }
}

impl SendPolicy {
    pub fn from_settings(
        limiter: &LimiterSettings,
        retry: &RetrySettings,
    ) -> Result<SendPolicy, String> {
        Ok(SendPolicy {
            limiter: LimiterConfig::from_settings(limiter)?,
            retry: RetryPolicy::from_settings(retry)?,
            ..SendPolicy::default()
        })
    }
}

/// The WhatsApp message id of a log row: fixed before the first send, the same on every retry.
/// Shaped like the ids WhatsApp clients generate (`3EB0…`, upper-case hex).
pub fn message_id_for(log_id: i64) -> String {
    format!("3EB0DF{log_id:014X}")
}

/// A message the worker may hand to the transport now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub log_id: i64,
    pub phone: Phone,
    pub text: String,
    pub message_id: String,
    /// 1 for the first send.
    pub attempt: i32,
    /// A previous send of this message may have gone out (its worker died before recording
    /// the outcome); the transport's deduplication on `message_id` keeps it to one.
    pub in_doubt: bool,
}

/// Why there is nothing to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    NotFound,
    AlreadySent,
    AlreadyFailed,
    /// Another job is sending it right now.
    Busy,
    /// Scheduled later (a retry after backoff); the job enqueued for that time will send it.
    NotDue(DateTime<Utc>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Send it: the slot is reserved and the claim committed with the caller's transaction.
    Send(Outgoing),
    /// Not now. With `requeued` a new job is enqueued for `until` and the caller is done;
    /// without, the wait is short and the caller should wait and claim again.
    Wait {
        until: DateTime<Utc>,
        reason: WaitReason,
        requeued: bool,
    },
    Skip(Skip),
}

/// Step 1: claims log `log_id` for job `job_id`, sending through `sender` (the connected
/// number; `None` when there is no connection). Call it in a transaction of its own and commit
/// before sending.
pub async fn claim(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    policy: &SendPolicy,
    log_id: i64,
    job_id: &str,
    sender: Option<&str>,
) -> Result<Claim, DomainError> {
    let now = clock.now();
    type Row = (
        String,
        String,
        String,
        DateTime<Utc>,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<String>,
        i32,
        Option<DateTime<Utc>>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT status, phone, message, scheduled_for, claimed_by, claimed_at, wa_message_id, attempts,
                acked_at
         FROM whatsapp_logs WHERE id = $1 FOR UPDATE",
    )
    .bind(log_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((
        status,
        phone,
        text,
        scheduled_for,
        claimed_by,
        claimed_at,
        wa_id,
        attempts,
        acked_at,
    )) = row
    else {
        return Ok(Claim::Skip(Skip::NotFound));
    };
    match status.as_str() {
        "SENT" => return Ok(Claim::Skip(Skip::AlreadySent)),
        "FAILED" => return Ok(Claim::Skip(Skip::AlreadyFailed)),
        _ => {}
    }
    // The server acknowledged this id, but the worker that sent it died before recording it:
    // it went out, so it is recorded as sent and never sent again.
    if let Some(acked) = acked_at {
        sqlx::query(
            "UPDATE whatsapp_logs SET status = 'SENT', sent_at = $2, last_error = NULL,
                    hold_reason = NULL, claimed_by = NULL, claimed_at = NULL, updated_at = $3
             WHERE id = $1",
        )
        .bind(log_id)
        .bind(acked)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        return Ok(Claim::Skip(Skip::AlreadySent));
    }
    let in_doubt = match (claimed_by.as_deref(), claimed_at) {
        (Some(by), _) if by == job_id => true,
        (Some(_), Some(at)) if at > now - policy.claim_ttl => return Ok(Claim::Skip(Skip::Busy)),
        (Some(_), _) => true,
        (None, _) => false,
    };
    if scheduled_for > now {
        if scheduled_for - now <= policy.hold_inline {
            return Ok(Claim::Wait {
                until: scheduled_for,
                reason: WaitReason::Scheduled,
                requeued: false,
            });
        }
        return Ok(Claim::Skip(Skip::NotDue(scheduled_for)));
    }
    let phone = match Phone::parse(&phone) {
        Ok(p) => p,
        Err(e) => {
            fail(
                conn,
                now,
                log_id,
                &format!("nomor HP tidak valid ({phone:?}): {e}"),
            )
            .await?;
            return Ok(Claim::Skip(Skip::AlreadyFailed));
        }
    };
    let Some(sender) = sender else {
        let until = now + policy.retry.unavailable_delay;
        return wait(conn, now, policy, log_id, until, WaitReason::NotConnected).await;
    };
    match limiter::reserve(conn, clock, &policy.limiter, sender).await? {
        Slot::Wait { until, reason } => wait(conn, now, policy, log_id, until, reason).await,
        Slot::Granted => {
            let message_id = wa_id.unwrap_or_else(|| message_id_for(log_id));
            sqlx::query(
                "UPDATE whatsapp_logs SET claimed_by = $2, claimed_at = $3, attempts = attempts + 1,
                        wa_message_id = $4, sender = $5, updated_at = $3
                 WHERE id = $1",
            )
            .bind(log_id)
            .bind(job_id)
            .bind(now)
            .bind(&message_id)
            .bind(sender)
            .execute(&mut *conn)
            .await?;
            Ok(Claim::Send(Outgoing {
                log_id,
                phone,
                text,
                message_id,
                attempt: attempts + 1,
                in_doubt,
            }))
        }
    }
}

async fn wait(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    policy: &SendPolicy,
    log_id: i64,
    until: DateTime<Utc>,
    reason: WaitReason,
) -> Result<Claim, DomainError> {
    if until - now <= policy.hold_inline {
        return Ok(Claim::Wait {
            until,
            reason,
            requeued: false,
        });
    }
    reschedule(conn, now, log_id, until).await?;
    Ok(Claim::Wait {
        until,
        reason,
        requeued: true,
    })
}

/// Holds the message until `until` and enqueues the job that will send it then.
async fn reschedule(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    log_id: i64,
    until: DateTime<Utc>,
) -> Result<(), DomainError> {
    let held = sqlx::query(
        "UPDATE whatsapp_logs SET scheduled_for = $2, claimed_by = NULL, claimed_at = NULL, updated_at = $3
         WHERE id = $1 AND status = 'PENDING'",
    )
    .bind(log_id)
    .bind(until)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if held.rows_affected() == 1 {
        jobs::enqueue_at(conn, &[jobs::SendWhatsapp { log_id }], until).await?;
    }
    Ok(())
}

/// Holds a PENDING message until `until` and enqueues the job that sends it then, on the
/// caller's transaction: how a worker shutting down during a short wait hands the message on.
pub async fn postpone(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    log_id: i64,
    until: DateTime<Utc>,
) -> Result<(), DomainError> {
    reschedule(conn, clock.now(), log_id, until).await
}

async fn fail(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    log_id: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE whatsapp_logs SET status = 'FAILED', last_error = $2, claimed_by = NULL,
                claimed_at = NULL, updated_at = $3
         WHERE id = $1",
    )
    .bind(log_id)
    .bind(truncate(error, 2000))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Why a message waits without being tried (there is no connection to send through), for the
/// log page; the wait itself is already scheduled by [`claim`].
pub async fn note_hold(
    conn: &mut PgConnection,
    log_id: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE whatsapp_logs SET hold_reason = $2, last_error = $3
         WHERE id = $1 AND status = 'PENDING'",
    )
    .bind(log_id)
    .bind(truncate(reason, 500))
    .bind(truncate(
        &format!("menunggu koneksi WhatsApp: {reason}"),
        2000,
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Step 3 after a successful send. False when this job no longer holds the claim (another
/// job took over and recorded the send first): nothing is changed then.
pub async fn mark_sent(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    log_id: i64,
    job_id: &str,
    wa_message_id: &str,
) -> Result<bool, DomainError> {
    let now = clock.now();
    let done = sqlx::query(
        "UPDATE whatsapp_logs SET status = 'SENT', sent_at = $3, wa_message_id = $4, last_error = NULL,
                acked_at = coalesce(acked_at, $3), hold_reason = NULL, claimed_by = NULL,
                claimed_at = NULL, updated_at = $3
         WHERE id = $1 AND status = 'PENDING' AND claimed_by = $2",
    )
    .bind(log_id)
    .bind(job_id)
    .bind(now)
    .bind(wa_message_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How a send failed, as the transport classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No connection (not paired, reconnecting): the message waits, no attempt is counted.
    Unavailable,
    /// May pass (timeout, network, server busy): retried with backoff up to the limit. The
    /// message may have gone out, so its reservation stays counted.
    Transient,
    /// Will never work (the number is not on WhatsApp): FAILED at once.
    Permanent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureOutcome {
    /// A retry is enqueued for `at`.
    Retry { at: DateTime<Utc>, attempt: i32 },
    /// Waiting for the connection until `at` (not an attempt).
    Waiting { at: DateTime<Utc> },
    /// No attempts left, or a permanent error: the row is FAILED with the error kept.
    Failed,
    /// This job no longer holds the claim; nothing changed.
    Stale,
}

/// Step 3 after a failed send, on the caller's transaction.
pub async fn record_failure(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    policy: &SendPolicy,
    log_id: i64,
    job_id: &str,
    kind: FailureKind,
    error: &str,
) -> Result<FailureOutcome, DomainError> {
    let now = clock.now();
    let row: Option<(String, Option<String>, i32, Option<String>)> = sqlx::query_as(
        "SELECT status, claimed_by, attempts, sender FROM whatsapp_logs WHERE id = $1 FOR UPDATE",
    )
    .bind(log_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((status, claimed_by, attempts, sender)) = row else {
        return Ok(FailureOutcome::Stale);
    };
    if status != "PENDING" || claimed_by.as_deref() != Some(job_id) {
        return Ok(FailureOutcome::Stale);
    }
    let max = i32::try_from(policy.retry.max_attempts).unwrap_or(i32::MAX);
    match kind {
        FailureKind::Unavailable => {
            if let Some(sender) = &sender {
                limiter::refund(conn, clock, sender).await?;
            }
            let at = now + policy.retry.unavailable_delay;
            sqlx::query(
                "UPDATE whatsapp_logs SET attempts = greatest(attempts - 1, 0), last_error = $2,
                        hold_reason = $3
                 WHERE id = $1",
            )
            .bind(log_id)
            .bind(truncate(
                &format!("menunggu koneksi WhatsApp: {error}"),
                2000,
            ))
            .bind(truncate(error, 500))
            .execute(&mut *conn)
            .await?;
            reschedule(conn, now, log_id, at).await?;
            Ok(FailureOutcome::Waiting { at })
        }
        FailureKind::Transient if attempts < max => {
            let at = now
                + policy
                    .retry
                    .backoff(u32::try_from(attempts).unwrap_or(1), limiter::random_unit());
            sqlx::query("UPDATE whatsapp_logs SET last_error = $2 WHERE id = $1")
                .bind(log_id)
                .bind(truncate(
                    &format!("percobaan {attempts}/{max} gagal: {error}"),
                    2000,
                ))
                .execute(&mut *conn)
                .await?;
            reschedule(conn, now, log_id, at).await?;
            Ok(FailureOutcome::Retry {
                at,
                attempt: attempts,
            })
        }
        FailureKind::Transient => {
            fail(
                conn,
                now,
                log_id,
                &format!("gagal setelah {attempts} percobaan: {error}"),
            )
            .await?;
            Ok(FailureOutcome::Failed)
        }
        FailureKind::Permanent => {
            if let Some(sender) = &sender {
                limiter::refund(conn, clock, sender).await?;
            }
            fail(conn, now, log_id, &format!("ditolak WhatsApp: {error}")).await?;
            Ok(FailureOutcome::Failed)
        }
    }
}

/// A safety net run by the workers every minute: PENDING messages that are overdue by more
/// than `older_than` and have no live job (a job that exhausted its attempts while the
/// database was unreachable, say) get a new send job. Returns the ids re-enqueued. A spare job
/// costs nothing: the claim turns it into a no-op.
pub async fn requeue_stranded(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    policy: &SendPolicy,
    older_than: Duration,
    limit: i64,
) -> Result<Vec<i64>, DomainError> {
    let now = clock.now();
    // One sweeper at a time across all workers; the others skip this round.
    let got: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext('dfresto:whatsapp-sweep'))")
            .fetch_one(&mut *conn)
            .await?;
    if !got {
        return Ok(Vec::new());
    }
    let queued = jobs::inspect::live_job_keys(conn, jobs::queue::WHATSAPP, "log_id").await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT l.id FROM whatsapp_logs l
         WHERE l.status = 'PENDING' AND l.scheduled_for < $1
           AND (l.claimed_at IS NULL OR l.claimed_at < $2)
           AND l.id::text <> ALL($3::text[])
         ORDER BY l.scheduled_for, l.id
         LIMIT $4",
    )
    .bind(now - older_than)
    .bind(now - policy.claim_ttl)
    .bind(queued)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let jobs: Vec<jobs::SendWhatsapp> = ids
        .iter()
        .map(|&log_id| jobs::SendWhatsapp { log_id })
        .collect();
    jobs::enqueue(conn, &jobs).await?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 1.0), Duration::seconds(30));
        assert_eq!(p.backoff(1, 0.0), Duration::seconds(15));
        assert_eq!(p.backoff(2, 1.0), Duration::seconds(60));
        assert_eq!(p.backoff(3, 1.0), Duration::seconds(120));
        assert_eq!(p.backoff(20, 1.0), Duration::hours(1));
        assert_eq!(p.backoff(200, 1.0), Duration::hours(1));
        let b = p.backoff(4, 0.5);
        assert!(b >= Duration::seconds(120) && b <= Duration::seconds(240));
    }

    #[test]
    fn message_ids_are_fixed_per_log_and_distinct() {
        assert_eq!(message_id_for(42), message_id_for(42));
        assert_ne!(message_id_for(42), message_id_for(43));
        assert_eq!(message_id_for(1), "3EB0DF00000000000001");
        assert_eq!(message_id_for(1).len(), 20);
    }

    #[test]
    fn retry_settings_come_from_variables() {
        let p = RetryPolicy::from_settings(&RetrySettings {
            max_attempts: Some(Setting::new("ATTEMPTS", "3")),
            base_secs: Some(Setting::new("BASE", "2")),
            max_secs: None,
        })
        .unwrap();
        assert_eq!(p.max_attempts, 3);
        assert_eq!(p.base_delay, Duration::seconds(2));
        assert_eq!(p.max_delay, Duration::hours(1));
        let bad = RetryPolicy::from_settings(&RetrySettings {
            max_secs: Some(Setting::new("MAX", "x")),
            ..RetrySettings::default()
        });
        assert_eq!(bad.unwrap_err(), "MAX: not a whole number: \"x\"");
    }
}
