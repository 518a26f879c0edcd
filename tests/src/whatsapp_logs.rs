//! WhatsApp log rows in any state, written straight into the table for the operations tests,
//! and a row's state read back.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::TestApp;

/// A WhatsApp log row.
pub struct Log<'a> {
    pub phone: &'a str,
    pub message: &'a str,
    /// `PENDING`, `SENT` or `FAILED`.
    pub status: &'a str,
    /// `ORDER`, `INVOICE`, `REMINDER`, `MANUAL`.
    pub kind: &'a str,
    pub stokis_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl TestApp {
    /// Writes `log` (a stokis message when it names a stokis, else a manual one); returns its
    /// id.
    pub async fn insert_log(&self, log: Log<'_>) -> i64 {
        // Each row needs its own dedup key, across every test of the process.
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let recipient = if log.stokis_id.is_some() {
            "stokis"
        } else {
            "manual"
        };
        sqlx::query_scalar(
            "INSERT INTO whatsapp_logs (phone, message, status, type, event, recipient, stokis_id,
                                        dedup_key, attempts, last_error, scheduled_for, sent_at,
                                        created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'test', $5, $6, $7,
                     CASE WHEN $3 = 'PENDING' THEN 0 ELSE 1 END,
                     CASE WHEN $3 = 'FAILED' THEN 'nomor tidak terdaftar di WhatsApp' END,
                     $8, CASE WHEN $3 = 'SENT' THEN $8 END, $8, $8)
             RETURNING id",
        )
        .bind(log.phone)
        .bind(log.message)
        .bind(log.status)
        .bind(log.kind)
        .bind(recipient)
        .bind(log.stokis_id)
        .bind(format!("ops-test:{}:{n}", std::process::id()))
        .bind(log.created_at)
        .fetch_one(&self.db.pool)
        .await
        .expect("insert the WhatsApp log row")
    }

    /// (status, attempts, last_error) of a log row.
    pub async fn log_state(&self, id: i64) -> (String, i32, Option<String>) {
        sqlx::query_as("SELECT status, attempts, last_error FROM whatsapp_logs WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .expect("the log row's state")
    }
}
