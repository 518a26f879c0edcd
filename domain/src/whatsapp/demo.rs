//! Whether the database holds the made-up demo data (`app_settings.demo_data`, written by the
//! seed): the real WhatsApp client then refuses to send unless test mode redirects every message,
//! because the demo's phone numbers may belong to real people.

use sqlx::PgConnection;

/// The `app_settings` key the seed writes.
pub const DEMO_DATA_KEY: &str = "demo_data";

/// True when the seed marked this database as demo data.
pub async fn is_demo_data(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
        .bind(DEMO_DATA_KEY)
        .fetch_optional(conn)
        .await?;
    Ok(value.as_deref() == Some("true"))
}

/// Marks (or unmarks) the database as demo data; the seed calls it.
pub async fn set_demo_data(conn: &mut PgConnection, demo: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO app_settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
    )
    .bind(DEMO_DATA_KEY)
    .bind(if demo { "true" } else { "false" })
    .execute(conn)
    .await?;
    Ok(())
}
