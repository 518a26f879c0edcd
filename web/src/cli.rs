//! The `dfresto-web` command line: which subcommand to run, parsed by hand (no parser crate, to
//! keep the web binary's build small).

use std::fmt;

pub const USAGE: &str = "\
dfresto-web: D'Fresto web tier

USAGE:
    dfresto-web [COMMAND]

COMMANDS:
    serve                 serve the portals and the API (the default)
    migrate               apply pending database migrations (a no-op when up to date)
    seed [OPTIONS]        load the demo data set
        --reset               empty the database's business data first
        --scale default|bench default: ~3,000 mitra with 12 months of history;
                              bench: many more orders (see --orders)
        --orders N            number of orders for --scale bench (implies it; default 1000000)
    has-data              exit 0 when the database holds data, 1 when it is empty (2 on error)
    time-import           bench: preview and commit a mitra file of every mitra (each moved to
                          another stokis) and print one line of figures; changes the data
    help                  show this text

Configuration comes from the environment (DATABASE_URL, PORT, BIND_ADDR, BASE_DOMAIN,
TRUSTED_PROXIES, COOKIE_SECURE, SESSION_TTL_HOURS, TEMPLATES_DIR, DB_MAX_CONNECTIONS);
see README.md.

EXIT CODES:
    0 success · 1 error · 2 usage error · 3 seed refused: the database already has data";

/// Bench-scale order count when `--orders` is not given.
pub const DEFAULT_BENCH_ORDERS: u64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Seed(SeedArgs),
    HasData,
    /// The bench's import figure (`web::import_timing`).
    TimeImport,
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedArgs {
    pub reset: bool,
    /// `None`: the default set; `Some(n)`: bench scale with `n` orders.
    pub bench_orders: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (see `dfresto-web help`)", self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> UsageError {
    UsageError(msg.into())
}

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Command, UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut args = args.into_iter().map(Into::into);
    let Some(cmd) = args.next() else {
        return Ok(Command::Serve);
    };
    let rest: Vec<String> = args.collect();
    let no_args = |c: Command| {
        if let Some(extra) = rest.first() {
            Err(usage(format!(
                "unexpected argument {extra:?} after `{cmd}`"
            )))
        } else {
            Ok(c)
        }
    };
    match cmd.as_str() {
        "serve" => no_args(Command::Serve),
        "migrate" => no_args(Command::Migrate),
        "has-data" => no_args(Command::HasData),
        "time-import" => no_args(Command::TimeImport),
        "help" | "-h" | "--help" => Ok(Command::Help),
        "seed" => parse_seed(&rest).map(Command::Seed),
        other => Err(usage(format!("unknown command {other:?}"))),
    }
}

fn parse_seed(args: &[String]) -> Result<SeedArgs, UsageError> {
    let mut reset = false;
    let mut scale: Option<String> = None;
    let mut orders: Option<u64> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match flag {
            "--reset" if inline.is_none() => reset = true,
            "--scale" => {
                let v = value("--scale")?;
                if v != "default" && v != "bench" {
                    return Err(usage(format!(
                        "--scale must be default or bench, not {v:?}"
                    )));
                }
                scale = Some(v);
            }
            "--orders" => {
                let v = value("--orders")?;
                let n = v
                    .replace('_', "")
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        usage(format!(
                            "--orders must be a positive whole number, not {v:?}"
                        ))
                    })?;
                orders = Some(n);
            }
            other => return Err(usage(format!("unknown seed option {other:?}"))),
        }
    }
    let bench_orders = match (scale.as_deref(), orders) {
        (Some("default"), Some(_)) => {
            return Err(usage("--orders applies to --scale bench only"));
        }
        (Some("bench"), n) | (None, n @ Some(_)) => Some(n.unwrap_or(DEFAULT_BENCH_ORDERS)),
        _ => None,
    };
    Ok(SeedArgs {
        reset,
        bench_orders,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().copied())
    }

    fn seed(reset: bool, bench_orders: Option<u64>) -> Command {
        Command::Seed(SeedArgs {
            reset,
            bench_orders,
        })
    }

    #[test]
    fn serve_is_the_default() {
        assert_eq!(p(&[]), Ok(Command::Serve));
        assert_eq!(p(&["serve"]), Ok(Command::Serve));
        assert_eq!(p(&["migrate"]), Ok(Command::Migrate));
        assert_eq!(p(&["has-data"]), Ok(Command::HasData));
        assert_eq!(p(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn seed_options() {
        assert_eq!(p(&["seed"]), Ok(seed(false, None)));
        assert_eq!(p(&["seed", "--reset"]), Ok(seed(true, None)));
        assert_eq!(p(&["seed", "--scale", "default"]), Ok(seed(false, None)));
        assert_eq!(
            p(&["seed", "--scale", "bench"]),
            Ok(seed(false, Some(DEFAULT_BENCH_ORDERS)))
        );
        assert_eq!(
            p(&["seed", "--scale=bench", "--orders", "50_000", "--reset"]),
            Ok(seed(true, Some(50_000)))
        );
        assert_eq!(p(&["seed", "--orders=10"]), Ok(seed(false, Some(10))));
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for args in [
            &["frobnicate"][..],
            &["serve", "now"],
            &["seed", "--scale"],
            &["seed", "--scale", "huge"],
            &["seed", "--orders", "0"],
            &["seed", "--orders", "many"],
            &["seed", "--scale", "default", "--orders", "5"],
            &["seed", "--force"],
            &["seed", "--reset=yes"],
        ] {
            let err = p(args).unwrap_err().to_string();
            assert!(err.contains("dfresto-web help"), "{args:?}: {err}");
        }
    }
}
