//! Database tests of the seed against a real PostgreSQL: a fresh database per test, migrated,
//! seeded, checked with SQL. Run against `DATABASE_URL` (or `SEED_TEST_DATABASE_URL`) at a
//! server where databases may be created, e.g. `postgres://postgres@127.0.0.1:55432/`.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};

use super::{Scale, SeedError, SeedOptions, has_data, seed};

/// Shaped like the hash the caller computes; the schema only checks the `$argon2id$` prefix.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZGZyZXN0by1kZW1vLXNhbHQ$1Y8xXWb3l9cMbJ1gfnRzVQk8lqXk0g1n3d3bqkq9m3Q";

struct TestDb {
    base: PgConnectOptions,
    admin: PgPool,
    name: String,
    pool: PgPool,
}

impl TestDb {
    async fn create(tag: &str) -> TestDb {
        // `make test` sets DATABASE_URL to its throwaway server; these tests never skip.
        let url = std::env::var("SEED_TEST_DATABASE_URL")
            .or_else(|_| std::env::var("DATABASE_URL"))
            .expect(
                "DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL",
            );
        let base = PgConnectOptions::from_str(&url).expect("DATABASE_URL parses");
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await
            .expect("connect to SEED_TEST_DATABASE_URL");
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!("seed_{tag}_{}_{nanos}", std::process::id());
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create test database");
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(base.clone().database(&name))
            .await
            .expect("connect to test database");
        sqlx::migrate!("../migrations")
            .run(&pool)
            .await
            .expect("migrate");
        // A stand-in for the job queue's table: --reset must empty it and keep it.
        sqlx::raw_sql(
            "CREATE SCHEMA apalis; CREATE TABLE apalis.jobs (id TEXT PRIMARY KEY, job JSONB);
             INSERT INTO apalis.jobs VALUES ('stale', '{}');",
        )
        .execute(&pool)
        .await
        .expect("job table stand-in");
        TestDb {
            base,
            admin,
            name,
            pool,
        }
    }

    /// Drops the database, unless `SEED_TEST_KEEP` is set (to look at the data afterwards).
    async fn drop(self) {
        self.pool.close().await;
        if std::env::var("SEED_TEST_KEEP").is_ok() {
            println!("kept database {}", self.name);
            return;
        }
        let _ = sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&self.admin)
        .await;
    }

    async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(AssertSqlSafe(sql.to_string()))
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn text(&self, sql: &str) -> String {
        sqlx::query_scalar(AssertSqlSafe(sql.to_string()))
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Each query counts violations of one rule: all must be zero.
    async fn assert_none(&self, checks: &[(&str, &str)]) {
        for (rule, sql) in checks {
            assert_eq!(self.scalar(sql).await, 0, "violated: {rule}");
        }
    }
}

fn options(reset: bool) -> SeedOptions {
    SeedOptions {
        scale: Scale::Default,
        reset,
        now: domain::clock::jakarta_at(NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"), 12, 0),
        password_hash: HASH.to_string(),
    }
}

const FINGERPRINT: &str = "SELECT md5(string_agg(number || status || total || created_at::text, ',' ORDER BY id)) FROM orders";

const CHECKS: &[(&str, &str)] = &[
    ("every shipped/received PO has an invoice",
     "SELECT count(*) FROM purchase_orders p WHERE p.status IN ('SHIPPED', 'RECEIVED')
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.purchase_order_id = p.id)"),
    ("only shipped/received POs have invoices",
     "SELECT count(*) FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id
       WHERE p.status NOT IN ('SHIPPED', 'RECEIVED')"),
    ("invoice paid = sum of its payments",
     "SELECT count(*) FROM invoices i
       WHERE i.paid <> (SELECT coalesce(sum(amount), 0) FROM payments p WHERE p.invoice_id = i.id)"),
    ("invoice matches its PO: total, stokis, Jakarta ship date, due date by payment terms",
     "SELECT count(*) FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id JOIN stokis s ON s.id = i.stokis_id
       WHERE i.total <> p.total OR i.stokis_id <> p.stokis_id
          OR i.issue_date <> (p.shipped_at AT TIME ZONE 'Asia/Jakarta')::date
          OR i.due_date <> i.issue_date + s.payment_terms_days"),
    ("overdue invoices are past due and open",
     "SELECT count(*) FROM invoices WHERE status = 'OVERDUE' AND (due_date >= DATE '2026-11-28' OR paid = total)"),
    ("order total = sum of items",
     "SELECT count(*) FROM orders o
       WHERE o.total <> (SELECT sum(subtotal) FROM order_items i WHERE i.order_id = o.id)"),
    ("order prices are mitra prices",
     "SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.unit_price <> p.price_to_mitra"),
    ("PO total = sum of items at stokis prices",
     "SELECT count(*) FROM purchase_orders o
       WHERE o.total <> (SELECT sum(subtotal) FROM purchase_order_items i WHERE i.purchase_order_id = o.id)
          OR EXISTS (SELECT 1 FROM purchase_order_items i JOIN products p ON p.id = i.product_id
                      WHERE i.purchase_order_id = o.id AND i.unit_price <> p.price_to_stokis)"),
    ("order served by its mitra's stokis",
     "SELECT count(*) FROM orders o JOIN mitra m ON m.id = o.mitra_id WHERE o.stokis_id <> m.stokis_id"),
    ("order number carries the Jakarta date of creation",
     "SELECT count(*) FROM orders
       WHERE substr(number, 5, 6) <> to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYMMDD')"),
    ("PO number carries the Jakarta date of creation",
     "SELECT count(*) FROM purchase_orders
       WHERE substr(number, 4, 6) <> to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYMMDD')"),
    ("invoice numbers gapless per month, counters agree",
     "SELECT count(*) FROM (
        SELECT date_trunc('month', issue_date)::date AS period, count(*) AS n,
               max(split_part(number, '/', 4)::int) AS top, count(DISTINCT split_part(number, '/', 4)) AS distinct_n
          FROM invoices GROUP BY 1) m
        FULL JOIN invoice_counters c ON c.period = m.period
       WHERE c.last_no IS DISTINCT FROM m.n OR m.top <> m.n OR m.distinct_n <> m.n"),
    ("invoice numbers follow issue order",
     "SELECT count(*) FROM (SELECT number, lag(number) OVER (PARTITION BY date_trunc('month', issue_date) ORDER BY id) AS prev
                              FROM invoices) x WHERE prev >= number"),
    ("every order has one creation row in status_history",
     "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM status_history h
        WHERE h.entity = 'ORDER' AND h.entity_id = o.id AND h.from_status IS NULL AND h.to_status = 'PENDING') <> 1"),
    ("the latest history row of an order is its status",
     "SELECT count(*) FROM orders o WHERE o.status <> (SELECT to_status FROM status_history h
        WHERE h.entity = 'ORDER' AND h.entity_id = o.id ORDER BY at DESC, id DESC LIMIT 1)"),
    ("the latest history row of a PO is its status",
     "SELECT count(*) FROM purchase_orders o WHERE o.status <> (SELECT to_status FROM status_history h
        WHERE h.entity = 'PURCHASE_ORDER' AND h.entity_id = o.id ORDER BY at DESC, id DESC LIMIT 1)"),
    ("the latest history row of an invoice is its status",
     "SELECT count(*) FROM invoices o WHERE o.status <> (SELECT to_status FROM status_history h
        WHERE h.entity = 'INVOICE' AND h.entity_id = o.id ORDER BY at DESC, id DESC LIMIT 1)"),
    ("order timestamps in order",
     "SELECT count(*) FROM orders WHERE NOT (created_at < coalesce(confirmed_at, 'infinity')
        AND coalesce(confirmed_at, created_at) < coalesce(shipped_at, 'infinity')
        AND coalesce(shipped_at, created_at) < coalesce(delivered_at, 'infinity'))
        OR (closed_at IS NOT NULL) <> (status IN ('CANCELLED', 'REJECTED'))"),
    ("nothing after 07:00 on the seed's today",
     "SELECT count(*) FROM (SELECT updated_at AS t FROM orders UNION ALL SELECT updated_at FROM purchase_orders
        UNION ALL SELECT updated_at FROM invoices UNION ALL SELECT created_at FROM payments UNION ALL SELECT at FROM status_history) x
       WHERE t > TIMESTAMPTZ '2026-11-28 07:00+07'"),
    ("every stokis holds every active product",
     "SELECT count(*) FROM stokis s CROSS JOIN products p WHERE p.active
        AND NOT EXISTS (SELECT 1 FROM stokis_stock x WHERE x.stokis_id = s.id AND x.product_id = p.id AND x.qty > x.min_qty)"),
    ("every stock balance has its opening movement",
     "SELECT (SELECT count(*) FROM stokis_stock s WHERE NOT EXISTS (SELECT 1 FROM stock_movements m
               WHERE m.location = 'STOKIS' AND m.stokis_id = s.stokis_id AND m.product_id = s.product_id
                 AND m.reason = 'OPENING' AND m.delta = s.qty AND m.balance_after = s.qty))
          + (SELECT count(*) FROM warehouse_stock w WHERE NOT EXISTS (SELECT 1 FROM stock_movements m
               WHERE m.location = 'WAREHOUSE' AND m.product_id = w.product_id AND m.reason = 'OPENING' AND m.balance_after = w.qty))"),
    ("every past run worked as of its own day (so the first real run sends no backlog)",
     "SELECT count(*) FROM invoice_runs WHERE as_of <> run_date"),
    ("one finished invoice run a day before today, none today",
     "SELECT (SELECT count(*) FROM generate_series(DATE '2025-11-29', DATE '2026-11-27', '1 day') AS d
               WHERE NOT EXISTS (SELECT 1 FROM invoice_runs r WHERE r.run_date = d::date AND r.status = 'DONE'))
           + (SELECT count(*) FROM invoice_runs WHERE run_date >= DATE '2026-11-28')"),
    ("demo logins: mitra0001 is served by stokis001",
     "SELECT 1 - count(*) FROM users mu JOIN mitra m ON m.id = mu.mitra_id JOIN users su ON su.stokis_id = m.stokis_id
       WHERE mu.username = 'mitra0001' AND su.username = 'stokis001'"),
];

#[tokio::test]
async fn seeds_refuses_resets_and_stays_atomic() {
    let db = TestDb::create("main").await;
    assert!(!has_data(&db.pool).await.expect("has_data"));

    let report = seed(&db.pool, &options(false)).await.expect("first seed");
    println!("default seed: {report:?}");
    assert_eq!(
        (report.stokis, report.mitra, report.users, report.orders),
        (200, 3_000, 3_203, 60_000)
    );
    assert!(has_data(&db.pool).await.expect("has_data"));
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders").await,
        report.orders
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM purchase_orders").await,
        report.purchase_orders
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM invoices").await,
        report.invoices
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM payments").await,
        report.payments
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM products").await,
        report.products
    );
    db.assert_none(CHECKS).await;
    for (status, table) in [
        ("PENDING", "orders"),
        ("CONFIRMED", "orders"),
        ("SHIPPED", "orders"),
        ("DELIVERED", "orders"),
        ("CANCELLED", "orders"),
        ("REJECTED", "orders"),
        ("SUBMITTED", "purchase_orders"),
        ("APPROVED", "purchase_orders"),
        ("SHIPPED", "purchase_orders"),
        ("RECEIVED", "purchase_orders"),
        ("REJECTED", "purchase_orders"),
        ("CANCELLED", "purchase_orders"),
        ("UNPAID", "invoices"),
        ("OVERDUE", "invoices"),
        ("PAID", "invoices"),
    ] {
        let n = db
            .scalar(&format!(
                "SELECT count(*) FROM {table} WHERE status = '{status}'"
            ))
            .await;
        assert!(n > 0, "no {status} in {table}");
    }
    // Sequences continue after the seeded numbers; identity columns after the seeded ids.
    assert_eq!(
        db.scalar("SELECT nextval('order_number_seq')").await,
        60_001
    );
    assert_eq!(
        db.scalar("SELECT nextval('purchase_order_number_seq')")
            .await,
        report.purchase_orders + 1
    );
    assert_eq!(
        db.scalar("SELECT nextval(pg_get_serial_sequence('orders', 'id'))")
            .await,
        60_001
    );
    assert_eq!(
        db.scalar("SELECT nextval(pg_get_serial_sequence('users', 'id'))")
            .await,
        3_204
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM apalis.jobs").await,
        1,
        "a plain seed leaves the queue alone"
    );
    let fingerprint = db.text(FINGERPRINT).await;

    // A second seed refuses and names what is there.
    match seed(&db.pool, &options(false)).await {
        Err(SeedError::NotEmpty(what)) => assert!(what.contains("3203 users"), "{what}"),
        other => panic!("expected NotEmpty, got {other:?}"),
    }

    // A failing seed with --reset writes nothing and wipes nothing: the bad hash fails users' CHECK.
    let mut bad = options(true);
    bad.password_hash = "plaintext".to_string();
    assert!(matches!(seed(&db.pool, &bad).await, Err(SeedError::Db(_))));
    assert_eq!(db.scalar("SELECT count(*) FROM orders").await, 60_000);
    assert_eq!(db.text(FINGERPRINT).await, fingerprint);

    // --reset wipes and seeds the very same data again, and empties the job queue.
    sqlx::query("INSERT INTO whatsapp_sessions (session_id) VALUES ('main')")
        .execute(&db.pool)
        .await
        .expect("session row");
    let again = seed(&db.pool, &options(true)).await.expect("reseed");
    println!("reset + default seed: {again:?}");
    assert_eq!(
        db.text(FINGERPRINT).await,
        fingerprint,
        "same today, same data"
    );
    assert_eq!(again.invoices, report.invoices);
    assert_eq!(db.scalar("SELECT count(*) FROM apalis.jobs").await, 0);
    assert_eq!(
        db.scalar("SELECT count(*) FROM whatsapp_sessions").await,
        1,
        "pairing survives a reset"
    );
    assert_eq!(
        db.scalar("SELECT nextval('order_number_seq')").await,
        60_001
    );
    for table in ["status_history", "payments", "stock_movements"] {
        assert_eq!(
            db.scalar(&format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"
            ))
            .await,
            db.scalar(&format!("SELECT count(*) + 1 FROM {table}"))
                .await,
            "{table} ids restart at 1 after a reset"
        );
    }
    db.assert_none(CHECKS).await;
    db.drop().await;
}

/// A database user that may write but not alter the tables (not their owner): the seed keeps
/// the keys and indexes in place and still loads everything.
#[tokio::test]
async fn loads_as_a_user_who_does_not_own_the_tables() {
    let db = TestDb::create("role").await;
    let role = format!("seed_writer_{}", std::process::id());
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA public, apalis TO {role};
         GRANT ALL ON ALL TABLES IN SCHEMA public, apalis TO {role};
         GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role};"
    )))
    .execute(&db.pool)
    .await
    .expect("create role");
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(db.base.clone().database(&db.name).username(&role))
        .await
        .expect("connect as the writer");
    let mut opts = options(true);
    opts.scale = Scale::Bench { orders: 3_000 };
    let result = seed(&pool, &opts).await;
    pool.close().await;
    let report = result.expect("seed as a non-owner");
    assert_eq!(report.orders, 3_000);
    assert_eq!(
        db.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'order_items'::regclass AND contype = 'f'")
            .await,
        2
    );
    assert_eq!(db.scalar("SELECT count(*) FROM apalis.jobs").await, 0);
    db.assert_none(&CHECKS[..3]).await;
    let admin = db.admin.clone();
    db.drop().await;
    let _ = sqlx::query(AssertSqlSafe(format!("DROP ROLE IF EXISTS {role}")))
        .execute(&admin)
        .await;
}

/// Columns that hold a time ahead by design: when something is due to happen, not when it did.
const SCHEDULE_COLUMNS: &[&str] = &[
    "next_run_at",
    "next_send_at",
    "scheduled_for",
    "expires_at",
    "banned_until",
];

#[tokio::test]
async fn seeded_at_dawn_nothing_is_dated_after_the_moment_of_seeding() {
    let db = TestDb::create("dawn").await;
    let now =
        domain::clock::jakarta_at(NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"), 5, 30);
    let options = SeedOptions {
        now,
        ..options(false)
    };
    let report = seed(&db.pool, &options).await.expect("seed at dawn");
    assert!(report.orders > 59_000, "{report:?}");

    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type = 'timestamp with time zone'
            AND table_name NOT LIKE '\\_sqlx%'
          ORDER BY 1, 2",
    )
    .fetch_all(&db.pool)
    .await
    .expect("list timestamp columns");
    assert!(columns.len() > 30, "{columns:?}");
    let mut late = Vec::new();
    for (table, column) in columns {
        if SCHEDULE_COLUMNS.contains(&column.as_str()) {
            continue;
        }
        let after: Option<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT max({column})::text FROM {table} WHERE {column} > $1"
        )))
        .bind(now)
        .fetch_one(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
        if let Some(t) = after {
            late.push(format!("{table}.{column} = {t}"));
        }
    }
    assert!(
        late.is_empty(),
        "dated after the moment of seeding: {late:?}"
    );
    db.drop().await;
}
