//! `TestApp`: the real web service, started in-process on a random local port against a fresh
//! database, with a clock the test controls and an HTTP client that reaches every portal.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::{FixedClock, Portal, SharedClock};
use web::config::Config;
use web::server::{self, Running};

use crate::db::TestDb;

/// Hosts the client resolves to the server (glibc does not resolve `*.localhost` by itself).
pub const UNKNOWN_HOST: &str = "unknown.localhost";

pub struct TestApp {
    pub db: TestDb,
    /// The application's clock: `set`/`advance` it and the running app sees the new time.
    pub clock: Arc<FixedClock>,
    pub config: Config,
    /// Where the server listens (127.0.0.1 and a port chosen by the OS).
    pub addr: SocketAddr,
    server: Option<Running>,
}

impl TestApp {
    /// The app on a fresh migrated database, the clock at 28 Nov 2026 09:00 WIB.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], with the configuration adjusted first (e.g. trusted proxies).
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::spawn_on(TestDb::new().await, configure).await
    }

    /// The app on a database the test prepared (e.g. [`TestDb::empty`]).
    pub async fn spawn_on(db: TestDb, configure: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = Config::new(db.url());
        config.port = 0;
        configure(&mut config);
        let clock = FixedClock::at_jakarta(2026, 11, 28, 9, 0).shared();
        let app_clock: SharedClock = clock.clone();
        let running = server::start(config.clone(), db.pool.clone(), app_clock)
            .await
            .expect("start the web service");
        TestApp {
            db,
            clock,
            config,
            addr: running.addr,
            server: Some(running),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://mitra.localhost:PORT/login` for `url(Portal::Mitra, "/login")`.
    pub fn url(&self, portal: Portal, path: &str) -> String {
        format!(
            "http://{}.{}:{}{path}",
            portal.as_str(),
            self.config.base_domain,
            self.port()
        )
    }

    /// The apex: `http://localhost:PORT/…`.
    pub fn apex_url(&self, path: &str) -> String {
        format!("http://{}:{}{path}", self.config.base_domain, self.port())
    }

    /// A host that is neither the apex nor a portal.
    pub fn unknown_host_url(&self, path: &str) -> String {
        format!("http://{UNKNOWN_HOST}:{}{path}", self.port())
    }

    /// A client like a browser's: keeps cookies, does not follow redirects (tests look at them),
    /// ignores proxy settings, and reaches the apex and every portal on this server.
    pub fn client(&self) -> reqwest::Client {
        let base = &self.config.base_domain;
        let mut builder = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .resolve(base, self.addr)
            .resolve(UNKNOWN_HOST, self.addr);
        for portal in Portal::ALL {
            builder = builder.resolve(&format!("{}.{base}", portal.as_str()), self.addr);
        }
        builder.build().expect("build the HTTP client")
    }

    /// Stops the server, letting requests in flight finish.
    pub async fn stop(mut self) {
        if let Some(running) = self.server.take() {
            running
                .stop(std::time::Duration::from_secs(5))
                .await
                .expect("stop the web service");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(running) = &self.server {
            running.handle.stop_forceful();
        }
    }
}
