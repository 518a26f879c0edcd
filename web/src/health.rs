//! Liveness and readiness probes, answered on every host: `/healthz` (the process is up) and
//! `/readyz` (the database is reachable and fully migrated).

use std::time::Duration;

use salvo::http::StatusCode;
use salvo::writing::Text;
use salvo::{Depot, Response, handler};

use crate::migrate;
use crate::state;

/// How long `/readyz` waits for the database before calling it unreachable; load balancers
/// probe often and must not pile up waiting connections.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

#[handler]
pub async fn healthz(res: &mut Response) {
    res.render(Text::Plain("ok"));
}

#[handler]
pub async fn readyz(depot: &mut Depot, res: &mut Response) {
    let reason = match state::of(depot) {
        Ok(state) => {
            match tokio::time::timeout(READY_TIMEOUT, migrate::is_current(&state.pool)).await {
                Ok(Ok(true)) => None,
                Ok(Ok(false)) => Some("migrations pending: run `dfresto-web migrate`".to_owned()),
                // No migrations table at all: a database nobody has migrated yet.
                Ok(Err(sqlx::Error::Database(e))) if e.code().as_deref() == Some("42P01") => {
                    Some("database not migrated: run `dfresto-web migrate`".to_owned())
                }
                Ok(Err(e)) => {
                    tracing::warn!("readiness check failed: {e}");
                    Some("database unreachable".to_owned())
                }
                Err(_) => Some(format!(
                    "database unreachable (no answer within {} s)",
                    READY_TIMEOUT.as_secs()
                )),
            }
        }
        Err(_) => Some("application state missing".to_owned()),
    };
    match reason {
        None => res.render(Text::Plain("ready")),
        Some(reason) => {
            res.status_code(StatusCode::SERVICE_UNAVAILABLE);
            res.render(Text::Plain(format!("not ready: {reason}")));
        }
    }
}
