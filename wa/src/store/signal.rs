//! `SignalStore` on PostgreSQL: identities, Signal sessions, one-time and signed pre-keys,
//! group sender keys (`wa_identities`, `wa_signal_sessions`, `wa_prekeys`,
//! `wa_signed_prekeys`, `wa_sender_keys`).

use std::sync::Arc;

use whatsapp_rust::async_trait;
use whatsapp_rust::bytes::Bytes;
use whatsapp_rust::wacore::store::error::StoreError;
use whatsapp_rust::wacore::store::traits::SignalStore;

use super::{PgStore, Result, db, id_u32, last_per_key};

/// An upsert of `(address, blob)` rows, one statement for a whole batch.
macro_rules! upsert_by_address {
    ($table:literal, $column:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            " (session_id, address, ",
            $column,
            ") SELECT $1, a, v FROM UNNEST($2::text[], $3::bytea[]) AS u(a, v) \
             ON CONFLICT (session_id, address) DO UPDATE SET ",
            $column,
            " = EXCLUDED.",
            $column
        )
    };
}

const UPSERT_IDENTITIES: &str = upsert_by_address!("wa_identities", "key");
const UPSERT_SESSIONS: &str = upsert_by_address!("wa_signal_sessions", "record");
const UPSERT_SENDER_KEYS: &str = upsert_by_address!("wa_sender_keys", "record");

const UPSERT_PREKEYS: &str = "INSERT INTO wa_prekeys (session_id, id, record, uploaded) \
     SELECT $1, i, r, $4 FROM UNNEST($2::bigint[], $3::bytea[]) AS u(i, r) \
     ON CONFLICT (session_id, id) DO UPDATE SET record = EXCLUDED.record, uploaded = EXCLUDED.uploaded";

impl PgStore {
    /// One upsert statement for a batch of `(address, blob)` rows, the last one per address
    /// winning as if they had been written in order.
    async fn upsert_blobs(&self, statement: &'static str, rows: &[(&str, &[u8])]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows = last_per_key(rows, |(address, _)| *address);
        let addresses: Vec<&str> = rows.iter().map(|(a, _)| *a).collect();
        let blobs: Vec<&[u8]> = rows.iter().map(|(_, b)| *b).collect();
        self.ready().await?;
        sqlx::query(statement)
            .bind(self.sid())
            .bind(&addresses)
            .bind(&blobs)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn blob_by_address(
        &self,
        statement: &'static str,
        address: &str,
    ) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar(statement)
            .bind(self.sid())
            .bind(address)
            .fetch_optional(self.pool())
            .await
            .map_err(db)
    }

    async fn delete_by_address(&self, statement: &'static str, address: &str) -> Result<()> {
        sqlx::query(statement)
            .bind(self.sid())
            .bind(address)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn delete_by_id(&self, statement: &'static str, id: u32) -> Result<()> {
        sqlx::query(statement)
            .bind(self.sid())
            .bind(i64::from(id))
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }
}

#[async_trait]
impl SignalStore for PgStore {
    async fn put_identity(&self, address: &str, key: [u8; 32]) -> Result<()> {
        self.upsert_blobs(UPSERT_IDENTITIES, &[(address, &key[..])])
            .await
    }

    async fn put_identities_batch(&self, identities: &[(Arc<str>, [u8; 32])]) -> Result<()> {
        let rows: Vec<(&str, &[u8])> = identities.iter().map(|(a, k)| (&**a, &k[..])).collect();
        self.upsert_blobs(UPSERT_IDENTITIES, &rows).await
    }

    async fn load_identity(&self, address: &str) -> Result<Option<[u8; 32]>> {
        let key = self
            .blob_by_address(
                "SELECT key FROM wa_identities WHERE session_id = $1 AND address = $2",
                address,
            )
            .await?;
        key.map(|key| {
            <[u8; 32]>::try_from(key.as_slice()).map_err(|_| {
                StoreError::Validation(format!(
                    "identity key for '{address}' has {} bytes, not 32",
                    key.len()
                ))
            })
        })
        .transpose()
    }

    async fn delete_identity(&self, address: &str) -> Result<()> {
        self.delete_by_address(
            "DELETE FROM wa_identities WHERE session_id = $1 AND address = $2",
            address,
        )
        .await
    }

    async fn get_session(&self, address: &str) -> Result<Option<Bytes>> {
        let record = self
            .blob_by_address(
                "SELECT record FROM wa_signal_sessions WHERE session_id = $1 AND address = $2",
                address,
            )
            .await?;
        Ok(record.map(Bytes::from))
    }

    async fn put_session(&self, address: &str, session: &[u8]) -> Result<()> {
        self.upsert_blobs(UPSERT_SESSIONS, &[(address, session)])
            .await
    }

    async fn put_sessions_batch(&self, sessions: &[(Arc<str>, Bytes)]) -> Result<()> {
        let rows: Vec<(&str, &[u8])> = sessions.iter().map(|(a, s)| (&**a, &s[..])).collect();
        self.upsert_blobs(UPSERT_SESSIONS, &rows).await
    }

    async fn delete_session(&self, address: &str) -> Result<()> {
        self.delete_by_address(
            "DELETE FROM wa_signal_sessions WHERE session_id = $1 AND address = $2",
            address,
        )
        .await
    }

    async fn has_session(&self, address: &str) -> Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM wa_signal_sessions WHERE session_id = $1 AND address = $2)",
        )
        .bind(self.sid())
        .bind(address)
        .fetch_one(self.pool())
        .await
        .map_err(db)
    }

    async fn has_signal_state_for_user(&self, user: &str) -> Result<bool> {
        // Addresses are `user@server` (device 0) or `user:device@server`: a prefix compare,
        // without LIKE so nothing in `user` acts as a wildcard.
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM wa_signal_sessions WHERE session_id = $1 \
                 AND left(address, length($2) + 1) IN ($2 || '@', $2 || ':')) \
             OR EXISTS (SELECT 1 FROM wa_identities WHERE session_id = $1 \
                 AND left(address, length($2) + 1) IN ($2 || '@', $2 || ':'))",
        )
        .bind(self.sid())
        .bind(user)
        .fetch_one(self.pool())
        .await
        .map_err(db)
    }

    async fn store_prekey(&self, id: u32, record: &[u8], uploaded: bool) -> Result<()> {
        self.store_prekeys_batch(&[(id, Bytes::copy_from_slice(record))], uploaded)
            .await
    }

    async fn store_prekeys_batch(&self, keys: &[(u32, Bytes)], uploaded: bool) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let keys = last_per_key(keys, |(id, _)| *id);
        let ids: Vec<i64> = keys.iter().map(|(id, _)| i64::from(*id)).collect();
        let records: Vec<&[u8]> = keys.iter().map(|(_, r)| &r[..]).collect();
        self.ready().await?;
        sqlx::query(UPSERT_PREKEYS)
            .bind(self.sid())
            .bind(&ids)
            .bind(&records)
            .bind(uploaded)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn load_prekey(&self, id: u32) -> Result<Option<Bytes>> {
        let record: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT record FROM wa_prekeys WHERE session_id = $1 AND id = $2")
                .bind(self.sid())
                .bind(i64::from(id))
                .fetch_optional(self.pool())
                .await
                .map_err(db)?;
        Ok(record.map(Bytes::from))
    }

    async fn load_prekeys_batch(&self, ids: &[u32]) -> Result<Vec<(u32, Bytes)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|&id| i64::from(id)).collect();
        // In the order asked, like the default implementation.
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT p.id, p.record FROM UNNEST($2::bigint[]) WITH ORDINALITY AS q(id, ord) \
             JOIN wa_prekeys p ON p.session_id = $1 AND p.id = q.id ORDER BY q.ord",
        )
        .bind(self.sid())
        .bind(&ids)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|(id, record)| Ok((id_u32(id)?, Bytes::from(record))))
            .collect()
    }

    async fn mark_prekeys_uploaded(&self, ids: &[u32]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        // UPDATE only: a key consumed since the upload snapshot must stay deleted.
        let ids: Vec<i64> = ids.iter().map(|&id| i64::from(id)).collect();
        sqlx::query("UPDATE wa_prekeys SET uploaded = true WHERE session_id = $1 AND id = ANY($2)")
            .bind(self.sid())
            .bind(&ids)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn remove_prekey(&self, id: u32) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM wa_prekeys WHERE session_id = $1 AND id = $2",
            id,
        )
        .await
    }

    async fn get_max_prekey_id(&self) -> Result<u32> {
        let max: Option<i64> =
            sqlx::query_scalar("SELECT max(id) FROM wa_prekeys WHERE session_id = $1")
                .bind(self.sid())
                .fetch_one(self.pool())
                .await
                .map_err(db)?;
        max.map_or(Ok(0), id_u32)
    }

    async fn store_signed_prekey(&self, id: u32, record: &[u8]) -> Result<()> {
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_signed_prekeys (session_id, id, record) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id, id) DO UPDATE SET record = EXCLUDED.record",
        )
        .bind(self.sid())
        .bind(i64::from(id))
        .bind(record)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn load_signed_prekey(&self, id: u32) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT record FROM wa_signed_prekeys WHERE session_id = $1 AND id = $2")
            .bind(self.sid())
            .bind(i64::from(id))
            .fetch_optional(self.pool())
            .await
            .map_err(db)
    }

    async fn load_all_signed_prekeys(&self) -> Result<Vec<(u32, Vec<u8>)>> {
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT id, record FROM wa_signed_prekeys WHERE session_id = $1 ORDER BY id",
        )
        .bind(self.sid())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|(id, record)| Ok((id_u32(id)?, record)))
            .collect()
    }

    async fn remove_signed_prekey(&self, id: u32) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM wa_signed_prekeys WHERE session_id = $1 AND id = $2",
            id,
        )
        .await
    }

    async fn put_sender_key(&self, address: &str, record: &[u8]) -> Result<()> {
        self.upsert_blobs(UPSERT_SENDER_KEYS, &[(address, record)])
            .await
    }

    async fn put_sender_keys_batch(&self, sender_keys: &[(Arc<str>, Bytes)]) -> Result<()> {
        let rows: Vec<(&str, &[u8])> = sender_keys.iter().map(|(a, r)| (&**a, &r[..])).collect();
        self.upsert_blobs(UPSERT_SENDER_KEYS, &rows).await
    }

    async fn get_sender_key(&self, address: &str) -> Result<Option<Vec<u8>>> {
        self.blob_by_address(
            "SELECT record FROM wa_sender_keys WHERE session_id = $1 AND address = $2",
            address,
        )
        .await
    }

    async fn delete_sender_key(&self, address: &str) -> Result<()> {
        self.delete_by_address(
            "DELETE FROM wa_sender_keys WHERE session_id = $1 AND address = $2",
            address,
        )
        .await
    }
}
