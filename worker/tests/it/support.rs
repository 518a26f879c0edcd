//! Helpers for the worker tests: a database with the known world, the send pipeline on a set
//! clock and the fake transport, message rows, and real `dfresto-worker` processes.

use chrono::NaiveDate;
use domain::input::Line;
use domain::purchase_order::{self as po, NewPurchaseOrder, PoAction};
use domain::whatsapp::SendPolicy;
use domain::{Clock, FixedClock};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tests::TestDb;
use tests::fixtures::World;
use tests::worker_services;
use worker::messenger::{FakeMessenger, JournalEntry, Messenger};
use worker::send::SendPipeline;

pub async fn world() -> (TestDb, World) {
    let db = TestDb::new().await;
    let w = World::build(&db.pool).await;
    (db, w)
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// The pipeline on a set clock, with no gap between sends unless the policy says otherwise.
pub fn pipeline(
    db: &TestDb,
    clock: &Arc<FixedClock>,
    fake: &FakeMessenger,
    policy: SendPolicy,
) -> SendPipeline {
    let messenger: Arc<dyn Messenger> = Arc::new(fake.clone());
    worker_services::pipeline(&db.pool, clock.clone(), messenger, policy)
}

/// What the worker's consumers share, on a set clock with the fake transport.
pub fn services(db: &TestDb, clock: &Arc<FixedClock>) -> worker::handlers::Services {
    worker_services::services(
        &db.pool,
        clock.clone(),
        pipeline(db, clock, &FakeMessenger::new(), fast_policy()),
        tokio::sync::watch::channel(false).1,
    )
}

pub use tests::worker_services::fast_policy;

/// `n` PENDING messages to `phone`, scheduled at `at`, without send jobs.
pub async fn insert_logs(
    pool: &PgPool,
    n: usize,
    phone: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<i64> {
    static BATCH: AtomicU32 = AtomicU32::new(0);
    let batch = BATCH.fetch_add(1, Ordering::Relaxed);
    sqlx::query_scalar(
        "INSERT INTO whatsapp_logs (phone, message, type, event, recipient, dedup_key, scheduled_for, created_at)
         SELECT $1, 'Pesan uji ' || g, 'MANUAL', 'manual', 'manual', 'test:' || $2 || ':' || g, $3, $3
         FROM generate_series(1, $4) AS g ORDER BY g RETURNING id",
    )
    .bind(phone)
    .bind(batch.to_string())
    .bind(at)
    .bind(n as i64)
    .fetch_all(pool)
    .await
    .expect("insert logs")
}

/// Enqueues one send job per log, in one transaction.
pub async fn enqueue_sends(pool: &PgPool, ids: &[i64]) {
    let mut tx = pool.begin().await.unwrap();
    let jobs: Vec<jobs::SendWhatsapp> = ids
        .iter()
        .map(|&log_id| jobs::SendWhatsapp { log_id })
        .collect();
    jobs::enqueue(&mut tx, &jobs).await.unwrap();
    tx.commit().await.unwrap();
}

pub async fn status_of(pool: &PgPool, log_id: i64) -> (String, i32, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM whatsapp_logs WHERE id = $1")
        .bind(log_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// An order placed by mitra A for stokis A, committed.
pub async fn place_order(db: &TestDb, w: &World, clock: &dyn Clock) -> i64 {
    tests::records::place_order_in(
        &db.pool,
        clock,
        &w.mitra_a_user,
        &[(w.ayam.0, 10), (w.saus.0, 2)],
        "",
    )
    .await
    .id
}

/// A PO of stokis `who` approved and shipped on `clock`'s day: returns (po id, invoice id).
pub async fn shipped_po(
    db: &TestDb,
    w: &World,
    who: &domain::Actor,
    qty: i64,
    clock: &dyn Clock,
) -> (i64, i64) {
    let mut tx = db.pool.begin().await.unwrap();
    let p = po::submit(
        &mut tx,
        who,
        clock,
        NewPurchaseOrder {
            items: vec![Line {
                product_id: w.ayam.0,
                qty,
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .purchase_order;
    po::approve(&mut tx, &w.finance, clock, p.id, Some("uji"))
        .await
        .unwrap();
    po::apply(&mut tx, &w.gudang, clock, p.id, PoAction::Ship, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let invoice: i64 = sqlx::query_scalar("SELECT id FROM invoices WHERE purchase_order_id = $1")
        .bind(p.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    (p.id, invoice)
}

/// Waits until `check` returns true, polling every 20 ms; false on timeout.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return true;
        }
        if start.elapsed() > timeout {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A folder for a test's journal and worker logs; removed when the test passes, kept (and
/// named in the failure output) when it fails.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("worker logs kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn scratch_dir() -> Scratch {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "dfresto-worker-it-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A real `dfresto-worker` process on the test database with the fake transport writing to a
/// journal, fast heartbeats (a dead worker's jobs move on after ~3 s), no send gap, no quiet
/// hours and no cron. Killed when dropped.
pub struct WorkerProcess {
    pub name: String,
    child: Child,
    pub log: PathBuf,
}

impl WorkerProcess {
    pub fn start(db: &TestDb, name: &str, journal: &Path, extra: &[(&str, &str)]) -> WorkerProcess {
        let log = journal.with_file_name(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let err = out.try_clone().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfresto-worker"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", db.url())
            .env("WORKER_INSTANCE", name)
            .env("WORKER_MESSENGER", "fake")
            .env("FAKE_MESSENGER_JOURNAL", journal)
            .env("WORKER_HEARTBEAT_SECS", "1")
            .env("WORKER_MISSED_HEARTBEATS", "3")
            .env("WORKER_SHUTDOWN_GRACE_SECS", "15")
            .env("WORKER_CRON", "0")
            .env("WORKER_DB_POOL", "8")
            .env("WHATSAPP_GAP_MIN_SECS", "0")
            .env("WHATSAPP_GAP_MAX_SECS", "0")
            .env("WHATSAPP_QUIET_HOURS", "off")
            .env(
                "RUST_LOG",
                "info,sqlx=warn,apalis=warn,apalis_core=warn,apalis_postgres=warn",
            );
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("start dfresto-worker");
        WorkerProcess {
            name: name.to_owned(),
            child,
            log,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until this process listens for new jobs: `consumers` apalis consumers registered
    /// (one per queue but notifications, which is consumed in batches) and `listeners` LISTEN
    /// connections open (one per queue).
    pub async fn ready(&self, db: &TestDb, consumers: i64, listeners: i64) {
        let name = self.name.clone();
        let ok = eventually(Duration::from_secs(30), || {
            let pool = db.pool.clone();
            let db_name = db.name.clone();
            let name = name.clone();
            async move {
                let registered: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM apalis.workers WHERE id LIKE $1 || '@%'",
                )
                .bind(&name)
                .fetch_one(&pool)
                .await
                .unwrap_or(0);
                let listening: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'",
                )
                .bind(&db_name)
                .fetch_one(&pool)
                .await
                .unwrap_or(0);
                registered >= consumers && listening >= listeners
            }
        })
        .await;
        assert!(
            ok,
            "worker {} did not become ready:\n{}",
            self.name,
            self.output()
        );
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Task ids of the jobs of `queue` this process started.
    pub fn started_tasks(&self, queue: &str) -> Vec<String> {
        let marker = format!("queue=\"{queue}\"");
        self.output()
            .lines()
            .filter(|l| {
                l.contains("job started")
                    && (l.contains(&marker) || l.contains(&format!("queue={queue}")))
            })
            .filter_map(|l| {
                let rest = &l[l.find("task_id=")? + "task_id=".len()..];
                Some(rest.split_whitespace().next()?.to_owned())
            })
            .collect()
    }

    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
    }

    /// The exit code, waiting up to `timeout`.
    pub async fn exit_code(&mut self, timeout: Duration) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if start.elapsed() > timeout {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn journal(path: &Path) -> Vec<JournalEntry> {
    JournalEntry::read_all(path)
}
