//! `dfresto-web time-import`: the bench's figure for spreadsheet imports. The mitra template
//! filled with the current data is written as a pusat user downloads it; then every mitra is
//! moved to the next stokis in the database, so the file (which still names the old stokis)
//! moves each one back: a preview and a commit of one update per mitra, through the same domain
//! calls the upload page makes. The baseline is reading the same file alone (calamine).

use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use domain::import::{self, ImportKind};
use domain::{Actor, Role, SystemClock};
use sqlx::PgPool;

#[derive(Debug, Clone, Copy)]
pub struct ImportTiming {
    pub rows: i64,
    pub size: usize,
    pub read_ms: f64,
    pub preview_ms: f64,
    pub commit_ms: f64,
    pub updated: u32,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

pub async fn time_import(pool: &PgPool) -> anyhow::Result<ImportTiming> {
    let user_id: i64 = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'PUSAT' AND active ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?
    .context("no active pusat user: seed the database first")?;
    let actor = Actor {
        user_id,
        role: Role::Pusat,
        mitra_id: None,
        stokis_id: None,
    };
    let mut conn = pool.acquire().await?;
    let doc = import::template::document(&mut conn, ImportKind::Mitra, true, Utc::now()).await?;
    let bytes = render::xlsx(&doc)?;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM mitra")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "WITH s AS (SELECT id, lead(id, 1, (SELECT min(id) FROM stokis)) OVER (ORDER BY id) AS next
                    FROM stokis)
         UPDATE mitra m SET stokis_id = s.next FROM s WHERE m.stokis_id = s.id",
    )
    .execute(&mut *conn)
    .await?;

    let t = Instant::now();
    let sheets = import::read_sheets("mitra.xlsx", &bytes)?;
    let read_ms = ms(t);
    drop(sheets);

    let t = Instant::now();
    let mut tx = pool.begin().await?;
    let record = import::preview(
        &mut tx,
        &actor,
        &SystemClock,
        ImportKind::Mitra,
        "mitra.xlsx",
        &bytes,
        &import::ColumnChoice::new(),
    )
    .await?;
    tx.commit().await?;
    let preview_ms = ms(t);
    anyhow::ensure!(
        record.preview.counts.errors == 0,
        "the preview has {} errors",
        record.preview.counts.errors
    );

    let t = Instant::now();
    let mut tx = pool.begin().await?;
    let done = import::commit(&mut tx, &actor, &SystemClock, record.id, &[]).await?;
    tx.commit().await?;
    let commit_ms = ms(t);
    Ok(ImportTiming {
        rows,
        size: bytes.len(),
        read_ms,
        preview_ms,
        commit_ms,
        updated: done.applied.map_or(0, |a| a.updated),
    })
}
