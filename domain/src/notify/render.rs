//! The WhatsApp message texts: tera templates from `templates/whatsapp/`, embedded at build time
//! so a worker never starts without them, filled with pre-formatted values (Rupiah amounts,
//! WIB dates) so the templates stay free of logic.

use super::NotifyError;
use serde::Serialize;
use std::sync::OnceLock;
use tera::{Context, Tera};

macro_rules! templates {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../../templates/whatsapp/", $name)))),+]
    };
}

/// Every WhatsApp template, by file name.
pub(crate) const TEMPLATES: &[(&str, &str)] = templates![
    "order_created.txt",
    "order_shipped.txt",
    "order_rejected.txt",
    "po_approved.txt",
    "po_rejected.txt",
    "po_shipped.txt",
    "invoice_created.txt",
    "invoice_reminder.txt",
    "invoice_overdue.txt",
    "invoice_overdue_finance.txt",
    "report_ready.txt",
    "whatsapp_ban_lifted.txt",
    "password_changed.txt",
];

/// WhatsApp refuses longer texts; the schema enforces the same limit.
pub(crate) const MAX_CHARS: usize = 4096;

fn tera() -> Result<&'static Tera, NotifyError> {
    static TERA: OnceLock<Result<Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut tera = Tera::default();
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| format!("{e:?}"))?;
        Ok(tera)
    })
    .as_ref()
    .map_err(|e| NotifyError::Template(e.clone()))
}

/// Renders `templates/whatsapp/<name>` with `values`: trimmed, blank-line runs collapsed, and
/// cut to what WhatsApp accepts.
pub(crate) fn render(name: &str, values: &impl Serialize) -> Result<String, NotifyError> {
    let ctx = Context::from_serialize(values)
        .map_err(|e| NotifyError::Template(format!("{name}: {e}")))?;
    let text = tera()?
        .render(name, &ctx)
        .map_err(|e| NotifyError::Template(format!("{name}: {e:?}")))?;
    Ok(tidy(&text))
}

fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let out = out.trim_end();
    if out.chars().count() <= MAX_CHARS {
        return out.to_owned();
    }
    let mut cut: String = out.chars().take(MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages that go to many stokis and mitra each open with their name, so no one text
    /// goes out identical to hundreds of numbers (WhatsApp bans senders of bulk copies). The
    /// invoice run's reminders and alerts name the stokis in their heading; the report's text
    /// greets its user itself.
    #[test]
    fn messages_to_stokis_and_mitra_greet_them_by_name() {
        let values = |name: &str| {
            serde_json::json!({
                "recipient_name": name,
                "order_number": "ORD-261128-000042",
                "mitra_name": "D'Fresto Dago",
                "mitra_city": "Bandung",
                "items": [],
                "more_items": 0,
                "total": "Rp 586.000",
                "stokis_name": "Stokis Sumber Rejeki",
                "reason": "stok habis",
                "po_number": "PO-261128-000007",
                "invoice_number": "INV-261128-000003",
                "due_date": "12 Des 2026",
                "link": null,
            })
        };
        for name in [
            "order_created.txt",
            "order_shipped.txt",
            "order_rejected.txt",
            "po_approved.txt",
            "po_rejected.txt",
            "po_shipped.txt",
            "invoice_created.txt",
        ] {
            let sari = render(name, &values("Toko Bu Sari")).unwrap();
            let budi = render(name, &values("Pak Budi")).unwrap();
            assert!(sari.starts_with("Halo Toko Bu Sari,\n"), "{name}: {sari}");
            assert!(budi.starts_with("Halo Pak Budi,\n"), "{name}: {budi}");
            assert_ne!(sari, budi, "{name}");
        }
    }

    #[test]
    fn every_template_parses() {
        let tera = tera().expect("templates parse");
        for (name, _) in TEMPLATES {
            assert!(tera.get_template_names().any(|n| n == *name), "{name}");
        }
    }

    #[test]
    fn tidy_collapses_blank_runs_and_caps_length() {
        assert_eq!(tidy("\n a\n\n\n\nb  \n\n"), "a\n\nb");
        let long = "x".repeat(5000);
        let cut = tidy(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(cut.ends_with('…'));
    }
}
