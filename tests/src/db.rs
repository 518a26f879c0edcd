//! A fresh PostgreSQL database per test, cloned from a migrated template.
//!
//! The template is built once per schema version (its name carries a hash of the migrations),
//! under an advisory lock so parallel test processes don't race; each test then gets
//! `CREATE DATABASE … TEMPLATE …`, which is a file copy and takes a few milliseconds.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection, PgPool};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server the tests run against: `DATABASE_URL` (set by `make test`).
pub fn server_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!("DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
    })
}

fn options_for(db: &str) -> PgConnectOptions {
    PgConnectOptions::from_str(&server_url())
        .expect("DATABASE_URL is not a valid PostgreSQL URL")
        .database(db)
        .disable_statement_logging()
}

fn template_name() -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    // Everything `schema::run` applies: the migrations, and the queue's trigger replaced after
    // apalis's own.
    let quiet = jobs::wake::quiet_notifications_sql();
    let parts = domain::schema::MIGRATOR
        .iter()
        .map(|m| &m.checksum[..])
        .chain([quiet.as_bytes()]);
    for part in parts {
        for b in part {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x100000001b3);
        }
    }
    format!("dfresto_tpl_{hash:016x}")
}

async fn ensure_template(admin: &mut PgConnection) -> String {
    let name = template_name();
    sqlx::query("SELECT pg_advisory_lock(727272)")
        .execute(&mut *admin)
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut *admin)
            .await
            .expect("look up template");
    if !exists {
        let building = format!("{name}_building");
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {building}")))
            .execute(&mut *admin)
            .await
            .expect("drop stale template");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {building}")))
            .execute(&mut *admin)
            .await
            .expect("create template");
        {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options_for(&building))
                .await
                .expect("connect to template");
            domain::schema::run(&pool).await.expect("migrate template");
            pool.close().await;
        }
        sqlx::query(AssertSqlSafe(format!(
            "ALTER DATABASE {building} RENAME TO {name}"
        )))
        .execute(&mut *admin)
        .await
        .expect("rename template");
    }
    sqlx::query("SELECT pg_advisory_unlock(727272)")
        .execute(&mut *admin)
        .await
        .expect("advisory unlock");
    name
}

/// A database of its own for one test; dropped at the end of the test run by `make test`'s
/// throwaway cluster, so nothing is left behind between runs.
pub struct TestDb {
    pub name: String,
    pub pool: PgPool,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn new() -> TestDb {
        let mut admin = PgConnection::connect_with(&options_for("postgres"))
            .await
            .expect("connect to the test PostgreSQL server (DATABASE_URL)");
        let template = ensure_template(&mut admin).await;
        let name = format!(
            "t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        sqlx::query(AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        )))
        .execute(&mut admin)
        .await
        .expect("clone template database");
        admin.close().await.ok();
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options_for(&name))
            .await
            .expect("connect to test database");
        TestDb { name, pool }
    }

    pub fn url(&self) -> String {
        options_for(&self.name).to_url_lossy().to_string()
    }
}
