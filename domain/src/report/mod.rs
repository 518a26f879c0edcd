//! Reports finance reads: what can be asked for (kinds, formats, checked parameters), the data
//! of each report as one [`doc::Document`], the runs that render them and the schedules that
//! request them. Rendering to PDF / Excel is the `render` crate's, in the worker.

pub mod build;
pub mod doc;
pub mod export;
pub mod invoice_aging;
pub mod monthly_sales;
pub mod run;
pub mod sales;
pub mod schedule;
pub mod stokis_performance;
pub mod top_products;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;

crate::text_enum::text_enum! {
    pub enum ReportKind {
        MonthlySales => "MONTHLY_SALES",
        TopProducts => "TOP_PRODUCTS",
        StokisPerformance => "STOKIS_PERFORMANCE",
        InvoiceAging => "INVOICE_AGING",
    }
}

crate::text_enum::text_enum! {
    pub enum ReportFormat {
        Pdf => "PDF",
        Xlsx => "XLSX",
    }
}

impl ReportKind {
    /// The name on screen and in messages.
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::MonthlySales => "Penjualan Bulanan",
            ReportKind::TopProducts => "Produk Terlaris",
            ReportKind::StokisPerformance => "Kinerja Stokis",
            ReportKind::InvoiceAging => "Umur Tagihan",
        }
    }

    /// The start of download names: `penjualan-bulanan-2026-11.pdf`.
    pub fn slug(self) -> &'static str {
        match self {
            ReportKind::MonthlySales => "penjualan-bulanan",
            ReportKind::TopProducts => "produk-terlaris",
            ReportKind::StokisPerformance => "kinerja-stokis",
            ReportKind::InvoiceAging => "umur-tagihan",
        }
    }
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// The longest period a report may cover.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// Top Products without a limit lists this many.
pub const DEFAULT_TOP_LIMIT: u32 = 20;
pub const MAX_TOP_LIMIT: u32 = 500;

/// A calendar month (`2026-11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Month { year, month })
    }

    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month before (December of last year for January).
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    pub fn days(self) -> u32 {
        self.last_day().day()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The checked parameters of one report. Dates are Asia/Jakarta business dates; a period
/// includes both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportParams {
    MonthlySales {
        month: Month,
    },
    TopProducts {
        from: NaiveDate,
        to: NaiveDate,
        limit: u32,
    },
    StokisPerformance {
        from: NaiveDate,
        to: NaiveDate,
    },
    InvoiceAging {
        as_of: NaiveDate,
    },
}

impl ReportParams {
    pub fn kind(&self) -> ReportKind {
        match self {
            ReportParams::MonthlySales { .. } => ReportKind::MonthlySales,
            ReportParams::TopProducts { .. } => ReportKind::TopProducts,
            ReportParams::StokisPerformance { .. } => ReportKind::StokisPerformance,
            ReportParams::InvoiceAging { .. } => ReportKind::InvoiceAging,
        }
    }

    /// The stored form (`report_runs.params`), as the API takes it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ReportParams::MonthlySales { month } => {
                serde_json::json!({ "month": month.to_string() })
            }
            ReportParams::TopProducts { from, to, limit } => {
                serde_json::json!({ "from": from, "to": to, "limit": limit })
            }
            ReportParams::StokisPerformance { from, to } => {
                serde_json::json!({ "from": from, "to": to })
            }
            ReportParams::InvoiceAging { as_of } => serde_json::json!({ "as_of": as_of }),
        }
    }

    /// The period as people read it: `November 2026`, `1 Nov 2026 – 30 Nov 2026`,
    /// `per 30 Nov 2026`.
    pub fn period_label(&self) -> String {
        use crate::clock::{format_date_id, format_month_id};
        match self {
            ReportParams::MonthlySales { month } => format_month_id(month.year, month.month),
            ReportParams::TopProducts { from, to, .. }
            | ReportParams::StokisPerformance { from, to } => {
                format!("{} – {}", format_date_id(*from), format_date_id(*to))
            }
            ReportParams::InvoiceAging { as_of } => format!("per {}", format_date_id(*as_of)),
        }
    }

    /// The part of the download name after the kind: `2026-11`, `2026-11-01_2026-11-30`.
    pub fn file_suffix(&self) -> String {
        match self {
            ReportParams::MonthlySales { month } => month.to_string(),
            ReportParams::TopProducts { from, to, .. }
            | ReportParams::StokisPerformance { from, to } => format!("{from}_{to}"),
            ReportParams::InvoiceAging { as_of } => as_of.to_string(),
        }
    }

    /// Reads and checks `params` for `kind` as of `today` (Jakarta). Every problem is reported
    /// at once, keyed by the parameter's name (`params.month`), in Bahasa Indonesia.
    pub fn parse(
        kind: ReportKind,
        params: &serde_json::Value,
        today: NaiveDate,
    ) -> Result<ReportParams, FieldErrors> {
        let mut errors = FieldErrors::new();
        let empty = serde_json::Map::new();
        let obj = match params {
            serde_json::Value::Object(m) => m,
            serde_json::Value::Null => &empty,
            _ => {
                errors.insert("params".into(), "parameter harus berupa objek".into());
                return Err(errors);
            }
        };
        let text = |name: &str| obj.get(name).and_then(|v| v.as_str()).map(str::trim);
        let date = |name: &str, errors: &mut FieldErrors| -> Option<NaiveDate> {
            match text(name) {
                None | Some("") => {
                    errors.insert(format!("params.{name}"), "tanggal wajib diisi".into());
                    None
                }
                Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => {
                        errors.insert(
                            format!("params.{name}"),
                            "tanggal tidak valid (format TTTT-BB-HH, contoh 2026-11-30)".into(),
                        );
                        None
                    }
                },
            }
        };
        let period = |errors: &mut FieldErrors| -> Option<(NaiveDate, NaiveDate)> {
            let from = date("from", errors);
            let to = date("to", errors);
            let (from, to) = (from?, to?);
            if from > to {
                errors.insert(
                    "params.to".into(),
                    "tanggal akhir tidak boleh sebelum tanggal awal".into(),
                );
                return None;
            }
            if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
                errors.insert(
                    "params.to".into(),
                    format!("periode paling lama {MAX_PERIOD_DAYS} hari"),
                );
                return None;
            }
            if from > today {
                errors.insert("params.from".into(), "periode belum dimulai".into());
                return None;
            }
            Some((from, to))
        };
        let parsed = match kind {
            ReportKind::MonthlySales => match text("month") {
                None | Some("") => {
                    errors.insert("params.month".into(), "bulan wajib diisi".into());
                    None
                }
                Some(s) => match Month::parse(s) {
                    None => {
                        errors.insert(
                            "params.month".into(),
                            "bulan tidak valid (format TTTT-BB, contoh 2026-11)".into(),
                        );
                        None
                    }
                    Some(m) if m > Month::of(today) => {
                        errors.insert("params.month".into(), "bulan belum dimulai".into());
                        None
                    }
                    Some(month) => Some(ReportParams::MonthlySales { month }),
                },
            },
            ReportKind::TopProducts => {
                let limit = match obj.get("limit") {
                    None | Some(serde_json::Value::Null) => Some(DEFAULT_TOP_LIMIT),
                    Some(v) => match v.as_u64() {
                        Some(n) if (1..=u64::from(MAX_TOP_LIMIT)).contains(&n) => {
                            u32::try_from(n).ok()
                        }
                        _ => {
                            errors.insert(
                                "params.limit".into(),
                                format!("jumlah produk harus 1 sampai {MAX_TOP_LIMIT}"),
                            );
                            None
                        }
                    },
                };
                let period = period(&mut errors);
                match (period, limit) {
                    (Some((from, to)), Some(limit)) => {
                        Some(ReportParams::TopProducts { from, to, limit })
                    }
                    _ => None,
                }
            }
            ReportKind::StokisPerformance => {
                period(&mut errors).map(|(from, to)| ReportParams::StokisPerformance { from, to })
            }
            ReportKind::InvoiceAging => match date("as_of", &mut errors) {
                Some(d) if d > today => {
                    errors.insert(
                        "params.as_of".into(),
                        "tanggal posisi tidak boleh di masa depan".into(),
                    );
                    None
                }
                Some(as_of) => Some(ReportParams::InvoiceAging { as_of }),
                None => None,
            },
        };
        match parsed {
            Some(p) if errors.is_empty() => Ok(p),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")
    }

    #[test]
    fn months_parse_and_step() {
        assert_eq!(
            Month::parse("2026-11"),
            Some(Month {
                year: 2026,
                month: 11
            })
        );
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("26-11"), None);
        let jan = Month {
            year: 2026,
            month: 1,
        };
        assert_eq!(
            jan.previous(),
            Month {
                year: 2025,
                month: 12
            }
        );
        assert_eq!(
            Month {
                year: 2024,
                month: 2
            }
            .days(),
            29
        );
        assert_eq!(
            Month {
                year: 2026,
                month: 12
            }
            .last_day()
            .to_string(),
            "2026-12-31"
        );
    }

    #[test]
    fn bad_params_name_their_field() {
        let e = ReportParams::parse(
            ReportKind::MonthlySales,
            &json!({"month": "2026-13"}),
            today(),
        )
        .expect_err("bad month");
        assert!(e.contains_key("params.month"));
        let e = ReportParams::parse(
            ReportKind::TopProducts,
            &json!({"from": "2026-11-30", "to": "2026-11-01", "limit": 0}),
            today(),
        )
        .expect_err("from after to");
        assert!(
            e.contains_key("params.to") && e.contains_key("params.limit"),
            "{e:?}"
        );
        let e = ReportParams::parse(
            ReportKind::StokisPerformance,
            &json!({"from": "2025-01-01", "to": "2026-02-01"}),
            today(),
        )
        .expect_err("too long");
        assert!(e["params.to"].contains("366"));
        let e = ReportParams::parse(
            ReportKind::InvoiceAging,
            &json!({"as_of": "2026-12-08"}),
            today(),
        )
        .expect_err("future");
        assert!(e.contains_key("params.as_of"));
    }

    #[test]
    fn good_params_round_trip() {
        let p = ReportParams::parse(
            ReportKind::TopProducts,
            &json!({"from": "2026-11-01", "to": "2026-11-30"}),
            today(),
        )
        .expect("valid");
        assert_eq!(
            p,
            ReportParams::TopProducts {
                from: NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
                to: NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"),
                limit: DEFAULT_TOP_LIMIT
            }
        );
        assert_eq!(ReportParams::parse(p.kind(), &p.to_json(), today()), Ok(p));
    }
}
