//! Expanding business events into WhatsApp log rows: recipients, texts with numbers, names,
//! Rupiah amounts and WIB dates, one send job per new row, nothing twice on a retried job,
//! and a FAILED row (not a crash) for a recipient without a valid mobile number.

use crate::support::{place_order, shipped_po, world};
use domain::order::{self, OrderAction};
use domain::{FixedClock, notify, ops};
use jobs::Notification;
use sqlx::PgPool;
use tests::TestDb;

fn clock() -> FixedClock {
    FixedClock::at_jakarta(2026, 11, 28, 10, 0)
}

async fn expand(db: &TestDb, event: Notification) -> notify::Expanded {
    let mut tx = db.pool.begin().await.unwrap();
    let out = notify::expand(&mut tx, &clock(), &notify::Links::default(), &event)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    out
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    phone: String,
    message: String,
    status: String,
    #[sqlx(rename = "type")]
    kind: String,
    event: String,
    recipient: String,
    dedup_key: String,
    last_error: Option<String>,
}

async fn row(pool: &PgPool, id: i64) -> Row {
    sqlx::query_as(
        "SELECT phone, message, status, type, event, recipient, dedup_key, last_error
         FROM whatsapp_logs WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn send_jobs(pool: &PgPool) -> Vec<i64> {
    let rows: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT job FROM apalis.jobs WHERE job_type = 'whatsapp' ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    rows.iter()
        .map(|b| {
            serde_json::from_slice::<jobs::SendWhatsapp>(b)
                .unwrap()
                .log_id
        })
        .collect()
}

#[tokio::test]
async fn a_new_order_tells_its_stokis_once_even_when_the_job_runs_twice() {
    let (db, w) = world().await;
    let order_id = place_order(&db, &w, &clock()).await;
    let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();

    let first = expand(&db, Notification::OrderCreated { order_id }).await;
    assert_eq!(
        (first.pending.len(), first.failed.len(), first.existing),
        (1, 0, 0)
    );
    let r = row(&db.pool, first.pending[0]).await;
    assert_eq!(
        (
            r.phone.as_str(),
            r.status.as_str(),
            r.kind.as_str(),
            r.event.as_str(),
            r.recipient.as_str()
        ),
        (
            "6281234567001",
            "PENDING",
            "ORDER",
            "order_created",
            "stokis"
        )
    );
    assert_eq!(r.dedup_key, format!("order:{order_id}:created:stokis"));
    assert_eq!(
        r.message,
        format!(
            "Halo Stokis Sumber Rejeki,\n\
             🛒 Order baru {number} dari D'Fresto Dago (Bandung)\n\n\
             • Ayam Fillet 1kg: 10 pak\n\
             • Saus Sambal 1L: 2 pak\n\n\
             Total: Rp 586.000\n\n\
             Mohon konfirmasi order ini di portal stokis."
        )
    );
    assert_eq!(send_jobs(&db.pool).await, first.pending);

    // The same job again (a retry after a crash): nothing new.
    let again = expand(&db, Notification::OrderCreated { order_id }).await;
    assert_eq!(
        (again.pending.len(), again.failed.len(), again.existing),
        (0, 0, 1)
    );
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM whatsapp_logs")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    assert_eq!(send_jobs(&db.pool).await.len(), 1);
}

#[tokio::test]
async fn shipping_and_rejection_tell_the_mitra_and_po_events_tell_the_stokis() {
    let (db, w) = world().await;
    let c = clock();
    let shipped = place_order(&db, &w, &c).await;
    let rejected = place_order(&db, &w, &c).await;
    let mut tx = db.pool.begin().await.unwrap();
    order::apply(
        &mut tx,
        &w.stokis_a_user,
        &c,
        shipped,
        OrderAction::Confirm,
        None,
    )
    .await
    .unwrap();
    order::apply(
        &mut tx,
        &w.stokis_a_user,
        &c,
        shipped,
        OrderAction::Ship,
        None,
    )
    .await
    .unwrap();
    order::apply(
        &mut tx,
        &w.stokis_a_user,
        &c,
        rejected,
        OrderAction::Reject,
        Some("stok ayam habis"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let out = expand(&db, Notification::OrderShipped { order_id: shipped }).await;
    let r = row(&db.pool, out.pending[0]).await;
    assert_eq!(
        (r.phone.as_str(), r.recipient.as_str()),
        ("6285712345001", "mitra")
    );
    assert!(
        r.message
            .contains("sedang dikirim oleh Stokis Sumber Rejeki"),
        "{}",
        r.message
    );
    assert!(r.message.contains("Rp 586.000"));

    let out = expand(&db, Notification::OrderRejected { order_id: rejected }).await;
    let r = row(&db.pool, out.pending[0]).await;
    assert_eq!(
        (r.phone.as_str(), r.event.as_str()),
        ("6285712345001", "order_rejected")
    );
    assert!(
        r.message
            .contains("Alasan dari stokis: \"stok ayam habis\""),
        "{}",
        r.message
    );

    let (po_id, invoice_id) = shipped_po(&db, &w, &w.stokis_a_user, 10, &c).await;
    let po_number: String = sqlx::query_scalar("SELECT number FROM purchase_orders WHERE id = $1")
        .bind(po_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let invoice_number: String = sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1")
        .bind(invoice_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    for (event, expect) in [
        (
            Notification::PurchaseOrderApproved {
                purchase_order_id: po_id,
            },
            format!(
                "Halo Stokis Sumber Rejeki,\n✅ PO {po_number} telah disetujui Finance.\nTotal: Rp 480.000"
            ),
        ),
        (
            Notification::PurchaseOrderShipped {
                purchase_order_id: po_id,
            },
            format!(
                "Halo Stokis Sumber Rejeki,\n📦 PO {po_number} sedang dikirim dari gudang pusat."
            ),
        ),
        (
            Notification::InvoiceCreated { invoice_id },
            // 14 days of payment terms from 28 Nov
            format!(
                "Halo Stokis Sumber Rejeki,\n📄 Invoice {invoice_number} untuk PO {po_number}\nJumlah: Rp 480.000\nJatuh tempo: 12 Des 2026"
            ),
        ),
    ] {
        let out = expand(&db, event).await;
        let r = row(&db.pool, out.pending[0]).await;
        assert_eq!(
            (r.phone.as_str(), r.recipient.as_str()),
            ("6281234567001", "stokis")
        );
        assert!(
            r.message.starts_with(&expect),
            "{}\n--- expected to start with\n{expect}",
            r.message
        );
    }
}

#[tokio::test]
async fn a_recipient_without_a_valid_mobile_number_gets_a_failed_row_that_says_so() {
    let (db, w) = world().await;
    // A landline passes the table's format check but is no WhatsApp number.
    sqlx::query("UPDATE stokis SET phone = '622212345678' WHERE id = $1")
        .bind(w.stokis_a)
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE mitra SET phone = NULL WHERE id = $1")
        .bind(w.mitra_a)
        .execute(&db.pool)
        .await
        .unwrap();
    let c = clock();
    let order_id = place_order(&db, &w, &c).await;
    let out = expand(&db, Notification::OrderCreated { order_id }).await;
    assert_eq!((out.pending.len(), out.failed.len()), (0, 1));
    let r = row(&db.pool, out.failed[0]).await;
    assert_eq!(
        (r.status.as_str(), r.phone.as_str()),
        ("FAILED", "622212345678")
    );
    let error = r.last_error.unwrap();
    assert!(
        error.starts_with("nomor HP stokis Stokis Sumber Rejeki tidak valid (622212345678)"),
        "{error}"
    );
    assert!(send_jobs(&db.pool).await.is_empty(), "nothing to send");

    let mut tx = db.pool.begin().await.unwrap();
    order::apply(
        &mut tx,
        &w.stokis_a_user,
        &c,
        order_id,
        OrderAction::Reject,
        Some("tutup"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let out = expand(&db, Notification::OrderRejected { order_id }).await;
    let r = row(&db.pool, out.failed[0]).await;
    assert_eq!(
        r.last_error.as_deref(),
        Some("mitra D'Fresto Dago belum punya nomor HP")
    );

    // Retrying before the number is fixed says what to fix; after, it goes to the new number.
    let mut tx = db.pool.begin().await.unwrap();
    let err = ops::retry_message(&mut tx, &w.finance, &c, out.failed[0])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    drop(tx);
    sqlx::query("UPDATE mitra SET phone = '6285700000099' WHERE id = $1")
        .bind(w.mitra_a)
        .execute(&db.pool)
        .await
        .unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let log = ops::retry_message(&mut tx, &w.finance, &c, out.failed[0])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (log.status.as_str(), log.phone.as_str()),
        ("PENDING", "6285700000099")
    );
    assert_eq!(send_jobs(&db.pool).await, vec![out.failed[0]]);
}

/// (status, attempts, last_result, due later) of a notification job.
async fn job_state(pool: &PgPool, id: &str) -> (String, i32, serde_json::Value, bool) {
    sqlx::query_as(
        "SELECT status, attempts, last_result, run_at > now() FROM apalis.jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn notification_job_of(pool: &PgPool, order_id: i64) -> String {
    sqlx::query_scalar(
        "SELECT id FROM apalis.jobs WHERE job_type = 'notifications'
           AND convert_from(job, 'UTF8')::jsonb ->> 'order_id' = $1::text",
    )
    .bind(order_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_batch_expands_its_jobs_in_one_go_and_a_bad_job_fails_alone_with_a_backoff() {
    use std::sync::Arc;
    use worker::notification_batch::{BatchOutcome, run_batch};
    let (db, w) = world().await;
    let clock = Arc::new(clock());
    let orders = [
        place_order(&db, &w, clock.as_ref()).await,
        place_order(&db, &w, clock.as_ref()).await,
        place_order(&db, &w, clock.as_ref()).await,
    ];
    // A payload this version cannot read, and an order whose message the database refuses.
    sqlx::query(
        "INSERT INTO apalis.jobs (job, id, job_type, status, attempts, max_attempts, run_at)
         VALUES (convert_to('{\"event\": \"mystery\"}', 'UTF8'), 'unreadable', 'notifications',
                 'Pending', 0, 10, now() - interval '1 minute')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
         CREATE TRIGGER refuse BEFORE INSERT ON whatsapp_logs FOR EACH ROW
           WHEN (NEW.order_id = {}) EXECUTE FUNCTION refuse();",
        orders[1]
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    let svc = crate::support::services(&db, &clock);

    let first = run_batch(&svc, 100).await.unwrap();
    assert_eq!((first.taken, first.failed.len()), (4, 2), "{first:?}");
    for order_id in [orders[0], orders[2]] {
        let id = notification_job_of(&db.pool, order_id).await;
        assert_eq!(job_state(&db.pool, &id).await.0, "Done");
        let messages: i64 =
            sqlx::query_scalar("SELECT count(*) FROM whatsapp_logs WHERE order_id = $1")
                .bind(order_id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(messages, 1, "one message for order {order_id}");
    }
    assert_eq!(
        send_jobs(&db.pool).await.len(),
        2,
        "one send job per message"
    );
    let refused = notification_job_of(&db.pool, orders[1]).await;
    let mut failed_ids: Vec<&str> = first.failed.iter().map(|f| f.job_id.as_str()).collect();
    failed_ids.sort_unstable();
    let mut expected = vec![refused.as_str(), "unreadable"];
    expected.sort_unstable();
    assert_eq!(failed_ids, expected, "the batch names the jobs that failed");
    let (status, attempts, result, later) = job_state(&db.pool, &refused).await;
    assert_eq!((status.as_str(), attempts, later), ("Failed", 1, true));
    assert!(
        result["Err"]
            .as_str()
            .unwrap()
            .contains("refused for the test"),
        "{result}"
    );
    let (status, attempts, result, later) = job_state(&db.pool, "unreadable").await;
    assert_eq!((status.as_str(), attempts, later), ("Failed", 1, true));
    assert!(
        result["Err"]
            .as_str()
            .unwrap()
            .contains("cannot read the job payload"),
        "{result}"
    );

    // Nothing is due again before the backoff has passed...
    assert_eq!(run_batch(&svc, 100).await.unwrap(), BatchOutcome::default());
    // ...and once it has, the refused order goes through and the unreadable job fails again.
    sqlx::query("DROP TRIGGER refuse ON whatsapp_logs")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE apalis.jobs SET run_at = now() - interval '1 second' WHERE status = 'Failed'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let again = run_batch(&svc, 100).await.unwrap();
    assert_eq!((again.taken, again.failed.len()), (2, 1), "{again:?}");
    assert_eq!(again.failed[0].job_id, "unreadable");
    assert_eq!(job_state(&db.pool, &refused).await.0, "Done");
    assert_eq!(job_state(&db.pool, "unreadable").await.1, 2);
    assert_eq!(send_jobs(&db.pool).await.len(), 3);
}

#[tokio::test]
async fn business_transactions_commit_without_a_wake_up_and_other_queues_keep_theirs() {
    let (db, w) = world().await;
    let mut listener = sqlx::postgres::PgListener::connect_with(&db.pool)
        .await
        .unwrap();
    listener.listen(jobs::wake::CHANNEL).await.unwrap();
    let quiet = std::time::Duration::from_millis(300);

    // An order enqueues its notification job without a NOTIFY (its commit need not take turns).
    let order_id = place_order(&db, &w, &clock()).await;
    notification_job_of(&db.pool, order_id).await; // it is there
    let heard = tokio::time::timeout(quiet, listener.recv()).await;
    assert!(
        heard.is_err(),
        "a notification job woke listeners: {heard:?}"
    );

    // A send job still wakes the whatsapp consumers.
    let mut tx = db.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, &[jobs::SendWhatsapp { log_id: 1 }])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let heard = tokio::time::timeout(quiet * 10, listener.recv())
        .await
        .expect("the send job woke its consumers")
        .unwrap();
    assert!(
        heard.payload().contains("\"whatsapp\""),
        "{}",
        heard.payload()
    );
}
