//! Master-data imports (products, stokis, mitra): each row checked into normalised values,
//! compared cell by cell with the record of the same SKU or code, and written on commit.
//!
//! Values are compared as the text a person reads (`48000`, `Ya`, `6281234567890`), the same
//! text the template writes, so exporting, editing and importing back shows exactly the cells
//! that were edited. A column the file does not have is left as it is in the database.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::header::{self, Field, Located};
use super::sheet::{Cell, Sheet};
use super::values;
use super::{Applied, Change, Counts, ImportKind, Preview, PreviewRow, RowAction, RowError};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;

const fn f(
    key: &'static str,
    label: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> Field {
    Field {
        key,
        label,
        aliases,
        required,
    }
}

const PHONE: &[&str] = &[
    "whatsapp",
    "nomorwhatsapp",
    "nowhatsapp",
    "nowa",
    "wa",
    "nomorwa",
    "telepon",
    "telp",
    "phone",
    "hp",
    "nohp",
    "nomorhp",
    "whatsappnumber",
    "phonenumber",
];

pub(super) const PRODUCTS: &[Field] = &[
    f(
        "sku",
        "SKU",
        &["kodeproduk", "kodebarang", "productcode", "code", "kode"],
        true,
    ),
    f(
        "name",
        "Nama",
        &["namaproduk", "namabarang", "name", "productname", "produk"],
        true,
    ),
    f("unit", "Satuan", &["unit", "uom"], true),
    f("category", "Kategori", &["category", "kelompok"], false),
    f(
        "price_to_mitra",
        "Harga Mitra",
        &["hargakemitra", "mitraprice", "pricetomitra", "pricemitra"],
        true,
    ),
    f(
        "price_to_stokis",
        "Harga Stokis",
        &[
            "hargakestokis",
            "stokisprice",
            "pricetostokis",
            "pricestokis",
        ],
        true,
    ),
    f(
        "active",
        "Aktif",
        &["active", "status", "statusaktif"],
        false,
    ),
];

pub(super) const STOKIS: &[Field] = &[
    f("code", "Kode", &["kodestokis", "code", "stokiscode"], true),
    f("name", "Nama", &["namastokis", "name", "stokisname"], true),
    f("city", "Kota", &["city", "kabupatenkota"], true),
    f("phone", "Nomor WhatsApp", PHONE, false),
    f(
        "credit_limit",
        "Limit Kredit",
        &["creditlimit", "limit", "plafon", "plafonkredit"],
        false,
    ),
    f(
        "payment_terms_days",
        "Termin (hari)",
        &[
            "termin",
            "terminpembayaran",
            "tempo",
            "paymentterms",
            "paymenttermsdays",
            "jatuhtempohari",
        ],
        false,
    ),
];

pub(super) const MITRA: &[Field] = &[
    f("code", "Kode", &["kodemitra", "code", "mitracode"], true),
    f(
        "name",
        "Nama",
        &["namamitra", "namaoutlet", "outlet", "name", "mitraname"],
        true,
    ),
    f(
        "owner_name",
        "Pemilik",
        &["namapemilik", "owner", "ownername"],
        false,
    ),
    f("phone", "Nomor WhatsApp", PHONE, false),
    f("city", "Kota", &["city", "kabupatenkota"], true),
    f(
        "stokis_code",
        "Kode Stokis",
        &["stokis", "stokiscode"],
        true,
    ),
];

pub(super) fn fields(kind: ImportKind) -> &'static [Field] {
    match kind {
        ImportKind::Products => PRODUCTS,
        ImportKind::Stokis => STOKIS,
        ImportKind::Mitra | ImportKind::BankStatement => MITRA,
    }
}

fn key_field(kind: ImportKind) -> &'static str {
    if kind == ImportKind::Products {
        "sku"
    } else {
        "code"
    }
}

fn yes_no(b: bool) -> String {
    if b { "Ya" } else { "Tidak" }.to_owned()
}

/// One data row's checked values (only of the columns the file has), or its errors.
fn check_row(
    kind: ImportKind,
    located: &Located,
    cells: &[Cell],
) -> (BTreeMap<String, String>, Vec<(&'static str, String)>) {
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    let mut put = |key: &'static str, read: values::Read<String>| match read {
        Ok(v) => {
            values.insert(key.to_owned(), v);
        }
        Err(e) => errors.push((key, e)),
    };
    let empty = Cell::Empty;
    for field in fields(kind) {
        let Some(&col) = located.columns.get(field.key) else {
            continue;
        };
        let c = cells.get(col).unwrap_or(&empty);
        let c = if c.is_empty() { &empty } else { c };
        let read = match (kind, field.key) {
            (ImportKind::Products, "sku") => values::code(c, 2, 30),
            (_, "code" | "stokis_code") => values::code(c, 2, 20),
            (ImportKind::Products, "unit") => values::text(c, true, 30),
            (_, "name") => values::text(c, true, 200),
            (_, "city") => values::text(c, true, 100),
            (_, "category") => values::text(c, false, 100),
            (_, "owner_name") => values::text(c, false, 200),
            (_, "price_to_mitra" | "price_to_stokis") => values::rupiah(c).map(|n| n.to_string()),
            (_, "credit_limit") if c.is_empty() => Ok("0".to_owned()),
            (_, "credit_limit") => values::rupiah(c).map(|n| n.to_string()),
            (_, "payment_terms_days") => values::whole(c, 0, 365, 14).map(|n| n.to_string()),
            (_, "phone") => values::phone(c).map(Option::unwrap_or_default),
            (_, "active") => values::flag(c, true).map(yes_no),
            _ => values::text(c, false, 200),
        };
        put(field.key, read);
    }
    (values, errors)
}

/// id, sku, name, unit, category, price to mitra, price to stokis, active.
type ProductTuple = (i64, String, String, String, String, i64, i64, bool);
/// id, code, name, city, phone, credit limit, payment terms.
type StokisTuple = (i64, String, String, String, Option<String>, i64, i32);
/// id, code, name, owner, phone, city, stokis code.
type MitraTuple = (i64, String, String, String, Option<String>, String, String);

/// The records of a kind as the import compares them: key → (id, values).
pub(super) struct Current {
    records: HashMap<String, (i64, BTreeMap<String, String>)>,
    /// Stokis code → id, for mitra rows.
    stokis: HashMap<String, i64>,
}

async fn load(
    conn: &mut PgConnection,
    kind: ImportKind,
    lock: bool,
) -> Result<Current, DomainError> {
    // On commit the rows are locked, so nothing changes between the staleness check and the
    // writes; a form edit of the same record waits for the import.
    let lock_clause = if lock { " FOR UPDATE" } else { "" };
    let mut records = HashMap::new();
    let mut stokis = HashMap::new();
    match kind {
        ImportKind::Products => {
            let rows: Vec<ProductTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, sku, name, unit, category, price_to_mitra, price_to_stokis, active FROM products{lock_clause}"
            )))
            .fetch_all(&mut *conn)
            .await?;
            for (id, sku, name, unit, category, pm, ps, active) in rows {
                let values = BTreeMap::from([
                    ("sku".to_owned(), sku.clone()),
                    ("name".to_owned(), name),
                    ("unit".to_owned(), unit),
                    ("category".to_owned(), category),
                    ("price_to_mitra".to_owned(), pm.to_string()),
                    ("price_to_stokis".to_owned(), ps.to_string()),
                    ("active".to_owned(), yes_no(active)),
                ]);
                records.insert(sku, (id, values));
            }
        }
        ImportKind::Stokis => {
            let rows: Vec<StokisTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, code, name, city, phone, credit_limit, payment_terms_days FROM stokis{lock_clause}"
            )))
            .fetch_all(&mut *conn)
            .await?;
            for (id, code, name, city, phone, limit, terms) in rows {
                let values = BTreeMap::from([
                    ("code".to_owned(), code.clone()),
                    ("name".to_owned(), name),
                    ("city".to_owned(), city),
                    ("phone".to_owned(), phone.unwrap_or_default()),
                    ("credit_limit".to_owned(), limit.to_string()),
                    ("payment_terms_days".to_owned(), terms.to_string()),
                ]);
                records.insert(code, (id, values));
            }
        }
        ImportKind::Mitra | ImportKind::BankStatement => {
            let codes: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM stokis")
                .fetch_all(&mut *conn)
                .await?;
            stokis = codes.into_iter().map(|(id, c)| (c, id)).collect();
            let rows: Vec<MitraTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT m.id, m.code, m.name, m.owner_name, m.phone, m.city, s.code
                 FROM mitra m JOIN stokis s ON s.id = m.stokis_id{}",
                if lock { " FOR UPDATE OF m" } else { "" }
            )))
            .fetch_all(&mut *conn)
            .await?;
            for (id, code, name, owner, phone, city, stokis_code) in rows {
                let values = BTreeMap::from([
                    ("code".to_owned(), code.clone()),
                    ("name".to_owned(), name),
                    ("owner_name".to_owned(), owner),
                    ("phone".to_owned(), phone.unwrap_or_default()),
                    ("city".to_owned(), city),
                    ("stokis_code".to_owned(), stokis_code),
                ]);
                records.insert(code, (id, values));
            }
        }
    }
    Ok(Current { records, stokis })
}

/// Reads every data row below the header: checked values or errors, duplicates named.
fn parse(
    kind: ImportKind,
    sheets: &[Sheet],
    located: &Located,
) -> (Vec<PreviewRow>, Vec<RowError>) {
    let fields = fields(kind);
    let key = key_field(kind);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let Some(sheet) = sheets.get(located.sheet) else {
        return (rows, errors);
    };
    let mut first_seen: HashMap<String, u32> = HashMap::new();
    for (i, cells) in sheet.rows.iter().enumerate().skip(located.header_row + 1) {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (values, row_errors) = check_row(kind, located, cells);
        let mut failed = !row_errors.is_empty();
        for (field, message) in row_errors {
            errors.push(RowError {
                row,
                column: located.column_name(fields, field),
                message,
            });
        }
        let key_value = values.get(key).cloned().unwrap_or_default();
        if !key_value.is_empty() {
            if let Some(first) = first_seen.get(&key_value) {
                failed = true;
                errors.push(RowError {
                    row,
                    column: located.column_name(fields, key),
                    message: format!(
                        "{} {key_value} sudah ada di baris {first} berkas ini",
                        if kind == ImportKind::Products {
                            "SKU"
                        } else {
                            "kode"
                        }
                    ),
                });
            } else {
                first_seen.insert(key_value.clone(), row);
            }
        }
        rows.push(PreviewRow {
            row,
            key: key_value,
            action: if failed {
                RowAction::Error
            } else {
                RowAction::Unchanged
            },
            changes: Vec::new(),
            note: None,
            values,
            bank: None,
        });
    }
    (rows, errors)
}

/// Decides each checked row against the database: create, update (with old → new per cell)
/// or unchanged; an unknown stokis code is an error.
fn compare(
    kind: ImportKind,
    rows: &mut [PreviewRow],
    current: &Current,
    column_names: &BTreeMap<String, String>,
    errors: &mut Vec<RowError>,
) {
    let fields = fields(kind);
    let column = |key: &str| {
        column_names
            .get(key)
            .cloned()
            .or_else(|| {
                fields
                    .iter()
                    .find(|f| f.key == key)
                    .map(|f| f.label.to_owned())
            })
            .unwrap_or_default()
    };
    for r in rows.iter_mut().filter(|r| r.action != RowAction::Error) {
        if let Some(code) = r.values.get("stokis_code")
            && !current.stokis.contains_key(code)
        {
            r.action = RowAction::Error;
            errors.push(RowError {
                row: r.row,
                column: column("stokis_code"),
                message: format!("kode stokis {code} tidak dikenal"),
            });
            continue;
        }
        match current.records.get(&r.key) {
            Some((_, old)) => {
                r.changes = fields
                    .iter()
                    .filter_map(|f| {
                        let new = r.values.get(f.key)?;
                        let was = old.get(f.key)?;
                        (new != was).then(|| Change {
                            field: f.key.to_owned(),
                            column: column(f.key),
                            old: Some(was.clone()),
                            new: new.clone(),
                        })
                    })
                    .collect();
                r.action = if r.changes.is_empty() {
                    RowAction::Unchanged
                } else {
                    RowAction::Update
                };
                r.note = r
                    .changes
                    .iter()
                    .find(|c| c.field == "stokis_code")
                    .map(|c| {
                        format!(
                            "Pindah stokis: {} → {}",
                            c.old.as_deref().unwrap_or("-"),
                            c.new
                        )
                    });
            }
            None => {
                r.action = RowAction::Create;
                r.changes = fields
                    .iter()
                    .filter_map(|f| {
                        r.values.get(f.key).map(|v| Change {
                            field: f.key.to_owned(),
                            column: column(f.key),
                            old: None,
                            new: v.clone(),
                        })
                    })
                    .collect();
                r.note = None;
            }
        }
    }
}

fn count(rows: &[PreviewRow], errors: usize) -> Counts {
    let n = |a: RowAction| {
        u32::try_from(rows.iter().filter(|r| r.action == a).count()).unwrap_or(u32::MAX)
    };
    Counts {
        create: n(RowAction::Create),
        update: n(RowAction::Update),
        unchanged: n(RowAction::Unchanged),
        errors: u32::try_from(errors).unwrap_or(u32::MAX),
        unmatched: 0,
    }
}

pub(super) async fn preview(
    conn: &mut PgConnection,
    kind: ImportKind,
    sheets: &[Sheet],
) -> Result<Preview, DomainError> {
    let fields = fields(kind);
    let located = header::locate(sheets, fields);
    let header_row = u32::try_from(located.header_row + 1).unwrap_or(u32::MAX);
    let missing: Vec<String> = located
        .missing(fields)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let columns: BTreeMap<String, String> = located
        .columns
        .keys()
        .map(|k| ((*k).to_owned(), located.column_name(fields, k)))
        .collect();
    let mut errors: Vec<RowError> = missing
        .iter()
        .map(|label| RowError {
            row: header_row,
            column: label.clone(),
            message: format!("kolom wajib \"{label}\" tidak ditemukan di baris judul"),
        })
        .collect();
    let mut rows = Vec::new();
    if missing.is_empty() {
        let (parsed, row_errors) = parse(kind, sheets, &located);
        rows = parsed;
        errors.extend(row_errors);
        if rows.is_empty() {
            errors.push(RowError {
                row: header_row + 1,
                column: String::new(),
                message: "tidak ada baris data di bawah baris judul".into(),
            });
        }
        let current = load(conn, kind, false).await?;
        compare(kind, &mut rows, &current, &columns, &mut errors);
    }
    errors.sort_by_key(|e| e.row);
    Ok(Preview {
        counts: count(&rows, errors.len()),
        rows,
        errors,
        headers: located.headers.clone(),
        columns,
        missing,
        sheet: sheets
            .get(located.sheet)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        header_row,
    })
}

/// Re-plans the stored rows against the locked current data; anything different from the
/// preview means someone changed the data since: stale.
pub(super) async fn commit(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    kind: ImportKind,
    import_id: i64,
    preview: &Preview,
) -> Result<Applied, DomainError> {
    let current = load(conn, kind, true).await?;
    let mut replanned = preview.rows.clone();
    let mut errors = Vec::new();
    compare(
        kind,
        &mut replanned,
        &current,
        &preview.columns,
        &mut errors,
    );
    if !errors.is_empty() || replanned != preview.rows {
        return Err(super::stale());
    }
    let now = clock.now();
    let mut applied = Applied::default();
    // 3,000 mitra are one file: their rows go in two statements, not one round trip each
    // (products and stokis are a few hundred rows, written one by one with their history).
    if kind == ImportKind::Mitra {
        let mut batch = MitraBatch::default();
        for r in &replanned {
            match r.action {
                RowAction::Create => {
                    batch.push(None, &r.values, &current)?;
                    applied.created += 1;
                }
                RowAction::Update => {
                    let (id, old) = current.records.get(&r.key).ok_or_else(super::stale)?;
                    let mut merged = old.clone();
                    merged.extend(r.values.clone());
                    batch.push(Some(*id), &merged, &current)?;
                    applied.updated += 1;
                }
                _ => applied.unchanged += 1,
            }
        }
        batch.write(conn, now).await?;
        return Ok(applied);
    }
    for r in &replanned {
        match r.action {
            RowAction::Create => {
                write(conn, kind, actor, now, import_id, None, &r.values).await?;
                applied.created += 1;
            }
            RowAction::Update => {
                let (id, old) = current.records.get(&r.key).ok_or_else(super::stale)?;
                let mut merged = old.clone();
                merged.extend(r.values.clone());
                write(conn, kind, actor, now, import_id, Some((*id, old)), &merged).await?;
                applied.updated += 1;
            }
            _ => applied.unchanged += 1,
        }
    }
    Ok(applied)
}

fn int(values: &BTreeMap<String, String>, key: &str, default: i64) -> i64 {
    values
        .get(key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn txt<'a>(values: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    values.get(key).map_or("", String::as_str)
}

fn opt(values: &BTreeMap<String, String>, key: &str) -> Option<String> {
    values.get(key).filter(|v| !v.is_empty()).cloned()
}

/// Mitra rows of one import, written as one `INSERT … SELECT FROM UNNEST` and one
/// `UPDATE … FROM UNNEST`.
#[derive(Default)]
struct MitraBatch {
    id: Vec<Option<i64>>,
    code: Vec<String>,
    name: Vec<String>,
    owner: Vec<String>,
    phone: Vec<Option<String>>,
    city: Vec<String>,
    stokis: Vec<i64>,
}

impl MitraBatch {
    fn push(
        &mut self,
        id: Option<i64>,
        v: &BTreeMap<String, String>,
        current: &Current,
    ) -> Result<(), DomainError> {
        let stokis_id = *current
            .stokis
            .get(txt(v, "stokis_code"))
            .ok_or_else(super::stale)?;
        self.id.push(id);
        self.code.push(txt(v, "code").to_owned());
        self.name.push(txt(v, "name").to_owned());
        self.owner.push(txt(v, "owner_name").to_owned());
        self.phone.push(opt(v, "phone"));
        self.city.push(txt(v, "city").to_owned());
        self.stokis.push(stokis_id);
        Ok(())
    }

    async fn write(self, conn: &mut PgConnection, now: DateTime<Utc>) -> Result<(), DomainError> {
        let conflict = |e: sqlx::Error| match &e {
            sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => super::stale(),
            _ => DomainError::Database(e),
        };
        sqlx::query(
            "INSERT INTO mitra (code, name, owner_name, phone, city, stokis_id, created_at, updated_at)
             SELECT code, name, owner_name, phone, city, stokis_id, $7, $7
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $8::bigint[])
                  AS u(code, name, owner_name, phone, city, stokis_id, id)
             WHERE id IS NULL",
        )
        .bind(&self.code)
        .bind(&self.name)
        .bind(&self.owner)
        .bind(&self.phone)
        .bind(&self.city)
        .bind(&self.stokis)
        .bind(now)
        .bind(&self.id)
        .execute(&mut *conn)
        .await
        .map_err(conflict)?;
        sqlx::query(
            "UPDATE mitra m SET name = u.name, owner_name = u.owner_name, phone = u.phone,
                    city = u.city, stokis_id = u.stokis_id, updated_at = $7
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $8::bigint[])
                  AS u(code, name, owner_name, phone, city, stokis_id, id)
             WHERE m.id = u.id",
        )
        .bind(&self.code)
        .bind(&self.name)
        .bind(&self.owner)
        .bind(&self.phone)
        .bind(&self.city)
        .bind(&self.stokis)
        .bind(now)
        .bind(&self.id)
        .execute(&mut *conn)
        .await
        .map_err(conflict)?;
        Ok(())
    }
}

/// Inserts (`existing` None) or updates one record with its full set of values.
async fn write(
    conn: &mut PgConnection,
    kind: ImportKind,
    actor: &Actor,
    now: DateTime<Utc>,
    import_id: i64,
    existing: Option<(i64, &BTreeMap<String, String>)>,
    v: &BTreeMap<String, String>,
) -> Result<(), DomainError> {
    let conflict = |e: sqlx::Error| match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => super::stale(),
        _ => DomainError::Database(e),
    };
    match kind {
        ImportKind::Products => {
            let active = txt(v, "active") != "Tidak";
            let (pm, ps) = (int(v, "price_to_mitra", 0), int(v, "price_to_stokis", 0));
            let id: i64 = match existing {
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO products (sku, name, category, unit, price_to_mitra, price_to_stokis, active, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                    )
                    .bind(txt(v, "sku"))
                    .bind(txt(v, "name"))
                    .bind(txt(v, "category"))
                    .bind(txt(v, "unit"))
                    .bind(pm)
                    .bind(ps)
                    .bind(active)
                    .bind(now)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(conflict)?;
                    sqlx::query("INSERT INTO warehouse_stock (product_id, qty, updated_at) VALUES ($1, 0, $2)")
                        .bind(id)
                        .bind(now)
                        .execute(&mut *conn)
                        .await?;
                    id
                }
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE products SET name = $2, category = $3, unit = $4, price_to_mitra = $5,
                                price_to_stokis = $6, active = $7, updated_at = $8 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(txt(v, "name"))
                    .bind(txt(v, "category"))
                    .bind(txt(v, "unit"))
                    .bind(pm)
                    .bind(ps)
                    .bind(active)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                    id
                }
            };
            let old_prices = existing.map(|(_, old)| {
                (
                    int(old, "price_to_mitra", 0),
                    int(old, "price_to_stokis", 0),
                )
            });
            if old_prices != Some((pm, ps)) {
                sqlx::query(
                    "INSERT INTO product_price_history (product_id, old_price_to_mitra, new_price_to_mitra,
                            old_price_to_stokis, new_price_to_stokis, changed_by, import_id, changed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(old_prices.map(|p| p.0))
                .bind(pm)
                .bind(old_prices.map(|p| p.1))
                .bind(ps)
                .bind(actor.user_id)
                .bind(import_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
        }
        ImportKind::Stokis => {
            let q = match existing {
                None => sqlx::query(
                    "INSERT INTO stokis (code, name, city, phone, credit_limit, payment_terms_days, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(txt(v, "code")),
                Some((id, _)) => sqlx::query(
                    "UPDATE stokis SET name = $2, city = $3, phone = $4, credit_limit = $5,
                            payment_terms_days = $6, updated_at = $7 WHERE id = $1",
                )
                .bind(id),
            };
            q.bind(txt(v, "name"))
                .bind(txt(v, "city"))
                .bind(opt(v, "phone"))
                .bind(int(v, "credit_limit", 0))
                .bind(i32::try_from(int(v, "payment_terms_days", 14)).unwrap_or(14))
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(conflict)?;
        }
        // Mitra go in one batch (`MitraBatch`); a bank statement is no master data.
        ImportKind::Mitra | ImportKind::BankStatement => {}
    }
    Ok(())
}
