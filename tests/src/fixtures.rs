//! A small, known world for the tests: two stokis with a mitra each, staff users, a few
//! products (one inactive) and stock at the warehouse and both stokis.

use domain::{Actor, Role};
use sqlx::PgPool;

use crate::TestApp;

/// A real argon2id hash of "dfresto-demo" (`app::DEMO_PASSWORD`): the web tests log in with it.
pub const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dEWseIrdgbLRMRUF/hXu36ku5NXjM20u+0SPkFmkH/0";

#[derive(Debug, Clone)]
pub struct World {
    pub stokis_a: i64,
    pub stokis_b: i64,
    pub mitra_a: i64,
    pub mitra_b: i64,
    pub mitra_a_user: Actor,
    pub mitra_b_user: Actor,
    pub stokis_a_user: Actor,
    pub stokis_b_user: Actor,
    pub finance: Actor,
    pub gudang: Actor,
    pub pusat: Actor,
    /// Active products: (id, price_to_mitra, price_to_stokis).
    pub ayam: (i64, i64, i64),
    pub kentang: (i64, i64, i64),
    pub saus: (i64, i64, i64),
    pub inactive: i64,
}

async fn id(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("fixture failed: {sql}: {e}"))
}

async fn user(
    pool: &PgPool,
    username: &str,
    role: Role,
    mitra: Option<i64>,
    stokis: Option<i64>,
) -> Actor {
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, role, name, mitra_id, stokis_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(username)
    .bind(HASH)
    .bind(role.as_str())
    .bind(format!("User {username}"))
    .bind(mitra)
    .bind(stokis)
    .fetch_one(pool)
    .await
    .expect("insert user");
    Actor {
        user_id,
        role,
        mitra_id: mitra,
        stokis_id: stokis,
    }
}

impl World {
    pub async fn build(pool: &PgPool) -> World {
        let stokis_a = id(pool, "INSERT INTO stokis (code, name, city, phone, credit_limit, payment_terms_days)
            VALUES ('STK001', 'Stokis Sumber Rejeki', 'Bandung', '6281234567001', 10000000, 14) RETURNING id").await;
        let stokis_b = id(pool, "INSERT INTO stokis (code, name, city, phone, credit_limit, payment_terms_days)
            VALUES ('STK002', 'Stokis Maju Jaya', 'Surabaya', '6281234567002', 10000000, 30) RETURNING id").await;
        let mitra_a = id(pool, &format!("INSERT INTO mitra (code, name, owner_name, phone, city, stokis_id)
            VALUES ('MTR0001', 'D''Fresto Dago', 'Budi', '6285712345001', 'Bandung', {stokis_a}) RETURNING id")).await;
        let mitra_b = id(pool, &format!("INSERT INTO mitra (code, name, owner_name, phone, city, stokis_id)
            VALUES ('MTR0002', 'D''Fresto Rungkut', 'Sari', '6285712345002', 'Surabaya', {stokis_b}) RETURNING id")).await;
        let product = |sku: &str, name: &str, mitra: i64, stokis: i64, active: bool| {
            format!(
                "INSERT INTO products (sku, name, unit, price_to_mitra, price_to_stokis, active)
                     VALUES ('{sku}', '{name}', 'pak', {mitra}, {stokis}, {active}) RETURNING id"
            )
        };
        let ayam = id(
            pool,
            &product("AYM-001", "Ayam Fillet 1kg", 55_000, 48_000, true),
        )
        .await;
        let kentang = id(
            pool,
            &product("KTG-001", "Kentang Goreng 2,5kg", 72_500, 64_000, true),
        )
        .await;
        let saus = id(
            pool,
            &product("SAS-001", "Saus Sambal 1L", 18_000, 15_000, true),
        )
        .await;
        let inactive = id(
            pool,
            &product("OLD-001", "Bumbu Lama", 10_000, 9_000, false),
        )
        .await;
        for (p, qty) in [(ayam, 1_000), (kentang, 1_000), (saus, 1_000)] {
            sqlx::query("INSERT INTO warehouse_stock (product_id, qty) VALUES ($1, $2)")
                .bind(p)
                .bind(qty as i64)
                .execute(pool)
                .await
                .expect("warehouse stock");
            for s in [stokis_a, stokis_b] {
                sqlx::query("INSERT INTO stokis_stock (stokis_id, product_id, qty, min_qty) VALUES ($1, $2, 100, 10)")
                    .bind(s)
                    .bind(p)
                    .execute(pool)
                    .await
                    .expect("stokis stock");
            }
        }
        World {
            stokis_a,
            stokis_b,
            mitra_a,
            mitra_b,
            mitra_a_user: user(pool, "mitra0001", Role::Mitra, Some(mitra_a), None).await,
            mitra_b_user: user(pool, "mitra0002", Role::Mitra, Some(mitra_b), None).await,
            stokis_a_user: user(pool, "stokis001", Role::Stokis, None, Some(stokis_a)).await,
            stokis_b_user: user(pool, "stokis002", Role::Stokis, None, Some(stokis_b)).await,
            finance: user(pool, "finance", Role::Finance, None, None).await,
            gudang: user(pool, "gudang", Role::Gudang, None, None).await,
            pusat: user(pool, "pusat", Role::Pusat, None, None).await,
            ayam: (ayam, 55_000, 48_000),
            kentang: (kentang, 72_500, 64_000),
            saus: (saus, 18_000, 15_000),
            inactive,
        }
    }
}

impl TestApp {
    /// The app on a fresh database holding the fixture [`World`]: what page and API tests start
    /// from.
    pub async fn with_world() -> (TestApp, World) {
        let app = TestApp::spawn().await;
        let world = World::build(&app.db.pool).await;
        (app, world)
    }
}

/// Rows in a table, to prove a failed call wrote nothing.
pub async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(pool)
        .await
        .expect("count rows")
}

/// Queued jobs of one queue (apalis stores the queue name as `job_type`).
pub async fn jobs_in(pool: &PgPool, queue: &str) -> Vec<serde_json::Value> {
    let rows: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT job FROM apalis.jobs WHERE job_type = $1 ORDER BY run_at, id")
            .bind(queue)
            .fetch_all(pool)
            .await
            .expect("read jobs");
    rows.iter()
        .map(|b| serde_json::from_slice(b).expect("job is JSON"))
        .collect()
}

pub async fn stokis_stock(pool: &PgPool, stokis_id: i64, product_id: i64) -> i64 {
    sqlx::query_scalar("SELECT qty FROM stokis_stock WHERE stokis_id = $1 AND product_id = $2")
        .bind(stokis_id)
        .bind(product_id)
        .fetch_one(pool)
        .await
        .expect("stokis stock")
}

pub async fn warehouse_stock(pool: &PgPool, product_id: i64) -> i64 {
    sqlx::query_scalar("SELECT qty FROM warehouse_stock WHERE product_id = $1")
        .bind(product_id)
        .fetch_one(pool)
        .await
        .expect("warehouse stock")
}

/// The (from, to) path recorded in `status_history` for one record.
pub async fn history(pool: &PgPool, entity: &str, id: i64) -> Vec<(Option<String>, String)> {
    sqlx::query_as("SELECT from_status, to_status FROM status_history WHERE entity = $1 AND entity_id = $2 ORDER BY id")
        .bind(entity)
        .bind(id)
        .fetch_all(pool)
        .await
        .expect("history")
}

/// Head office as the test kit's worker prints it on documents.
pub fn seller() -> domain::document::Seller {
    domain::document::Seller {
        company: "PT D'Fresto Indonesia".into(),
        address: "Jl. Soekarno-Hatta No. 1, Bandung".into(),
        npwp: "01.234.567.8-901.000".into(),
        phone: "022-1234567".into(),
        bank_name: "BCA".into(),
        bank_account: "123-456-7890".into(),
        account_holder: "PT D'Fresto Indonesia".into(),
    }
}
