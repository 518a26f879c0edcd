//! `AppSyncStore` on PostgreSQL: app-state sync keys, collection versions (HashState) and
//! mutation MACs (`wa_sync_keys`, `wa_app_state_versions`, `wa_mutation_macs`).

use std::collections::HashMap;

use whatsapp_rust::async_trait;
use whatsapp_rust::wacore::appstate::hash::HashState;
use whatsapp_rust::wacore::appstate::processor::AppStateMutationMAC;
use whatsapp_rust::wacore::store::traits::{AppStateSyncKey, AppSyncStore};

use super::{PgStore, Result, db, last_per_key, ser};

#[async_trait]
impl AppSyncStore for PgStore {
    async fn get_sync_key(&self, key_id: &[u8]) -> Result<Option<AppStateSyncKey>> {
        let row: Option<(Vec<u8>, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT key_data, fingerprint, key_timestamp FROM wa_sync_keys \
             WHERE session_id = $1 AND key_id = $2",
        )
        .bind(self.sid())
        .bind(key_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        Ok(
            row.map(|(key_data, fingerprint, timestamp)| AppStateSyncKey {
                key_data,
                fingerprint,
                timestamp,
            }),
        )
    }

    async fn set_sync_key(&self, key_id: &[u8], key: AppStateSyncKey) -> Result<()> {
        self.ready().await?;
        // A re-set key becomes the latest again, as in the in-memory backend.
        sqlx::query(
            "INSERT INTO wa_sync_keys (session_id, key_id, key_data, fingerprint, key_timestamp) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (session_id, key_id) DO UPDATE SET key_data = EXCLUDED.key_data, \
                 fingerprint = EXCLUDED.fingerprint, key_timestamp = EXCLUDED.key_timestamp, \
                 stored_seq = nextval('wa_store_seq')",
        )
        .bind(self.sid())
        .bind(key_id)
        .bind(&key.key_data)
        .bind(&key.fingerprint)
        .bind(key.timestamp)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn get_version(&self, name: &str) -> Result<HashState> {
        let state: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT state FROM wa_app_state_versions WHERE session_id = $1 AND name = $2",
        )
        .bind(self.sid())
        .bind(name)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        match state {
            Some(state) => serde_json::from_slice(&state).map_err(ser),
            None => Ok(HashState::default()),
        }
    }

    async fn set_version(&self, name: &str, state: HashState) -> Result<()> {
        let state = serde_json::to_vec(&state).map_err(ser)?;
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_app_state_versions (session_id, name, state) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id, name) DO UPDATE SET state = EXCLUDED.state",
        )
        .bind(self.sid())
        .bind(name)
        .bind(&state)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn put_mutation_macs(
        &self,
        name: &str,
        version: u64,
        mutations: &[AppStateMutationMAC],
    ) -> Result<()> {
        if mutations.is_empty() {
            return Ok(());
        }
        let version = i64::try_from(version).unwrap_or(i64::MAX);
        let mutations = last_per_key(mutations, |m| m.index_mac.as_slice());
        let index_macs: Vec<&[u8]> = mutations.iter().map(|m| m.index_mac.as_slice()).collect();
        let value_macs: Vec<&[u8]> = mutations.iter().map(|m| m.value_mac.as_slice()).collect();
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_mutation_macs (session_id, name, index_mac, version, value_mac) \
             SELECT $1, $2, i, $3, v FROM UNNEST($4::bytea[], $5::bytea[]) AS u(i, v) \
             ON CONFLICT (session_id, name, index_mac) DO UPDATE \
                 SET version = EXCLUDED.version, value_mac = EXCLUDED.value_mac",
        )
        .bind(self.sid())
        .bind(name)
        .bind(version)
        .bind(&index_macs)
        .bind(&value_macs)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn get_mutation_mac(&self, name: &str, index_mac: &[u8]) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT value_mac FROM wa_mutation_macs \
             WHERE session_id = $1 AND name = $2 AND index_mac = $3",
        )
        .bind(self.sid())
        .bind(name)
        .bind(index_mac)
        .fetch_optional(self.pool())
        .await
        .map_err(db)
    }

    async fn get_mutation_macs(
        &self,
        name: &str,
        index_macs: &[[u8; 32]],
    ) -> Result<HashMap<[u8; 32], Vec<u8>>> {
        if index_macs.is_empty() {
            return Ok(HashMap::new());
        }
        let wanted: Vec<&[u8]> = index_macs.iter().map(|m| m.as_slice()).collect();
        let rows: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as(
            "SELECT index_mac, value_mac FROM wa_mutation_macs \
             WHERE session_id = $1 AND name = $2 AND index_mac = ANY($3)",
        )
        .bind(self.sid())
        .bind(name)
        .bind(&wanted)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        // Only 32-byte index MACs can match the 32-byte keys asked for.
        Ok(rows
            .into_iter()
            .filter_map(|(index, value)| {
                <[u8; 32]>::try_from(index.as_slice())
                    .ok()
                    .map(|i| (i, value))
            })
            .collect())
    }

    async fn delete_mutation_macs(&self, name: &str, index_macs: &[Vec<u8>]) -> Result<()> {
        if index_macs.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "DELETE FROM wa_mutation_macs WHERE session_id = $1 AND name = $2 AND index_mac = ANY($3)",
        )
        .bind(self.sid())
        .bind(name)
        .bind(index_macs)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn clear_mutation_macs(&self, name: &str) -> Result<()> {
        self.execute_keyed(
            "DELETE FROM wa_mutation_macs WHERE session_id = $1 AND name = $2",
            name,
        )
        .await
    }

    async fn get_latest_sync_key_id(&self) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT key_id FROM wa_sync_keys WHERE session_id = $1 ORDER BY stored_seq DESC LIMIT 1",
        )
        .bind(self.sid())
        .fetch_optional(self.pool())
        .await
        .map_err(db)
    }
}
