//! `ProtocolStore` on PostgreSQL: per-device sender-key status, LID↔phone mappings, retry
//! base keys, device lists, group metadata, trusted-contact tokens, sent payloads for retry
//! receipts and the pending-inbound buffer.

use whatsapp_rust::async_trait;
use whatsapp_rust::wacore::store::traits::{
    DeviceListRecord, LidPnMappingEntry, PendingInboundKey, PendingInboundRow, ProtocolStore,
    TcTokenEntry,
};
use whatsapp_rust::wacore::time::now_secs;

use super::{PgStore, Result, count_u32, db, last_per_key, ser};

type LidRow = (String, String, i64, i64, String);

fn lid_entry(
    (lid, phone_number, created_at, updated_at, learning_source): LidRow,
) -> LidPnMappingEntry {
    LidPnMappingEntry {
        lid,
        phone_number,
        created_at,
        updated_at,
        learning_source,
    }
}

#[async_trait]
impl ProtocolStore for PgStore {
    async fn get_sender_key_devices(&self, group_jid: &str) -> Result<Vec<(String, bool)>> {
        sqlx::query_as(
            "SELECT device_jid, has_key FROM wa_sender_key_devices \
             WHERE session_id = $1 AND group_jid = $2 ORDER BY device_jid",
        )
        .bind(self.sid())
        .bind(group_jid)
        .fetch_all(self.pool())
        .await
        .map_err(db)
    }

    async fn set_sender_key_status(&self, group_jid: &str, entries: &[(&str, bool)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let entries = last_per_key(entries, |(device, _)| *device);
        let devices: Vec<&str> = entries.iter().map(|(d, _)| *d).collect();
        let has_key: Vec<bool> = entries.iter().map(|(_, k)| *k).collect();
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_sender_key_devices (session_id, group_jid, device_jid, has_key) \
             SELECT $1, $2, d, k FROM UNNEST($3::text[], $4::boolean[]) AS u(d, k) \
             ON CONFLICT (session_id, group_jid, device_jid) DO UPDATE SET has_key = EXCLUDED.has_key",
        )
        .bind(self.sid())
        .bind(group_jid)
        .bind(&devices)
        .bind(&has_key)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn clear_sender_key_devices(&self, group_jid: &str) -> Result<()> {
        self.execute_keyed(
            "DELETE FROM wa_sender_key_devices WHERE session_id = $1 AND group_jid = $2",
            group_jid,
        )
        .await
    }

    async fn delete_sender_key_device_rows(&self, device_jids: &[&str]) -> Result<()> {
        if device_jids.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "DELETE FROM wa_sender_key_devices WHERE session_id = $1 AND device_jid = ANY($2)",
        )
        .bind(self.sid())
        .bind(device_jids)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn clear_all_sender_key_devices(&self) -> Result<()> {
        sqlx::query("DELETE FROM wa_sender_key_devices WHERE session_id = $1")
            .bind(self.sid())
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn get_lid_mapping(&self, lid: &str) -> Result<Option<LidPnMappingEntry>> {
        let row: Option<LidRow> = sqlx::query_as(
            "SELECT lid, phone_number, created_at, updated_at, learning_source FROM wa_lid_pn \
             WHERE session_id = $1 AND lid = $2",
        )
        .bind(self.sid())
        .bind(lid)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        Ok(row.map(lid_entry))
    }

    async fn get_pn_mapping(&self, phone: &str) -> Result<Option<LidPnMappingEntry>> {
        // The LID most recently stored for the number, as the in-memory reverse index keeps it.
        let row: Option<LidRow> = sqlx::query_as(
            "SELECT lid, phone_number, created_at, updated_at, learning_source FROM wa_lid_pn \
             WHERE session_id = $1 AND phone_number = $2 ORDER BY stored_seq DESC LIMIT 1",
        )
        .bind(self.sid())
        .bind(phone)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        Ok(row.map(lid_entry))
    }

    async fn put_lid_mapping(&self, entry: &LidPnMappingEntry) -> Result<()> {
        self.put_lid_mappings(std::slice::from_ref(entry)).await
    }

    async fn put_lid_mappings(&self, entries: &[LidPnMappingEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let entries = last_per_key(entries, |e| e.lid.as_str());
        let lids: Vec<&str> = entries.iter().map(|e| e.lid.as_str()).collect();
        let phones: Vec<&str> = entries.iter().map(|e| e.phone_number.as_str()).collect();
        let created: Vec<i64> = entries.iter().map(|e| e.created_at).collect();
        let updated: Vec<i64> = entries.iter().map(|e| e.updated_at).collect();
        let sources: Vec<&str> = entries.iter().map(|e| e.learning_source.as_str()).collect();
        self.ready().await?;
        // ORDER BY the batch position so the write order (stored_seq) follows the batch.
        sqlx::query(
            "INSERT INTO wa_lid_pn (session_id, lid, phone_number, created_at, updated_at, learning_source) \
             SELECT $1, l, p, c, u, s \
             FROM UNNEST($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[]) \
                 WITH ORDINALITY AS b(l, p, c, u, s, ord) ORDER BY ord \
             ON CONFLICT (session_id, lid) DO UPDATE SET phone_number = EXCLUDED.phone_number, \
                 created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, \
                 learning_source = EXCLUDED.learning_source, stored_seq = nextval('wa_store_seq')",
        )
        .bind(self.sid())
        .bind(&lids)
        .bind(&phones)
        .bind(&created)
        .bind(&updated)
        .bind(&sources)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn get_all_lid_mappings(&self) -> Result<Vec<LidPnMappingEntry>> {
        let rows: Vec<LidRow> = sqlx::query_as(
            "SELECT lid, phone_number, created_at, updated_at, learning_source FROM wa_lid_pn \
             WHERE session_id = $1 ORDER BY lid",
        )
        .bind(self.sid())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(lid_entry).collect())
    }

    async fn save_base_key(&self, address: &str, message_id: &str, base_key: &[u8]) -> Result<()> {
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_base_keys (session_id, address, message_id, base_key) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (session_id, address, message_id) DO UPDATE SET base_key = EXCLUDED.base_key",
        )
        .bind(self.sid())
        .bind(address)
        .bind(message_id)
        .bind(base_key)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn has_same_base_key(
        &self,
        address: &str,
        message_id: &str,
        current_base_key: &[u8],
    ) -> Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM wa_base_keys WHERE session_id = $1 AND address = $2 \
                 AND message_id = $3 AND base_key = $4)",
        )
        .bind(self.sid())
        .bind(address)
        .bind(message_id)
        .bind(current_base_key)
        .fetch_one(self.pool())
        .await
        .map_err(db)
    }

    async fn delete_base_key(&self, address: &str, message_id: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM wa_base_keys WHERE session_id = $1 AND address = $2 AND message_id = $3",
        )
        .bind(self.sid())
        .bind(address)
        .bind(message_id)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn update_device_list(&self, record: DeviceListRecord) -> Result<()> {
        self.update_device_lists(vec![record]).await
    }

    async fn update_device_lists(&self, records: Vec<DeviceListRecord>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let records = last_per_key(&records, |r| r.user.as_str());
        let users: Vec<&str> = records.iter().map(|r| r.user.as_str()).collect();
        let blobs = records
            .iter()
            .map(|r| serde_json::to_value(r).map_err(ser))
            .collect::<Result<Vec<serde_json::Value>>>()?;
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_device_lists (session_id, user_id, record) \
             SELECT $1, u, r FROM UNNEST($2::text[], $3::jsonb[]) AS b(u, r) \
             ON CONFLICT (session_id, user_id) DO UPDATE SET record = EXCLUDED.record",
        )
        .bind(self.sid())
        .bind(&users)
        .bind(&blobs)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn get_devices(&self, user: &str) -> Result<Option<DeviceListRecord>> {
        let record: Option<serde_json::Value> = sqlx::query_scalar(
            "SELECT record FROM wa_device_lists WHERE session_id = $1 AND user_id = $2",
        )
        .bind(self.sid())
        .bind(user)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        record
            .map(|r| serde_json::from_value(r).map_err(ser))
            .transpose()
    }

    async fn delete_devices(&self, user: &str) -> Result<()> {
        self.execute_keyed(
            "DELETE FROM wa_device_lists WHERE session_id = $1 AND user_id = $2",
            user,
        )
        .await
    }

    async fn get_group_metadata(&self, group_jid: &str) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT blob FROM wa_group_metadata WHERE session_id = $1 AND group_jid = $2",
        )
        .bind(self.sid())
        .bind(group_jid)
        .fetch_optional(self.pool())
        .await
        .map_err(db)
    }

    async fn put_group_metadata(&self, group_jid: &str, blob: &[u8]) -> Result<()> {
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_group_metadata (session_id, group_jid, blob) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id, group_jid) DO UPDATE SET blob = EXCLUDED.blob",
        )
        .bind(self.sid())
        .bind(group_jid)
        .bind(blob)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn delete_group_metadata(&self, group_jid: &str) -> Result<()> {
        self.execute_keyed(
            "DELETE FROM wa_group_metadata WHERE session_id = $1 AND group_jid = $2",
            group_jid,
        )
        .await
    }

    async fn get_tc_token(&self, jid: &str) -> Result<Option<TcTokenEntry>> {
        let row: Option<(Vec<u8>, i64, Option<i64>)> = sqlx::query_as(
            "SELECT token, token_timestamp, sender_timestamp FROM wa_tc_tokens \
             WHERE session_id = $1 AND jid = $2",
        )
        .bind(self.sid())
        .bind(jid)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        Ok(
            row.map(|(token, token_timestamp, sender_timestamp)| TcTokenEntry {
                token,
                token_timestamp,
                sender_timestamp,
            }),
        )
    }

    async fn put_tc_token(&self, jid: &str, entry: &TcTokenEntry) -> Result<()> {
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_tc_tokens (session_id, jid, token, token_timestamp, sender_timestamp) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (session_id, jid) DO UPDATE SET token = EXCLUDED.token, \
                 token_timestamp = EXCLUDED.token_timestamp, sender_timestamp = EXCLUDED.sender_timestamp",
        )
        .bind(self.sid())
        .bind(jid)
        .bind(&entry.token)
        .bind(entry.token_timestamp)
        .bind(entry.sender_timestamp)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn delete_tc_token(&self, jid: &str) -> Result<()> {
        self.execute_keyed(
            "DELETE FROM wa_tc_tokens WHERE session_id = $1 AND jid = $2",
            jid,
        )
        .await
    }

    async fn get_all_tc_token_jids(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT jid FROM wa_tc_tokens WHERE session_id = $1 ORDER BY jid")
            .bind(self.sid())
            .fetch_all(self.pool())
            .await
            .map_err(db)
    }

    async fn delete_expired_tc_tokens(&self, token_cutoff: i64, sender_cutoff: i64) -> Result<u32> {
        // A row goes only when both its received token and its sender bucket are stale.
        let done = sqlx::query(
            "DELETE FROM wa_tc_tokens WHERE session_id = $1 \
                 AND (token = '\\x'::bytea OR token_timestamp < $2) \
                 AND (sender_timestamp IS NULL OR sender_timestamp < $3)",
        )
        .bind(self.sid())
        .bind(token_cutoff)
        .bind(sender_cutoff)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(count_u32(done.rows_affected()))
    }

    async fn touch_tc_token_sender_timestamp(
        &self,
        jid: &str,
        sender_timestamp: i64,
    ) -> Result<()> {
        // One upsert, atomic against put_tc_token and store_received_tc_token: it only ever
        // advances sender_timestamp and never touches the token bytes.
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_tc_tokens (session_id, jid, token, token_timestamp, sender_timestamp) \
             VALUES ($1, $2, '\\x'::bytea, $3, $3) \
             ON CONFLICT (session_id, jid) DO UPDATE \
                 SET sender_timestamp = GREATEST(wa_tc_tokens.sender_timestamp, EXCLUDED.sender_timestamp)",
        )
        .bind(self.sid())
        .bind(jid)
        .bind(sender_timestamp)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn store_received_tc_token(
        &self,
        jid: &str,
        token: &[u8],
        token_timestamp: i64,
    ) -> Result<()> {
        // Newer wins, in one upsert: the stored pair is replaced only when it is a placeholder
        // or not newer than the incoming one; sender_timestamp is left to its own writer.
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_tc_tokens (session_id, jid, token, token_timestamp, sender_timestamp) \
             VALUES ($1, $2, $3, $4, NULL) \
             ON CONFLICT (session_id, jid) DO UPDATE \
                 SET token = EXCLUDED.token, token_timestamp = EXCLUDED.token_timestamp \
                 WHERE wa_tc_tokens.token = '\\x'::bytea \
                    OR EXCLUDED.token_timestamp >= wa_tc_tokens.token_timestamp",
        )
        .bind(self.sid())
        .bind(jid)
        .bind(token)
        .bind(token_timestamp)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn store_sent_message(
        &self,
        chat_jid: &str,
        message_id: &str,
        payload: &[u8],
    ) -> Result<()> {
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_sent_messages (session_id, chat_jid, message_id, payload, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (session_id, chat_jid, message_id) DO UPDATE \
                 SET payload = EXCLUDED.payload, created_at = EXCLUDED.created_at",
        )
        .bind(self.sid())
        .bind(chat_jid)
        .bind(message_id)
        .bind(payload)
        .bind(now_secs())
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn take_sent_message(&self, chat_jid: &str, message_id: &str) -> Result<Option<Vec<u8>>> {
        // One statement: of two concurrent takes, exactly one gets the payload.
        sqlx::query_scalar(
            "DELETE FROM wa_sent_messages WHERE session_id = $1 AND chat_jid = $2 AND message_id = $3 \
             RETURNING payload",
        )
        .bind(self.sid())
        .bind(chat_jid)
        .bind(message_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)
    }

    async fn delete_expired_sent_messages(&self, cutoff_timestamp: i64) -> Result<u32> {
        let done =
            sqlx::query("DELETE FROM wa_sent_messages WHERE session_id = $1 AND created_at < $2")
                .bind(self.sid())
                .bind(cutoff_timestamp)
                .execute(self.pool())
                .await
                .map_err(db)?;
        Ok(count_u32(done.rows_affected()))
    }

    async fn store_pending_inbound(
        &self,
        chat: &str,
        sender: &str,
        id: &str,
        message: &[u8],
    ) -> Result<()> {
        self.store_pending_inbound_batch(&[PendingInboundRow {
            chat,
            sender,
            id,
            message,
        }])
        .await
    }

    async fn get_pending_inbound(
        &self,
        chat: &str,
        sender: &str,
        id: &str,
    ) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT message FROM wa_pending_inbound \
             WHERE session_id = $1 AND chat = $2 AND sender = $3 AND id = $4",
        )
        .bind(self.sid())
        .bind(chat)
        .bind(sender)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)
    }

    async fn delete_pending_inbound(&self, chat: &str, sender: &str, id: &str) -> Result<()> {
        self.delete_pending_inbound_batch(&[PendingInboundKey { chat, sender, id }])
            .await
    }

    async fn delete_expired_pending_inbound(&self, cutoff_timestamp: i64) -> Result<u32> {
        let done = sqlx::query(
            "DELETE FROM wa_pending_inbound WHERE session_id = $1 AND inserted_at < $2",
        )
        .bind(self.sid())
        .bind(cutoff_timestamp)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(count_u32(done.rows_affected()))
    }

    async fn store_pending_inbound_batch(&self, rows: &[PendingInboundRow<'_>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows = last_per_key(rows, |r| (r.chat, r.sender, r.id));
        let chats: Vec<&str> = rows.iter().map(|r| r.chat).collect();
        let senders: Vec<&str> = rows.iter().map(|r| r.sender).collect();
        let ids: Vec<&str> = rows.iter().map(|r| r.id).collect();
        let messages: Vec<&[u8]> = rows.iter().map(|r| r.message).collect();
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_pending_inbound (session_id, chat, sender, id, message, inserted_at) \
             SELECT $1, c, s, i, m, $6 FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bytea[]) AS b(c, s, i, m) \
             ON CONFLICT (session_id, chat, sender, id) DO UPDATE \
                 SET message = EXCLUDED.message, inserted_at = EXCLUDED.inserted_at",
        )
        .bind(self.sid())
        .bind(&chats)
        .bind(&senders)
        .bind(&ids)
        .bind(&messages)
        .bind(now_secs())
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn delete_pending_inbound_batch(&self, keys: &[PendingInboundKey<'_>]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let chats: Vec<&str> = keys.iter().map(|k| k.chat).collect();
        let senders: Vec<&str> = keys.iter().map(|k| k.sender).collect();
        let ids: Vec<&str> = keys.iter().map(|k| k.id).collect();
        sqlx::query(
            "DELETE FROM wa_pending_inbound WHERE session_id = $1 AND (chat, sender, id) IN \
             (SELECT c, s, i FROM UNNEST($2::text[], $3::text[], $4::text[]) AS b(c, s, i))",
        )
        .bind(self.sid())
        .bind(&chats)
        .bind(&senders)
        .bind(&ids)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }
}
