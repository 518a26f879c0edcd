//! Page rendering: loading the tera templates and the stylesheet at start-up, the context every
//! page shares (site, portal, links), and the error pages.
//!
//! Templates are read from `<TEMPLATES_DIR>/web/**/*.html` and named relative to that folder
//! (`base.html`, `login.html`, …). Tera autoescapes every `.html` template, so values put in a
//! context are always shown as text, never as markup.

use std::path::{Path, PathBuf};

use domain::Portal;
use salvo::http::StatusCode;
use salvo::writing::Text;
use salvo::{Depot, Request, Response};
use serde::Serialize;
use tera::{Context, Tera};

use crate::error::WebError;
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
const REQUIRED: [&str; 5] = [
    "base.html",
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
    let tera = Tera::new(&glob).map_err(|e| fail(error_chain(&e)))?;
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

/// Renders a template as the response body.
pub fn page(
    res: &mut Response,
    state: &AppState,
    name: &str,
    ctx: &Context,
) -> Result<(), WebError> {
    let html = state.templates.tera.render(name, ctx)?;
    res.render(Text::Html(html));
    Ok(())
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
