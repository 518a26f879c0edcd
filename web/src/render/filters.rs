//! The tera filters every template may use: `rupiah`, `wib`, `tanggal` and `status_label`, each
//! showing a missing value as `—`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use tera::{Tera, Value};

/// Registers the filters every template may use.
pub(super) fn register_filters(tera: &mut Tera) {
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

#[cfg(test)]
mod tests {
    use tera::Context;

    use super::*;
    use crate::render::templates::load;

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
}
