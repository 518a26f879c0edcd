//! An empty database (no schema at all) on the test server, for tests of what happens before
//! `migrate` has run.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::db::{TestDb, server_url};

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A newly created database with nothing in it (not cloned from the migrated template).
    pub async fn empty() -> TestDb {
        let server = PgConnectOptions::from_str(&server_url())
            .expect("DATABASE_URL is not a valid PostgreSQL URL");
        let mut admin = PgConnection::connect_with(&server.clone().database("postgres"))
            .await
            .expect("connect to the test PostgreSQL server (DATABASE_URL)");
        let name = format!(
            "e_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        // The name is built above from numbers, never from input.
        sqlx::query(AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE template0"
        )))
        .execute(&mut admin)
        .await
        .expect("create empty database");
        admin.close().await.ok();
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(server.database(&name).disable_statement_logging())
            .await
            .expect("connect to the empty database");
        TestDb { name, pool }
    }
}
