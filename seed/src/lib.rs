//! Demo data: the `seed` command's deterministic data set (master data, stock, and twelve months
//! of orders, purchase orders, invoices and payments), bulk-loaded in one transaction.
//!
//! The same date seeded after 07:00 (Asia/Jakarta) always gives the same data; seeded earlier,
//! the history stops at the moment of seeding. All of it is generated in memory from a fixed
//! seed, with ids assigned here (the tables are empty or just truncated), then streamed to
//! PostgreSQL with COPY; nothing is read back, so the default set loads in seconds and the bench
//! set's million orders never sit in memory at once.

mod billing;
mod catalogue;
mod copy;
mod history;
mod master;
mod names;
mod plan;
mod rng;

#[cfg(test)]
mod db_tests;
#[cfg(test)]
mod invariants;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use sqlx::{AssertSqlSafe, PgConnection, PgPool};

use billing::Billing;
use copy::{Chunk, Table};
use history::{Ctx, Order, Step};
use master::{GUDANG_USER, Master, stokis_user};
use plan::Plan;

/// How much history to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scale {
    /// The demo set: 200 stokis, 3,000 mitra, ~60,000 orders and ~5,000 POs over twelve months.
    Default,
    /// The same master data with this many orders, and POs and invoices in proportion.
    Bench { orders: u64 },
}

#[derive(Clone, Debug)]
pub struct SeedOptions {
    pub scale: Scale,
    /// Wipe the business tables first (in the same transaction).
    pub reset: bool,
    /// The moment of seeding. The history ends on its Asia/Jakarta date, at 07:00 that morning
    /// or at this moment if it is earlier: nothing is dated after it.
    pub now: DateTime<Utc>,
    /// argon2id PHC string for the demo password, computed once by the caller.
    pub password_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedReport {
    pub stokis: i64,
    pub mitra: i64,
    pub products: i64,
    pub users: i64,
    pub orders: i64,
    pub purchase_orders: i64,
    pub invoices: i64,
    pub payments: i64,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database already has data ({0}); run with --reset to wipe it and seed again")]
    NotEmpty(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Tables whose rows mean "this database is in use": seeding over them is refused.
const IN_USE_TABLES: &[&str] = &[
    "users",
    "stokis",
    "mitra",
    "products",
    "orders",
    "purchase_orders",
    "invoices",
];

/// Everything `--reset` empties. WhatsApp pairing (`whatsapp_sessions`, `whatsapp_store`) and
/// the send limiter (`whatsapp_rate`) survive: they describe the phone and what it has already
/// sent today, not business data, and wiping them would force re-pairing and break the daily cap.
const RESET_TABLES: &[&str] = &[
    "users",
    "sessions",
    "login_attempts",
    "stokis",
    "mitra",
    "products",
    "warehouse_stock",
    "stokis_stock",
    "stock_movements",
    "orders",
    "order_items",
    "purchase_orders",
    "purchase_order_items",
    "invoice_counters",
    "invoices",
    "payments",
    "status_history",
    "whatsapp_logs",
    "invoice_runs",
    "report_schedules",
    "report_runs",
];

/// Serialises concurrent seed runs (two processes starting on a fresh database).
const SEED_LOCK_KEY: i64 = 0x00DF_5EED;

/// True when any master or business record exists.
pub async fn has_data(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    Ok(describe_data(&mut conn).await?.is_some())
}

/// "3203 users, 200 stokis, …" for the non-empty in-use tables, or `None` when all are empty.
async fn describe_data(conn: &mut PgConnection) -> Result<Option<String>, sqlx::Error> {
    let mut parts = Vec::new();
    for table in IN_USE_TABLES {
        // Table names are constants above, never input.
        let any: bool = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT 1 FROM {table})"
        )))
        .fetch_one(&mut *conn)
        .await?;
        if any {
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *conn)
                .await?;
            parts.push(format!("{n} {table}"));
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join(", ")))
}

async fn reset(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    // Only tables that exist (a later migration may rename one); CASCADE takes along any table
    // that references these. The names come from RESET_TABLES, never from input.
    let existing: Vec<String> = sqlx::query_scalar(
        "SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass('public.' || t) IS NOT NULL",
    )
    .bind(RESET_TABLES)
    .fetch_all(&mut *conn)
    .await?;
    if !existing.is_empty() {
        sqlx::query(AssertSqlSafe(format!(
            "TRUNCATE {} CASCADE",
            existing.join(", ")
        )))
        .execute(&mut *conn)
        .await?;
        // What RESTART IDENTITY does, but needing only UPDATE on the sequences where RESTART
        // IDENTITY needs to own them: ids start at 1 again.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence(a.attrelid::regclass::text, a.attname), 1, false)
               FROM pg_attribute a
              WHERE a.attidentity <> '' AND NOT a.attisdropped
                AND a.attrelid IN (SELECT to_regclass('public.' || t) FROM unnest($1::text[]) AS t)",
        )
        .bind(&existing)
        .execute(&mut *conn)
        .await?;
    }
    // Queued jobs point at records that no longer exist; the queue's tables themselves stay.
    let jobs: Option<String> = sqlx::query_scalar("SELECT to_regclass('apalis.jobs')::text")
        .fetch_one(&mut *conn)
        .await?;
    if jobs.is_some() {
        sqlx::query("DELETE FROM apalis.jobs")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Tables the seed writes.
const LOADED_TABLES: &[&str] = &[
    "stokis",
    "mitra",
    "products",
    "users",
    "warehouse_stock",
    "stokis_stock",
    "stock_movements",
    "orders",
    "order_items",
    "purchase_orders",
    "purchase_order_items",
    "invoice_counters",
    "invoices",
    "payments",
    "status_history",
    "invoice_runs",
];

/// Drops the foreign keys and secondary indexes of the tables the seed writes, and returns the
/// statements that put them back. Checked and maintained row by row they cost most of the load
/// time; re-created at the end (same transaction, so no other session ever sees the tables
/// without them) each index is built with one sort and each key checked with one join. When
/// the database user may not alter the tables they stay, and the load is just slower.
async fn suspend_keys_and_indexes(conn: &mut PgConnection) -> Result<Vec<String>, sqlx::Error> {
    let found: Vec<(String, String)> = sqlx::query_as(
        "WITH t AS (SELECT to_regclass('public.' || n) AS oid FROM unnest($1::text[]) AS n)
         SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
           FROM pg_index i
          WHERE i.indrelid IN (SELECT oid FROM t) AND NOT i.indisprimary AND NOT i.indisunique
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
         UNION ALL
         SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
                format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
           FROM pg_constraint c
          WHERE c.contype = 'f' AND c.conrelid IN (SELECT oid FROM t)",
    )
    .bind(LOADED_TABLES)
    .fetch_all(&mut *conn)
    .await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let drops: Vec<&str> = found.iter().map(|(d, _)| d.as_str()).collect();
    sqlx::query("SAVEPOINT seed_bulk_load")
        .execute(&mut *conn)
        .await?;
    // The statements are built by the server from its catalogue, not from input.
    match sqlx::raw_sql(AssertSqlSafe(drops.join(";\n")))
        .execute(&mut *conn)
        .await
    {
        Ok(_) => {
            sqlx::query("RELEASE SAVEPOINT seed_bulk_load")
                .execute(&mut *conn)
                .await?;
            Ok(found.into_iter().map(|(_, restore)| restore).collect())
        }
        Err(e) => {
            tracing::warn!(error = %e, "seed: cannot drop indexes and foreign keys for the load; keeping them (slower)");
            sqlx::query("ROLLBACK TO SAVEPOINT seed_bulk_load")
                .execute(&mut *conn)
                .await?;
            Ok(Vec::new())
        }
    }
}

/// Builds the demo data set in one transaction: all of it is written, or none.
pub async fn seed(pool: &PgPool, opts: &SeedOptions) -> Result<SeedReport, SeedError> {
    let started = Instant::now();
    let plan = Plan::new(
        domain::clock::to_jakarta(opts.now).naive_local(),
        &opts.scale,
    );
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SEED_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    if opts.reset {
        reset(&mut tx).await?;
    } else if let Some(what) = describe_data(&mut tx).await? {
        return Err(SeedError::NotEmpty(what));
    }

    let suspended = suspend_keys_and_indexes(&mut tx).await?;

    let master = Arc::new(master::build(&plan));
    write_master(&mut tx, &plan, &master, &opts.password_hash).await?;
    write_stock(&mut tx, &plan, &master).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "seed: master data and stock written");

    let ctx = Arc::new(Ctx::new(&plan, &master));
    let billing = {
        let (ctx, master) = (Arc::clone(&ctx), Arc::clone(&master));
        off_runtime(move || billing::billing(&ctx, &master)).await?
    };
    let (invoices, payments) = write_billing(&mut tx, &billing).await?;
    let purchase_orders = billing.purchase_orders.len() as i64;
    drop(billing);
    tracing::debug!(elapsed = ?started.elapsed(), purchase_orders, invoices, "seed: billing written");

    let orders = write_orders(&mut tx, Arc::clone(&ctx)).await?;
    tracing::debug!(elapsed = ?started.elapsed(), orders, "seed: orders written");
    if !suspended.is_empty() {
        sqlx::raw_sql(AssertSqlSafe(suspended.join(";\n")))
            .execute(&mut *tx)
            .await?;
    }
    finish(&mut tx, orders, purchase_orders).await?;
    tx.commit().await?;
    tracing::debug!(elapsed = ?started.elapsed(), "seed: committed");

    Ok(SeedReport {
        stokis: master.stokis.len() as i64,
        mitra: master.mitra.len() as i64,
        products: master.products.len() as i64,
        users: master.users.len() as i64,
        orders,
        purchase_orders,
        invoices,
        payments,
        elapsed: started.elapsed(),
    })
}

async fn write_master(
    conn: &mut PgConnection,
    plan: &Plan,
    m: &Master,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    let mut t = Table::new(
        "stokis",
        &[
            "id",
            "code",
            "name",
            "city",
            "address",
            "phone",
            "credit_limit",
            "payment_terms_days",
            "active",
            "created_at",
            "updated_at",
        ],
    );
    for s in &m.stokis {
        t.row(&[
            &s.id,
            &s.code,
            &s.name,
            &s.city,
            &s.address,
            &s.phone,
            &s.credit_limit,
            &s.payment_terms_days,
            &true,
            &s.created_at,
            &s.created_at,
        ]);
    }
    t.flush(conn).await?;

    let mut t = Table::new(
        "mitra",
        &[
            "id",
            "code",
            "name",
            "owner_name",
            "phone",
            "city",
            "address",
            "stokis_id",
            "active",
            "created_at",
            "updated_at",
        ],
    );
    for x in &m.mitra {
        t.row(&[
            &x.id,
            &x.code,
            &x.name,
            &x.owner,
            &x.phone,
            &x.city,
            &x.address,
            &x.stokis_id,
            &true,
            &x.created_at,
            &x.created_at,
        ]);
    }
    t.flush(conn).await?;

    // The price list dates from before the history; retired products were retired mid-year.
    let listed = plan::at(plan.start - TimeDelta::days(400), 9 * 60);
    let retired = plan::at(plan.start + TimeDelta::days(180), 9 * 60);
    let mut t = Table::new(
        "products",
        &[
            "id",
            "sku",
            "name",
            "category",
            "unit",
            "price_to_mitra",
            "price_to_stokis",
            "active",
            "created_at",
            "updated_at",
        ],
    );
    for p in &m.products {
        let updated = if p.active { listed } else { retired };
        t.row(&[
            &p.id,
            &p.sku,
            &p.name,
            &p.category,
            &p.unit,
            &p.price_to_mitra,
            &p.price_to_stokis,
            &p.active,
            &listed,
            &updated,
        ]);
    }
    t.flush(conn).await?;

    let mut t = Table::new(
        "users",
        &[
            "id",
            "username",
            "password_hash",
            "role",
            "name",
            "phone",
            "mitra_id",
            "stokis_id",
            "active",
            "created_at",
            "updated_at",
        ],
    );
    for u in &m.users {
        t.row(&[
            &u.id,
            &u.username,
            &password_hash,
            &u.role,
            &u.name,
            &u.phone,
            &u.mitra_id,
            &u.stokis_id,
            &true,
            &u.created_at,
            &u.created_at,
        ]);
        if t.is_full() {
            t.flush(conn).await?;
        }
    }
    t.flush(conn).await
}

/// Opening balances, counted at the end of the history: the ledger starts there.
async fn write_stock(conn: &mut PgConnection, plan: &Plan, m: &Master) -> Result<(), sqlx::Error> {
    const NOTE: &str = "Saldo awal (stock opname)";
    let counted: NaiveDateTime = plan.end;
    let mut wh = Table::new("warehouse_stock", &["product_id", "qty", "updated_at"]);
    let mut st = Table::new(
        "stokis_stock",
        &["stokis_id", "product_id", "qty", "min_qty", "updated_at"],
    );
    let mut mv = Table::new(
        "stock_movements",
        &[
            "location",
            "stokis_id",
            "product_id",
            "delta",
            "balance_after",
            "reason",
            "note",
            "created_by",
            "created_at",
        ],
    );
    let none: Option<i64> = None;
    for (product_id, qty) in &m.warehouse {
        wh.row(&[product_id, qty, &counted]);
        mv.row(&[
            &"WAREHOUSE",
            &none,
            product_id,
            qty,
            qty,
            &"OPENING",
            &NOTE,
            &GUDANG_USER,
            &counted,
        ]);
    }
    for s in &m.stokis_stock {
        st.row(&[&s.stokis_id, &s.product_id, &s.qty, &s.min_qty, &counted]);
        mv.row(&[
            &"STOKIS",
            &Some(s.stokis_id),
            &s.product_id,
            &s.qty,
            &s.qty,
            &"OPENING",
            &NOTE,
            &stokis_user(s.stokis_id),
            &counted,
        ]);
    }
    wh.flush(conn).await?;
    st.flush(conn).await?;
    mv.flush(conn).await
}

fn history_table() -> Table {
    Table::new(
        "status_history",
        &[
            "entity",
            "entity_id",
            "from_status",
            "to_status",
            "actor_id",
            "note",
            "at",
        ],
    )
}

fn history_rows(t: &mut Table, entity: &str, id: i64, steps: &[Step]) {
    let mut from: Option<&str> = None;
    for s in steps {
        t.row(&[&entity, &id, &from, &s.to, &s.actor, &s.note, &s.at]);
        from = Some(s.to);
    }
}

/// Purchase orders, their items and history, then invoices and payments. Returns
/// (invoices, payments) written.
async fn write_billing(conn: &mut PgConnection, b: &Billing) -> Result<(i64, i64), sqlx::Error> {
    let mut po = Table::new(
        "purchase_orders",
        &[
            "id",
            "number",
            "stokis_id",
            "status",
            "total",
            "note",
            "reject_reason",
            "credit_override_reason",
            "created_by",
            "approved_by",
            "shipped_by",
            "created_at",
            "updated_at",
            "approved_at",
            "shipped_at",
            "received_at",
            "closed_at",
        ],
    );
    let mut items = Table::new(
        "purchase_order_items",
        &[
            "purchase_order_id",
            "product_id",
            "qty",
            "unit_price",
            "subtotal",
        ],
    );
    let mut hist = history_table();
    for p in &b.purchase_orders {
        po.row(&[
            &p.id,
            &p.number,
            &p.stokis_id,
            &p.status,
            &p.total,
            &p.note,
            &p.reject_reason,
            &p.credit_override_reason,
            &p.created_by,
            &p.approved_by,
            &p.shipped_by,
            &p.created_at,
            &p.updated_at,
            &p.approved_at,
            &p.shipped_at,
            &p.received_at,
            &p.closed_at,
        ]);
        for l in &p.lines {
            items.row(&[&p.id, &l.product_id, &l.qty, &l.unit_price, &l.subtotal()]);
        }
        history_rows(&mut hist, "PURCHASE_ORDER", p.id, &p.steps);
        if po.is_full() || items.is_full() || hist.is_full() {
            // Parents before children: order_items' foreign key is checked row by row.
            po.flush(conn).await?;
            items.flush(conn).await?;
            hist.flush(conn).await?;
        }
    }
    po.flush(conn).await?;
    items.flush(conn).await?;

    let mut inv = Table::new(
        "invoices",
        &[
            "id",
            "number",
            "purchase_order_id",
            "stokis_id",
            "issue_date",
            "due_date",
            "total",
            "paid",
            "status",
            "paid_at",
            "created_at",
            "updated_at",
        ],
    );
    let mut pay = Table::new(
        "payments",
        &[
            "invoice_id",
            "amount",
            "paid_on",
            "method",
            "reference",
            "recorded_by",
            "created_at",
        ],
    );
    for i in &b.invoices {
        inv.row(&[
            &i.id,
            &i.number,
            &i.purchase_order_id,
            &i.stokis_id,
            &i.issue_date,
            &i.due_date,
            &i.total,
            &i.paid,
            &i.status,
            &i.paid_at,
            &i.created_at,
            &i.updated_at,
        ]);
        for p in &i.payments {
            pay.row(&[
                &i.id,
                &p.amount,
                &p.paid_on,
                &p.method,
                &p.reference,
                &master::FINANCE_USER,
                &p.at,
            ]);
        }
        history_rows(&mut hist, "INVOICE", i.id, &i.steps);
        if inv.is_full() || pay.is_full() || hist.is_full() {
            inv.flush(conn).await?;
            pay.flush(conn).await?;
            hist.flush(conn).await?;
        }
    }
    inv.flush(conn).await?;
    pay.flush(conn).await?;
    hist.flush(conn).await?;

    let mut counters = Table::new("invoice_counters", &["period", "last_no"]);
    for (period, last) in &b.invoice_counters {
        counters.row(&[period, last]);
    }
    counters.flush(conn).await?;

    let mut runs = Table::new(
        "invoice_runs",
        &[
            "run_date",
            "status",
            "overdue_marked",
            "reminders",
            "overdue_alerts",
            "started_at",
            "finished_at",
            "as_of",
        ],
    );
    for r in &b.invoice_runs {
        let started = plan::at(r.date, 9 * 60);
        let finished = started + TimeDelta::seconds(2);
        runs.row(&[
            &r.date,
            &"DONE",
            &r.overdue_marked,
            &r.reminders,
            &r.overdue_alerts,
            &started,
            &finished,
            &r.date,
        ]);
    }
    runs.flush(conn).await?;
    Ok((inv.rows() as i64, pay.rows() as i64))
}

/// Encoded orders, items and history for a run of days, in foreign-key order.
type Batch = Vec<Chunk>;

/// Orders are generated and encoded on a blocking thread while this task streams the previous
/// batch to the server: the two cores work at once, and at most a few batches exist at a time.
async fn write_orders(conn: &mut PgConnection, ctx: Arc<Ctx>) -> Result<i64, sqlx::Error> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(2);
    let producer = tokio::task::spawn_blocking(move || {
        let mut orders = Table::new(
            "orders",
            &[
                "id",
                "number",
                "mitra_id",
                "stokis_id",
                "status",
                "total",
                "note",
                "reject_reason",
                "created_by",
                "created_at",
                "updated_at",
                "confirmed_at",
                "shipped_at",
                "delivered_at",
                "closed_at",
            ],
        );
        let mut items = Table::new(
            "order_items",
            &["order_id", "product_id", "qty", "unit_price", "subtotal"],
        );
        let mut hist = history_table();
        let mut next_id = 1i64;
        for day in 0..ctx.day_counts.len() {
            let day_orders: Vec<Order> = history::orders_for_day(&ctx, day, next_id);
            next_id += day_orders.len() as i64;
            for o in &day_orders {
                orders.row(&[
                    &o.id,
                    &o.number,
                    &o.mitra_id,
                    &o.stokis_id,
                    &o.status,
                    &o.total,
                    &o.note,
                    &o.reject_reason,
                    &o.created_by,
                    &o.created_at,
                    &o.updated_at,
                    &o.confirmed_at,
                    &o.shipped_at,
                    &o.delivered_at,
                    &o.closed_at,
                ]);
                for l in &o.lines {
                    items.row(&[&o.id, &l.product_id, &l.qty, &l.unit_price, &l.subtotal()]);
                }
                history_rows(&mut hist, "ORDER", o.id, &o.steps);
            }
            if orders.is_full() || items.is_full() || hist.is_full() {
                let batch = vec![orders.take(), items.take(), hist.take()];
                if sender.blocking_send(batch).is_err() {
                    // The writer stopped on an error; it reports it.
                    return orders.rows();
                }
            }
        }
        let _ = sender.blocking_send(vec![orders.take(), items.take(), hist.take()]);
        orders.rows()
    });
    while let Some(batch) = receiver.recv().await {
        for chunk in batch {
            chunk.send(conn).await?;
        }
    }
    Ok(joined(producer.await)? as i64)
}

/// Runs CPU-bound generation on the blocking pool, so a seed inside a serving process does not
/// stall its runtime.
async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, sqlx::Error> {
    joined(tokio::task::spawn_blocking(f).await)
}

/// A generator that panicked is a bug: the panic goes on up. One cancelled by a runtime
/// shutting down becomes an error, and the transaction rolls back.
fn joined<T>(r: Result<T, tokio::task::JoinError>) -> Result<T, sqlx::Error> {
    match r {
        Ok(v) => Ok(v),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(sqlx::Error::Protocol(format!(
            "seed generator stopped: {e}"
        ))),
    }
}

/// Sequences past every number used, and fresh planner statistics for the bulk-loaded tables.
async fn finish(
    conn: &mut PgConnection,
    orders: i64,
    purchase_orders: i64,
) -> Result<(), sqlx::Error> {
    // Ids were written explicitly (COPY overrides GENERATED ALWAYS), so the identity sequences
    // have not moved: put each one past its table's highest id.
    for table in [
        "stokis",
        "mitra",
        "products",
        "users",
        "orders",
        "purchase_orders",
        "invoices",
    ] {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
        )))
        .execute(&mut *conn)
        .await?;
    }
    // Document numbers use the record id as their sequence value.
    for (seq, used) in [
        ("order_number_seq", orders),
        ("purchase_order_number_seq", purchase_orders),
    ] {
        sqlx::query("SELECT setval($1::regclass, $2 + 1, false)")
            .bind(seq)
            .bind(used)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "ANALYZE stokis, mitra, products, users, warehouse_stock, stokis_stock, stock_movements, orders, order_items, \
         purchase_orders, purchase_order_items, invoices, payments, status_history, invoice_counters",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
