//! Twelve months of business history: mitra orders, purchase orders, invoices and payments,
//! each with the status path a real record would have taken, up to the end of the plan.
//!
//! Every record is simulated as its whole future (when it would be confirmed, shipped, paid),
//! then cut at the end of the plan: what has not happened yet is what is still open, so recent
//! records are naturally the open ones. Stock movements for historical shipments are not
//! generated: the opening balances written at the end of the history are the stock truth for
//! the demo, and the ledger starts there.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};

use super::master::{FINANCE_USER, GUDANG_USER, Master, mitra_user, stokis_user};
use super::plan::{Plan, SEED, at};
use super::rng::Rng;

pub(crate) mod status {
    pub const PENDING: &str = "PENDING";
    pub const CONFIRMED: &str = "CONFIRMED";
    pub const SHIPPED: &str = "SHIPPED";
    pub const DELIVERED: &str = "DELIVERED";
    pub const CANCELLED: &str = "CANCELLED";
    pub const REJECTED: &str = "REJECTED";
    pub const SUBMITTED: &str = "SUBMITTED";
    pub const APPROVED: &str = "APPROVED";
    pub const RECEIVED: &str = "RECEIVED";
    pub const UNPAID: &str = "UNPAID";
    pub const OVERDUE: &str = "OVERDUE";
    pub const PAID: &str = "PAID";
}
use status::*;

/// One line of an order or purchase order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub product_id: i64,
    pub qty: i32,
    pub unit_price: i64,
}

impl Line {
    pub(crate) fn subtotal(&self) -> i64 {
        i64::from(self.qty) * self.unit_price
    }
}

/// One status transition (the first step of a record is its creation, from no status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    pub to: &'static str,
    pub at: NaiveDateTime,
    /// `None`: the system (the daily invoice run).
    pub actor: Option<i64>,
    pub note: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Order {
    pub id: i64,
    pub number: String,
    pub mitra_id: i64,
    pub stokis_id: i64,
    pub status: &'static str,
    pub total: i64,
    pub note: &'static str,
    pub reject_reason: Option<&'static str>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub shipped_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub lines: Vec<Line>,
    pub steps: Vec<Step>,
}

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

/// Lookups shared by the generators, built once from the master data.
pub(crate) struct Ctx {
    pub plan: Plan,
    /// Active products: (id, price_to_mitra, price_to_stokis).
    products: Vec<(i64, i64, i64)>,
    product_cum: Vec<f64>,
    /// (mitra id, stokis id), drawn with `mitra_cum`.
    mitra: Vec<(i64, i64)>,
    mitra_cum: Vec<f64>,
    /// Share of all mitra orders going to each stokis (index: stokis id - 1).
    stokis_share: Vec<f64>,
    stokis_terms: Vec<i64>,
    stokis_limit: Vec<i64>,
    /// Orders created on each day of the plan; sums to `plan.orders`.
    pub day_counts: Vec<u64>,
    avg_order_value: f64,
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

impl Ctx {
    pub(crate) fn new(plan: &Plan, master: &Master) -> Self {
        let active: Vec<_> = master.products.iter().filter(|p| p.active).collect();
        let products = active
            .iter()
            .map(|p| (p.id, p.price_to_mitra, p.price_to_stokis))
            .collect();
        // Popularity squared: chicken, flour and oil are in nearly every order.
        let product_cum = cumulative(active.iter().map(|p| f64::from(p.popularity).powi(2)));
        let mitra = master.mitra.iter().map(|m| (m.id, m.stokis_id)).collect();
        let mitra_cum = cumulative(master.mitra.iter().map(|m| m.activity));
        let total_activity: f64 = master.mitra.iter().map(|m| m.activity).sum();
        let mut stokis_share = vec![0.0; master.stokis.len()];
        for m in &master.mitra {
            stokis_share[(m.stokis_id - 1) as usize] += m.activity / total_activity;
        }
        let mut ctx = Ctx {
            plan: *plan,
            products,
            product_cum,
            mitra,
            mitra_cum,
            stokis_share,
            stokis_terms: master
                .stokis
                .iter()
                .map(|s| i64::from(s.payment_terms_days))
                .collect(),
            stokis_limit: master.stokis.iter().map(|s| s.credit_limit).collect(),
            day_counts: day_counts(plan),
            avg_order_value: 0.0,
        };
        let mut rng = Rng::stream(SEED, &[5]);
        let samples = 4_000;
        let sum: i64 = (0..samples)
            .map(|_| {
                order_lines(&mut rng, &ctx)
                    .iter()
                    .map(Line::subtotal)
                    .sum::<i64>()
            })
            .sum();
        ctx.avg_order_value = sum as f64 / samples as f64;
        ctx
    }

    fn sample_products(&self, rng: &mut Rng, k: usize) -> Vec<usize> {
        let k = k.min(self.products.len());
        let mut picked: Vec<usize> = Vec::with_capacity(k);
        while picked.len() < k {
            let i = rng.weighted(&self.product_cum);
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        picked
    }
}

/// Orders per day: a year of growth (0.85× → 1.15×), busier before weekends, a little noise;
/// `today` only has its early hours. Rounded cumulatively so the days sum to the plan exactly.
fn day_counts(plan: &Plan) -> Vec<u64> {
    let mut rng = Rng::stream(SEED, &[6]);
    let days = super::plan::HISTORY_DAYS as usize;
    let weights: Vec<f64> = (0..days)
        .map(|d| {
            let date = plan.date(d);
            let weekday = match date.weekday() {
                Weekday::Mon => 1.0,
                Weekday::Tue | Weekday::Wed => 0.95,
                Weekday::Thu => 1.0,
                Weekday::Fri => 1.1,
                Weekday::Sat => 1.2,
                Weekday::Sun => 0.8,
            };
            let trend = 0.85 + 0.3 * d as f64 / (days - 1) as f64;
            let noise = 0.92 + 0.16 * rng.unit();
            let part_of_day = if date == plan.today { 0.12 } else { 1.0 };
            weekday * trend * noise * part_of_day
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut emitted = 0u64;
    weights
        .iter()
        .map(|w| {
            acc += w;
            let upto = ((acc / total) * plan.orders as f64).round() as u64;
            let upto = upto.min(plan.orders);
            let n = upto - emitted;
            emitted = upto;
            n
        })
        .collect()
}

/// Moves `t` into working hours (`open`..`close`, optionally not on Sundays): a stokis or head
/// office acts the next morning on what came in at night.
fn working(rng: &mut Rng, t: NaiveDateTime, open: u32, close: u32, sundays: bool) -> NaiveDateTime {
    let morning = |rng: &mut Rng, d: NaiveDate| {
        at(d, i64::from(open) * 60 + rng.range(0, 90)) + TimeDelta::seconds(rng.range(0, 59))
    };
    let mut t = t;
    if t.hour() < open {
        t = morning(rng, t.date());
    } else if t.hour() >= close {
        t = morning(rng, t.date() + TimeDelta::days(1));
    }
    if !sundays && t.weekday() == Weekday::Sun {
        t = morning(rng, t.date() + TimeDelta::days(1));
    }
    t
}

/// `t` plus a wait of `lo`..`hi` minutes, moved into working hours.
fn after(
    rng: &mut Rng,
    t: NaiveDateTime,
    lo: i64,
    hi: i64,
    open: u32,
    close: u32,
    sundays: bool,
) -> NaiveDateTime {
    let wait = minutes(rng, lo, hi);
    working(rng, t + wait, open, close, sundays)
}

fn minutes(rng: &mut Rng, lo: i64, hi: i64) -> TimeDelta {
    TimeDelta::minutes(rng.range(lo, hi)) + TimeDelta::seconds(rng.range(0, 59))
}

const ORDER_NOTES: &[&str] = &[
    "Mohon dikirim sebelum jam 9 pagi",
    "Tolong cek tanggal kedaluwarsa",
    "Kirim bersama sisa order kemarin",
    "Stok menipis, mohon diprioritaskan",
    "Untuk persiapan akhir pekan",
];
const ORDER_REJECT_REASONS: &[&str] = &[
    "Stok sedang kosong, akan dikabari jika sudah tersedia",
    "Pesanan ganda dengan order sebelumnya",
    "Di luar jadwal pengiriman area ini",
    "Jumlah pesanan tidak wajar, mohon konfirmasi ulang",
    "Mitra masih memiliki tagihan yang belum dilunasi",
];
const ORDER_CANCEL_NOTES: &[&str] = &[
    "Salah input jumlah",
    "Sudah dapat barang dari stokis lain",
    "Outlet tutup sementara",
    "Akan dipesan ulang bersama order berikutnya",
];

/// 1–8 distinct products, mostly 2–5; quantities that make a line worth Rp 60.000–700.000.
fn order_lines(rng: &mut Rng, ctx: &Ctx) -> Vec<Line> {
    const K_CUM: [f64; 8] = [8.0, 22.0, 40.0, 58.0, 73.0, 85.0, 94.0, 100.0];
    let k = rng.weighted(&K_CUM) + 1;
    let mut lines: Vec<Line> = ctx
        .sample_products(rng, k)
        .into_iter()
        .map(|i| {
            let (product_id, price, _) = ctx.products[i];
            let value = 60_000.0 * (700.0_f64 / 60.0).powf(rng.unit());
            let qty = ((value / price as f64).round() as i32).clamp(1, 40);
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

/// The orders created on day `day` of the plan, numbered from `first_id` in creation order.
pub(crate) fn orders_for_day(ctx: &Ctx, day: usize, first_id: i64) -> Vec<Order> {
    let plan = &ctx.plan;
    let date = plan.date(day);
    let days_back = (plan.today - date).num_days();
    let mut rng = Rng::stream(SEED, &[10, day as u64]);
    let n = ctx.day_counts[day] as usize;
    let mut orders: Vec<Order> = (0..n)
        .map(|i| {
            if i == 0
                && let Some(o) = showcase_order(&mut rng, ctx, date, days_back)
            {
                return o;
            }
            let (mitra_id, stokis_id) = ctx.mitra[rng.weighted(&ctx.mitra_cum)];
            let minute = if date == plan.today {
                rng.range(5 * 60, 6 * 60 + 59)
            } else {
                let r = rng.unit();
                if r < 0.55 {
                    rng.range(5 * 60, 11 * 60 - 1)
                } else if r < 0.7 {
                    rng.range(11 * 60, 15 * 60 - 1)
                } else {
                    rng.range(19 * 60, 22 * 60 + 59)
                }
            };
            let created = at(date, minute) + TimeDelta::seconds(rng.range(0, 59));
            natural_order(&mut rng, ctx, mitra_id, stokis_id, created)
        })
        .collect();
    orders.sort_by_key(|o| (o.created_at, o.mitra_id));
    for (i, o) in orders.iter_mut().enumerate() {
        o.id = first_id + i as i64;
        o.number = format!("ORD-{}-{:06}", o.created_at.format("%y%m%d"), o.id);
    }
    orders
}

fn natural_order(
    rng: &mut Rng,
    ctx: &Ctx,
    mitra_id: i64,
    stokis_id: i64,
    created: NaiveDateTime,
) -> Order {
    let mitra_u = mitra_user(mitra_id);
    let stokis_u = stokis_user(stokis_id);
    let lines = order_lines(rng, ctx);
    let note = if rng.chance(0.08) {
        *rng.pick(ORDER_NOTES)
    } else {
        ""
    };
    let mut steps = vec![step(PENDING, created, Some(mitra_u), None)];
    let mut reject_reason = None;
    let r = rng.unit();
    if r < 0.05 {
        let t = created + minutes(rng, 5, 600);
        steps.push(step(
            CANCELLED,
            t,
            Some(mitra_u),
            Some(*rng.pick(ORDER_CANCEL_NOTES)),
        ));
    } else if r < 0.09 {
        let t = after(rng, created, 15, 480, 7, 21, true);
        let reason = *rng.pick(ORDER_REJECT_REASONS);
        reject_reason = Some(reason);
        steps.push(step(REJECTED, t, Some(stokis_u), Some(reason)));
    } else {
        let confirmed = after(rng, created, 10, 240, 7, 21, true);
        let shipped = after(rng, confirmed, 60, 20 * 60, 7, 20, true);
        let delay = if rng.chance(0.95) {
            minutes(rng, 30, 6 * 60)
        } else {
            minutes(rng, 24 * 60, 72 * 60)
        };
        let delivered = working(rng, shipped + delay, 6, 22, true);
        steps.push(step(CONFIRMED, confirmed, Some(stokis_u), None));
        steps.push(step(SHIPPED, shipped, Some(stokis_u), None));
        steps.push(step(DELIVERED, delivered, Some(mitra_u), None));
    }
    finish_order(ctx, mitra_id, stokis_id, note, lines, steps, reject_reason)
}

/// `mitra0001` (served by `stokis001`) always has an order in every state, the open ones
/// recent, so each demo flow has something to act on.
fn showcase_order(rng: &mut Rng, ctx: &Ctx, date: NaiveDate, days_back: i64) -> Option<Order> {
    let (mitra_id, stokis_id) = (1, 1);
    let (m, s) = (mitra_user(mitra_id), stokis_user(stokis_id));
    let t = |h: i64, min: i64| at(date, h * 60 + min);
    let (steps, reason) = match days_back {
        0 => (vec![step(PENDING, t(6, 10), Some(m), None)], None),
        1 => (
            vec![
                step(PENDING, t(9, 15), Some(m), None),
                step(CONFIRMED, t(10, 5), Some(s), None),
            ],
            None,
        ),
        2 => (
            vec![
                step(PENDING, t(8, 20), Some(m), None),
                step(CONFIRMED, t(9, 0), Some(s), None),
                step(SHIPPED, t(14, 30), Some(s), None),
            ],
            None,
        ),
        5 => (
            vec![
                step(PENDING, t(7, 45), Some(m), None),
                step(CONFIRMED, t(8, 30), Some(s), None),
                step(SHIPPED, t(13, 0), Some(s), None),
                step(DELIVERED, t(16, 40), Some(m), None),
            ],
            None,
        ),
        9 => (
            vec![
                step(PENDING, t(10, 0), Some(m), None),
                step(CANCELLED, t(10, 25), Some(m), Some(ORDER_CANCEL_NOTES[0])),
            ],
            None,
        ),
        12 => (
            vec![
                step(PENDING, t(19, 30), Some(m), None),
                step(REJECTED, t(20, 15), Some(s), Some(ORDER_REJECT_REASONS[0])),
            ],
            Some(ORDER_REJECT_REASONS[0]),
        ),
        _ => return None,
    };
    let lines = order_lines(rng, ctx);
    Some(finish_order(
        ctx, mitra_id, stokis_id, "", lines, steps, reason,
    ))
}

fn step(
    to: &'static str,
    at: NaiveDateTime,
    actor: Option<i64>,
    note: Option<&'static str>,
) -> Step {
    Step {
        to,
        at,
        actor,
        note,
    }
}

fn when(steps: &[Step], to: &str) -> Option<NaiveDateTime> {
    steps.iter().find(|s| s.to == to).map(|s| s.at)
}

fn finish_order(
    ctx: &Ctx,
    mitra_id: i64,
    stokis_id: i64,
    note: &'static str,
    lines: Vec<Line>,
    mut steps: Vec<Step>,
    reject_reason: Option<&'static str>,
) -> Order {
    steps.retain(|s| s.at <= ctx.plan.end);
    let first = steps[0].at;
    let last = steps[steps.len() - 1].clone();
    let status = last.to;
    Order {
        id: 0,
        number: String::new(),
        mitra_id,
        stokis_id,
        status,
        total: lines.iter().map(Line::subtotal).sum(),
        note,
        reject_reason: if status == REJECTED {
            reject_reason
        } else {
            None
        },
        created_by: mitra_user(mitra_id),
        created_at: first,
        updated_at: last.at,
        confirmed_at: when(&steps, CONFIRMED),
        shipped_at: when(&steps, SHIPPED),
        delivered_at: when(&steps, DELIVERED),
        closed_at: when(&steps, CANCELLED).or(when(&steps, REJECTED)),
        lines,
        steps,
    }
}

// ---------------------------------------------------------------------------------------------
// Purchase orders, invoices, payments.

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
const PO_CANCEL_NOTES: &[&str] = &[
    "Salah input jumlah, akan dibuat PO baru",
    "Digabung dengan PO berikutnya",
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

/// Purchase orders with their invoices and payments, numbered.
pub(crate) struct Billing {
    pub purchase_orders: Vec<PurchaseOrder>,
    pub invoices: Vec<Invoice>,
    /// (first day of month, last invoice number issued that month).
    pub invoice_counters: Vec<(NaiveDate, i32)>,
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
        po.number = format!("PO-{}-{:06}", po.created_at.format("%y%m%d"), po.id);
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
        inv.number = format!("INV/{}/{:04}", inv.issue_date.format("%Y/%m"), no);
    }
    Billing {
        purchase_orders: pos,
        invoices,
        invoice_counters,
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
            steps.push(step(
                CANCELLED,
                t,
                Some(stokis_u),
                Some(*rng.pick(PO_CANCEL_NOTES)),
            ));
        } else if r < 0.07 {
            let reason = *rng.pick(PO_REJECT_REASONS);
            reject_reason = Some(reason);
            steps.push(step(REJECTED, decided, Some(FINANCE_USER), Some(reason)));
        } else {
            // Credit control as finance sees it at that moment: open balance and oldest debt.
            let (outstanding, worst_overdue) = credit_position(&out, decided);
            let over_limit = outstanding + total > ctx.stokis_limit[idx];
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
                steps.push(step(APPROVED, decided, Some(FINANCE_USER), override_reason));
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

/// Open balance of a stokis's invoices at `t`, and how many days the oldest unpaid one is late.
fn credit_position(earlier: &[PurchaseOrder], t: NaiveDateTime) -> (i64, i64) {
    let mut outstanding = 0;
    let mut worst = i64::MIN;
    for inv in earlier.iter().filter_map(|p| p.invoice.as_ref()) {
        if inv.created_at > t {
            continue;
        }
        let paid: i64 = inv
            .payments
            .iter()
            .filter(|p| p.at <= t)
            .map(|p| p.amount)
            .sum();
        if paid < inv.total {
            outstanding += inv.total - paid;
            worst = worst.max((t.date() - inv.due_date).num_days());
        }
    }
    (outstanding, worst)
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
    let mut steps = vec![step(UNPAID, shipped, Some(GUDANG_USER), None)];
    if marked <= plan.end && settled_at.is_none_or(|s| s > marked) {
        steps.push(step(OVERDUE, marked, None, None));
    }
    if let Some(s) = settled_at {
        steps.push(step(PAID, s, Some(FINANCE_USER), None));
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
