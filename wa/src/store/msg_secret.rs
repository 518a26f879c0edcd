//! `MsgSecretStore` on PostgreSQL: the 32-byte secrets of our outgoing messages, kept so
//! replies that reference them (poll votes, reactions, edits) can be decrypted
//! (`wa_msg_secrets`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use whatsapp_rust::async_trait;
use whatsapp_rust::wacore::store::traits::{
    MessageSecret, MsgSecretEntry, MsgSecretStore, merge_msg_secret_expiry,
    merge_msg_secret_message_ts,
};

use super::{PgStore, Result, count_u32, db};

/// One row per key, as the batch applied in order would leave it: the last secret, the
/// deadlines and parent times merged by the trait's own rules.
fn merged(entries: &[MsgSecretEntry]) -> Vec<(&str, &str, &str, MessageSecret, i64, i64)> {
    let mut rows: Vec<(&str, &str, &str, MessageSecret, i64, i64)> =
        Vec::with_capacity(entries.len());
    let mut index: HashMap<(&str, &str, &str), usize> = HashMap::with_capacity(entries.len());
    for e in entries {
        let key = (&*e.chat, &*e.sender, &*e.msg_id);
        match index.entry(key) {
            Entry::Occupied(at) => {
                let row = &mut rows[*at.get()];
                row.3 = e.secret;
                row.4 = merge_msg_secret_expiry(row.4, e.expires_at);
                row.5 = merge_msg_secret_message_ts(row.5, e.message_ts);
            }
            Entry::Vacant(slot) => {
                slot.insert(rows.len());
                rows.push((key.0, key.1, key.2, e.secret, e.expires_at, e.message_ts));
            }
        }
    }
    rows
}

#[async_trait]
impl MsgSecretStore for PgStore {
    async fn put_msg_secrets(&self, entries: Vec<MsgSecretEntry>) -> Result<usize> {
        if entries.is_empty() {
            return Ok(0);
        }
        let rows = merged(&entries);
        let chats: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let senders: Vec<&str> = rows.iter().map(|r| r.1).collect();
        let ids: Vec<&str> = rows.iter().map(|r| r.2).collect();
        let secrets: Vec<&[u8]> = rows.iter().map(|r| &r.3[..]).collect();
        let expires: Vec<i64> = rows.iter().map(|r| r.4).collect();
        let message_ts: Vec<i64> = rows.iter().map(|r| r.5).collect();
        self.ready().await?;
        // On conflict: the new secret; the later deadline with 0 (never) winning; the later
        // parent time (merge_msg_secret_expiry / merge_msg_secret_message_ts).
        sqlx::query(
            "INSERT INTO wa_msg_secrets (session_id, chat, sender, msg_id, secret, expires_at, message_ts) \
             SELECT $1, c, s, m, x, e, t \
             FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bytea[], $6::bigint[], $7::bigint[]) \
                 AS b(c, s, m, x, e, t) \
             ON CONFLICT (session_id, chat, sender, msg_id) DO UPDATE SET secret = EXCLUDED.secret, \
                 expires_at = CASE WHEN wa_msg_secrets.expires_at = 0 OR EXCLUDED.expires_at = 0 THEN 0 \
                                   ELSE GREATEST(wa_msg_secrets.expires_at, EXCLUDED.expires_at) END, \
                 message_ts = GREATEST(wa_msg_secrets.message_ts, EXCLUDED.message_ts)",
        )
        .bind(self.sid())
        .bind(&chats)
        .bind(&senders)
        .bind(&ids)
        .bind(&secrets)
        .bind(&expires)
        .bind(&message_ts)
        .execute(self.pool())
        .await
        .map_err(db)?;
        // The in-memory backend counts the entries handed in, duplicates included.
        Ok(entries.len())
    }

    async fn get_msg_secret(
        &self,
        chat: &str,
        sender: &str,
        msg_id: &str,
    ) -> Result<Option<Vec<u8>>> {
        Ok(self
            .get_msg_secret_with_ts(chat, sender, msg_id)
            .await?
            .map(|(secret, _)| secret))
    }

    async fn get_msg_secret_with_ts(
        &self,
        chat: &str,
        sender: &str,
        msg_id: &str,
    ) -> Result<Option<(Vec<u8>, i64)>> {
        sqlx::query_as(
            "SELECT secret, message_ts FROM wa_msg_secrets \
             WHERE session_id = $1 AND chat = $2 AND sender = $3 AND msg_id = $4",
        )
        .bind(self.sid())
        .bind(chat)
        .bind(sender)
        .bind(msg_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)
    }

    async fn delete_expired_msg_secrets(&self, cutoff_timestamp: i64) -> Result<u32> {
        // expires_at = 0 never expires; a deadline at the cutoff has passed.
        let done = sqlx::query(
            "DELETE FROM wa_msg_secrets WHERE session_id = $1 AND expires_at <> 0 AND expires_at <= $2",
        )
        .bind(self.sid())
        .bind(cutoff_timestamp)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(count_u32(done.rows_affected()))
    }
}
