//! One WhatsApp send job: claim → transport → record (see `domain::whatsapp::send` for why
//! that order makes a crash harmless), waiting in between when the limiter says the next slot
//! is only seconds away. The rules live in the domain; this is the glue with the transport,
//! the clock and shutdown.

use crate::messenger::{Message, Messenger, SendError};
use chrono::{DateTime, Utc};
use domain::Phone;
use domain::SharedClock;
use domain::error::DomainError;
use domain::whatsapp::{self, Claim, FailureOutcome, Outgoing, SendPolicy, Skip, WaitReason};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What one step (or one job) ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        wa_message_id: String,
        attempt: i32,
        /// A previous attempt may have gone out before its worker died; the transport's
        /// deduplication on the message id delivered it once.
        in_doubt: bool,
    },
    /// Another job holding a newer claim recorded the result first.
    Superseded,
    /// The send failed; a retry is scheduled.
    RetryAt(DateTime<Utc>),
    /// No connection; the message waits without using an attempt.
    WaitingForConnection(DateTime<Utc>),
    /// No attempts left or a permanent error: the log row is FAILED with the error.
    Failed,
    /// The limiter (quiet hours, daily cap) holds it: a job is enqueued for `until`.
    Held {
        until: DateTime<Utc>,
        reason: WaitReason,
    },
    /// The next slot is seconds away: wait until `until` and step again.
    WaitBriefly {
        until: DateTime<Utc>,
        reason: WaitReason,
    },
    Skipped(Skip),
}

/// Sends logged messages through a transport.
#[derive(Clone)]
pub struct SendPipeline {
    pub pool: PgPool,
    pub clock: SharedClock,
    pub policy: SendPolicy,
    pub messenger: Arc<dyn Messenger>,
    /// A transport call taking longer counts as a transient failure.
    pub timeout: Duration,
    /// What the pipeline does to a message before the transport, for test mode and demo data.
    pub guard: Guard,
}

/// Test mode and the demo-data guard.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// `WHATSAPP_REDIRECT_TO`: every message goes to this number instead, naming its intended
    /// recipient at the top.
    pub redirect_to: Option<Phone>,
    /// Refuse to message the made-up numbers of a demo database unless redirected: set for the
    /// real WhatsApp client.
    pub refuse_demo_data: bool,
}

/// Why a message to a demo database's number is held.
pub const DEMO_DATA_HELD: &str = "database berisi data demo: pesan tidak dikirim ke nomor \
     sebenarnya (atur WHATSAPP_REDIRECT_TO untuk uji coba)";

impl SendPipeline {
    /// One round for log `log_id` on behalf of job `job_id`: claim (committed), send,
    /// record (committed).
    pub async fn step(&self, log_id: i64, job_id: &str) -> Result<Outcome, DomainError> {
        let clock = self.clock.as_ref();
        let sender = self.messenger.sender();
        let mut tx = self.pool.begin().await?;
        let claim = whatsapp::claim(
            &mut tx,
            clock,
            &self.policy,
            log_id,
            job_id,
            sender.as_deref(),
        )
        .await?;
        if let (
            None,
            Claim::Wait {
                reason: WaitReason::NotConnected,
                ..
            },
            Some(why),
        ) = (&sender, &claim, self.messenger.waiting_reason())
        {
            whatsapp::note_hold(&mut tx, log_id, &why).await?;
        }
        tx.commit().await?;
        let out = match claim {
            Claim::Send(out) => out,
            Claim::Skip(skip) => return Ok(Outcome::Skipped(skip)),
            Claim::Wait {
                until,
                reason,
                requeued: true,
            } => return Ok(Outcome::Held { until, reason }),
            Claim::Wait {
                until,
                reason,
                requeued: false,
            } => return Ok(Outcome::WaitBriefly { until, reason }),
        };
        if out.in_doubt {
            tracing::warn!(
                log_id,
                message_id = %out.message_id,
                "re-sending a message whose previous attempt may have gone out; the transport deduplicates its id"
            );
        }

        let (attempt, in_doubt) = (out.attempt, out.in_doubt);
        let result = match self.guarded(out).await? {
            Err(held) => Err(held),
            Ok(msg) => match tokio::time::timeout(self.timeout, self.messenger.send(&msg)).await {
                Ok(result) => result,
                Err(_) => Err(SendError::Transient(format!(
                    "no answer from {} within {} s",
                    self.messenger.name(),
                    self.timeout.as_secs()
                ))),
            },
        };

        let mut tx = self.pool.begin().await?;
        let outcome = match result {
            Ok(delivered) => {
                if whatsapp::mark_sent(&mut tx, clock, log_id, job_id, &delivered.wa_message_id)
                    .await?
                {
                    Outcome::Sent {
                        wa_message_id: delivered.wa_message_id,
                        attempt,
                        in_doubt,
                    }
                } else {
                    Outcome::Superseded
                }
            }
            Err(e) => {
                tracing::warn!(log_id, attempt, error = %e, "WhatsApp send failed");
                let recorded = whatsapp::record_failure(
                    &mut tx,
                    clock,
                    &self.policy,
                    log_id,
                    job_id,
                    e.kind(),
                    &e.to_string(),
                )
                .await?;
                match recorded {
                    FailureOutcome::Retry { at, .. } => Outcome::RetryAt(at),
                    FailureOutcome::Waiting { at } => Outcome::WaitingForConnection(at),
                    FailureOutcome::Failed => Outcome::Failed,
                    FailureOutcome::Stale => Outcome::Superseded,
                }
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The message the transport gets: redirected in test mode; held (as "no connection",
    /// which counts no attempt) when it would reach a demo database's made-up number.
    async fn guarded(&self, out: Outgoing) -> Result<Result<Message, SendError>, DomainError> {
        if let Some(tester) = &self.guard.redirect_to {
            return Ok(Ok(Message {
                to: tester.clone(),
                text: whatsapp::redirect_text(&out.phone, None, &out.text),
                message_id: out.message_id,
            }));
        }
        if self.guard.refuse_demo_data {
            let mut conn = self.pool.acquire().await?;
            if whatsapp::is_demo_data(&mut conn).await? {
                return Ok(Err(SendError::Unavailable(DEMO_DATA_HELD.to_owned())));
            }
        }
        Ok(Ok(Message {
            to: out.phone,
            text: out.text,
            message_id: out.message_id,
        }))
    }

    /// The whole job: steps until the message is sent, failed or handed to a later job. A
    /// shutdown during a short wait hands the message to a job scheduled for the end of the
    /// wait, so the worker can stop at once.
    pub async fn run_job(
        &self,
        log_id: i64,
        job_id: &str,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<Outcome, DomainError> {
        loop {
            let outcome = self.step(log_id, job_id).await?;
            let Outcome::WaitBriefly { until, reason } = outcome else {
                return Ok(outcome);
            };
            let hold = self.policy.hold_inline.to_std().unwrap_or(Duration::ZERO);
            let wait = (until - self.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(hold);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = crate::until_set(&mut shutdown) => {
                    let mut tx = self.pool.begin().await?;
                    whatsapp::postpone(&mut tx, self.clock.as_ref(), log_id, until).await?;
                    tx.commit().await?;
                    return Ok(Outcome::Held { until, reason });
                }
            }
        }
    }
}
