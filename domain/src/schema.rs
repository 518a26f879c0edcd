//! The database schema: the project's migrations (migrations/) and the job queue's
//! (apalis-postgres), applied in one step, and the check that they are current.

use sqlx::PgPool;

/// The project's migrations, embedded at build time.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("applying D'Fresto migrations failed: {0}")]
    App(#[from] sqlx::migrate::MigrateError),
    #[error("applying job queue migrations failed: {0}")]
    Queue(String),
}

/// Applies every pending migration; running it on an up-to-date database is a no-op.
pub async fn run(pool: &PgPool) -> Result<(), MigrateError> {
    MIGRATOR.run(pool).await?;
    jobs::setup(pool)
        .await
        .map_err(|e| MigrateError::Queue(e.to_string()))?;
    Ok(())
}

/// True when every embedded migration has been applied (for `/readyz`).
pub async fn is_current(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .all(|m| applied.contains(&m.version)))
}
