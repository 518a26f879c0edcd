//! The worker's settings, from environment variables with defaults that work out of the box.
//! Every variable is listed in [`WorkerConfig::from_vars`].

use domain::document::Seller;
use domain::invoice_run::RunConfig;
use domain::setting::Setting;
use domain::whatsapp::{LimiterSettings, RetrySettings, SendPolicy};
use std::path::PathBuf;
use std::time::Duration;

/// How one queue is consumed by this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueConfig {
    /// Jobs run at the same time by this process.
    pub concurrency: usize,
    /// Jobs fetched (and locked) per database round trip. Larger batches give more throughput;
    /// batches close to the concurrency share work more evenly between processes.
    pub batch_size: usize,
}

/// Which transport delivers WhatsApp messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessengerKind {
    /// Writes messages to the log (development).
    Console,
    /// The test transport, optionally sharing a journal file between processes and slow.
    Fake {
        journal: Option<PathBuf>,
        delay: Duration,
        sender: String,
    },
    /// The real WhatsApp client (whatsapp-rust), run by whichever worker holds the link.
    WhatsApp(WhatsAppSettings),
}

/// How the real client connects; see `wa::link::LinkConfig` for what each does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatsAppSettings {
    /// How long a sent message waits for the server's acknowledgement of its id.
    pub ack_timeout: Duration,
    /// How often a worker without the link tries to take it over.
    pub takeover_retry: Duration,
    /// The WhatsApp Web version to announce (`2.3000.1023456789`); `None` fetches the current
    /// one from web.whatsapp.com at connect.
    pub version: Option<(u32, u32, u32)>,
    /// The name recipients see for this number until they save it.
    pub push_name: String,
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub database_url: String,
    /// Names this process's consumers in `apalis.workers`: `host:pid`, prefixed with
    /// `WORKER_INSTANCE@` when that label is set (systemd sets it to the unit instance).
    pub instance: String,
    pub db_pool_size: u32,
    pub notifications: Option<QueueConfig>,
    pub whatsapp: Option<QueueConfig>,
    pub invoices: Option<QueueConfig>,
    /// Reports and printable documents (PDF / Excel rendering).
    pub reports: Option<QueueConfig>,
    /// Finished report runs older than this many days are deleted with their files.
    pub reports_keep_days: u32,
    /// Head office as printed on every faktur and surat jalan.
    pub seller: Seller,
    /// Where messages link to: the portals under `BASE_DOMAIN` (none when unset).
    pub links: domain::notify::Links,
    /// How often consumers tell the database they are alive, and how many beats a consumer may
    /// miss before its jobs are handed to another worker: the bound on recovery after kill -9.
    pub heartbeat: Duration,
    pub missed_heartbeats: usize,
    /// After SIGTERM / Ctrl-C: no new jobs; jobs in flight get this long to finish.
    pub shutdown_grace: Duration,
    /// The daily invoice run's schedule (WIB), or `None` for no cron in this process.
    pub invoice_run_at: Option<(u32, u32)>,
    pub invoice_run: RunConfig,
    pub send: SendPolicy,
    /// The longest a transport call may take before it counts as a transient failure.
    pub send_timeout: Duration,
    /// How often stranded PENDING messages are looked for (see `requeue_stranded`).
    pub sweep_every: Duration,
    pub messenger: MessengerKind,
    pub session_id: String,
    /// Test mode: every message goes to this number instead, naming its intended recipient.
    pub redirect_to: Option<domain::Phone>,
}

/// The WhatsApp limiter's variables, which the web tier reads too (it shows the day's budget):
/// `WHATSAPP_DAILY_CAP`, `WHATSAPP_GAP_MIN_SECS`, `WHATSAPP_GAP_MAX_SECS`,
/// `WHATSAPP_QUIET_HOURS`.
pub fn limiter_settings(get: impl Fn(&str) -> Option<String>) -> LimiterSettings {
    let setting = |name: &'static str| get(name).map(|v| Setting::new(name, v));
    LimiterSettings {
        daily_cap: setting("WHATSAPP_DAILY_CAP"),
        ramp_start: setting("WHATSAPP_RAMP_START"),
        gap_min_secs: setting("WHATSAPP_GAP_MIN_SECS"),
        gap_max_secs: setting("WHATSAPP_GAP_MAX_SECS"),
        quiet_hours: setting("WHATSAPP_QUIET_HOURS"),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

fn parse<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, ConfigError> {
    v.trim()
        .parse()
        .map_err(|_| ConfigError(format!("{name}: cannot read {v:?}")))
}

/// `2.3000.1023456789` as the three numbers WhatsApp Web announces.
fn parse_version(v: &str) -> Result<(u32, u32, u32), ConfigError> {
    let parts: Vec<u32> = v
        .trim()
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u32>>>()
        .unwrap_or_default();
    match parts[..] {
        [a, b, c] => Ok((a, b, c)),
        _ => Err(ConfigError(format!(
            "WHATSAPP_VERSION: expected three numbers like 2.3000.1023456789, got {v:?}"
        ))),
    }
}

impl WorkerConfig {
    pub fn from_env() -> Result<WorkerConfig, ConfigError> {
        WorkerConfig::from_vars(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads:
    /// - `DATABASE_URL` (required)
    /// - `WORKER_QUEUES`: which queues this process consumes (`notifications,whatsapp,invoices`)
    /// - `WORKER_CONCURRENCY_NOTIFICATIONS` (4 batch consumers), `WORKER_CONCURRENCY_WHATSAPP`
    ///   (1), `WORKER_CONCURRENCY_INVOICES` (1); `WORKER_BATCH_<QUEUE>` (100, 1, 1): jobs per
    ///   notifications batch, per apalis fetch for the others
    /// - `WORKER_HEARTBEAT_SECS` (5), `WORKER_MISSED_HEARTBEATS` (6)
    /// - `WORKER_SHUTDOWN_GRACE_SECS` (30)
    /// - `WORKER_CRON` (`1`; `0` turns the 09:00 invoice run off in this process),
    ///   `INVOICE_RUN_AT` (`09:00`, WIB)
    /// - `INVOICE_REMINDER_DAYS` (`7`), `INVOICE_OVERDUE_ALERT_DAYS` (`1,7,14,30`)
    /// - `WHATSAPP_DAILY_CAP` (1000), `WHATSAPP_GAP_MIN_SECS` (4), `WHATSAPP_GAP_MAX_SECS` (12),
    ///   `WHATSAPP_QUIET_HOURS` (`21:00-07:00`), `WHATSAPP_MAX_ATTEMPTS` (5),
    ///   `WHATSAPP_RETRY_BASE_SECS` (30), `WHATSAPP_RETRY_MAX_SECS` (3600),
    ///   `WHATSAPP_SEND_TIMEOUT_SECS` (30), `WHATSAPP_SESSION_ID` (`default`)
    /// - `WORKER_MESSENGER` (`console`; `whatsapp` for the real client, with
    ///   `WHATSAPP_ACK_TIMEOUT_SECS` (20), `WHATSAPP_TAKEOVER_RETRY_SECS` (5),
    ///   `WHATSAPP_VERSION` (unset: fetched), `WHATSAPP_PUSH_NAME` (`D'Fresto`); `fake` for
    ///   tests, with `FAKE_MESSENGER_JOURNAL`, `FAKE_MESSENGER_DELAY_MS`, `FAKE_MESSENGER_SENDER`)
    /// - `WHATSAPP_REDIRECT_TO` (unset; a number: test mode, every message goes there)
    /// - `BASE_DOMAIN` (unset: messages carry no portal links)
    /// - `REPORTS_KEEP_DAYS` (30); `SELLER_NAME`, `SELLER_ADDRESS`, `SELLER_NPWP`, `SELLER_PHONE`,
    ///   `SELLER_BANK_NAME`, `SELLER_BANK_ACCOUNT`, `SELLER_ACCOUNT_HOLDER` (the faktur's issuer)
    /// - `WORKER_DB_POOL` (enough for the concurrency), `WORKER_INSTANCE` (a label for logs),
    ///   `WORKER_SWEEP_SECS` (60)
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<WorkerConfig, ConfigError> {
        let setting = |name: &'static str| get(name).map(|v| Setting::new(name, v));
        let database_url =
            get("DATABASE_URL").ok_or_else(|| ConfigError("DATABASE_URL is not set".into()))?;
        let secs = |name: &str, default: u64| -> Result<Duration, ConfigError> {
            match get(name) {
                Some(v) => Ok(Duration::from_secs(parse(name, &v)?)),
                None => Ok(Duration::from_secs(default)),
            }
        };
        let num = |name: &str, default: usize| -> Result<usize, ConfigError> {
            match get(name) {
                Some(v) => parse(name, &v),
                None => Ok(default),
            }
        };
        let queues: Vec<String> = get("WORKER_QUEUES")
            .map(|v| {
                v.split(',')
                    .map(|q| q.trim().to_ascii_lowercase())
                    .filter(|q| !q.is_empty())
                    .collect()
            })
            .unwrap_or_else(|| {
                [
                    jobs::queue::NOTIFICATIONS,
                    jobs::queue::WHATSAPP,
                    jobs::queue::INVOICES,
                    jobs::queue::REPORTS,
                ]
                .iter()
                .map(|q| (*q).to_owned())
                .collect()
            });
        for q in &queues {
            if ![
                jobs::queue::NOTIFICATIONS,
                jobs::queue::WHATSAPP,
                jobs::queue::INVOICES,
                jobs::queue::REPORTS,
            ]
            .contains(&q.as_str())
            {
                return Err(ConfigError(format!(
                    "WORKER_QUEUES: unknown queue {q:?} (notifications, whatsapp, invoices, reports)"
                )));
            }
        }
        let queue = |name: &str,
                     concurrency: usize,
                     batch: usize|
         -> Result<Option<QueueConfig>, ConfigError> {
            if !queues.iter().any(|q| q == name) {
                return Ok(None);
            }
            let upper = name.to_ascii_uppercase();
            let concurrency = num(&format!("WORKER_CONCURRENCY_{upper}"), concurrency)?.max(1);
            let batch_size = num(&format!("WORKER_BATCH_{upper}"), batch.max(concurrency))?.max(1);
            Ok(Some(QueueConfig {
                concurrency,
                batch_size,
            }))
        };
        // Notifications are consumed in batches (`notification_batch`): the concurrency is the
        // number of batch consumers, each one transaction of up to the batch size at a time.
        // `make bench` (job_drain, 2 cores): 2 consumers drained 2,045 jobs/s, 4 drained
        // 2,690/s, and 8 (two processes) no more; a batch of 100 is a fraction of a second of
        // work, so a second process still gets its share.
        let notifications = queue(jobs::queue::NOTIFICATIONS, 4, 100)?;
        let whatsapp = queue(jobs::queue::WHATSAPP, 1, 1)?;
        let invoices = queue(jobs::queue::INVOICES, 1, 1)?;
        // Rendering is CPU work: one at a time per process leaves the cores to the rest.
        let reports = queue(jobs::queue::REPORTS, 1, 1)?;
        let text = |name: &str, default: &str| get(name).unwrap_or_else(|| default.to_owned());
        let seller = Seller {
            company: text("SELLER_NAME", "PT D'Fresto Indonesia"),
            address: text("SELLER_ADDRESS", ""),
            npwp: text("SELLER_NPWP", ""),
            phone: text("SELLER_PHONE", ""),
            bank_name: text("SELLER_BANK_NAME", ""),
            bank_account: text("SELLER_BANK_ACCOUNT", ""),
            account_holder: text("SELLER_ACCOUNT_HOLDER", ""),
        };

        let cron_on = get("WORKER_CRON").is_none_or(|v| !matches!(v.trim(), "0" | "false" | "off"));
        let invoice_run_at = if cron_on {
            let v = get("INVOICE_RUN_AT").unwrap_or_else(|| "09:00".into());
            let (h, m) = v
                .trim()
                .split_once(':')
                .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
                .filter(|&(h, m)| h < 24 && m < 60)
                .ok_or_else(|| ConfigError(format!("INVOICE_RUN_AT: expected HH:MM, got {v:?}")))?;
            Some((h, m))
        } else {
            None
        };

        let messenger = match get("WORKER_MESSENGER").as_deref().map(str::trim) {
            None | Some("console") => MessengerKind::Console,
            Some("fake") => MessengerKind::Fake {
                journal: get("FAKE_MESSENGER_JOURNAL").map(PathBuf::from),
                delay: Duration::from_millis(match get("FAKE_MESSENGER_DELAY_MS") {
                    Some(v) => parse("FAKE_MESSENGER_DELAY_MS", &v)?,
                    None => 0,
                }),
                sender: get("FAKE_MESSENGER_SENDER").unwrap_or_else(|| "fake".into()),
            },
            Some("whatsapp") => MessengerKind::WhatsApp(WhatsAppSettings {
                ack_timeout: secs("WHATSAPP_ACK_TIMEOUT_SECS", 20)?.max(Duration::from_secs(1)),
                takeover_retry: secs("WHATSAPP_TAKEOVER_RETRY_SECS", 5)?
                    .max(Duration::from_secs(1)),
                version: match get("WHATSAPP_VERSION") {
                    Some(v) => Some(parse_version(&v)?),
                    None => None,
                },
                push_name: get("WHATSAPP_PUSH_NAME").unwrap_or_else(|| "D'Fresto".into()),
            }),
            Some(other) => {
                return Err(ConfigError(format!(
                    "WORKER_MESSENGER: unknown transport {other:?} (console, whatsapp, fake)"
                )));
            }
        };

        let concurrency: usize = [notifications, whatsapp, invoices, reports]
            .iter()
            .flatten()
            .map(|q| q.concurrency)
            .sum();
        let default_pool = u32::try_from(concurrency + 10).unwrap_or(20);
        // Consumer ids must be unique across machines and restarts (apalis keys heartbeats and
        // orphaned jobs by them), so the label only prefixes host and pid.
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "worker".into());
        let instance = match get("WORKER_INSTANCE") {
            Some(label) => format!("{}@{host}:{}", label.trim(), std::process::id()),
            None => format!("{host}:{}", std::process::id()),
        };

        Ok(WorkerConfig {
            database_url,
            instance,
            db_pool_size: match get("WORKER_DB_POOL") {
                Some(v) => parse("WORKER_DB_POOL", &v)?,
                None => default_pool,
            },
            notifications,
            whatsapp,
            invoices,
            reports,
            reports_keep_days: match get("REPORTS_KEEP_DAYS") {
                Some(v) => parse::<u32>("REPORTS_KEEP_DAYS", &v)?.max(1),
                None => 30,
            },
            seller,
            links: get("BASE_DOMAIN")
                .map(|d| domain::notify::Links::for_domain(&d))
                .unwrap_or_default(),
            heartbeat: secs("WORKER_HEARTBEAT_SECS", 5)?.max(Duration::from_secs(1)),
            missed_heartbeats: num("WORKER_MISSED_HEARTBEATS", 6)?.max(2),
            shutdown_grace: secs("WORKER_SHUTDOWN_GRACE_SECS", 30)?,
            invoice_run_at,
            invoice_run: RunConfig::from_settings(
                setting("INVOICE_REMINDER_DAYS").as_ref(),
                setting("INVOICE_OVERDUE_ALERT_DAYS").as_ref(),
            )
            .map_err(ConfigError)?,
            send: SendPolicy::from_settings(
                &limiter_settings(&get),
                &RetrySettings {
                    max_attempts: setting("WHATSAPP_MAX_ATTEMPTS"),
                    base_secs: setting("WHATSAPP_RETRY_BASE_SECS"),
                    max_secs: setting("WHATSAPP_RETRY_MAX_SECS"),
                },
            )
            .map_err(ConfigError)?,
            // The real client's send includes the number lookup, typing and the ack wait.
            send_timeout: secs(
                "WHATSAPP_SEND_TIMEOUT_SECS",
                if matches!(messenger, MessengerKind::WhatsApp(_)) {
                    90
                } else {
                    30
                },
            )?
            .max(Duration::from_secs(1)),
            sweep_every: secs("WORKER_SWEEP_SECS", 60)?.max(Duration::from_secs(1)),
            messenger,
            session_id: get("WHATSAPP_SESSION_ID").unwrap_or_else(|| "default".into()),
            redirect_to: match get("WHATSAPP_REDIRECT_TO") {
                Some(v) => Some(
                    domain::Phone::parse(&v)
                        .map_err(|e| ConfigError(format!("WHATSAPP_REDIRECT_TO: {e} ({v:?})")))?,
                ),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_only_the_database() {
        let cfg = WorkerConfig::from_vars(|k| {
            (k == "DATABASE_URL").then(|| "postgres://localhost/x".to_string())
        })
        .unwrap();
        assert_eq!(
            cfg.notifications,
            Some(QueueConfig {
                concurrency: 4,
                batch_size: 100
            })
        );
        assert_eq!(
            cfg.whatsapp,
            Some(QueueConfig {
                concurrency: 1,
                batch_size: 1
            })
        );
        assert_eq!(cfg.invoice_run_at, Some((9, 0)));
        assert_eq!(cfg.shutdown_grace, Duration::from_secs(30));
        assert_eq!(cfg.messenger, MessengerKind::Console);
        assert_eq!(cfg.send.limiter.daily_cap, 1000);
        assert!(WorkerConfig::from_vars(|_| None).is_err());
    }

    #[test]
    fn queues_and_transport_are_chosen_by_variables() {
        let cfg = WorkerConfig::from_vars(|k| match k {
            "DATABASE_URL" => Some("postgres://localhost/x".into()),
            "WORKER_QUEUES" => Some("whatsapp".into()),
            "WORKER_CONCURRENCY_WHATSAPP" => Some("2".into()),
            "WORKER_CRON" => Some("0".into()),
            "WORKER_MESSENGER" => Some("fake".into()),
            "FAKE_MESSENGER_DELAY_MS" => Some("250".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(cfg.notifications, None);
        assert_eq!(cfg.invoices, None);
        assert_eq!(
            cfg.whatsapp,
            Some(QueueConfig {
                concurrency: 2,
                batch_size: 2
            })
        );
        assert_eq!(cfg.invoice_run_at, None);
        assert_eq!(
            cfg.messenger,
            MessengerKind::Fake {
                journal: None,
                delay: Duration::from_millis(250),
                sender: "fake".into()
            }
        );
        let bad = WorkerConfig::from_vars(|k| match k {
            "DATABASE_URL" => Some("x".into()),
            "WORKER_QUEUES" => Some("emails".into()),
            _ => None,
        });
        assert!(bad.is_err());
    }
}
