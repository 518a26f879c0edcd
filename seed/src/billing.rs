//! Purchase orders (stokis → pusat) with their invoices and payments, and the daily invoice
//! runs that have already happened. Each stokis's POs are simulated in time order with credit
//! control as finance would apply it (exposure against the credit limit, invoices more than
//! 30 days late), and each invoice is paid according to how that stokis pays.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Weekday};
use domain::clock::format_date_id;
use domain::money::format_rupiah;
use domain::numbering;

use super::history::status::*;
use super::history::{Ctx, Line, Step, after, step, when};
use super::master::{FINANCE_USER, GUDANG_USER, Master, stokis_user};
use super::plan::{Plan, SEED, at};
use super::rng::Rng;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PurchaseOrder {
    pub id: i64,
    pub number: String,
    pub stokis_id: i64,
    pub status: &'static str,
    pub total: i64,
    pub note: &'static str,
    pub reject_reason: Option<&'static str>,
    pub credit_override_reason: Option<&'static str>,
    pub created_by: i64,
    pub approved_by: Option<i64>,
    pub shipped_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub approved_at: Option<NaiveDateTime>,
    pub shipped_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub lines: Vec<Line>,
    pub steps: Vec<Step>,
    /// Issued when the PO shipped; moved to [`Billing::invoices`] once ids are known.
    pub invoice: Option<Invoice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Invoice {
    pub id: i64,
    pub number: String,
    pub purchase_order_id: i64,
    pub stokis_id: i64,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: i64,
    pub paid: i64,
    pub status: &'static str,
    pub paid_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub payments: Vec<Payment>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Payment {
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub method: &'static str,
    pub reference: String,
    /// When finance recorded it.
    pub at: NaiveDateTime,
}

/// How a stokis pays its invoices.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Payer {
    /// Pays before the due date (now and then a few days late).
    Prompt,
    /// Pays up to three weeks late.
    Slow,
    /// Pays one to six weeks late: often blocked by credit control.
    Poor,
    /// Stopped paying on this date: its newer invoices are (mostly) still open, 90+ days late.
    Stopped(NaiveDate),
}

const PO_NOTES: &[&str] = &[
    "Mohon dikirim sebelum akhir pekan",
    "Stok untuk akhir bulan",
    "Tambahan untuk promo bulan ini",
    "Mohon kemasan kentang dicek, kiriman lalu ada yang sobek",
];
const PO_REJECT_REASONS: &[&str] = &[
    "Stok gudang pusat belum mencukupi, silakan ajukan ulang minggu depan",
    "Duplikat dengan PO sebelumnya",
    "Jumlah tidak sesuai pola pemesanan, mohon direvisi",
];
const PO_REJECT_OVER_LIMIT: &str = "Total tagihan berjalan ditambah PO ini melebihi batas kredit";
const PO_REJECT_OVERDUE: &str = "Masih ada invoice lewat jatuh tempo lebih dari 30 hari";
const PO_OVERRIDES: &[&str] = &[
    "Disetujui manajer keuangan: stokis berkomitmen melunasi minggu ini",
    "Pembayaran sudah ditransfer, menunggu konfirmasi bank",
    "Kebutuhan stok menjelang hari raya, disetujui direksi",
];
const BANKS: &[&str] = &["BCA", "BRI", "MANDIRI", "BNI", "BSI"];

/// Purchase orders with their invoices and payments, numbered, and the daily invoice runs
/// that have already happened.
pub(crate) struct Billing {
    pub purchase_orders: Vec<PurchaseOrder>,
    pub invoices: Vec<Invoice>,
    /// (first day of month, last invoice number issued that month).
    pub invoice_counters: Vec<(NaiveDate, i32)>,
    pub invoice_runs: Vec<InvoiceRun>,
}

/// One past daily invoice run (09:00 each day before `today`; today's has not run yet). Each
/// worked as of its own date, so the first real run tells only about today's milestones rather
/// than catching up on a year of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InvoiceRun {
    pub date: NaiveDate,
    pub overdue_marked: i32,
    /// Stokis reminded, and stokis alerted: one message each.
    pub reminders: i32,
    pub overdue_alerts: i32,
}

pub(crate) fn billing(ctx: &Ctx, master: &Master) -> Billing {
    let mut pos: Vec<PurchaseOrder> = master
        .stokis
        .iter()
        .flat_map(|s| stokis_purchase_orders(ctx, s.id))
        .collect();
    pos.sort_by_key(|p| (p.created_at, p.stokis_id));
    let mut invoices = Vec::new();
    for (i, po) in pos.iter_mut().enumerate() {
        po.id = i as i64 + 1;
        po.number = numbering::po_number(po.created_at.date(), po.id);
        if let Some(mut inv) = po.invoice.take() {
            inv.purchase_order_id = po.id;
            invoices.push(inv);
        }
    }
    invoices.sort_by_key(|i| (i.created_at, i.purchase_order_id));
    let mut invoice_counters: Vec<(NaiveDate, i32)> = Vec::new();
    for (i, inv) in invoices.iter_mut().enumerate() {
        inv.id = i as i64 + 1;
        let period = inv.issue_date.with_day(1).unwrap_or(inv.issue_date);
        let no = match invoice_counters.last_mut() {
            Some((p, n)) if *p == period => {
                *n += 1;
                *n
            }
            _ => {
                invoice_counters.push((period, 1));
                1
            }
        };
        inv.number = numbering::invoice_number(inv.issue_date, no);
    }
    let invoice_runs = daily_runs(&ctx.plan, &invoices);
    Billing {
        purchase_orders: pos,
        invoices,
        invoice_counters,
        invoice_runs,
    }
}

/// 6–22 products, the popular ones in bigger quantities, worth about `target` at stokis prices.
fn po_lines(rng: &mut Rng, ctx: &Ctx, target: f64) -> Vec<Line> {
    let k = rng.range(6, 22) as usize;
    let picked = ctx.sample_products(rng, k);
    let weights: Vec<f64> = picked
        .iter()
        .map(|&i| {
            let w = ctx.product_cum[i] - if i == 0 { 0.0 } else { ctx.product_cum[i - 1] };
            w * (0.5 + rng.unit())
        })
        .collect();
    let wsum: f64 = weights.iter().sum();
    let mut lines: Vec<Line> = picked
        .iter()
        .zip(&weights)
        .map(|(&i, w)| {
            let (product_id, _, price) = ctx.products[i];
            let qty = ((target * w / wsum / price as f64).round() as i32).clamp(1, 5_000);
            Line {
                product_id,
                qty,
                unit_price: price,
            }
        })
        .collect();
    lines.sort_by_key(|l| l.product_id);
    lines
}

fn stokis_purchase_orders(ctx: &Ctx, stokis_id: i64) -> Vec<PurchaseOrder> {
    let plan = &ctx.plan;
    let mut rng = Rng::stream(SEED, &[20, stokis_id as u64]);
    let idx = (stokis_id - 1) as usize;
    let n_stokis = ctx.stokis_share.len() as f64;
    let payer = if stokis_id == 1 {
        Payer::Prompt
    } else {
        let r = rng.unit();
        if r < 0.62 {
            Payer::Prompt
        } else if r < 0.87 {
            Payer::Slow
        } else if r < 0.96 {
            Payer::Poor
        } else {
            Payer::Stopped(plan.today - TimeDelta::days(rng.range(100, 220)))
        }
    };
    let interval = super::plan::HISTORY_DAYS as f64 * n_stokis / plan.purchase_orders as f64;
    // A stokis restocks what its mitra bought since the last PO, at stokis prices (~87 %).
    let daily_sales = plan.orders as f64 / super::plan::HISTORY_DAYS as f64
        * ctx.avg_order_value
        * ctx.stokis_share[idx];
    // stokis001's own history stops a week early; its showcase POs fill the last week.
    let stop = if stokis_id == 1 {
        plan.end - TimeDelta::days(7)
    } else {
        plan.end
    };
    let stokis_u = stokis_user(stokis_id);
    let mut out: Vec<PurchaseOrder> = Vec::new();
    let mut day = rng.unit() * interval;
    loop {
        let mut date = plan.start + TimeDelta::days(day as i64);
        if date.weekday() == Weekday::Sun {
            date += TimeDelta::days(1);
        }
        let created =
            at(date, rng.range(8 * 60, 16 * 60 + 59)) + TimeDelta::seconds(rng.range(0, 59));
        if created > stop {
            break;
        }
        day += interval * (0.6 + 0.8 * rng.unit());
        let target = interval * daily_sales * 0.87 * (0.75 + 0.5 * rng.unit());
        let lines = po_lines(&mut rng, ctx, target);
        let total: i64 = lines.iter().map(Line::subtotal).sum();
        let note = if rng.chance(0.12) {
            *rng.pick(PO_NOTES)
        } else {
            ""
        };
        let mut steps = vec![step(SUBMITTED, created, Some(stokis_u), None)];
        let mut override_reason = None;
        let mut reject_reason = None;
        let r = rng.unit();
        let decided = after(&mut rng, created, 60, 26 * 60, 8, 17, false);
        if r < 0.03 {
            let t = after(&mut rng, created, 30, 20 * 60, 6, 22, true);
            steps.push(step(CANCELLED, t, Some(stokis_u), None));
        } else if r < 0.07 {
            let reason = *rng.pick(PO_REJECT_REASONS);
            reject_reason = Some(reason);
            steps.push(step(REJECTED, decided, Some(FINANCE_USER), Some(reason)));
        } else {
            // Credit control as finance sees it at that moment: open balance and oldest debt.
            let (exposure, worst_overdue) = credit_position(&out, decided);
            let over_limit = exposure + total > ctx.stokis_limit[idx];
            let blocked = over_limit || worst_overdue > 30;
            if blocked && rng.chance(0.75) {
                let reason = if worst_overdue > 30 {
                    PO_REJECT_OVERDUE
                } else {
                    PO_REJECT_OVER_LIMIT
                };
                reject_reason = Some(reason);
                steps.push(step(REJECTED, decided, Some(FINANCE_USER), Some(reason)));
            } else {
                if blocked {
                    override_reason = Some(*rng.pick(PO_OVERRIDES));
                }
                let shipped = after(&mut rng, decided, 3 * 60, 72 * 60, 7, 17, false);
                let received = after(&mut rng, shipped, 4 * 60, 96 * 60, 7, 21, true);
                // Worded as the domain records an override.
                let note = override_reason.map(|r| Cow::Owned(format!("override kredit: {r}")));
                steps.push(Step {
                    to: APPROVED,
                    at: decided,
                    actor: Some(FINANCE_USER),
                    note,
                });
                steps.push(step(SHIPPED, shipped, Some(GUDANG_USER), None));
                steps.push(step(RECEIVED, received, Some(stokis_u), None));
            }
        }
        let mut po = finish_po(
            ctx,
            stokis_id,
            note,
            lines,
            steps,
            reject_reason,
            override_reason,
        );
        if let Some(shipped) = po.shipped_at {
            po.invoice = Some(invoice(&mut rng, ctx, stokis_id, payer, shipped, po.total));
        }
        out.push(po);
    }
    if stokis_id == 1 {
        out.extend(showcase_purchase_orders(
            &mut rng,
            ctx,
            daily_sales * interval * 0.87,
        ));
    }
    out
}

/// `stokis001` has a PO waiting for finance, one waiting for gudang, and one on its way (with
/// its invoice issued and not yet due), so approve, ship and receive can all be shown.
fn showcase_purchase_orders(rng: &mut Rng, ctx: &Ctx, target: f64) -> Vec<PurchaseOrder> {
    let today = ctx.plan.today;
    let s = stokis_user(1);
    let t = |days_back: i64, h: i64, m: i64| at(today - TimeDelta::days(days_back), h * 60 + m);
    let paths = [
        vec![step(SUBMITTED, t(1, 14, 0), Some(s), None)],
        vec![
            step(SUBMITTED, t(3, 10, 0), Some(s), None),
            step(APPROVED, t(2, 9, 30), Some(FINANCE_USER), None),
        ],
        vec![
            step(SUBMITTED, t(6, 10, 0), Some(s), None),
            step(APPROVED, t(5, 10, 0), Some(FINANCE_USER), None),
            step(SHIPPED, t(4, 13, 0), Some(GUDANG_USER), None),
        ],
    ];
    paths
        .into_iter()
        .map(|steps| {
            let lines = po_lines(rng, ctx, target);
            let mut po = finish_po(ctx, 1, "", lines, steps, None, None);
            if let Some(shipped) = po.shipped_at {
                po.invoice = Some(invoice(rng, ctx, 1, Payer::Prompt, shipped, po.total));
            }
            po
        })
        .collect()
}

fn finish_po(
    ctx: &Ctx,
    stokis_id: i64,
    note: &'static str,
    lines: Vec<Line>,
    mut steps: Vec<Step>,
    reject_reason: Option<&'static str>,
    override_reason: Option<&'static str>,
) -> PurchaseOrder {
    steps.retain(|s| s.at <= ctx.plan.end);
    let first = steps[0].at;
    let last = steps[steps.len() - 1].clone();
    let status = last.to;
    let approved_at = when(&steps, APPROVED);
    let shipped_at = when(&steps, SHIPPED);
    PurchaseOrder {
        id: 0,
        number: String::new(),
        stokis_id,
        status,
        total: lines.iter().map(Line::subtotal).sum(),
        note,
        reject_reason: if status == REJECTED {
            reject_reason
        } else {
            None
        },
        credit_override_reason: approved_at.and(override_reason),
        created_by: stokis_user(stokis_id),
        approved_by: approved_at.map(|_| FINANCE_USER),
        shipped_by: shipped_at.map(|_| GUDANG_USER),
        created_at: first,
        updated_at: last.at,
        approved_at,
        shipped_at,
        received_at: when(&steps, RECEIVED),
        closed_at: when(&steps, CANCELLED).or(when(&steps, REJECTED)),
        lines,
        steps,
        invoice: None,
    }
}

/// What finance sees when approving at `t`, as the domain computes it: the exposure (open
/// invoice balances plus approved POs not yet invoiced) and how late the oldest unpaid invoice is.
fn credit_position(earlier: &[PurchaseOrder], t: NaiveDateTime) -> (i64, i64) {
    let mut exposure = 0;
    let mut worst = i64::MIN;
    for po in earlier {
        match &po.invoice {
            Some(inv) if inv.created_at <= t => {
                let paid: i64 = inv
                    .payments
                    .iter()
                    .filter(|p| p.at <= t)
                    .map(|p| p.amount)
                    .sum();
                if paid < inv.total {
                    exposure += inv.total - paid;
                    worst = worst.max((t.date() - inv.due_date).num_days());
                }
            }
            _ if po.approved_at.is_some_and(|a| a <= t) => exposure += po.total,
            _ => {}
        }
    }
    (exposure, worst)
}

/// Finance records payments on weekdays, 09:00–16:00.
fn banking_day(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + TimeDelta::days(2),
        Weekday::Sun => d + TimeDelta::days(1),
        _ => d,
    }
}

fn invoice(
    rng: &mut Rng,
    ctx: &Ctx,
    stokis_id: i64,
    payer: Payer,
    shipped: NaiveDateTime,
    total: i64,
) -> Invoice {
    let plan = &ctx.plan;
    let terms = ctx.stokis_terms[(stokis_id - 1) as usize];
    let issue_date = shipped.date();
    let due_date = issue_date + TimeDelta::days(terms);
    let days = |n: i64| TimeDelta::days(n);
    // The day the invoice would be settled, and whether only part of it will ever be paid.
    let (settle, partial_only) = match payer {
        Payer::Prompt if rng.chance(0.9) => (
            issue_date + days(rng.range((terms / 3).max(1), terms.max(1))),
            false,
        ),
        Payer::Prompt => (due_date + days(rng.range(1, 4)), false),
        Payer::Slow => (due_date + days(rng.range(0, 21)), false),
        Payer::Poor => (due_date + days(rng.range(5, 45)), false),
        Payer::Stopped(since) if issue_date < since => (due_date + days(rng.range(0, 21)), false),
        Payer::Stopped(_) if rng.chance(0.35) => (due_date + days(rng.range(0, 30)), true),
        Payer::Stopped(_) => (plan.today + days(3_650), true),
    };
    let n = if partial_only {
        1
    } else {
        let r = rng.unit();
        if r < 0.72 {
            1
        } else if r < 0.92 {
            2
        } else {
            3
        }
    };
    // Earlier instalments spread between issue and settlement.
    let span = (settle - issue_date).num_days().max(1);
    let mut dates: Vec<NaiveDate> = (1..n)
        .map(|_| issue_date + days(rng.range(1, span)))
        .collect();
    dates.sort();
    dates.push(settle);
    let mut remaining = total;
    let mut payments = Vec::with_capacity(n);
    for (k, d) in dates.iter().enumerate() {
        let is_last = k + 1 == dates.len();
        let amount = if partial_only {
            round_down(total * rng.range(30, 60) / 100)
        } else if is_last {
            remaining
        } else {
            let share = round_down(remaining * rng.range(25, 60) / 100);
            share.min(remaining - 1)
        };
        if amount <= 0 {
            continue;
        }
        remaining -= amount;
        let paid_on = banking_day((*d).max(issue_date + days(1)));
        let recorded =
            at(paid_on, rng.range(9 * 60, 16 * 60)) + TimeDelta::seconds(rng.range(0, 59));
        let r = rng.unit();
        let bank = *rng.pick(BANKS);
        let (method, reference) = if r < 0.9 {
            (
                "TRANSFER",
                format!(
                    "TRF-{bank}-{}-{:06}",
                    paid_on.format("%Y%m%d"),
                    rng.range(0, 999_999)
                ),
            )
        } else if r < 0.95 {
            (
                "GIRO",
                format!("GIRO-{bank}-{:07}", rng.range(0, 9_999_999)),
            )
        } else {
            (
                "CASH",
                format!("KAS-{}-{:03}", paid_on.format("%Y%m%d"), rng.range(1, 999)),
            )
        };
        payments.push(Payment {
            amount,
            paid_on,
            method,
            reference,
            at: recorded,
        });
    }
    // Only what finance has recorded by the end of the plan exists.
    payments.retain(|p| p.at <= plan.end);
    payments.sort_by_key(|p| p.at);
    let paid: i64 = payments.iter().map(|p| p.amount).sum();
    let settled_at = (paid == total)
        .then(|| payments.last().map(|p| p.at))
        .flatten();

    // The daily run (09:00) marks an invoice OVERDUE the day after its due date.
    let marked = at(due_date + days(1), 9 * 60);
    // Issued by the system as the PO ships; notes worded as the domain and the daily run write them.
    let mut steps = vec![step(UNPAID, shipped, None, None)];
    if marked <= plan.end && settled_at.is_none_or(|s| s > marked) {
        let note = format!(
            "jatuh tempo {} terlewati (run harian {})",
            format_date_id(due_date),
            format_date_id(marked.date())
        );
        steps.push(Step {
            to: OVERDUE,
            at: marked,
            actor: None,
            note: Some(Cow::Owned(note)),
        });
    }
    if let (Some(s), Some(last)) = (settled_at, payments.last()) {
        let note = format!("pembayaran {} melunasi", format_rupiah(last.amount));
        steps.push(Step {
            to: PAID,
            at: s,
            actor: Some(FINANCE_USER),
            note: Some(Cow::Owned(note)),
        });
    }
    let status = steps[steps.len() - 1].to;
    let updated_at = payments
        .last()
        .map(|p| p.at)
        .unwrap_or(shipped)
        .max(steps[steps.len() - 1].at);
    Invoice {
        id: 0,
        number: String::new(),
        purchase_order_id: 0,
        stokis_id,
        issue_date,
        due_date,
        total,
        paid,
        status,
        paid_at: settled_at,
        created_at: shipped,
        updated_at,
        payments,
        steps,
    }
}

/// Transfers are round sums: to Rp 100.000 for large amounts, Rp 1.000 otherwise.
fn round_down(v: i64) -> i64 {
    if v >= 1_000_000 {
        v / 100_000 * 100_000
    } else {
        v / 1_000 * 1_000
    }
}

/// Replays the daily invoice runs of the history with the run's default milestones: which
/// invoices each run marked OVERDUE, reminded (N days before due) and alerted about (N days
/// past due), each only while the invoice was still open at 09:00 that day.
fn daily_runs(plan: &Plan, invoices: &[Invoice]) -> Vec<InvoiceRun> {
    let cfg = domain::invoice_run::RunConfig::default();
    let days = (plan.today - plan.start).num_days().max(0) as usize;
    let index = |d: NaiveDate| {
        let i = (d - plan.start).num_days();
        (0..days as i64).contains(&i).then_some(i as usize)
    };
    let mut marked = vec![0i32; days];
    let mut reminded: Vec<Vec<i64>> = vec![Vec::new(); days];
    let mut alerted: Vec<Vec<i64>> = vec![Vec::new(); days];
    for inv in invoices {
        let open_at = |d: NaiveDate| {
            let run = at(d, 9 * 60);
            inv.created_at < run && inv.paid_at.is_none_or(|p| p > run)
        };
        if let Some(i) = inv
            .steps
            .iter()
            .find(|s| s.to == OVERDUE)
            .and_then(|s| index(s.at.date()))
        {
            marked[i] += 1;
        }
        for &k in &cfg.reminder_days {
            let day = inv.due_date - TimeDelta::days(i64::from(k));
            // The invoice itself told the due date; a reminder only comes on a later day.
            if day > inv.issue_date
                && open_at(day)
                && let Some(i) = index(day)
            {
                reminded[i].push(inv.stokis_id);
            }
        }
        for &m in &cfg.overdue_alert_days {
            let day = inv.due_date + TimeDelta::days(i64::from(m));
            if open_at(day)
                && let Some(i) = index(day)
            {
                alerted[i].push(inv.stokis_id);
            }
        }
    }
    let distinct = |v: &mut Vec<i64>| {
        v.sort_unstable();
        v.dedup();
        v.len() as i32
    };
    (0..days)
        .map(|i| InvoiceRun {
            date: plan.date(i),
            overdue_marked: marked[i],
            reminders: distinct(&mut reminded[i]),
            overdue_alerts: distinct(&mut alerted[i]),
        })
        .collect()
}
