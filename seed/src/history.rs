//! Twelve months of business history, and the mitra orders in it: the lookups and time rules
//! shared with [`super::billing`], and the orders of each day with the status path a real order
//! would have taken, up to the end of the plan.
//!
//! Every record is simulated as its whole future (when it would be confirmed, shipped, paid),
//! then cut at the end of the plan: what has not happened yet is what is still open, so recent
//! records are naturally the open ones. Stock movements for historical shipments are not
//! generated: the opening balances written at the end of the history are the stock truth for
//! the demo, and the ledger starts there.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};
use domain::numbering;

use super::master::{Master, mitra_user, stokis_user};
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
    /// Fixed texts borrowed, the few composed ones (amounts, dates) owned.
    pub note: Option<Cow<'static, str>>,
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

/// Lookups shared by the generators, built once from the master data.
pub(crate) struct Ctx {
    pub plan: Plan,
    /// Active products: (id, price_to_mitra, price_to_stokis).
    pub(super) products: Vec<(i64, i64, i64)>,
    pub(super) product_cum: Vec<f64>,
    /// (mitra id, stokis id), drawn with `mitra_cum`.
    pub(super) mitra: Vec<(i64, i64)>,
    pub(super) mitra_cum: Vec<f64>,
    /// Share of all mitra orders going to each stokis (index: stokis id - 1).
    pub(super) stokis_share: Vec<f64>,
    pub(super) stokis_terms: Vec<i64>,
    pub(super) stokis_limit: Vec<i64>,
    /// Orders created on each day of the plan; sums to `plan.orders`.
    pub day_counts: Vec<u64>,
    pub(super) avg_order_value: f64,
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

    pub(super) fn sample_products(&self, rng: &mut Rng, k: usize) -> Vec<usize> {
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
pub(super) fn after(
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
    // Seeded before 07:00, today's orders placed after the clock are not there yet
    // (`finish_order` gives `None`); the draws stay the same, so the ones before it are too.
    let mut orders: Vec<Order> = (0..n)
        .filter_map(|i| {
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
        o.number = numbering::order_number(o.created_at.date(), o.id);
    }
    orders
}

fn natural_order(
    rng: &mut Rng,
    ctx: &Ctx,
    mitra_id: i64,
    stokis_id: i64,
    created: NaiveDateTime,
) -> Option<Order> {
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
        steps.push(step(CANCELLED, t, Some(mitra_u), None));
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
/// `None` when the day has no showcase order; `Some(None)` when it is not placed yet.
fn showcase_order(
    rng: &mut Rng,
    ctx: &Ctx,
    date: NaiveDate,
    days_back: i64,
) -> Option<Option<Order>> {
    let (mitra_id, stokis_id) = (1, 1);
    let (m, s) = (mitra_user(mitra_id), stokis_user(stokis_id));
    let t = |h: i64, min: i64| at(date, h * 60 + min);
    let (steps, reason) = match days_back {
        // Seeded before 06:10, the demo's open order is placed just before the clock.
        0 => (
            vec![step(
                PENDING,
                t(6, 10).min(ctx.plan.end - TimeDelta::minutes(5)),
                Some(m),
                None,
            )],
            None,
        ),
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
                step(CANCELLED, t(10, 25), Some(m), None),
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

pub(super) fn step(
    to: &'static str,
    at: NaiveDateTime,
    actor: Option<i64>,
    note: Option<&'static str>,
) -> Step {
    Step {
        to,
        at,
        actor,
        note: note.map(Cow::Borrowed),
    }
}

pub(super) fn when(steps: &[Step], to: &str) -> Option<NaiveDateTime> {
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
) -> Option<Order> {
    steps.retain(|s| s.at <= ctx.plan.end);
    let first = steps.first()?.at;
    let last = steps[steps.len() - 1].clone();
    let status = last.to;
    Some(Order {
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
    })
}
