//! `DeviceStore` on PostgreSQL: the device record (identity, noise and signed pre-key pairs,
//! account, counters) as one serde JSON blob per session (`wa_device`).

use std::sync::Arc;

use whatsapp_rust::async_trait;
use whatsapp_rust::wacore::client_profile::ClientProfile;
use whatsapp_rust::wacore::stats::StorageResourceReport;
use whatsapp_rust::wacore::store::Device;
use whatsapp_rust::wacore::store::device::DEVICE_PROPS;
use whatsapp_rust::wacore::store::traits::DeviceStore;

use super::{PgStore, Result, db, ser};

/// Every `PgStore` holds one device: the id `create` reports, as the in-memory backend's first.
const DEVICE_ID: i32 = 1;

/// The device as stored, with the runtime-only fields its serializer skips set as a fresh
/// process would have them (the sqlite store does the same): the library's device props (the
/// bot builder's override applies on top), the web client profile, no salt-sync mutation seen.
fn restored(data: serde_json::Value) -> Result<Device> {
    let mut device: Device = serde_json::from_value(data).map_err(ser)?;
    device.device_props = Arc::new(DEVICE_PROPS.clone());
    device.client_profile = ClientProfile::web();
    device.nct_salt_sync_seen = false;
    Ok(device)
}

#[async_trait]
impl DeviceStore for PgStore {
    async fn save(&self, device: &Device) -> Result<()> {
        let data = serde_json::to_value(device).map_err(ser)?;
        let pn = device.pn.as_ref().map(|pn| pn.to_string());
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_device (session_id, data, pn) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id) DO UPDATE SET data = EXCLUDED.data, pn = EXCLUDED.pn, updated_at = now()",
        )
        .bind(self.sid())
        .bind(&data)
        .bind(pn)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn load(&self) -> Result<Option<Device>> {
        let data: Option<serde_json::Value> =
            sqlx::query_scalar("SELECT data FROM wa_device WHERE session_id = $1")
                .bind(self.sid())
                .fetch_optional(self.pool())
                .await
                .map_err(db)?;
        data.map(restored).transpose()
    }

    async fn exists(&self) -> Result<bool> {
        self.has_device().await.map_err(db)
    }

    async fn create(&self) -> Result<i32> {
        // A fresh identity, unless one is stored already (never replace keys in place).
        let data = serde_json::to_value(Device::new()).map_err(ser)?;
        self.ready().await?;
        sqlx::query(
            "INSERT INTO wa_device (session_id, data) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(self.sid())
        .bind(&data)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(DEVICE_ID)
    }

    async fn resource_report(&self) -> StorageResourceReport {
        // The data lives in PostgreSQL, not in this process.
        StorageResourceReport {
            memory_bytes: Some(0),
            ..StorageResourceReport::default()
        }
    }
}
