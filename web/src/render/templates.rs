//! Loading the tera templates and the stylesheet at start-up: templates are read from
//! `<TEMPLATES_DIR>/web/**/*.html` and named relative to that folder (`base.html`, `login.html`,
//! …), the filters registered, the pages every site needs checked, and the stylesheet given a
//! version that changes with it.

use std::path::{Path, PathBuf};

use tera::Tera;

use super::filters::register_filters;

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
}
