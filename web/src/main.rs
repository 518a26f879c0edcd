//! `dfresto-web`: runs the command the arguments name, and turns any failure into one line on
//! stderr and a non-zero exit code (never a panic or a backtrace).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;
use domain::auth::password;
use domain::{Clock, SystemClock};
use seed::{Scale, SeedError, SeedOptions};
use web::cli::{self, Command, SeedArgs};
use web::config::Config;
use web::{migrate, server};

/// The password of every demo login.
const DEMO_PASSWORD: &str = "dfresto-demo";

/// Exit code when `seed` refuses a database that already has data.
const EXIT_SEED_NOT_EMPTY: u8 = 3;

fn main() -> ExitCode {
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if command == Command::Help {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    init_logging(&command);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let is_has_data = command == Command::HasData;
    match runtime.block_on(run(command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            // `has-data` uses 1 for "empty": an error must not look like that.
            if is_has_data {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn init_logging(command: &Command) {
    use tracing_subscriber::EnvFilter;
    // The server logs requests; one-shot commands only say what went wrong.
    let default = match command {
        Command::Serve => "info,sqlx=warn",
        _ => "warn",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The error and its causes on one line, without repeating a cause its parent already quotes.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out.replace('\n', " ")
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let pool = server::connect(&config.database_url, config.db_max_connections).await?;
    match command {
        Command::Serve => {
            if config.bench_skip_enqueue {
                jobs::skip_enqueue_for_bench(&format!("{}=1", web::config::BENCH_SKIP_ENQUEUE_VAR));
            }
            match migrate::is_current(&pool).await {
                Ok(true) => {}
                Ok(false) | Err(_) => tracing::warn!(
                    "the database is not fully migrated: /readyz answers 503 until `dfresto-web migrate` runs"
                ),
            }
            server::serve(config, pool, SystemClock::shared()).await?;
        }
        Command::Migrate => {
            let started = Instant::now();
            migrate::run(&pool).await?;
            println!(
                "migrations up to date ({} ms)",
                started.elapsed().as_millis()
            );
        }
        Command::Seed(args) => return run_seed(&pool, args).await,
        Command::TimeImport => {
            let t = web::import_timing::time_import(&pool).await?;
            println!(
                "import=MITRA rows={} read_ms={:.1} preview_ms={:.1} commit_ms={:.1} updated={} size={}",
                t.rows, t.read_ms, t.preview_ms, t.commit_ms, t.updated, t.size
            );
        }
        Command::HasData => {
            let has = match seed::has_data(&pool).await {
                Ok(has) => has,
                // No tables yet (not migrated): nothing has been loaded either.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => false,
                Err(e) => {
                    return Err(anyhow::Error::new(e).context("cannot check the database for data"));
                }
            };
            println!("{}", if has { "has data" } else { "empty" });
            return Ok(if has {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        Command::Help => println!("{}", cli::USAGE),
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_seed(pool: &sqlx::PgPool, args: SeedArgs) -> anyhow::Result<ExitCode> {
    let migrated = migrate::is_current(pool).await.unwrap_or(false);
    if !migrated {
        return Err(anyhow!(
            "the database is not migrated: run `dfresto-web migrate` first"
        ));
    }
    let options = SeedOptions {
        scale: match args.bench_orders {
            None => Scale::Default,
            Some(orders) => Scale::Bench { orders },
        },
        reset: args.reset,
        now: SystemClock.now(),
        password_hash: password::hash(DEMO_PASSWORD)?,
    };
    match seed::seed(pool, &options).await {
        Ok(r) => {
            println!(
                "seeded {} stokis, {} mitra, {} products, {} users, {} orders, {} purchase orders, {} invoices, {} payments in {:.1} s",
                r.stokis,
                r.mitra,
                r.products,
                r.users,
                r.orders,
                r.purchase_orders,
                r.invoices,
                r.payments,
                r.elapsed.as_secs_f64()
            );
            println!(
                "demo logins (password {DEMO_PASSWORD}): pusat, finance, gudang, stokis001…, mitra0001…"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ SeedError::NotEmpty { .. }) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(EXIT_SEED_NOT_EMPTY))
        }
        Err(e) => Err(e.into()),
    }
}
