//! The web tier's configuration: read once from the environment, every value defaulted and validated.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` | — (required) | PostgreSQL URL; `make run` sets it |
//! | `PORT` | `8080` | HTTP port |
//! | `BIND_ADDR` | `127.0.0.1` | address to listen on (`0.0.0.0` to accept from other machines) |
//! | `BASE_DOMAIN` | `localhost` | apex domain; portals are `mitra.`, `stokis.`, `admin.` under it |
//! | `TRUSTED_PROXIES` | (none) | comma-separated IPs whose `X-Subdomain` header is believed |
//! | `COOKIE_SECURE` | `false` | mark cookies `Secure` (set `true` behind HTTPS) |
//! | `SESSION_TTL_HOURS` | `12` | how long a login lasts |
//! | `TEMPLATES_DIR` | the source tree's `templates/` | where the tera templates are read from at start-up |
//! | `DB_MAX_CONNECTIONS` | `20` | connection pool size |
//! | `WHATSAPP_DAILY_CAP`, `WHATSAPP_RAMP_START`, `WHATSAPP_GAP_MIN_SECS`, `WHATSAPP_GAP_MAX_SECS`, `WHATSAPP_QUIET_HOURS` | `1000`, `100`, `20`, `60`, `21:00-07:00` | the send limiter, read as the worker reads it, for the send budget on the admin WhatsApp page |
//! | `IMPORT_MAX_MB` | `5` | the largest spreadsheet an import takes (1–50 MB), stated on the upload page |
//! | `BODY_READ_TIMEOUT_SECS` | `15` | how long a request body may take to arrive before the request is answered 408 (a slow body must not hold a connection) |
//! | `WHATSAPP_SESSION_ID` | `default` | the WhatsApp session whose status the admin page and `GET /api/v1/whatsapp/status` show |
//!
//! `TEMPLATES_DIR` defaults to the `templates/` folder of the checkout the binary was built from
//! (resolved at compile time), so `make run` and the tests need nothing; an installed binary
//! must be given the deployed folder.

use std::net::IpAddr;
use std::path::PathBuf;

use domain::setting::Setting;
use domain::whatsapp::{LimiterConfig, LimiterSettings};

/// Everything the web tier needs to know about its surroundings. Fields are public so tests can
/// build one directly with [`Config::new`] and adjust it, without touching the environment.
/// The bench-only switch that turns enqueueing off (see [`Config::bench_skip_enqueue`]).
pub const BENCH_SKIP_ENQUEUE_VAR: &str = "DFRESTO_BENCH_SKIP_ENQUEUE";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub port: u16,
    pub bind_addr: IpAddr,
    pub base_domain: String,
    pub trusted_proxies: Vec<IpAddr>,
    pub cookie_secure: bool,
    pub session_ttl_hours: u32,
    pub templates_dir: PathBuf,
    pub db_max_connections: u32,
    /// The worker's send limiter settings (the budget shown on the admin page).
    pub whatsapp_limiter: LimiterConfig,
    pub whatsapp_session_id: String,
    /// The largest import upload, in MB (`IMPORT_MAX_MB`).
    pub import_max_mb: u32,
    /// BENCH ONLY (`DFRESTO_BENCH_SKIP_ENQUEUE=1`): enqueue no jobs, see
    /// [`jobs::skip_enqueue_for_bench`].
    pub bench_skip_enqueue: bool,
    /// `BODY_READ_TIMEOUT_SECS`: the longest a request body may take to arrive.
    pub body_read_timeout_secs: u64,
}

/// A configuration value that can't be used, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL is not set: run `make run`, or set it to a PostgreSQL URL")]
    MissingDatabaseUrl,
    #[error("{name}={value:?} is not valid: {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A WhatsApp limiter setting that can't be used (the message names the variable).
    #[error("{0}")]
    Whatsapp(String),
}

/// The repository's `templates/` folder, fixed when the binary is compiled.
pub fn default_templates_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates"))
}

impl Config {
    /// The defaults, with the given database; what the tests start from.
    pub fn new(database_url: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            port: 8080,
            bind_addr: IpAddr::from([127, 0, 0, 1]),
            base_domain: "localhost".to_owned(),
            trusted_proxies: Vec::new(),
            cookie_secure: false,
            session_ttl_hours: 12,
            templates_dir: default_templates_dir(),
            db_max_connections: 20,
            whatsapp_limiter: LimiterConfig::default(),
            whatsapp_session_id: "default".to_owned(),
            import_max_mb: 5,
            bench_skip_enqueue: false,
            body_read_timeout_secs: 15,
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup`; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let database_url = get("DATABASE_URL").ok_or(ConfigError::MissingDatabaseUrl)?;
        let mut config = Config::new(database_url.trim());

        if let Some(v) = get("PORT") {
            config.port = parse("PORT", &v, "a port number between 1 and 65535", |s| {
                s.parse::<u16>().ok().filter(|p| *p != 0)
            })?;
        }
        if let Some(v) = get("BIND_ADDR") {
            config.bind_addr = parse(
                "BIND_ADDR",
                &v,
                "an IP address such as 127.0.0.1 or 0.0.0.0",
                |s| s.parse().ok(),
            )?;
        }
        if let Some(v) = get("BASE_DOMAIN") {
            config.base_domain = parse(
                "BASE_DOMAIN",
                &v,
                "a domain name such as dfresto.com or localhost, without scheme or port",
                normalize_domain,
            )?;
        }
        if let Some(v) = get("TRUSTED_PROXIES") {
            config.trusted_proxies = parse(
                "TRUSTED_PROXIES",
                &v,
                "a comma-separated list of IP addresses, e.g. 127.0.0.1,10.0.0.5",
                |s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(|p| p.parse::<IpAddr>().ok().map(|ip| ip.to_canonical()))
                        .collect()
                },
            )?;
        }
        if let Some(v) = get("COOKIE_SECURE") {
            config.cookie_secure = parse("COOKIE_SECURE", &v, "true or false", parse_bool)?;
        }
        if let Some(v) = get("IMPORT_MAX_MB") {
            config.import_max_mb =
                parse("IMPORT_MAX_MB", &v, "a whole number of MB, 1 to 50", |s| {
                    s.parse::<u32>().ok().filter(|n| (1..=50).contains(n))
                })?;
        }
        if let Some(v) = get("SESSION_TTL_HOURS") {
            config.session_ttl_hours = parse(
                "SESSION_TTL_HOURS",
                &v,
                "a whole number of hours between 1 and 8760",
                |s| s.parse::<u32>().ok().filter(|h| (1..=8760).contains(h)),
            )?;
        }
        if let Some(v) = get("TEMPLATES_DIR") {
            config.templates_dir = PathBuf::from(v.trim());
        }
        if let Some(v) = get("DB_MAX_CONNECTIONS") {
            config.db_max_connections = parse(
                "DB_MAX_CONNECTIONS",
                &v,
                "a whole number between 1 and 1000",
                |s| s.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)),
            )?;
        }
        // The worker reads the same five (`worker::config::limiter_settings`): this tier only
        // shows the day's budget they give.
        let setting = |name: &'static str| get(name).map(|v| Setting::new(name, v));
        config.whatsapp_limiter = LimiterConfig::from_settings(&LimiterSettings {
            daily_cap: setting("WHATSAPP_DAILY_CAP"),
            ramp_start: setting("WHATSAPP_RAMP_START"),
            gap_min_secs: setting("WHATSAPP_GAP_MIN_SECS"),
            gap_max_secs: setting("WHATSAPP_GAP_MAX_SECS"),
            quiet_hours: setting("WHATSAPP_QUIET_HOURS"),
        })
        .map_err(ConfigError::Whatsapp)?;
        if let Some(v) = get("WHATSAPP_SESSION_ID") {
            config.whatsapp_session_id = v.trim().to_owned();
        }
        if let Some(v) = get("BODY_READ_TIMEOUT_SECS") {
            config.body_read_timeout_secs = parse(
                "BODY_READ_TIMEOUT_SECS",
                &v,
                "a whole number of seconds between 1 and 300",
                |s| s.parse::<u64>().ok().filter(|n| (1..=300).contains(n)),
            )?;
        }
        // Only an explicit `1`: a stray `true` or `0` must not silence every notification.
        config.bench_skip_enqueue = get(BENCH_SKIP_ENQUEUE_VAR).is_some_and(|v| v.trim() == "1");
        Ok(config)
    }
}

fn parse<T>(
    name: &'static str,
    value: &str,
    expected: &'static str,
    f: impl FnOnce(&str) -> Option<T>,
) -> Result<T, ConfigError> {
    f(value.trim()).ok_or_else(|| ConfigError::Invalid {
        name,
        value: value.to_owned(),
        expected,
    })
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Lower-cased, without a trailing dot; only letters, digits, `-` and `.` in non-empty labels.
fn normalize_domain(s: &str) -> Option<String> {
    let d = s.trim_end_matches('.').to_ascii_lowercase();
    let ok = !d.is_empty()
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    ok.then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_only_the_database_is_given() {
        let c = from(&[("DATABASE_URL", "postgres://x@h/db")]).unwrap();
        assert_eq!(c.database_url, "postgres://x@h/db");
        assert_eq!(c.port, 8080);
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1");
        assert_eq!(c.base_domain, "localhost");
        assert!(c.trusted_proxies.is_empty());
        assert!(!c.cookie_secure);
        assert_eq!(c.session_ttl_hours, 12);
        assert_eq!(c.db_max_connections, 20);
        assert!(
            c.templates_dir.join("web").is_dir(),
            "{:?}",
            c.templates_dir
        );
    }

    #[test]
    fn database_url_is_required() {
        let err = from(&[("PORT", "9000")]).unwrap_err();
        assert!(err.to_string().contains("DATABASE_URL is not set"), "{err}");
        let err = from(&[("DATABASE_URL", "  ")]).unwrap_err();
        assert!(matches!(err, ConfigError::MissingDatabaseUrl));
    }

    #[test]
    fn every_value_is_read() {
        let c = from(&[
            ("DATABASE_URL", "postgres://x@h/db"),
            ("PORT", "9000"),
            ("BIND_ADDR", "0.0.0.0"),
            ("BASE_DOMAIN", "DFresto.com."),
            ("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.5,::1"),
            ("COOKIE_SECURE", "TRUE"),
            ("SESSION_TTL_HOURS", "24"),
            ("TEMPLATES_DIR", "/srv/dfresto/templates"),
            ("DB_MAX_CONNECTIONS", "50"),
        ])
        .unwrap();
        assert_eq!(c.port, 9000);
        assert_eq!(c.bind_addr.to_string(), "0.0.0.0");
        assert_eq!(c.base_domain, "dfresto.com");
        let proxies: Vec<String> = c.trusted_proxies.iter().map(|p| p.to_string()).collect();
        assert_eq!(proxies, ["127.0.0.1", "10.0.0.5", "::1"]);
        assert!(c.cookie_secure);
        assert_eq!(c.session_ttl_hours, 24);
        assert_eq!(c.templates_dir, PathBuf::from("/srv/dfresto/templates"));
        assert_eq!(c.db_max_connections, 50);
    }

    #[test]
    fn the_whatsapp_limiter_is_read_as_the_worker_reads_it() {
        let c = from(&[("DATABASE_URL", "postgres://x@h/db")]).unwrap();
        assert_eq!(c.whatsapp_limiter, LimiterConfig::default());
        assert_eq!(c.whatsapp_session_id, "default");
        let c = from(&[
            ("DATABASE_URL", "postgres://x@h/db"),
            ("WHATSAPP_DAILY_CAP", "50"),
            ("WHATSAPP_RAMP_START", "25"),
            ("WHATSAPP_QUIET_HOURS", "off"),
            ("WHATSAPP_SESSION_ID", "kantor"),
        ])
        .unwrap();
        assert_eq!(c.whatsapp_limiter.daily_cap, 50);
        assert_eq!(c.whatsapp_limiter.ramp_start, 25);
        assert_eq!(c.whatsapp_limiter.quiet_hours, None);
        assert_eq!(c.whatsapp_session_id, "kantor");
        let err = from(&[
            ("DATABASE_URL", "postgres://x@h/db"),
            ("WHATSAPP_DAILY_CAP", "banyak"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("WHATSAPP_DAILY_CAP"), "{err}");
    }

    #[test]
    fn only_an_explicit_1_skips_enqueueing() {
        let with = |v: &str| {
            from(&[
                ("DATABASE_URL", "postgres://x@h/db"),
                (BENCH_SKIP_ENQUEUE_VAR, v),
            ])
            .unwrap()
            .bench_skip_enqueue
        };
        assert!(with("1"));
        assert!(with(" 1\n"));
        for v in ["", "0", "true", "yes"] {
            assert!(!with(v), "{v:?}");
        }
        assert!(
            !from(&[("DATABASE_URL", "postgres://x@h/db")])
                .unwrap()
                .bench_skip_enqueue
        );
    }

    #[test]
    fn bad_values_name_the_variable_and_what_is_expected() {
        let cases = [
            ("PORT", "http"),
            ("PORT", "0"),
            ("PORT", "70000"),
            ("BIND_ADDR", "localhost"),
            ("BASE_DOMAIN", "https://dfresto.com"),
            ("BASE_DOMAIN", "dfresto.com:8080"),
            ("TRUSTED_PROXIES", "10.0.0.1,nginx"),
            ("COOKIE_SECURE", "maybe"),
            ("SESSION_TTL_HOURS", "0"),
            ("DB_MAX_CONNECTIONS", "-1"),
        ];
        for (name, value) in cases {
            let err = from(&[("DATABASE_URL", "postgres://x@h/db"), (name, value)]).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with(&format!("{name}=")), "{text}");
            assert!(text.contains("is not valid"), "{text}");
        }
    }
}
