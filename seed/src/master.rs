//! The demo master data: stokis, mitra, products, users and opening stock, built in memory.
//!
//! Ids are assigned here (the tables are empty when the seed runs) so history can refer to them
//! without reading anything back: stokis `n` is `STK00n`, its login is user `3 + n`, mitra `m`
//! is `MTR000m`, its login is user `3 + stokis + m`.

use chrono::{NaiveDateTime, TimeDelta};

use super::catalogue::{CATALOGUE, price_to_mitra};
use super::names::{self, CITIES};
use super::plan::{Plan, SEED, at};
use super::rng::Rng;

pub(crate) const STOKIS_COUNT: usize = 200;
pub(crate) const MITRA_PER_STOKIS: usize = 15;
pub(crate) const MITRA_COUNT: usize = STOKIS_COUNT * MITRA_PER_STOKIS;

pub(crate) const PUSAT_USER: i64 = 1;
pub(crate) const FINANCE_USER: i64 = 2;
pub(crate) const GUDANG_USER: i64 = 3;

pub(crate) fn stokis_user(stokis_id: i64) -> i64 {
    3 + stokis_id
}

pub(crate) fn mitra_user(mitra_id: i64) -> i64 {
    3 + STOKIS_COUNT as i64 + mitra_id
}

#[derive(Debug, PartialEq)]
pub(crate) struct Stokis {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner: String,
    pub city: &'static str,
    pub nearby: &'static [&'static str],
    pub address: String,
    pub phone: String,
    pub credit_limit: i64,
    pub payment_terms_days: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Mitra {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner: String,
    pub phone: String,
    pub city: &'static str,
    pub address: String,
    pub stokis_id: i64,
    pub created_at: NaiveDateTime,
    /// How much this outlet orders relative to the others (busy mall outlet vs quiet village one).
    pub activity: f64,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Product {
    pub id: i64,
    pub sku: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub unit: &'static str,
    pub price_to_mitra: i64,
    pub price_to_stokis: i64,
    pub popularity: u8,
    pub active: bool,
}

#[derive(Debug, PartialEq)]
pub(crate) struct User {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
    pub name: String,
    pub phone: Option<String>,
    pub mitra_id: Option<i64>,
    pub stokis_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, PartialEq)]
pub(crate) struct StokisStock {
    pub stokis_id: i64,
    pub product_id: i64,
    pub qty: i64,
    pub min_qty: i64,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Master {
    pub stokis: Vec<Stokis>,
    pub mitra: Vec<Mitra>,
    pub products: Vec<Product>,
    pub users: Vec<User>,
    /// (product id, qty) for every active product.
    pub warehouse: Vec<(i64, i64)>,
    pub stokis_stock: Vec<StokisStock>,
}

pub(crate) fn build(plan: &Plan) -> Master {
    let stokis = build_stokis(plan);
    let mitra = build_mitra(plan, &stokis);
    let products = build_products();
    let users = build_users(plan, &stokis, &mitra);
    let (warehouse, stokis_stock) = build_stock(&stokis, &products);
    Master {
        stokis,
        mitra,
        products,
        users,
        warehouse,
        stokis_stock,
    }
}

fn build_stokis(plan: &Plan) -> Vec<Stokis> {
    let mut rng = Rng::stream(SEED, &[1]);
    // Cities in registration order: shuffled, but the first stokis is in Jakarta so the demo
    // login `stokis001` sits at head office's doorstep.
    let mut slots: Vec<usize> = CITIES
        .iter()
        .enumerate()
        .flat_map(|(i, c)| std::iter::repeat_n(i, c.stokis))
        .collect();
    for i in (2..slots.len()).rev() {
        let j = 1 + rng.below(i as u64) as usize;
        slots.swap(i, j);
    }
    let mut per_city_seen = vec![0usize; CITIES.len()];
    // Each city draws its stokis names from its own shuffle of the word list: distinct in a city.
    let word_orders: Vec<Vec<usize>> = (0..CITIES.len())
        .map(|_| {
            let mut v: Vec<usize> = (0..names::STOKIS_WORDS.len()).collect();
            for i in (1..v.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                v.swap(i, j);
            }
            v
        })
        .collect();

    slots
        .iter()
        .enumerate()
        .map(|(n, &city_idx)| {
            let id = n as i64 + 1;
            let city = &CITIES[city_idx];
            let k = per_city_seen[city_idx];
            per_city_seen[city_idx] += 1;
            let words = names::STOKIS_WORDS[word_orders[city_idx][k]];
            // Bigger cities, bigger stokis, bigger credit; the bench set scales credit with volume.
            let base_m = if id == 1 {
                250
            } else if city.stokis >= 5 {
                rng.range(10, 50) * 5
            } else {
                rng.range(10, 36) * 5
            };
            let credit_limit = (base_m as f64 * plan.volume).round() as i64 * 1_000_000;
            let r = rng.unit();
            let payment_terms_days = if id == 1 || r < 0.8 {
                14
            } else if r < 0.9 {
                7
            } else {
                30
            };
            let created_at = at(
                plan.start - TimeDelta::days(rng.range(60, 1_100)),
                rng.range(9 * 60, 16 * 60),
            );
            Stokis {
                id,
                code: format!("STK{id:03}"),
                name: format!("Stokis {words} {}", city.name),
                owner: names::person(&mut rng),
                city: city.name,
                nearby: city.nearby,
                address: names::address(&mut rng, city.name),
                phone: names::phone(&mut rng, id as u64),
                credit_limit,
                payment_terms_days,
                created_at,
            }
        })
        .collect()
}

fn build_mitra(plan: &Plan, stokis: &[Stokis]) -> Vec<Mitra> {
    let mut rng = Rng::stream(SEED, &[2]);
    let mut used = std::collections::HashSet::new();
    (0..MITRA_COUNT)
        .map(|n| {
            let id = n as i64 + 1;
            let s = &stokis[n / MITRA_PER_STOKIS];
            let city = if rng.chance(0.65) {
                s.city
            } else {
                *rng.pick(s.nearby)
            };
            let mut name = format!("D'Fresto {} {city}", rng.pick(names::OUTLET_SPOTS));
            if !used.insert(name.clone()) {
                // A second outlet at the same spot is numbered, as franchises do.
                let mut k = 2;
                let base = name.clone();
                while !used.insert(name.clone()) {
                    name = format!("{base} {k}");
                    k += 1;
                }
            }
            let opened = (plan.start - TimeDelta::days(rng.range(1, 700))).max(s.created_at.date());
            // Log-normal-ish spread: a few outlets order three times as often as a quiet one.
            let activity = (0.45 + rng.unit() * 0.8) * (0.6 + rng.unit() * 0.9);
            Mitra {
                id,
                code: format!("MTR{id:04}"),
                name,
                owner: names::person(&mut rng),
                phone: names::phone(&mut rng, 1_000 + id as u64),
                city,
                address: names::address(&mut rng, city),
                stokis_id: s.id,
                created_at: at(opened, rng.range(8 * 60, 18 * 60)).max(s.created_at),
                activity,
            }
        })
        .collect()
}

fn build_products() -> Vec<Product> {
    CATALOGUE
        .iter()
        .enumerate()
        .map(|(n, item)| Product {
            id: n as i64 + 1,
            sku: item.sku,
            name: item.name,
            category: item.category,
            unit: item.unit,
            price_to_mitra: price_to_mitra(n, item.price_to_stokis),
            price_to_stokis: item.price_to_stokis,
            popularity: item.popularity,
            active: item.active,
        })
        .collect()
}

fn build_users(plan: &Plan, stokis: &[Stokis], mitra: &[Mitra]) -> Vec<User> {
    let mut rng = Rng::stream(SEED, &[3]);
    let staff_since = at(plan.start - TimeDelta::days(1_200), 9 * 60);
    let mut users = Vec::with_capacity(3 + stokis.len() + mitra.len());
    for (id, username, role, name) in [
        (PUSAT_USER, "pusat", "PUSAT", "Hendra Wijaya"),
        (FINANCE_USER, "finance", "FINANCE", "Dewi Lestari"),
        (GUDANG_USER, "gudang", "GUDANG", "Agus Santoso"),
    ] {
        users.push(User {
            id,
            username: username.to_string(),
            role,
            name: name.to_string(),
            phone: Some(names::phone(&mut rng, 900 + id as u64)),
            mitra_id: None,
            stokis_id: None,
            created_at: staff_since,
        });
    }
    for s in stokis {
        users.push(User {
            id: stokis_user(s.id),
            username: format!("stokis{:03}", s.id),
            role: "STOKIS",
            name: s.owner.clone(),
            phone: Some(s.phone.clone()),
            mitra_id: None,
            stokis_id: Some(s.id),
            created_at: s.created_at,
        });
    }
    for m in mitra {
        users.push(User {
            id: mitra_user(m.id),
            username: format!("mitra{:04}", m.id),
            role: "MITRA",
            name: m.owner.clone(),
            phone: Some(m.phone.clone()),
            mitra_id: Some(m.id),
            stokis_id: None,
            created_at: m.created_at,
        });
    }
    users
}

fn build_stock(stokis: &[Stokis], products: &[Product]) -> (Vec<(i64, i64)>, Vec<StokisStock>) {
    let mut rng = Rng::stream(SEED, &[4]);
    let active: Vec<&Product> = products.iter().filter(|p| p.active).collect();
    let warehouse = active
        .iter()
        .map(|p| (p.id, rng.range(50, 500) * 100))
        .collect();
    let mut stock = Vec::with_capacity(stokis.len() * active.len());
    for s in stokis {
        for p in &active {
            stock.push(StokisStock {
                stokis_id: s.id,
                product_id: p.id,
                qty: rng.range(50, 500),
                min_qty: rng.range(15, 30),
            });
        }
    }
    (warehouse, stock)
}
