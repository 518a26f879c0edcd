//! `dfresto-worker`: the worker process (Procfile `worker`). Configuration comes from the
//! environment (see `WorkerConfig::from_vars`); SIGTERM or Ctrl-C stops it gracefully, a second
//! signal stops it at once.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use wa::holder::Holder;
use wa::link::{Link, LinkConfig};
use worker::config::{MessengerKind, WhatsAppSettings};
use worker::messenger::{ConsoleMessenger, FakeMessenger, Messenger, WhatsAppMessenger};
use worker::{Exit, WorkerConfig};

async fn signalled() {
    let ctrl_c = tokio::signal::ctrl_c();
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the worker");
            let _ = ctrl_c.await;
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                "info,sqlx=warn,apalis=warn,apalis_core=warn,apalis_postgres=warn".into()
            }),
        )
        .with_ansi(std::io::stdout().is_terminal())
        .init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("time-report") {
        return time_report(&args[1..]).await;
    }

    let cfg = match WorkerConfig::from_env() {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("dfresto-worker: {e}");
            return ExitCode::from(2);
        }
    };
    // The WhatsApp link outlives the consumers: it is stopped (the client disconnects, the
    // session lock is released) only once the last send is recorded.
    let (link_stop, link_stop_rx) = tokio::sync::watch::channel(false);
    let mut link_tasks = Vec::new();
    let messenger: Arc<dyn Messenger> = match &cfg.messenger {
        MessengerKind::Console => Arc::new(ConsoleMessenger::new()),
        MessengerKind::Fake {
            journal,
            delay,
            sender,
        } => {
            let mut fake = FakeMessenger::new().with_sender(sender.clone());
            if let Some(path) = journal {
                fake = fake.with_journal(path.clone());
            }
            fake.set_delay(*delay);
            Arc::new(fake)
        }
        MessengerKind::WhatsApp(settings) => {
            match start_whatsapp(&cfg, settings, link_stop_rx.clone()) {
                Ok((messenger, tasks)) => {
                    link_tasks = tasks;
                    messenger
                }
                Err(e) => {
                    eprintln!("dfresto-worker: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };

    let shutdown = async {
        signalled().await;
        // A second signal means "now": whatever runs is abandoned, and other workers take it
        // over once this process's heartbeats stop.
        tokio::spawn(async {
            signalled().await;
            eprintln!("dfresto-worker: second signal, exiting without waiting");
            std::process::exit(130);
        });
    };
    let exit = worker::run(cfg, domain::SystemClock::shared(), messenger, shutdown).await;
    let _ = link_stop.send(true);
    let stopping = futures::future::join_all(link_tasks);
    if tokio::time::timeout(std::time::Duration::from_secs(15), stopping)
        .await
        .is_err()
    {
        tracing::warn!("the WhatsApp link did not stop within 15 s");
    }
    match exit {
        Ok(Exit::Clean) => ExitCode::SUCCESS,
        Ok(Exit::CutShort { .. }) => ExitCode::from(1),
        Err(e) => {
            tracing::error!(error = %e, "dfresto-worker failed");
            ExitCode::from(1)
        }
    }
}

/// The tasks of the WhatsApp link, awaited at the end so the client disconnects cleanly.
type LinkTasks = Vec<tokio::task::JoinHandle<()>>;

/// The real client: its own small pool for the session store and the admin page's commands,
/// the session lock on a connection of its own (see `wa::holder`).
fn start_whatsapp(
    cfg: &WorkerConfig,
    settings: &WhatsAppSettings,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(Arc<dyn Messenger>, LinkTasks), String> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_lazy(&cfg.database_url)
        .map_err(|e| format!("DATABASE_URL: {e}"))?;
    let holder = Holder::new((*pool.connect_options()).clone(), cfg.session_id.clone())
        .with_retry(settings.takeover_retry);
    let (link, supervisor) = Link::start(
        LinkConfig {
            pool: pool.clone(),
            holder,
            transport: None,
            http: None,
            version: settings.version,
            push_name: settings.push_name.clone(),
            ack_timeout: settings.ack_timeout,
            backoff: (
                std::time::Duration::from_secs(2),
                std::time::Duration::from_secs(300),
            ),
        },
        stop.clone(),
    );
    let (messenger, mut tasks) =
        WhatsAppMessenger::new(link, Some((pool, cfg.session_id.clone())), stop);
    tasks.push(supervisor);
    Ok((Arc::new(messenger), tasks))
}

/// `dfresto-worker time-report --kind K --format PDF|XLSX --params JSON [--rounds N]`: see
/// `worker::report_timing`. Prints one line of `key=value` figures.
async fn time_report(args: &[String]) -> ExitCode {
    let mut kind = String::new();
    let mut format = "PDF".to_owned();
    let mut params = "{}".to_owned();
    let mut rounds = 3usize;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().cloned().unwrap_or_default();
        match flag.as_str() {
            "--kind" => kind = value,
            "--format" => format = value,
            "--params" => params = value,
            "--rounds" => rounds = value.parse().unwrap_or(3),
            other => {
                eprintln!("dfresto-worker time-report: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("dfresto-worker time-report: DATABASE_URL is not set");
        return ExitCode::from(2);
    };
    let params: serde_json::Value = match serde_json::from_str(&params) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("dfresto-worker time-report: --params is not JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let pool = match sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
    {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("dfresto-worker time-report: cannot connect: {e}");
            return ExitCode::from(1);
        }
    };
    match worker::report_timing::time_report(&pool, &kind, &format, &params, rounds).await {
        Ok(t) => {
            println!(
                "report={kind} format={format} job_ms={:.1} baseline_ms={:.1} size={} peak_rss_mb={:.1}",
                t.job_ms, t.baseline_ms, t.size, t.peak_rss_mb
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dfresto-worker time-report: {e:#}");
            ExitCode::from(1)
        }
    }
}
