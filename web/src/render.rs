//! Page rendering: loading the tera templates and the stylesheet at start-up, the context every
//! page shares (site, portal, links; for logged-in pages also user, CSRF token, menu, flash),
//! the tera filters (`rupiah`, `wib`, `tanggal`, `status_label`), and the error pages.
//!
//! Templates are read from `<TEMPLATES_DIR>/web/**/*.html` and named relative to that folder
//! (`base.html`, `login.html`, …). Tera autoescapes every `.html` template, so values put in a
//! context are always shown as text, never as markup.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Portal, Role};
use salvo::http::StatusCode;
use salvo::http::header::{CACHE_CONTROL, HeaderValue};
use salvo::writing::Text;
use salvo::{Depot, Request, Response};
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::auth;
use crate::error::WebError;
use crate::flash;
use crate::host::{self, Site};
use crate::server::{self, AppState};

/// The loaded templates and the stylesheet served at `/static/app.css`.
pub struct Templates {
    pub tera: Tera,
    pub css: String,
    /// Changes whenever the stylesheet does, so browsers may cache it for long.
    pub css_version: String,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("templates", &self.tera.get_template_names().count())
            .field("css_version", &self.css_version)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot load the page templates from {dir}: {reason}: set TEMPLATES_DIR to the templates/ folder"
)]
pub struct TemplateError {
    dir: PathBuf,
    reason: String,
}

/// Templates every page needs; start-up fails when one is missing.
const REQUIRED: [&str; 6] = [
    "base.html",
    "app.html",
    "landing.html",
    "login.html",
    "404.html",
    "error.html",
];

pub fn load(templates_dir: &Path) -> Result<Templates, TemplateError> {
    let web = templates_dir.join("web");
    let fail = |reason: String| TemplateError {
        dir: templates_dir.to_path_buf(),
        reason,
    };
    if !web.is_dir() {
        return Err(fail(format!("{} is not a folder", web.display())));
    }
    let glob = format!("{}/**/*.html", web.display());
    let mut tera = Tera::new(&glob).map_err(|e| fail(error_chain(&e)))?;
    register_filters(&mut tera);
    let names: Vec<&str> = tera.get_template_names().collect();
    if let Some(missing) = REQUIRED.iter().find(|r| !names.contains(r)) {
        return Err(fail(format!("web/{missing} is missing")));
    }
    let css_path = web.join("static/app.css");
    let css = std::fs::read_to_string(&css_path)
        .map_err(|e| fail(format!("{}: {e}", css_path.display())))?;
    let css_version = format!("{:08x}", fnv1a(css.as_bytes()) as u32);
    Ok(Templates {
        tera,
        css,
        css_version,
    })
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An error and its causes on one line (tera's own message hides the useful part in `source`).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// How a portal is presented to people.
#[derive(Debug, Clone, Serialize)]
pub struct PortalInfo {
    pub label: &'static str,
    pub name: &'static str,
    /// Who logs in here.
    pub audience: &'static str,
    pub description: &'static str,
    /// Protocol-relative link to the portal's home (`//mitra.localhost:8080/`).
    pub href: String,
}

pub fn portal_info(portal: Portal, href: String) -> PortalInfo {
    let (name, audience, description) = match portal {
        Portal::Mitra => (
            "Portal Mitra",
            "Untuk outlet mitra D'Fresto",
            "Pesan bahan baku ke stokis Anda dan pantau status pesanan.",
        ),
        Portal::Stokis => (
            "Portal Stokis",
            "Untuk stokis regional",
            "Kelola pesanan mitra, stok, purchase order ke pusat, dan tagihan.",
        ),
        Portal::Admin => (
            "Portal Admin",
            "Untuk Pusat, Finance, dan Gudang",
            "Data master, persetujuan PO, pengiriman gudang, tagihan, dan laporan.",
        ),
    };
    PortalInfo {
        label: portal.as_str(),
        name,
        audience,
        description,
        href,
    }
}

/// What every page's layout needs: the site it is on and the links between sites.
pub fn base_context(req: &mut Request, state: &AppState) -> Context {
    let site = host::site_of(req, &state.sites);
    let mut ctx = Context::new();
    let portals: Vec<PortalInfo> = Portal::ALL
        .into_iter()
        .map(|p| portal_info(p, state.sites.href(req, Some(p))))
        .collect();
    let apex_href = state.sites.href(req, None);
    let current = site
        .portal()
        .map(|p| portal_info(p, state.sites.href(req, Some(p))));
    ctx.insert(
        "site",
        match site {
            Site::Apex => "apex",
            Site::Portal(p) => p.as_str(),
            Site::Unknown => "unknown",
        },
    );
    ctx.insert(
        "home_href",
        &current.as_ref().map_or(&apex_href, |p| &p.href),
    );
    ctx.insert("portal", &current);
    ctx.insert("portals", &portals);
    ctx.insert("apex_href", &apex_href);
    ctx.insert("css_version", &state.templates.css_version);
    ctx
}

/// Renders a template as the response body, with exactly the context given (pages without a
/// login: landing, login; logged-in pages use [`page`]).
pub fn template(
    res: &mut Response,
    state: &AppState,
    name: &str,
    ctx: &Context,
) -> Result<(), WebError> {
    let html = state.templates.tera.render(name, ctx)?;
    res.render(Text::Html(html));
    Ok(())
}

/// The logged-in user as templates see it (`user.username`, `user.name`, `user.role`).
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub username: String,
    pub name: String,
    pub role: &'static str,
    /// `Mitra`, `Stokis`, `Pusat`, `Finance`, `Gudang`.
    pub role_label: &'static str,
}

/// One entry of the portal menu.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The menu of a role; the pages behind these paths belong to each portal's module.
pub fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    let items: &[(&'static str, &'static str)] = match role {
        Role::Mitra => &[
            ("/dashboard", "Beranda"),
            ("/catalogue", "Katalog"),
            ("/orders/new", "Pesan"),
            ("/orders", "Pesanan"),
        ],
        Role::Stokis => &[
            ("/dashboard", "Beranda"),
            ("/orders", "Pesanan Mitra"),
            ("/stock", "Stok"),
            ("/purchase-orders", "PO ke Pusat"),
            ("/invoices", "Tagihan"),
        ],
        Role::Finance => &[
            ("/dashboard", "Beranda"),
            ("/approvals", "Persetujuan PO"),
            ("/purchase-orders", "Semua PO"),
            ("/invoices", "Tagihan"),
            ("/aging", "Umur Piutang"),
            ("/reports", "Laporan"),
            ("/invoice-runs", "Run Invoice"),
            ("/whatsapp", "WhatsApp"),
            ("/jobs", "Antrean Job"),
        ],
        Role::Gudang => &[
            ("/dashboard", "Beranda"),
            ("/shipping", "Siap Kirim"),
            ("/shipped", "Sudah Dikirim"),
            ("/warehouse-stock", "Stok Gudang"),
            ("/purchase-orders", "Semua PO"),
        ],
        Role::Pusat => &[
            ("/dashboard", "Ringkasan"),
            ("/purchase-orders", "PO"),
            ("/invoices", "Tagihan"),
            ("/aging", "Umur Piutang"),
            ("/reports", "Laporan"),
            ("/warehouse-stock", "Stok Gudang"),
            ("/products", "Produk"),
            ("/stokis", "Stokis"),
            ("/mitra", "Mitra"),
            ("/users", "Pengguna"),
            ("/whatsapp", "WhatsApp"),
            ("/jobs", "Antrean Job"),
        ],
    };
    let under = |href: &str| path == href || path.starts_with(&format!("{href}/"));
    // The longest matching entry is the current one (`/orders/new` over `/orders`).
    let active = items
        .iter()
        .filter(|(href, _)| under(href))
        .max_by_key(|(href, _)| href.len())
        .map(|(href, _)| *href);
    items
        .iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            active: Some(*href) == active,
        })
        .collect()
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Mitra => "Mitra",
        Role::Stokis => "Stokis",
        Role::Pusat => "Pusat",
        Role::Finance => "Finance",
        Role::Gudang => "Gudang",
    }
}

/// Renders a logged-in page: `ctx` plus the site context ([`base_context`]), `user`,
/// `csrf_token` (and `csrf_field`), `nav`, `flash` (shown once), `now_wib`. Values in `ctx`
/// win over these. Sent `Cache-Control: no-store`: the page holds the user's data and token.
pub fn page(
    req: &mut Request,
    depot: &Depot,
    res: &mut Response,
    name: &str,
    ctx: Context,
) -> Result<(), WebError> {
    let state = server::state(depot)?;
    let user = auth::current_user(depot)?;
    let mut full = base_context(req, state);
    full.insert(
        "user",
        &UserView {
            username: user.username.clone(),
            name: user.name.clone(),
            role: user.actor.role.as_str(),
            role_label: role_label(user.actor.role),
        },
    );
    full.insert("csrf_token", &user.csrf_token);
    full.insert("csrf_field", auth::CSRF_FIELD);
    full.insert("nav", &nav_for(user.actor.role, req.uri().path()));
    full.insert("flash", &flash::take(req, res));
    full.insert("now_wib", &domain::clock::format_wib(state.clock.now()));
    full.extend(ctx);
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    template(res, state, name, &full)
}

/// Registers the filters every template may use.
fn register_filters(tera: &mut Tera) {
    tera.register_filter("rupiah", filter_rupiah);
    tera.register_filter("wib", filter_wib);
    tera.register_filter("tanggal", filter_tanggal);
    tera.register_filter("status_label", filter_status_label);
}

/// What a filter shows for a missing value (`null`).
const NONE: &str = "—";

/// `1250000 | rupiah` → `Rp 1.250.000`.
fn filter_rupiah(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let amount = match value {
        Value::Null => return Ok(Value::from(NONE)),
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    amount
        .map(|a| Value::from(domain::money::format_rupiah(a)))
        .ok_or_else(|| tera::Error::msg(format!("rupiah: not a whole number: {value}")))
}

fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// An RFC 3339 instant (how chrono serialises `DateTime<Utc>`) → `28 Nov 2026 09:00 WIB`.
fn filter_wib(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match value {
        Value::Null => Ok(Value::from(NONE)),
        Value::String(s) => parse_instant(s)
            .map(|t| Value::from(domain::clock::format_wib(t)))
            .ok_or_else(|| tera::Error::msg(format!("wib: not an RFC 3339 time: {s:?}"))),
        other => Err(tera::Error::msg(format!("wib: not a time: {other}"))),
    }
}

/// A date (`2026-11-28`) → `28 Nov 2026`; an instant → its date in Jakarta.
fn filter_tanggal(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match value {
        Value::Null => Ok(Value::from(NONE)),
        Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .or_else(|| parse_instant(s).map(domain::clock::jakarta_date))
            .map(|d| Value::from(domain::clock::format_date_id(d)))
            .ok_or_else(|| tera::Error::msg(format!("tanggal: not a date: {s:?}"))),
        other => Err(tera::Error::msg(format!("tanggal: not a date: {other}"))),
    }
}

/// A status code (`PENDING`, `APPROVED`, `OVERDUE`, `SENT`, …) → its Indonesian label; an
/// unknown code is shown as it is.
pub fn status_label(code: &str) -> &str {
    use domain::transition::{InvoiceStatus, OrderStatus, PoStatus};
    if let Ok(s) = code.parse::<OrderStatus>() {
        return s.label();
    }
    if let Ok(s) = code.parse::<PoStatus>() {
        return s.label();
    }
    if let Ok(s) = code.parse::<InvoiceStatus>() {
        return s.label();
    }
    match code {
        "SENT" => "Terkirim",
        "FAILED" => "Gagal",
        "QUEUED" => "Dalam antrean",
        "RUNNING" => "Diproses",
        "DONE" => "Selesai",
        "CONNECTED" => "Terhubung",
        "CONNECTING" => "Menghubungkan",
        "DISCONNECTED" => "Terputus",
        "WAITING_QR" => "Menunggu pindai QR",
        "LOGGED_OUT" => "Keluar",
        "BANNED" => "Diblokir",
        other => other,
    }
}

fn filter_status_label(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match value {
        Value::String(s) => Ok(Value::from(status_label(s))),
        Value::Null => Ok(Value::from(NONE)),
        other => Err(tera::Error::msg(format!(
            "status_label: not a code: {other}"
        ))),
    }
}

/// The error page for `status`; falls back to plain text if the templates themselves fail, so
/// an error is always answered.
pub fn error_page(
    req: &mut Request,
    depot: &Depot,
    res: &mut Response,
    status: StatusCode,
    message: &str,
) {
    res.status_code(status);
    let Ok(state) = server::state(depot) else {
        res.render(Text::Plain(format!("{status}: {message}")));
        return;
    };
    let mut ctx = base_context(req, state);
    let name = if status == StatusCode::NOT_FOUND {
        "404.html"
    } else {
        "error.html"
    };
    ctx.insert("status", &status.as_u16());
    ctx.insert("message", message);
    match state.templates.tera.render(name, &ctx) {
        Ok(html) => res.render(Text::Html(html)),
        Err(e) => {
            tracing::error!("rendering {name} failed: {}", error_chain(&e));
            res.render(Text::Plain(format!("{status}: {message}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_templates_load() {
        let t = load(&crate::config::default_templates_dir()).unwrap();
        for name in REQUIRED {
            assert!(t.tera.get_template_names().any(|n| n == name), "{name}");
        }
        assert!(t.css.contains("body"));
        assert_eq!(t.css_version.len(), 8);
    }

    #[test]
    fn a_missing_folder_says_what_to_set() {
        let err = load(Path::new("/nonexistent/templates"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/templates"), "{err}");
        assert!(err.contains("TEMPLATES_DIR"), "{err}");
    }

    fn apply(
        f: fn(&Value, &HashMap<String, Value>) -> tera::Result<Value>,
        v: serde_json::Value,
    ) -> String {
        f(&v, &HashMap::new()).unwrap().as_str().unwrap().to_owned()
    }

    #[test]
    fn filters_format_for_indonesian_readers() {
        use serde_json::json;
        assert_eq!(apply(filter_rupiah, json!(1_250_000)), "Rp 1.250.000");
        assert_eq!(apply(filter_rupiah, json!(-5000)), "-Rp 5.000");
        assert_eq!(apply(filter_rupiah, json!("750")), "Rp 750");
        assert_eq!(apply(filter_rupiah, json!(null)), NONE);
        assert!(filter_rupiah(&json!("abc"), &HashMap::new()).is_err());
        // 02:00 UTC is 09:00 WIB; chrono writes fractional seconds too.
        assert_eq!(
            apply(filter_wib, json!("2026-11-28T02:00:00Z")),
            "28 Nov 2026 09:00 WIB"
        );
        assert_eq!(
            apply(filter_wib, json!("2026-11-27T23:30:00.123456Z")),
            "28 Nov 2026 06:30 WIB"
        );
        assert_eq!(apply(filter_tanggal, json!("2026-12-12")), "12 Des 2026");
        assert_eq!(
            apply(filter_tanggal, json!("2026-11-27T18:00:00+00:00")),
            "28 Nov 2026"
        );
        assert_eq!(apply(filter_status_label, json!("PENDING")), "Menunggu");
        assert_eq!(apply(filter_status_label, json!("APPROVED")), "Disetujui");
        assert_eq!(
            apply(filter_status_label, json!("OVERDUE")),
            "Jatuh tempo lewat"
        );
        assert_eq!(apply(filter_status_label, json!("SENT")), "Terkirim");
        assert_eq!(apply(filter_status_label, json!("WHATEVER")), "WHATEVER");
    }

    #[test]
    fn filters_are_registered_with_the_templates() {
        let mut t = load(&crate::config::default_templates_dir()).unwrap();
        t.tera
            .add_raw_template(
                "filters-test.html",
                "{{ a | rupiah }}|{{ t | wib }}|{{ d | tanggal }}|{{ s | status_label }}",
            )
            .unwrap();
        let mut ctx = Context::new();
        ctx.insert("a", &1_000_i64);
        ctx.insert(
            "t",
            &chrono::DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        ctx.insert("d", &NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        ctx.insert("s", "PAID");
        assert_eq!(
            t.tera.render("filters-test.html", &ctx).unwrap(),
            "Rp 1.000|28 Nov 2026 09:00 WIB|28 Nov 2026|Lunas"
        );
    }

    #[test]
    fn the_menu_marks_the_longest_matching_entry() {
        let nav = nav_for(Role::Mitra, "/orders/new");
        let active: Vec<&str> = nav.iter().filter(|i| i.active).map(|i| i.href).collect();
        assert_eq!(active, ["/orders/new"]);
        let nav = nav_for(Role::Mitra, "/orders/15");
        let active: Vec<&str> = nav.iter().filter(|i| i.active).map(|i| i.href).collect();
        assert_eq!(active, ["/orders"]);
        assert!(nav_for(Role::Pusat, "/ordersx").iter().all(|i| !i.active));
    }

    #[test]
    fn values_are_escaped() {
        let t = load(&crate::config::default_templates_dir()).unwrap();
        let mut ctx = Context::new();
        ctx.insert("site", "apex");
        ctx.insert("portal", &Option::<PortalInfo>::None);
        ctx.insert("portals", &Vec::<PortalInfo>::new());
        ctx.insert("apex_href", "//localhost/");
        ctx.insert("home_href", "//localhost/");
        ctx.insert("css_version", "0");
        ctx.insert("status", &500);
        ctx.insert("message", "<script>alert(1)</script>");
        let html = t.tera.render("error.html", &ctx).unwrap();
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
