//! The browser tests' harness: a real headless Chromium driven over WebDriver (chromedriver, via
//! fantoccini), one chromedriver per test with one browser session per user, and a screenshot
//! of every page a test passes under `target/screenshots/<test>/NN-<user>-<name>.png`.
//!
//! Everything started here is killed when the [`Driver`] is dropped, panics included:
//! chromedriver runs in its own process group, so the Chromium processes it started go with it.
//! Waits are explicit (poll a condition until a deadline), never fixed sleeps; a missing element
//! fails with the page's URL and text and a `FAILED` screenshot.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use domain::Portal;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::app::{DEMO_PASSWORD, TestApp};

/// Browser tests at once in one test process: each runs one Chromium per user on two cores.
static SLOTS: Semaphore = Semaphore::const_new(2);

/// Numbers the run folders of the drivers of this process.
static RUNS: AtomicU32 = AtomicU32::new(0);

/// How long an expected element, text or page may take (`BROWSER_WAIT_SECS` to change it).
fn wait_limit() -> Duration {
    let secs = std::env::var("BROWSER_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20);
    Duration::from_secs(secs)
}

/// Between two looks at a condition that is not true yet.
const POLL: Duration = Duration::from_millis(50);

/// Where the screenshots go: `<workspace>/target/screenshots/<test>/`.
pub fn screenshot_dir(test: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("screenshots")
        .join(test)
}

/// A program the tests need, from an environment variable or Debian's path.
fn binary(var: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "the browser tests need {package}, but {} does not exist ({var}): run `make test`, which \
         installs chromium and chromium-driver and sets CHROME and CHROMEDRIVER",
        path.display()
    );
    path
}

/// The window a browser session opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// 1280×900.
    Desktop,
    /// 390×844 at 2× pixels, touch, mobile viewport rules (many mitra order from phones).
    Phone,
    /// 1366×900: the common office laptop the admin roles work at.
    Laptop,
}

/// One chromedriver for one test; [`Driver::browser`] opens a session (a Chromium) per user.
pub struct Driver {
    test: String,
    url: String,
    chrome: PathBuf,
    child: Child,
    /// Holds the chromedriver log and the browsers' profiles; removed at the end unless the test
    /// failed (then its path is printed, to read the log).
    run_dir: PathBuf,
    shots: PathBuf,
    shot_seq: AtomicU32,
    profile_seq: AtomicU32,
    http: reqwest::Client,
    _slot: SemaphorePermit<'static>,
}

impl Driver {
    /// Starts chromedriver on a free loopback port for `test` (the screenshots' folder name),
    /// and empties that test's screenshot folder.
    ///
    /// # Panics
    /// When chromium or chromedriver is missing (run `make test`), or chromedriver does not start.
    pub async fn start(test: &str) -> Driver {
        let chrome = binary("CHROME", "/usr/bin/chromium", "Chromium");
        let chromedriver = binary("CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver");
        let slot = SLOTS
            .acquire()
            .await
            .expect("the browser slots are never closed");

        let shots = screenshot_dir(test);
        // Stale pictures from an earlier run would be mistaken for this run's.
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots)
            .unwrap_or_else(|e| panic!("create {}: {e}", shots.display()));

        let run_dir = std::env::temp_dir().join(format!(
            "dfresto-browser-{}-{}-{test}",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&run_dir);
        std::fs::create_dir_all(&run_dir)
            .unwrap_or_else(|e| panic!("create {}: {e}", run_dir.display()));

        // --port=0: chromedriver picks a free port and prints it, so no two tests race for one.
        let mut child = Command::new(&chromedriver)
            .arg("--port=0")
            .arg(format!(
                "--log-path={}",
                run_dir.join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", chromedriver.display()));
        let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        // Reads the port, then keeps draining stdout so chromedriver never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + wait_limit();
        let mut seen = Vec::new();
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = line
                        .split("started successfully on port ")
                        .nth(1)
                        .and_then(|rest| rest.trim_end_matches('.').trim().parse::<u16>().ok())
                    {
                        break port;
                    }
                    seen.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "chromedriver ({}) did not report its port within {:?}; it said:\n{}",
                        chromedriver.display(),
                        wait_limit(),
                        seen.join("\n")
                    );
                }
            }
        };
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("build the HTTP client for chromedriver");
        Driver {
            test: test.to_owned(),
            url: format!("http://127.0.0.1:{port}"),
            chrome,
            child,
            run_dir,
            shots,
            shot_seq: AtomicU32::new(0),
            profile_seq: AtomicU32::new(0),
            http,
            _slot: slot,
        }
    }

    /// A new browser session (its own Chromium and profile) for `who` (used in screenshot
    /// names), with a `screen`-sized window.
    pub async fn browser(&self, who: &str, screen: Screen) -> Browser<'_> {
        let profile = self.run_dir.join(format!(
            "profile-{}-{who}",
            self.profile_seq.fetch_add(1, Ordering::Relaxed)
        ));
        let (width, height) = match screen {
            Screen::Desktop => (1280, 900),
            Screen::Laptop => (1366, 900),
            Screen::Phone => (390, 844),
        };
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-quic".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            // The app is on loopback; a proxy from the environment must not get in between.
            "--no-proxy-server".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--lang=id-ID".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({
            "binary": self.chrome.display().to_string(),
            "args": args,
        });
        if screen == Screen::Phone {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0, "mobile": true, "touch": true}
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        // A question (window.confirm) nobody answers is accepted, as a user walking the flow
        // would; a test that reads or refuses one uses [`Browser::answer_dialog`] first.
        caps.insert("unhandledPromptBehavior".into(), json!("accept"));
        caps.insert(
            "timeouts".into(),
            json!({"pageLoad": wait_limit().as_millis() as u64, "script": 10_000, "implicit": 0}),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "could not open a Chromium session for {who} ({}): {e}; chromedriver log: {}",
                    self.chrome.display(),
                    self.run_dir.join("chromedriver.log").display()
                )
            });
        let session = client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a new WebDriver session has an id");
        Browser {
            driver: self,
            client,
            session,
            who: who.to_owned(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "browser test {} failed: screenshots in {}, chromedriver log in {}",
                self.test,
                self.shots.display(),
                self.run_dir.join("chromedriver.log").display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.run_dir);
        }
    }
}

/// One user's browser: navigation, explicit waits, form input, screenshots.
pub struct Browser<'d> {
    driver: &'d Driver,
    client: Client,
    session: String,
    who: String,
}

impl Browser<'_> {
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            let msg = self.failure(&format!("could not open {url}: {e}")).await;
            panic!("{msg}");
        }
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("<no URL: {e}>"))
    }

    /// The current URL's path (`/orders/12`).
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
    }

    /// What the page shows (`document.body.innerText`).
    pub async fn text(&self) -> String {
        match self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
        {
            Ok(Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// A failure message: what was expected, where the browser is and what the page says; also
    /// saves a `FAILED` screenshot.
    pub async fn failure(&self, what: &str) -> String {
        let url = self.url().await;
        let text = self.text().await;
        let excerpt: String = text.chars().take(1500).collect();
        let more = if text.chars().count() > 1500 {
            " …"
        } else {
            ""
        };
        let shot = self.save_shot("FAILED").await;
        format!(
            "[{}] {what}\n  at: {}\n  screenshot: {}\n  page text:\n{}{more}",
            self.who,
            url,
            shot.map(|p| p.display().to_string())
                .unwrap_or_else(|| "<none>".into()),
            indent(&excerpt)
        )
    }

    /// The element `css` selects, once it is there.
    pub async fn find(&self, css: &str) -> Element {
        self.find_by(Locator::Css(css), css).await
    }

    /// The element an XPath selects, once it is there.
    pub async fn find_xpath(&self, xpath: &str) -> Element {
        self.find_by(Locator::XPath(xpath), xpath).await
    }

    async fn find_by(&self, locator: Locator<'_>, shown: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(wait_limit())
            .every(POLL)
            .for_element(locator)
            .await
        {
            Ok(el) => el,
            Err(e) => {
                let msg = self
                    .failure(&format!("expected an element `{shown}` on the page ({e})"))
                    .await;
                panic!("{msg}");
            }
        }
    }

    /// Whether `css` selects something on the page now (no waiting).
    pub async fn has(&self, css: &str) -> bool {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| !v.is_empty())
            .unwrap_or(false)
    }

    /// The visible text of the element `css` selects.
    pub async fn text_of(&self, css: &str) -> String {
        let el = self.find(css).await;
        el.text().await.unwrap_or_default()
    }

    /// The text of every element `css` selects (after waiting for the first).
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        self.find(css).await;
        let mut out = Vec::new();
        for el in self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            out.push(el.text().await.unwrap_or_default());
        }
        out
    }

    /// Types `value` into the field `css` selects, replacing what was there.
    pub async fn fill(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        self.scroll_into_view(&el).await;
        let typed = async {
            el.clear().await?;
            el.send_keys(value).await
        };
        if let Err(e) = typed.await {
            let msg = self
                .failure(&format!("could not type {value:?} into `{css}`: {e}"))
                .await;
            panic!("{msg}");
        }
    }

    /// Picks the option with `value` in the select `css` selects.
    pub async fn select(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        if let Err(e) = el.select_by_value(value).await {
            let msg = self
                .failure(&format!("could not choose {value:?} in `{css}`: {e}"))
                .await;
            panic!("{msg}");
        }
    }

    async fn scroll_into_view(&self, el: &Element) {
        let arg = serde_json::to_value(el).unwrap_or(Value::Null);
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![arg],
            )
            .await;
    }

    async fn click_element(&self, el: &Element, shown: &str) {
        self.scroll_into_view(el).await;
        if let Err(e) = el.click().await {
            let msg = self
                .failure(&format!("could not click `{shown}`: {e}"))
                .await;
            panic!("{msg}");
        }
    }

    /// Clicks what `css` selects, staying on the page (e.g. opening a `<details>`).
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.click_element(&el, css).await;
    }

    /// Clicks what `css` selects and waits for the next page to load (a link, a form's button).
    pub async fn click_to_page(&self, css: &str) {
        let el = self.find(css).await;
        self.mark_page().await;
        self.click_element(&el, css).await;
        self.wait_new_page(css).await;
    }

    /// Clicks the `<button>` or link whose text is `label` (inside `scope`, a CSS selector, or
    /// anywhere with "") and waits for the next page.
    pub async fn press(&self, scope: &str, label: &str) {
        assert!(
            !label.contains('\''),
            "labels with quotes are not supported"
        );
        let xpath = format!(
            "{}//*[(self::button or self::a) and normalize-space(.)='{label}']",
            css_scope_to_xpath(scope)
        );
        let el = self.find_xpath(&xpath).await;
        self.mark_page().await;
        self.click_element(&el, label).await;
        self.wait_new_page(label).await;
    }

    /// Clicks the link whose text is exactly `label` and waits for the next page.
    pub async fn follow_link(&self, label: &str) {
        let el = self.find_by(Locator::LinkText(label), label).await;
        self.mark_page().await;
        self.click_element(&el, label).await;
        self.wait_new_page(label).await;
    }

    /// Tags the current document so [`Self::wait_new_page`] can tell when it was replaced.
    async fn mark_page(&self) {
        let _ = self
            .client
            .execute("window.__dfrestoOldPage = true;", vec![])
            .await;
    }

    async fn wait_new_page(&self, after: &str) {
        let loaded = self
            .until(|| async {
                matches!(
                    self.client
                        .execute(
                            "return !window.__dfrestoOldPage && document.readyState === 'complete';",
                            vec![],
                        )
                        .await,
                    Ok(Value::Bool(true))
                )
            })
            .await;
        if !loaded {
            let msg = self
                .failure(&format!(
                    "no new page loaded within {:?} after clicking `{after}`",
                    wait_limit()
                ))
                .await;
            panic!("{msg}");
        }
    }

    /// Polls `check` until it is true or the wait limit passes; whether it became true.
    async fn until<F, Fut>(&self, mut check: F) -> bool
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + wait_limit();
        loop {
            if check().await {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page shows `text`.
    pub async fn expect_text(&self, text: &str) {
        let found = self
            .until(|| async { self.text().await.contains(text) })
            .await;
        if !found {
            let msg = self
                .failure(&format!("expected the page to show {text:?}"))
                .await;
            panic!("{msg}");
        }
    }

    /// Fails when the page shows `text`.
    pub async fn expect_no_text(&self, text: &str) {
        if self.text().await.contains(text) {
            let msg = self
                .failure(&format!("expected the page not to show {text:?}"))
                .await;
            panic!("{msg}");
        }
    }

    /// Waits until the URL's path is `path`.
    pub async fn expect_path(&self, path: &str) {
        let there = self.until(|| async { self.path().await == path }).await;
        if !there {
            let msg = self.failure(&format!("expected to be on {path}")).await;
            panic!("{msg}");
        }
    }

    /// Waits until the text of `css` contains `text`.
    pub async fn expect_text_in(&self, css: &str, text: &str) {
        self.find(css).await;
        let found = self
            .until(|| async {
                match self.client.find(Locator::Css(css)).await {
                    Ok(el) => el.text().await.unwrap_or_default().contains(text),
                    Err(_) => false,
                }
            })
            .await;
        if !found {
            let now = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            let msg = self
                .failure(&format!(
                    "expected `{css}` to show {text:?}, it shows {now:?}"
                ))
                .await;
            panic!("{msg}");
        }
    }

    /// Saves a screenshot of the whole page as `NN-<who>-<name>.png`.
    pub async fn shot(&self, name: &str) {
        if self.save_shot(name).await.is_none() {
            let msg = self
                .failure(&format!("could not save the screenshot {name:?}"))
                .await;
            panic!("{msg}");
        }
    }

    async fn save_shot(&self, name: &str) -> Option<PathBuf> {
        let png = match self.full_page_png().await {
            Some(png) => png,
            // The visible part is better than nothing.
            None => self.client.screenshot().await.ok()?,
        };
        let n = self.driver.shot_seq.fetch_add(1, Ordering::Relaxed) + 1;
        let file = self
            .driver
            .shots
            .join(format!("{n:02}-{}-{}.png", self.who, slug(name)));
        std::fs::write(&file, png).ok()?;
        Some(file)
    }

    /// A screenshot of the whole page, not only the window, through Chrome's DevTools protocol.
    async fn full_page_png(&self) -> Option<Vec<u8>> {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await?;
        let size = &metrics["cssContentSize"];
        let width = size["width"].as_f64()?.ceil();
        // Long lists would make huge pictures; the top 6000 CSS pixels tell enough.
        let height = size["height"].as_f64()?.ceil().min(6000.0);
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                }),
            )
            .await?;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str()?)
            .ok()
    }

    async fn cdp(&self, cmd: &str, params: Value) -> Option<Value> {
        let url = format!(
            "{}/session/{}/goog/cdp/execute",
            self.driver.url, self.session
        );
        let res = self
            .driver
            .http
            .post(url)
            .json(&json!({"cmd": cmd, "params": params}))
            .send()
            .await
            .ok()?;
        if !res.status().is_success() {
            return None;
        }
        let body: Value = res.json().await.ok()?;
        Some(body["value"].clone())
    }

    /// Opens `portal`'s login page and submits `username`/`password`; returns on the next page
    /// (the dashboard, or the login page again with the reason).
    pub async fn submit_login(
        &self,
        app: &TestApp,
        portal: Portal,
        username: &str,
        password: &str,
    ) {
        self.goto(&app.url(portal, "/login")).await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.shot("login").await;
        self.click_to_page(r#"form[action="/login"] button[type="submit"]"#)
            .await;
    }

    /// Logs in as `username` (password [`DEMO_PASSWORD`]) on `portal` and checks it worked: the
    /// page has the logout button.
    pub async fn login(&self, app: &TestApp, portal: Portal, username: &str) {
        self.submit_login(app, portal, username, DEMO_PASSWORD)
            .await;
        self.find(r#"form[action="/logout"]"#).await;
        self.expect_path("/dashboard").await;
        self.shot("dashboard").await;
    }

    /// Waits for the open question (window.confirm) and answers it: OK when `accept`, else
    /// "Batal"; returns what it asked.
    pub async fn answer_dialog(&self, accept: bool) -> String {
        let deadline = Instant::now() + wait_limit();
        let text = loop {
            match self.client.get_alert_text().await {
                Ok(text) => break text,
                Err(e) if Instant::now() >= deadline => {
                    let msg = self.failure(&format!("expected a question ({e})")).await;
                    panic!("{msg}");
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        };
        let answered = if accept {
            self.client.accept_alert().await
        } else {
            self.client.dismiss_alert().await
        };
        if let Err(e) = answered {
            panic!("[{}] could not answer the question {text:?}: {e}", self.who);
        }
        text
    }

    /// Clicks what `css` selects when the click opens a question: returns once it is open
    /// (answer it with [`Self::answer_dialog`]).
    pub async fn click_to_dialog(&self, css: &str) {
        let el = self.find(css).await;
        self.mark_page().await;
        self.click_element(&el, css).await;
    }

    /// Waits for the page a click (and its answered question) led to.
    pub async fn expect_new_page(&self, after: &str) {
        self.wait_new_page(after).await;
    }

    /// Presses Enter in the field `css` selects (the "Go" key of a phone's keypad).
    pub async fn press_enter(&self, css: &str) {
        let el = self.find(css).await;
        if let Err(e) = el.send_keys("\u{e007}").await {
            let msg = self
                .failure(&format!("could not press Enter in `{css}`: {e}"))
                .await;
            panic!("{msg}");
        }
    }

    /// The id of the focused element ("" when it has none).
    pub async fn focused_id(&self) -> String {
        match self
            .client
            .execute(
                "return document.activeElement ? document.activeElement.id || document.activeElement.tagName : '';",
                vec![],
            )
            .await
        {
            Ok(Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// Ends the session: Chromium quits.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("    | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file-name friendly version of a screenshot name.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// The simple scopes [`Browser::press`] takes: "" (anywhere), `#id`, or
/// `tag[attr="value"]` → the XPath of that element.
fn css_scope_to_xpath(scope: &str) -> String {
    if scope.is_empty() {
        return String::new();
    }
    if let Some(id) = scope.strip_prefix('#') {
        return format!("//*[@id='{id}']");
    }
    if let Some((tag, rest)) = scope.split_once('[')
        && let Some((attr, value)) = rest.trim_end_matches(']').split_once('=')
    {
        let value = value.trim_matches('"').trim_matches('\'');
        let tag = if tag.is_empty() { "*" } else { tag };
        return format!("//{tag}[@{attr}='{value}']");
    }
    panic!("unsupported scope {scope:?}: use \"\", \"#id\" or tag[attr=\"value\"]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_become_xpath() {
        assert_eq!(css_scope_to_xpath(""), "");
        assert_eq!(css_scope_to_xpath("#payment"), "//*[@id='payment']");
        assert_eq!(
            css_scope_to_xpath(r#"form[action="/orders/3/ship"]"#),
            "//form[@action='/orders/3/ship']"
        );
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("Order 12 / detail"), "order-12-detail");
    }
}
