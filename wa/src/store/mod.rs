//! The whatsapp-rust session store on PostgreSQL: [`PgStore`] implements the five store traits
//! of whatsapp-rust 0.7 (so it is a `whatsapp_rust::store::traits::Backend`) over the `wa_*`
//! tables of migration `20261207000001_whatsapp_store.sql`, every row keyed by the link session.
//!
//! Semantics follow the crate's in-memory backend (the contract tests run the same sequences
//! on both), with the atomic parts done by PostgreSQL: `take_sent_message` is one
//! `DELETE … RETURNING`, the tc-token writers are single upserts, and every batch method is
//! one statement over `UNNEST`ed arrays.
//!
//! The session row: every `wa_*` table references `whatsapp_sessions(session_id)`. A `PgStore`
//! creates that row itself (`INSERT … ON CONFLICT DO NOTHING`) before its first write, once per
//! store value, so the client may start on a session nobody has recorded yet.

mod app_sync;
mod device;
mod msg_secret;
mod protocol;
mod signal;

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::PgPool;
use whatsapp_rust::wacore::store::error::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// The whatsapp-rust store of one link session (`whatsapp_sessions.session_id`) on PostgreSQL.
/// Cloning is cheap (one `Arc`); clones share the pool and the session.
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    session_id: String,
    /// Set once the `whatsapp_sessions` row is known to exist, so writes after the first skip
    /// the extra statement.
    session_ready: AtomicBool,
    /// Set by [`PgStore::wipe`]: this value writes nothing more, so a stopped client's last
    /// flush cannot bring a wiped session back. The next client gets [`PgStore::fresh`].
    fenced: AtomicBool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("session_id", &self.inner.session_id)
            .finish_non_exhaustive()
    }
}

/// The tables [`PgStore::wipe`] empties for a session: everything the traits write.
const SESSION_TABLES: &[&str] = &[
    "DELETE FROM wa_device WHERE session_id = $1",
    "DELETE FROM wa_identities WHERE session_id = $1",
    "DELETE FROM wa_signal_sessions WHERE session_id = $1",
    "DELETE FROM wa_prekeys WHERE session_id = $1",
    "DELETE FROM wa_signed_prekeys WHERE session_id = $1",
    "DELETE FROM wa_sender_keys WHERE session_id = $1",
    "DELETE FROM wa_sync_keys WHERE session_id = $1",
    "DELETE FROM wa_app_state_versions WHERE session_id = $1",
    "DELETE FROM wa_mutation_macs WHERE session_id = $1",
    "DELETE FROM wa_sender_key_devices WHERE session_id = $1",
    "DELETE FROM wa_lid_pn WHERE session_id = $1",
    "DELETE FROM wa_base_keys WHERE session_id = $1",
    "DELETE FROM wa_device_lists WHERE session_id = $1",
    "DELETE FROM wa_group_metadata WHERE session_id = $1",
    "DELETE FROM wa_tc_tokens WHERE session_id = $1",
    "DELETE FROM wa_sent_messages WHERE session_id = $1",
    "DELETE FROM wa_pending_inbound WHERE session_id = $1",
    "DELETE FROM wa_msg_secrets WHERE session_id = $1",
];

impl PgStore {
    /// A store for `session_id` on `pool`. Touches no database: the session row is created
    /// on the first write.
    pub fn new(pool: PgPool, session_id: impl Into<String>) -> PgStore {
        PgStore {
            inner: Arc::new(Inner {
                pool,
                session_id: session_id.into(),
                session_ready: AtomicBool::new(false),
                fenced: AtomicBool::new(false),
            }),
        }
    }

    /// A new store value for the same session and pool, not fenced: for the client built after
    /// a wipe.
    pub fn fresh(&self) -> PgStore {
        PgStore::new(self.inner.pool.clone(), self.inner.session_id.clone())
    }

    /// The link session this store belongs to.
    pub fn session_id(&self) -> &str {
        &self.inner.session_id
    }

    /// Deletes every row of this session (device, keys, sessions, app state, caches) in one
    /// transaction, for re-pairing after a logout; the `whatsapp_sessions` row stays. A client
    /// still holding this store must be dropped first: its in-memory device would be saved
    /// back otherwise; this value is fenced from now on (see [`PgStore::fresh`]).
    pub async fn wipe(&self) -> std::result::Result<(), sqlx::Error> {
        self.inner.fenced.store(true, Ordering::Release);
        let mut tx = self.inner.pool.begin().await?;
        for statement in SESSION_TABLES {
            sqlx::query(*statement)
                .bind(&self.inner.session_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// Whether a device record (identity and keys) is stored for this session. A device is
    /// written by the client's first start and kept until [`PgStore::wipe`]; it is paired when
    /// [`PgStore::paired_phone`] gives a number.
    pub async fn has_device(&self) -> std::result::Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM wa_device WHERE session_id = $1)")
            .bind(&self.inner.session_id)
            .fetch_one(&self.inner.pool)
            .await
    }

    /// The phone-number JID the stored device is paired as (`628…@s.whatsapp.net`), if any.
    pub async fn paired_phone(&self) -> std::result::Result<Option<String>, sqlx::Error> {
        let pn: Option<Option<String>> =
            sqlx::query_scalar("SELECT pn FROM wa_device WHERE session_id = $1")
                .bind(&self.inner.session_id)
                .fetch_optional(&self.inner.pool)
                .await?;
        Ok(pn.flatten())
    }

    fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    fn sid(&self) -> &str {
        &self.inner.session_id
    }

    /// Runs `sql`, a statement over `$1` = this session and `$2` = `key` (the single-key
    /// deletes of the traits).
    async fn execute_keyed(&self, sql: &'static str, key: &str) -> Result<()> {
        sqlx::query(sql)
            .bind(self.sid())
            .bind(key)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Makes sure the `whatsapp_sessions` row the `wa_*` rows reference exists. Called before
    /// every write; only the first call per store value reaches the database.
    async fn ready(&self) -> Result<()> {
        if self.inner.fenced.load(Ordering::Acquire) {
            return Err(StoreError::Validation(
                "this WhatsApp session was wiped; its client is stopped".to_owned(),
            ));
        }
        if self.inner.session_ready.load(Ordering::Acquire) {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO whatsapp_sessions (session_id) VALUES ($1) ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(self.sid())
        .execute(self.pool())
        .await
        .map_err(db)?;
        self.inner.session_ready.store(true, Ordering::Release);
        Ok(())
    }
}

/// A database failure as the store traits report it: pool and network trouble as
/// `Connection` (worth retrying), the rest as `Database`.
fn db(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Connection(Box::new(e)),
        other => StoreError::Database(Box::new(other)),
    }
}

fn ser(e: serde_json::Error) -> StoreError {
    StoreError::Serialization(Box::new(e))
}

/// u32 ids and counts are kept as BIGINT.
fn id_u32(id: i64) -> Result<u32> {
    u32::try_from(id)
        .map_err(|_| StoreError::Validation(format!("id {id} is out of the u32 range")))
}

fn count_u32(rows: u64) -> u32 {
    u32::try_from(rows).unwrap_or(u32::MAX)
}

/// The items of a batch with one per key, the last occurrence winning and keeping its place.
/// A batch applied in order leaves exactly these, and PostgreSQL refuses an `ON CONFLICT DO
/// UPDATE` statement that touches one row twice.
fn last_per_key<'a, T, K: Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<&'a T> {
    let mut seen = HashSet::with_capacity(items.len());
    let mut kept: Vec<&T> = items
        .iter()
        .rev()
        .filter(|item| seen.insert(key(item)))
        .collect();
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::last_per_key;

    #[test]
    fn last_occurrence_wins_in_its_place() {
        let batch = [("a", 1), ("b", 2), ("a", 3), ("c", 4)];
        let kept: Vec<_> = last_per_key(&batch, |(k, _)| *k)
            .into_iter()
            .copied()
            .collect();
        assert_eq!(kept, vec![("b", 2), ("a", 3), ("c", 4)]);
    }
}
