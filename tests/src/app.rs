//! `TestApp`: the real web service, started in-process on a random local port against a fresh
//! database, with a clock the test controls, an HTTP client that reaches every portal, and the
//! jobs its requests enqueue run on demand ([`TestApp::run_pending_jobs`]) through the worker's
//! consumer and handlers and a fake WhatsApp transport.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::{FixedClock, Portal, SharedClock};
use web::config::Config;
use web::server::{self, Running};
use worker::messenger::{FakeMessenger, Messenger};

use crate::db::TestDb;
use crate::drain::{self, Drained};
use crate::worker_services;

/// Hosts the client resolves to the server (glibc does not resolve `*.localhost` by itself).
pub const UNKNOWN_HOST: &str = "unknown.localhost";

/// The password of every fixture user (`fixtures::HASH`).
pub const DEMO_PASSWORD: &str = "dfresto-demo";

/// A logged-in browser: its cookies, and the CSRF token its forms carry.
pub struct User {
    pub client: reqwest::Client,
    pub csrf: String,
}

/// Where a redirect points (empty when the response is not one).
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the hidden `csrf_token` field in a page.
pub fn csrf_field(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker)? + marker.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_owned())
}

pub struct TestApp {
    pub db: TestDb,
    /// The application's clock: `set`/`advance` it and the running app sees the new time.
    pub clock: Arc<FixedClock>,
    pub config: Config,
    /// Where the server listens (127.0.0.1 and a port chosen by the OS).
    pub addr: SocketAddr,
    /// The WhatsApp transport of [`TestApp::run_pending_jobs`]: what it was asked to send, and
    /// it can be told to fail or to lose its connection.
    pub messenger: FakeMessenger,
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
            messenger: FakeMessenger::new(),
            server: Some(running),
        }
    }

    /// Runs every due job of the notifications, WhatsApp and invoices queues once, in this
    /// process, with the worker's own consumer and handlers ([`crate::drain`]): notifications
    /// write their WhatsApp log rows, and the messages are sent through
    /// [`TestApp::messenger`] on the app's clock. Sends are not spaced and quiet hours are off,
    /// so everything due goes now; the daily cap still holds. Returns the number of jobs run.
    ///
    /// A job that fails fails the test, with its error: a test that expects failures says so
    /// with [`TestApp::run_pending_jobs_expecting_failures`].
    pub async fn run_pending_jobs(&self) -> usize {
        let drained = self.run_pending_jobs_expecting_failures().await;
        assert!(
            drained.failed.is_empty(),
            "jobs failed while the test ran them: {:#?}",
            drained.failed
        );
        drained.ran
    }

    /// [`TestApp::run_pending_jobs`] for a test that expects jobs to fail: what ran and what
    /// failed, with the errors (the failed jobs are marked so and retried after their backoff,
    /// as in the worker).
    pub async fn run_pending_jobs_expecting_failures(&self) -> Drained {
        let messenger: Arc<dyn Messenger> = Arc::new(self.messenger.clone());
        let clock: SharedClock = self.clock.clone();
        let sends = worker_services::pipeline(
            &self.db.pool,
            clock.clone(),
            messenger,
            worker_services::fast_policy(),
        );
        // Shutting down from the start: a short wait between sends becomes a job for then
        // instead of a sleep, since this clock only moves when the test moves it.
        let (_stop, shutdown) = tokio::sync::watch::channel(true);
        let services = worker_services::services(&self.db.pool, clock, sends, shutdown);
        drain::drain_once(&services)
            .await
            .expect("run the pending jobs")
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

    /// Opens the login page of `portal` in `client` and posts the form (with the page's CSRF
    /// token) as `username`/`password`; the answer is returned as is (303 on success).
    pub async fn submit_login(
        &self,
        client: &reqwest::Client,
        portal: Portal,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = client
            .get(self.url(portal, "/login"))
            .send()
            .await
            .expect("GET /login");
        let html = page.text().await.expect("login page body");
        let token = csrf_field(&html).expect("the login page has a CSRF token");
        client
            .post(self.url(portal, "/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    /// A browser-like client logged in as `username` (password [`DEMO_PASSWORD`]) on `portal`.
    ///
    /// # Panics
    /// When the login does not succeed.
    pub async fn login(&self, portal: Portal, username: &str) -> reqwest::Client {
        let client = self.client();
        let res = self
            .submit_login(&client, portal, username, DEMO_PASSWORD)
            .await;
        let status = res.status();
        assert_eq!(
            status,
            reqwest::StatusCode::SEE_OTHER,
            "login of {username} on {portal:?} failed: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }

    /// [`TestApp::login`] together with the CSRF token the user's forms carry.
    pub async fn user(&self, portal: Portal, username: &str) -> User {
        let client = self.login(portal, username).await;
        let csrf = self.csrf(username).await;
        User { client, csrf }
    }

    /// GETs `path` on `portal` as `who`: the status and the page.
    pub async fn get_as(
        &self,
        who: &User,
        portal: Portal,
        path: &str,
    ) -> (reqwest::StatusCode, String) {
        let res = who
            .client
            .get(self.url(portal, path))
            .send()
            .await
            .expect("GET");
        let status = res.status();
        (status, res.text().await.expect("the page's text"))
    }

    /// POSTs a form with `fields` and `who`'s CSRF token to `path` on `portal`.
    pub async fn post_as(
        &self,
        who: &User,
        portal: Portal,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", who.csrf.as_str())];
        form.extend_from_slice(fields);
        who.client
            .post(self.url(portal, path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// The CSRF token of `username`'s newest live session: what the pages put in their forms.
    pub async fn csrf(&self, username: &str) -> String {
        sqlx::query_scalar(
            "SELECT s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE u.username = $1 AND s.revoked_at IS NULL AND s.kind = 'COOKIE'
              ORDER BY s.id DESC LIMIT 1",
        )
        .bind(username)
        .fetch_one(&self.db.pool)
        .await
        .expect("a live session of this user")
    }

    /// A bearer token for `username` from `POST /api/v1/auth/login` on `portal`.
    ///
    /// # Panics
    /// When the login does not succeed.
    pub async fn bearer(&self, portal: Portal, username: &str) -> String {
        let res = self
            .client()
            .post(self.url(portal, "/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("POST /api/v1/auth/login");
        let status = res.status();
        let body: serde_json::Value = res.json().await.expect("login answer is JSON");
        assert_eq!(
            status,
            reqwest::StatusCode::OK,
            "API login of {username} on {portal:?} failed: {body}"
        );
        body["token"]
            .as_str()
            .expect("the answer has a token")
            .to_owned()
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
