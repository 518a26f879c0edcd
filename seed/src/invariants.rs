//! Tests of the generated demo data before it reaches the database: the same data every time,
//! and every rule the schema and the state machines enforce already true of each row.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::Scale;
use super::billing::{self, Billing, PurchaseOrder};
use super::history::{self, Ctx, Order, Step, status::*};
use super::master::{self, FINANCE_USER, GUDANG_USER, Master, mitra_user, stokis_user};
use super::plan::{END_MINUTE_OF_TODAY, Plan, at};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

struct Data {
    plan: Plan,
    master: Master,
    orders: Vec<Order>,
    billing: Billing,
}

/// Seeded at noon: after the 07:00 end of the history, so the date alone decides the data.
fn noon(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(12, 0, 0).expect("valid time")
}

fn generate(today: NaiveDate, scale: Scale) -> Data {
    generate_at(noon(today), scale)
}

fn generate_at(now: NaiveDateTime, scale: Scale) -> Data {
    let plan = Plan::new(now, &scale);
    let master = master::build(&plan);
    let ctx = Ctx::new(&plan, &master);
    let billing = billing::billing(&ctx, &master);
    let mut orders = Vec::new();
    for day in 0..ctx.day_counts.len() {
        let next = orders.len() as i64 + 1;
        orders.extend(history::orders_for_day(&ctx, day, next));
    }
    Data {
        plan,
        master,
        orders,
        billing,
    }
}

fn is_phone(p: &str) -> bool {
    p.starts_with("62") && (10..=15).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
}

/// `^PREFIX[0-9]{6}-[0-9]{6,}$` with the date part equal to `yymmdd`.
fn check_doc_number(number: &str, prefix: &str, yymmdd: &str, id: i64) {
    let rest = number
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{number}"));
    let (d, seq) = rest.split_once('-').unwrap_or_else(|| panic!("{number}"));
    assert_eq!(d, yymmdd, "{number}");
    assert!(
        seq.len() >= 6 && seq.bytes().all(|b| b.is_ascii_digit()),
        "{number}"
    );
    assert_eq!(seq.parse::<i64>().ok(), Some(id), "{number}");
}

/// Steps start with a creation (the entity's first status), move along allowed edges, strictly
/// later each time, and never after the end of the plan.
fn check_steps(steps: &[Step], first: &str, edges: &[(&str, &str)], plan: &Plan, what: &str) {
    assert!(!steps.is_empty(), "{what}: no steps");
    assert_eq!(steps[0].to, first, "{what}");
    for w in steps.windows(2) {
        assert!(
            edges.contains(&(w[0].to, w[1].to)),
            "{what}: {} -> {}",
            w[0].to,
            w[1].to
        );
        assert!(
            w[0].at < w[1].at,
            "{what}: {} at {} not before {} at {}",
            w[0].to,
            w[0].at,
            w[1].to,
            w[1].at
        );
    }
    assert!(
        steps.iter().all(|s| s.at <= plan.end),
        "{what}: step after the end of history"
    );
}

const ORDER_EDGES: &[(&str, &str)] = &[
    (PENDING, CONFIRMED),
    (CONFIRMED, SHIPPED),
    (SHIPPED, DELIVERED),
    (PENDING, CANCELLED),
    (PENDING, REJECTED),
];
const PO_EDGES: &[(&str, &str)] = &[
    (SUBMITTED, APPROVED),
    (APPROVED, SHIPPED),
    (SHIPPED, RECEIVED),
    (SUBMITTED, REJECTED),
    (SUBMITTED, CANCELLED),
];
const INVOICE_EDGES: &[(&str, &str)] = &[(UNPAID, PAID), (UNPAID, OVERDUE), (OVERDUE, PAID)];

fn at_of(steps: &[Step], to: &str) -> Option<chrono::NaiveDateTime> {
    steps.iter().find(|s| s.to == to).map(|s| s.at)
}

fn check_master(d: &Data) {
    let m = &d.master;
    assert_eq!(m.stokis.len(), 200);
    assert_eq!(m.mitra.len(), 3_000);
    assert_eq!(m.users.len(), 3 + 200 + 3_000);
    let mut names = HashSet::new();
    for (i, s) in m.stokis.iter().enumerate() {
        assert_eq!(s.id, i as i64 + 1);
        assert_eq!(s.code, format!("STK{:03}", i + 1));
        assert!(
            names.insert(s.name.clone()),
            "duplicate stokis name {}",
            s.name
        );
        assert!(
            s.name.starts_with("Stokis ") && s.name.ends_with(s.city),
            "{}",
            s.name
        );
        assert!(is_phone(&s.phone), "{}", s.phone);
        assert!([7, 14, 30].contains(&s.payment_terms_days));
        assert!(
            (50_000_000..=250_000_000).contains(&s.credit_limit),
            "{}",
            s.credit_limit
        );
        assert!(s.created_at.date() < d.plan.start);
    }
    assert_eq!(m.stokis[0].city, "Jakarta Selatan");
    let fourteen_days = m.stokis.iter().filter(|s| s.payment_terms_days == 14);
    assert!(
        fourteen_days.count() > 140,
        "payment terms are 14 days for most stokis"
    );
    let mut mitra_names = HashSet::new();
    for (i, x) in m.mitra.iter().enumerate() {
        assert_eq!(x.id, i as i64 + 1);
        assert_eq!(x.code, format!("MTR{:04}", i + 1));
        assert_eq!(
            x.stokis_id,
            i as i64 / 15 + 1,
            "mitra {} is served by the wrong stokis",
            x.id
        );
        let s = &m.stokis[(x.stokis_id - 1) as usize];
        assert!(
            x.city == s.city || s.nearby.contains(&x.city),
            "{} far from {}",
            x.city,
            s.city
        );
        assert!(
            mitra_names.insert(x.name.clone()),
            "duplicate mitra name {}",
            x.name
        );
        assert!(is_phone(&x.phone));
        assert!(x.created_at >= s.created_at && x.created_at.date() <= d.plan.start);
    }
    let mut usernames = HashSet::new();
    for u in &m.users {
        assert!(usernames.insert(u.username.clone()));
        assert!(
            u.username.len() >= 3
                && u.username
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{}",
            u.username
        );
        assert_eq!(u.role == "MITRA", u.mitra_id.is_some(), "{}", u.username);
        assert_eq!(u.role == "STOKIS", u.stokis_id.is_some(), "{}", u.username);
        assert!(u.phone.as_deref().is_some_and(is_phone));
    }
    let by_name: HashMap<&str, &master::User> =
        m.users.iter().map(|u| (u.username.as_str(), u)).collect();
    for (name, role) in [
        ("pusat", "PUSAT"),
        ("finance", "FINANCE"),
        ("gudang", "GUDANG"),
    ] {
        assert_eq!(by_name[name].role, role);
    }
    assert_eq!(by_name["pusat"].id, master::PUSAT_USER);
    assert_eq!(by_name["finance"].id, FINANCE_USER);
    assert_eq!(by_name["gudang"].id, GUDANG_USER);
    assert_eq!(by_name["stokis001"].stokis_id, Some(1));
    assert_eq!(by_name["stokis001"].id, stokis_user(1));
    assert_eq!(by_name["stokis200"].stokis_id, Some(200));
    assert_eq!(by_name["mitra0001"].mitra_id, Some(1));
    assert_eq!(by_name["mitra0001"].id, mitra_user(1));
    assert_eq!(by_name["mitra3000"].mitra_id, Some(3_000));
    assert_eq!(
        m.mitra[0].stokis_id, 1,
        "mitra0001 must be served by stokis001"
    );

    let active: Vec<_> = m.products.iter().filter(|p| p.active).collect();
    assert_eq!(m.products.len() - active.len(), 5);
    assert!(
        m.products
            .iter()
            .all(|p| p.price_to_stokis < p.price_to_mitra)
    );
    let wh: HashSet<i64> = m
        .warehouse
        .iter()
        .map(|(p, q)| {
            assert!((5_000..=50_000).contains(q));
            *p
        })
        .collect();
    assert_eq!(wh, active.iter().map(|p| p.id).collect());
    assert_eq!(m.stokis_stock.len(), 200 * active.len());
    let pairs: HashSet<(i64, i64)> = m
        .stokis_stock
        .iter()
        .map(|s| (s.stokis_id, s.product_id))
        .collect();
    assert_eq!(pairs.len(), m.stokis_stock.len());
    assert!(
        m.stokis_stock
            .iter()
            .all(|s| s.qty >= 50 && s.qty > s.min_qty && s.min_qty > 0)
    );
}

fn check_orders(d: &Data) {
    let plan = &d.plan;
    let m = &d.master;
    if plan.end == at(plan.today, END_MINUTE_OF_TODAY) {
        assert_eq!(d.orders.len() as u64, plan.orders);
    } else {
        // Seeded before 07:00: that morning's orders after the clock are not placed yet.
        assert!((d.orders.len() as u64) < plan.orders);
    }
    let price: HashMap<i64, (i64, bool)> = m
        .products
        .iter()
        .map(|p| (p.id, (p.price_to_mitra, p.active)))
        .collect();
    let mut numbers = HashSet::new();
    let mut states: HashMap<&str, usize> = HashMap::new();
    let mut mitra1_states = HashSet::new();
    let mut prev = None;
    for (i, o) in d.orders.iter().enumerate() {
        let what = format!("order {}", o.number);
        assert_eq!(o.id, i as i64 + 1);
        assert!(
            prev <= Some(o.created_at),
            "{what}: ids not in creation order"
        );
        prev = Some(o.created_at);
        check_doc_number(
            &o.number,
            "ORD-",
            &o.created_at.format("%y%m%d").to_string(),
            o.id,
        );
        assert!(numbers.insert(o.number.clone()));
        assert!(o.created_at.date() >= plan.start && o.created_at <= plan.end);
        assert_eq!(
            o.stokis_id,
            m.mitra[(o.mitra_id - 1) as usize].stokis_id,
            "{what}"
        );
        assert_eq!(o.created_by, mitra_user(o.mitra_id));
        assert!((1..=8).contains(&o.lines.len()), "{what}");
        let products: HashSet<i64> = o.lines.iter().map(|l| l.product_id).collect();
        assert_eq!(products.len(), o.lines.len(), "{what}: repeated product");
        for l in &o.lines {
            assert!(l.qty > 0);
            assert_eq!((l.unit_price, true), price[&l.product_id], "{what}");
        }
        assert_eq!(o.total, o.lines.iter().map(|l| l.subtotal()).sum::<i64>());
        check_steps(&o.steps, PENDING, ORDER_EDGES, plan, &what);
        assert_eq!(o.steps[0].at, o.created_at);
        assert_eq!(o.status, o.steps[o.steps.len() - 1].to);
        assert_eq!(o.updated_at, o.steps[o.steps.len() - 1].at);
        for s in &o.steps {
            let expected = match s.to {
                PENDING | DELIVERED | CANCELLED => mitra_user(o.mitra_id),
                _ => stokis_user(o.stokis_id),
            };
            assert_eq!(
                s.actor,
                Some(expected),
                "{what}: {} by the wrong user",
                s.to
            );
        }
        assert_eq!(o.confirmed_at, at_of(&o.steps, CONFIRMED));
        assert_eq!(o.shipped_at, at_of(&o.steps, SHIPPED));
        assert_eq!(o.delivered_at, at_of(&o.steps, DELIVERED));
        assert_eq!(
            o.closed_at.is_some(),
            o.status == CANCELLED || o.status == REJECTED,
            "{what}"
        );
        assert_eq!(o.reject_reason.is_some(), o.status == REJECTED, "{what}");
        if o.status == REJECTED {
            assert_eq!(o.steps[1].note.as_deref(), o.reject_reason);
        }
        // Everything older than a week has been settled one way or another.
        if o.created_at < plan.end - TimeDelta::days(7) {
            assert!(
                [DELIVERED, CANCELLED, REJECTED].contains(&o.status),
                "{what}: still {}",
                o.status
            );
        }
        *states.entry(o.status).or_default() += 1;
        if o.mitra_id == 1 {
            mitra1_states.insert(o.status);
        }
    }
    for s in [PENDING, CONFIRMED, SHIPPED, DELIVERED, CANCELLED, REJECTED] {
        assert!(
            states.get(s).copied().unwrap_or(0) > 0,
            "no {s} order: {states:?}"
        );
        assert!(mitra1_states.contains(s), "mitra0001 has no {s} order");
    }
    assert!(
        states[DELIVERED] as f64 > 0.85 * d.orders.len() as f64,
        "{states:?}"
    );
}

fn check_billing(d: &Data) {
    let plan = &d.plan;
    let m = &d.master;
    let b = &d.billing;
    let price: HashMap<i64, i64> = m
        .products
        .iter()
        .filter(|p| p.active)
        .map(|p| (p.id, p.price_to_stokis))
        .collect();
    let mut states: HashMap<&str, usize> = HashMap::new();
    let mut stokis1 = HashSet::new();
    let mut with_invoice = HashSet::new();
    for (i, p) in b.purchase_orders.iter().enumerate() {
        let what = format!("PO {}", p.number);
        assert_eq!(p.id, i as i64 + 1);
        if i > 0 {
            assert!(b.purchase_orders[i - 1].created_at <= p.created_at);
        }
        check_doc_number(
            &p.number,
            "PO-",
            &p.created_at.format("%y%m%d").to_string(),
            p.id,
        );
        assert!(p.created_at.date() >= plan.start);
        assert!(!p.lines.is_empty());
        for l in &p.lines {
            assert!(l.qty > 0);
            assert_eq!(Some(&l.unit_price), price.get(&l.product_id), "{what}");
        }
        assert_eq!(p.total, p.lines.iter().map(|l| l.subtotal()).sum::<i64>());
        check_steps(&p.steps, SUBMITTED, PO_EDGES, plan, &what);
        assert_eq!(p.created_at, p.steps[0].at);
        assert_eq!(p.status, p.steps[p.steps.len() - 1].to);
        assert_eq!(p.updated_at, p.steps[p.steps.len() - 1].at);
        for s in &p.steps {
            let expected = match s.to {
                APPROVED | REJECTED => FINANCE_USER,
                SHIPPED => GUDANG_USER,
                _ => stokis_user(p.stokis_id),
            };
            assert_eq!(s.actor, Some(expected), "{what}: {}", s.to);
        }
        assert_eq!(p.created_by, stokis_user(p.stokis_id));
        assert_eq!(p.approved_at, at_of(&p.steps, APPROVED));
        assert_eq!(p.shipped_at, at_of(&p.steps, SHIPPED));
        assert_eq!(p.received_at, at_of(&p.steps, RECEIVED));
        assert_eq!(p.approved_by.is_some(), p.approved_at.is_some());
        assert_eq!(p.shipped_by.is_some(), p.shipped_at.is_some());
        assert_eq!(p.reject_reason.is_some(), p.status == REJECTED, "{what}");
        assert_eq!(
            p.closed_at.is_some(),
            p.status == REJECTED || p.status == CANCELLED
        );
        assert!(p.credit_override_reason.is_none() || p.approved_at.is_some());
        assert!(p.invoice.is_none(), "invoices are moved out once numbered");
        *states.entry(p.status).or_default() += 1;
        if p.stokis_id == 1 {
            stokis1.insert(p.status);
        }
        if p.shipped_at.is_some() {
            with_invoice.insert(p.id);
        }
    }
    for s in [SUBMITTED, APPROVED, SHIPPED, RECEIVED, REJECTED, CANCELLED] {
        assert!(
            states.get(s).copied().unwrap_or(0) > 0,
            "no {s} PO: {states:?}"
        );
    }
    for s in [SUBMITTED, APPROVED, SHIPPED, RECEIVED] {
        assert!(stokis1.contains(s), "stokis001 has no {s} PO");
    }
    assert!(
        b.purchase_orders
            .iter()
            .any(|p| p.credit_override_reason.is_some())
    );

    let po_by_id: HashMap<i64, &PurchaseOrder> =
        b.purchase_orders.iter().map(|p| (p.id, p)).collect();
    let invoiced: HashSet<i64> = b.invoices.iter().map(|i| i.purchase_order_id).collect();
    assert_eq!(invoiced.len(), b.invoices.len(), "a PO with two invoices");
    assert_eq!(
        invoiced, with_invoice,
        "every shipped/received PO, and only those, has an invoice"
    );

    let mut inv_states: HashMap<&str, usize> = HashMap::new();
    let mut month_no: HashMap<String, i32> = HashMap::new();
    let (mut split, mut partial_overdue) = (0, 0);
    let mut worst_late = Vec::new();
    for (i, inv) in b.invoices.iter().enumerate() {
        let what = format!("invoice {}", inv.number);
        assert_eq!(inv.id, i as i64 + 1);
        let po = po_by_id[&inv.purchase_order_id];
        let shipped = po
            .shipped_at
            .unwrap_or_else(|| panic!("{what}: PO not shipped"));
        assert_eq!(inv.stokis_id, po.stokis_id);
        assert_eq!(inv.total, po.total);
        assert_eq!(inv.created_at, shipped);
        assert_eq!(inv.issue_date, shipped.date());
        let terms = m.stokis[(inv.stokis_id - 1) as usize].payment_terms_days;
        assert_eq!(
            inv.due_date,
            inv.issue_date + TimeDelta::days(i64::from(terms))
        );
        // Gapless per month, in issue order.
        let ym = inv.issue_date.format("%Y/%m").to_string();
        let n = month_no.entry(ym.clone()).or_insert(0);
        *n += 1;
        assert_eq!(inv.number, format!("INV/{ym}/{:04}", n), "{what}");
        // Payments.
        let paid: i64 = inv.payments.iter().map(|p| p.amount).sum();
        assert_eq!(inv.paid, paid, "{what}");
        assert!(paid <= inv.total);
        for p in &inv.payments {
            assert!(p.amount > 0);
            assert!(
                p.paid_on > inv.issue_date && p.paid_on < plan.today,
                "{what}: paid on {}",
                p.paid_on
            );
            assert_eq!(p.at.date(), p.paid_on);
            assert!(p.at > inv.created_at && p.at <= plan.end);
            assert!(["TRANSFER", "CASH", "GIRO", "OTHER"].contains(&p.method));
            assert!(!p.reference.is_empty());
        }
        assert_eq!(inv.status == PAID, inv.paid == inv.total, "{what}");
        assert_eq!(inv.status == PAID, inv.paid_at.is_some(), "{what}");
        if inv.status == PAID {
            assert_eq!(inv.paid_at, inv.payments.last().map(|p| p.at));
            if inv.payments.len() > 1 {
                split += 1;
            }
        }
        if inv.status == OVERDUE {
            assert!(inv.due_date < plan.today && inv.paid < inv.total, "{what}");
            if inv.paid > 0 {
                partial_overdue += 1;
            }
            worst_late.push((plan.today - inv.due_date).num_days());
        }
        if inv.status == UNPAID {
            // Not past due, or due yesterday: today's 09:00 run marks those.
            assert!(inv.due_date >= plan.today - TimeDelta::days(1), "{what}");
        }
        check_steps(&inv.steps, UNPAID, INVOICE_EDGES, plan, &what);
        assert_eq!(inv.steps[0].at, inv.created_at);
        assert_eq!(
            inv.steps[0].actor, None,
            "{what}: invoices are issued by the system"
        );
        assert_eq!(inv.status, inv.steps[inv.steps.len() - 1].to);
        for s in &inv.steps[1..] {
            let expected = if s.to == OVERDUE {
                None
            } else {
                Some(FINANCE_USER)
            };
            assert_eq!(s.actor, expected, "{what}");
        }
        *inv_states.entry(inv.status).or_default() += 1;
    }
    for s in [UNPAID, OVERDUE, PAID] {
        assert!(
            inv_states.get(s).copied().unwrap_or(0) > 0,
            "no {s} invoice: {inv_states:?}"
        );
    }
    assert!(split > 10, "invoices paid in instalments: {split}");
    assert!(partial_overdue > 0, "no partly paid overdue invoice");
    for days in [30, 60, 90] {
        let n = worst_late.iter().filter(|&&l| l > days).count();
        assert!(n > 0, "no invoice overdue by more than {days} days");
    }
    let overdue_share = inv_states[OVERDUE] as f64 / b.invoices.len() as f64;
    assert!(
        overdue_share < 0.1,
        "too many overdue invoices: {inv_states:?}"
    );
    check_daily_runs(d);
    // The counter rows say what the last number of each month is.
    assert_eq!(b.invoice_counters.len(), month_no.len());
    for (period, last) in &b.invoice_counters {
        assert_eq!(chrono::Datelike::day(period), 1);
        assert_eq!(month_no[&period.format("%Y/%m").to_string()], *last);
    }
}

/// The past daily runs: one a day before today, and what they recorded agrees with the invoices.
fn check_daily_runs(d: &Data) {
    let plan = &d.plan;
    let b = &d.billing;
    let dates: Vec<NaiveDate> = b.invoice_runs.iter().map(|r| r.date).collect();
    let expected: Vec<NaiveDate> = (0..(plan.today - plan.start).num_days())
        .map(|i| plan.start + TimeDelta::days(i))
        .collect();
    assert_eq!(dates, expected);
    let marked: i32 = b.invoice_runs.iter().map(|r| r.overdue_marked).sum();
    let overdue_steps = b
        .invoices
        .iter()
        .filter(|i| i.steps.iter().any(|s| s.to == OVERDUE))
        .count();
    assert_eq!(marked as usize, overdue_steps);
    assert!(
        b.invoice_runs.iter().any(|r| r.reminders > 0)
            && b.invoice_runs.iter().any(|r| r.overdue_alerts > 0),
        "both reminders and overdue alerts were sent in the past"
    );
    for p in b
        .purchase_orders
        .iter()
        .filter(|p| p.credit_override_reason.is_some())
    {
        let note = p
            .steps
            .iter()
            .find(|s| s.to == APPROVED)
            .and_then(|s| s.note.as_deref());
        assert!(
            note.is_some_and(|n| n.starts_with("override kredit: ")),
            "{}",
            p.number
        );
    }
}

#[test]
fn default_set_holds_every_invariant() {
    let d = generate(date(2026, 11, 28), Scale::Default);
    check_master(&d);
    check_orders(&d);
    check_billing(&d);
    let r = &d.billing;
    println!(
        "orders {} POs {} invoices {} payments {}",
        d.orders.len(),
        r.purchase_orders.len(),
        r.invoices.len(),
        r.invoices.iter().map(|i| i.payments.len()).sum::<usize>()
    );
}

#[test]
fn holds_across_a_leap_day_and_at_bench_scale() {
    let d = generate(date(2028, 3, 1), Scale::Bench { orders: 30_000 });
    check_master(&d);
    check_orders(&d);
    check_billing(&d);
}

#[test]
fn seeded_before_seven_nothing_is_dated_after_the_clock() {
    let now = date(2026, 11, 28)
        .and_hms_opt(5, 30, 0)
        .expect("valid time");
    let d = generate_at(now, Scale::Default);
    assert_eq!(d.plan.end, now);
    check_orders(&d);
    check_billing(&d);
    let latest_order = d.orders.iter().map(|o| o.created_at).max();
    assert!(latest_order.is_some_and(|t| t <= now), "{latest_order:?}");
    let latest_step = d
        .orders
        .iter()
        .flat_map(|o| o.steps.iter().map(|s| s.at))
        .max();
    assert!(latest_step.is_some_and(|t| t <= now), "{latest_step:?}");
    // Seeded later the same morning, the history reaches 07:00 and has that morning's orders.
    let later = generate(date(2026, 11, 28), Scale::Default);
    assert!(later.orders.len() > d.orders.len());
}

#[test]
fn same_today_same_data() {
    let today = date(2026, 11, 28);
    let plan = Plan::new(noon(today), &Scale::Default);
    let a = master::build(&plan);
    let b = master::build(&plan);
    assert_eq!(a, b);
    let (ca, cb) = (Ctx::new(&plan, &a), Ctx::new(&plan, &b));
    assert_eq!(ca.day_counts, cb.day_counts);
    for day in [0, 100, 364] {
        assert_eq!(
            history::orders_for_day(&ca, day, 1),
            history::orders_for_day(&cb, day, 1)
        );
    }
    let (ba, bb) = (billing::billing(&ca, &a), billing::billing(&cb, &b));
    assert_eq!(ba.purchase_orders, bb.purchase_orders);
    assert_eq!(ba.invoices, bb.invoices);
    assert_eq!(ba.invoice_counters, bb.invoice_counters);
    // A different day shifts the history but keeps its shape.
    let other = Plan::new(noon(today + TimeDelta::days(1)), &Scale::Default);
    assert_eq!(master::build(&other).mitra.len(), a.mitra.len());
}

/// FNV-1a: a stable hash (std's hasher may change between releases).
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The demo set is the same in every process, on every run: a fingerprint of all of it is
/// pinned. A deliberate change to the generator, word lists or catalogue changes it: update the
/// constant then, and only then.
#[test]
fn default_set_fingerprint_is_pinned() {
    let d = generate(date(2026, 11, 28), Scale::Default);
    let mut h = 0xcbf2_9ce4_8422_2325;
    h = fnv1a(format!("{:?}", d.master).as_bytes(), h);
    for o in &d.orders {
        h = fnv1a(format!("{o:?}").as_bytes(), h);
    }
    h = fnv1a(format!("{:?}", d.billing.purchase_orders).as_bytes(), h);
    h = fnv1a(format!("{:?}", d.billing.invoices).as_bytes(), h);
    h = fnv1a(format!("{:?}", d.billing.invoice_runs).as_bytes(), h);
    assert_eq!(
        h, 13_709_629_871_267_680_321,
        "demo data fingerprint changed"
    );
}
