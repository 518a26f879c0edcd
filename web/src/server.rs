//! The HTTP server: connecting to PostgreSQL, assembling the service (the router of
//! [`crate::routes`], the [`crate::state::AppState`] injected into every request, access log,
//! security headers, error pages), binding, and serving with graceful shutdown.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::SharedClock;
use salvo::affix_state;
use salvo::catcher::Catcher;
use salvo::conn::tcp::TcpAcceptor;
use salvo::http::StatusCode;
use salvo::server::ServerHandle;
use salvo::writing::Json;
use salvo::{Depot, FlowCtrl, Request, Response, Server, Service, handler};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::error::{self, WebError};
use crate::host::SiteResolver;
use crate::render;
use crate::routes;
use crate::state::AppState;

/// Why the server could not start; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Templates(#[from] render::TemplateError),
    #[error("port {port} is already in use on {addr}: stop the other process or set PORT")]
    AddrInUse { addr: SocketAddr, port: u16 },
    #[error("cannot listen on {addr} ({reason}): check BIND_ADDR and PORT")]
    Bind { addr: SocketAddr, reason: String },
    #[error("the server stopped with an error: {0}")]
    Serve(String),
}

/// Why PostgreSQL could not be used; one line, with what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

/// Opens the connection pool, first trying one connection directly so a failure is reported as
/// what it is (the pool itself retries a refused connection until its timeout and then only
/// says "timed out").
pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, ConnectError> {
    let options = PgConnectOptions::from_str(database_url).map_err(|e| {
        ConnectError(format!(
            "DATABASE_URL is not a valid PostgreSQL URL ({e}): expected postgres://user[:password]@host:port/database"
        ))
    })?;
    let place = describe_server(&options);
    match tokio::time::timeout(
        Duration::from_secs(10),
        PgConnection::connect_with(&options),
    )
    .await
    {
        Err(_) => {
            return Err(ConnectError(format!(
                "cannot reach PostgreSQL at {place} (no answer within 10 s): is it running? Set DATABASE_URL or run make run"
            )));
        }
        Ok(Err(e)) => return Err(ConnectError(explain_connect_error(&e, &place, &options))),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
        }
    }
    PgPoolOptions::new()
        .max_connections(max_connections)
        // A request waiting longer than this for a connection is better answered with an error.
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options.clone())
        .await
        .map_err(|e| ConnectError(explain_connect_error(&e, &place, &options)))
}

fn describe_server(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(dir) => format!("socket {}", dir.display()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

fn explain_connect_error(e: &sqlx::Error, place: &str, options: &PgConnectOptions) -> String {
    let hint = "is it running? Set DATABASE_URL or run make run";
    match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            format!("cannot reach PostgreSQL at {place} (connection refused): {hint}")
        }
        sqlx::Error::Io(io) => format!("cannot reach PostgreSQL at {place} ({io}): {hint}"),
        sqlx::Error::PoolTimedOut => {
            format!("cannot reach PostgreSQL at {place} (timed out): {hint}")
        }
        sqlx::Error::Tls(tls) => {
            format!("TLS to PostgreSQL at {place} failed ({tls}): check sslmode in DATABASE_URL")
        }
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("3D000") => format!(
                "database {:?} does not exist on the PostgreSQL server at {place}: create it (createdb) or fix DATABASE_URL",
                options.get_database().unwrap_or_default()
            ),
            Some("28P01") | Some("28000") => format!(
                "PostgreSQL at {place} refused the login for user {:?} ({}): check the user and password in DATABASE_URL",
                options.get_username(),
                db.message()
            ),
            Some("57P03") => {
                format!("PostgreSQL at {place} is still starting up: try again in a moment")
            }
            _ => format!(
                "PostgreSQL at {place} refused the connection: {}",
                db.message()
            ),
        },
        other => format!("cannot connect to PostgreSQL at {place}: {other}"),
    }
}

/// The whole service: router, state injection, access log, security headers, error pages.
pub fn build(config: Config, pool: PgPool, clock: SharedClock) -> Result<Service, StartError> {
    let templates = render::load(&config.templates_dir)?;
    let sites = Arc::new(SiteResolver::new(
        &config.base_domain,
        &config.trusted_proxies,
    ));
    let state = Arc::new(AppState {
        config,
        pool,
        templates,
        clock,
        sites: sites.clone(),
    });
    // Service-level hoops run for unmatched requests too, so the catcher finds the state.
    Ok(Service::new(routes::router(&sites))
        .hoop(access_log)
        .hoop(crate::security_headers::security_headers)
        .hoop(affix_state::inject(state))
        .hoop(crate::input_guard::input_guard)
        .catcher(Catcher::default().hoop(catch_errors)))
}

#[handler]
async fn access_log(req: &mut Request, depot: &mut Depot, res: &mut Response, ctrl: &mut FlowCtrl) {
    let started = Instant::now();
    ctrl.call_next(req, depot, res).await;
    let status = res.status_code.unwrap_or(StatusCode::OK).as_u16();
    let path = req.uri().path();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    // Probes hit these every few seconds; keep them out of the normal log.
    if path == "/healthz" || path == "/readyz" {
        tracing::debug!(method = %req.method(), path, status, ms, "request");
    } else {
        tracing::info!(method = %req.method(), path, status, ms, "request");
    }
}

/// Turns every bodiless error status (no route, wrong method, a bare status from a handler) into
/// the 404/error page, or the JSON error body under `/api/`.
#[handler]
async fn catch_errors(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    let status = res.status_code.unwrap_or(StatusCode::NOT_FOUND);
    let err = match status {
        StatusCode::NOT_FOUND => WebError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => {
            WebError::BadRequest("Metode HTTP ini tidak didukung di alamat ini".to_owned())
        }
        s if s.is_server_error() => WebError::internal(format!("status {s} without a body")),
        s => WebError::BadRequest(
            s.canonical_reason()
                .unwrap_or("Permintaan tidak valid")
                .to_owned(),
        ),
    };
    if error::is_api(req) {
        let mut body = err.body();
        if status == StatusCode::METHOD_NOT_ALLOWED {
            body.error.code = "method_not_allowed".to_owned();
        }
        res.status_code(status);
        res.render(Json(body));
    } else {
        render::error_page(req, depot, res, status, &err.public_message());
    }
    ctrl.skip_rest();
}

/// Binds the listening socket, turning "address in use" into the message people need.
pub async fn bind(config: &Config) -> Result<TcpAcceptor, StartError> {
    let addr = SocketAddr::new(config.bind_addr, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => StartError::AddrInUse {
                addr,
                port: config.port,
            },
            _ => StartError::Bind {
                addr,
                reason: e.to_string(),
            },
        })?;
    TcpAcceptor::try_from(listener).map_err(|e| StartError::Bind {
        addr,
        reason: e.to_string(),
    })
}

/// A server running in a background task.
#[derive(Debug)]
pub struct Running {
    /// The address actually bound (the real port when `PORT` was 0).
    pub addr: SocketAddr,
    pub handle: ServerHandle,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish (up to `grace`), and waits.
    pub async fn stop(self, grace: Duration) -> Result<(), StartError> {
        self.handle.stop_graceful(grace);
        match self.task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StartError::Serve(e.to_string())),
            Err(e) => Err(StartError::Serve(e.to_string())),
        }
    }
}

/// Binds, builds, and serves in a background task.
pub async fn start(
    config: Config,
    pool: PgPool,
    clock: SharedClock,
) -> Result<Running, StartError> {
    let acceptor = bind(&config).await?;
    let addr = acceptor
        .local_addr()
        .map_err(|e| StartError::Serve(e.to_string()))?;
    let service = build(config, pool, clock)?;
    let server = Server::new(acceptor);
    let handle = server.handle();
    let task = tokio::spawn(server.try_serve(service));
    Ok(Running { addr, handle, task })
}

/// Serves until SIGTERM or Ctrl-C, then shuts down gracefully.
pub async fn serve(config: Config, pool: PgPool, clock: SharedClock) -> Result<(), StartError> {
    let base = config.base_domain.clone();
    let running = start(config, pool, clock).await?;
    let port = running.addr.port();
    tracing::info!(
        "D'Fresto web listening on {}; portals: http://mitra.{base}:{port} http://stokis.{base}:{port} http://admin.{base}:{port}",
        running.addr
    );
    shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.stop(Duration::from_secs(10)).await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
