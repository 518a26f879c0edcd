//! The operations endpoints of the JSON API: `GET /admin/jobs` (queues, workers, failed jobs),
//! `POST /admin/invoice-run` (finance only, 202, queued by date), `GET /whatsapp/logs` (newest
//! first, filtered, paginated, in the documented record shape), `GET /whatsapp/status` and
//! `/whatsapp/qr`, and `POST /whatsapp/messages` with an Idempotency-Key. Pusat and finance
//! only; everyone else is refused with nothing written.

use chrono::Duration;
use domain::Clock;
use domain::whatsapp::session::{self, ConnectionStatus, SessionUpdate};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::api_client::Api;
use tests::whatsapp_logs::Log;

#[tokio::test]
async fn jobs_overview_shows_queues_workers_and_failed_jobs() {
    let api = Api::spawn().await;
    let job = api.app.failed_job("boom: payload rusak").await;
    // One job waiting, in another queue.
    api.place_order("mitra0001", &[(api.world.ayam.0, 1)]).await;

    for user in ["finance", "pusat"] {
        let body = api.get(user, "/admin/jobs").await.expect(StatusCode::OK);
        let queues: Vec<&str> = body["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["queue"].as_str().unwrap())
            .collect();
        assert_eq!(queues, ["notifications", "whatsapp", "invoices", "reports"]);
        let notifications = &body["queues"][0];
        assert_eq!(notifications["failed"], 1, "{body}");
        assert_eq!(notifications["waiting"], 1, "{body}");
        assert!(notifications["oldest_waiting_secs"].is_i64(), "{body}");
        for field in ["scheduled", "running", "retrying", "done"] {
            assert!(notifications[field].is_i64(), "{field}: {body}");
        }
        assert!(body["queues"][1]["oldest_waiting_secs"].is_null(), "{body}");
        assert!(body["workers"].as_array().unwrap().is_empty(), "{body}");
        let failed = &body["failed"];
        assert_eq!(failed["total"], 1);
        assert_eq!(failed["page"], 1);
        assert_eq!(failed["per_page"], 20);
        let item = &failed["items"][0];
        assert_eq!(item["id"], job.as_str());
        assert_eq!(item["queue"], "notifications");
        assert_eq!(item["error"], "boom: payload rusak");
        assert_eq!(
            item["payload"],
            json!({"event": "order_created", "order_id": 987_654})
        );
        assert_eq!(item["attempts"], item["max_attempts"]);
    }
    let body = api
        .get("finance", "/admin/jobs?queue=whatsapp&per_page=5")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["failed"]["total"], 0);
    assert_eq!(body["failed"]["per_page"], 5);
    api.get("finance", "/admin/jobs?queue=email")
        .await
        .expect_field("queue");
    api.get("finance", "/admin/jobs?page=0")
        .await
        .expect_field("page");

    for user in ["gudang", "stokis001", "mitra0001"] {
        api.get(user, "/admin/jobs")
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    Api::send(api.request(None, Method::GET, "/admin/jobs"))
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_finance_queues_the_invoice_run() {
    let api = Api::spawn().await;
    let before = api.snapshot().await;
    for user in ["pusat", "gudang", "stokis001", "mitra0001"] {
        api.post(user, "/admin/invoice-run", json!({}))
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    assert_eq!(api.snapshot().await, before, "nothing enqueued");

    let body = api
        .post(
            "finance",
            "/admin/invoice-run",
            json!({"date": "2026-11-29"}),
        )
        .await
        .expect_field("date");
    assert!(body["error"]["fields"]["date"].is_string());
    api.post("finance", "/admin/invoice-run", json!({"date": "besok"}))
        .await
        .expect_field("date");
    assert!(api.app.pending_jobs(jobs::queue::INVOICES).await.is_empty());

    let answer = api.post_empty("finance", "/admin/invoice-run").await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    assert_eq!(answer.body, json!({"date": "2026-11-28"}));
    let answer = api
        .post(
            "finance",
            "/admin/invoice-run",
            json!({"date": "2026-11-20"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    assert_eq!(answer.body["date"], "2026-11-20");
    let dates: Vec<Value> = api
        .app
        .pending_jobs(jobs::queue::INVOICES)
        .await
        .into_iter()
        .map(|j| j["date"].clone())
        .collect();
    assert_eq!(dates, [json!("2026-11-28"), json!("2026-11-20")]);
}

#[tokio::test]
async fn the_whatsapp_log_is_newest_first_and_filtered() {
    let api = Api::spawn().await;
    let now = api.app.clock.now();
    let stokis = api.world.stokis_a;
    let log = |phone, message, status, kind, stokis_id, minutes_ago: i64| Log {
        phone,
        message,
        status,
        kind,
        stokis_id,
        created_at: now - Duration::minutes(minutes_ago),
    };
    let yesterday = api
        .app
        .insert_log(log(
            "6281234567001",
            "kemarin",
            "SENT",
            "INVOICE",
            Some(stokis),
            24 * 60,
        ))
        .await;
    let failed = api
        .app
        .insert_log(log(
            "6281234567001",
            "gagal",
            "FAILED",
            "ORDER",
            Some(stokis),
            30,
        ))
        .await;
    let pending = api
        .app
        .insert_log(log(
            "6285712345001",
            "menunggu",
            "PENDING",
            "REMINDER",
            None,
            10,
        ))
        .await;
    let sent = api
        .app
        .insert_log(log("6285712345002", "terkirim", "SENT", "ORDER", None, 5))
        .await;

    let ids = |body: &Value| -> Vec<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    for user in ["finance", "pusat"] {
        let body = api.get(user, "/whatsapp/logs").await.expect(StatusCode::OK);
        assert_eq!(ids(&body), [sent, pending, failed, yesterday], "{user}");
        assert_eq!(body["total"], 4);
        assert_eq!(body["page"], 1);
        assert_eq!(body["per_page"], 20);
    }
    let body = api
        .get("finance", "/whatsapp/logs?status=failed")
        .await
        .expect(StatusCode::OK);
    let record = &body["items"][0];
    for field in [
        "id",
        "phone",
        "message",
        "status",
        "type",
        "created_at",
        "sent_at",
        "last_error",
    ] {
        assert!(
            record.as_object().unwrap().contains_key(field),
            "no {field}: {record}"
        );
    }
    assert_eq!(record["id"], failed);
    assert_eq!(record["phone"], "6281234567001");
    assert_eq!(record["message"], "gagal");
    assert_eq!(record["status"], "FAILED");
    assert_eq!(record["type"], "ORDER");
    assert_eq!(record["last_error"], "nomor tidak terdaftar di WhatsApp");
    assert!(record["sent_at"].is_null());

    for (query, expected) in [
        ("status=SENT", vec![sent, yesterday]),
        ("type=ORDER", vec![sent, failed]),
        ("type=ORDER&status=SENT", vec![sent]),
        ("phone=0812-3456-7001", vec![failed, yesterday]),
        ("phone=345002", vec![sent]),
        ("date_from=2026-11-28", vec![sent, pending, failed]),
        ("date_to=2026-11-27", vec![yesterday]),
        ("date_from=2026-11-27&date_to=2026-11-27", vec![yesterday]),
        ("per_page=2", vec![sent, pending]),
        ("per_page=2&page=2", vec![failed, yesterday]),
        ("per_page=2&page=3", vec![]),
    ] {
        let body = api
            .get("finance", &format!("/whatsapp/logs?{query}"))
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&body), expected, "{query}");
    }
    let body = api
        .get("finance", "/whatsapp/logs?per_page=2&page=2")
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (body["total"].as_i64(), body["page"].as_i64()),
        (Some(4), Some(2))
    );

    api.get("finance", "/whatsapp/logs?status=LOST")
        .await
        .expect_field("status");
    api.get("finance", "/whatsapp/logs?type=SMS")
        .await
        .expect_field("type");
    api.get("finance", "/whatsapp/logs?date_from=28-11-2026")
        .await
        .expect_field("date_from");
    api.get("finance", "/whatsapp/logs?per_page=500")
        .await
        .expect_field("per_page");
    for user in ["gudang", "stokis001", "mitra0001"] {
        api.get(user, "/whatsapp/logs")
            .await
            .expect(StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn status_and_qr_follow_the_session_the_worker_reports() {
    let api = Api::spawn().await;
    let pool = &api.app.db.pool;
    let body = api
        .get("finance", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["status"], "DISCONNECTED");
    assert_eq!(body["connected"], false);
    assert_eq!(body["has_qr"], false);
    assert_eq!(body["session_id"], "default");
    assert_eq!(body["budget"]["cap"], 1000);
    assert_eq!(body["budget"]["sent"], 0);
    assert_eq!(body["budget"]["remaining"], 1000);
    assert_eq!(body["budget"]["day"], "2026-11-28");
    let body = api
        .get("pusat", "/whatsapp/qr")
        .await
        .expect(StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");

    let mut conn = pool.acquire().await.unwrap();
    let mut waiting = SessionUpdate::new(ConnectionStatus::WaitingQr);
    waiting.qr = Some("2@abcDEF,xyz==".into());
    waiting.pair_code = Some("ABCD-1234".into());
    waiting.holder = Some("worker-1".into());
    session::record(&mut conn, &*api.app.clock, "default", &waiting)
        .await
        .unwrap();
    let body = api
        .get("pusat", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["status"], "WAITING_QR");
    assert_eq!(body["has_qr"], true);
    assert_eq!(body["pair_code"], "ABCD-1234");
    assert_eq!(body["holder"], "worker-1");
    let body = api
        .get("finance", "/whatsapp/qr")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["qr"], "2@abcDEF,xyz==");
    assert_eq!(body["pair_code"], "ABCD-1234");

    let mut connected = SessionUpdate::new(ConnectionStatus::Connected);
    connected.phone = Some("6281100000000".into());
    session::record(&mut conn, &*api.app.clock, "default", &connected)
        .await
        .unwrap();
    let body = api
        .get("finance", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["status"], "CONNECTED");
    assert_eq!(body["connected"], true);
    assert_eq!(body["phone"], "6281100000000");
    api.get("finance", "/whatsapp/qr")
        .await
        .expect(StatusCode::NOT_FOUND);
    for user in ["gudang", "stokis001", "mitra0001"] {
        for path in ["/whatsapp/status", "/whatsapp/qr"] {
            api.get(user, path).await.expect(StatusCode::FORBIDDEN);
        }
    }
}

#[tokio::test]
async fn a_message_typed_by_hand_is_queued_once_and_sent() {
    let api = Api::spawn().await;
    let before = api.snapshot().await;
    for user in ["gudang", "stokis001", "mitra0001"] {
        api.post(
            user,
            "/whatsapp/messages",
            json!({"phone": "0812-3456-7001", "text": "Halo"}),
        )
        .await
        .expect(StatusCode::FORBIDDEN);
    }
    api.post(
        "finance",
        "/whatsapp/messages",
        json!({"phone": "12345", "text": "Halo"}),
    )
    .await
    .expect_field("phone");
    api.post(
        "finance",
        "/whatsapp/messages",
        json!({"phone": "0812-3456-7001", "text": "   "}),
    )
    .await
    .expect_field("text");
    api.post(
        "finance",
        "/whatsapp/messages",
        json!({"phone": "0812-3456-7001"}),
    )
    .await
    .expect_field("text");
    assert_eq!(api.snapshot().await, before, "nothing written");

    let send = || {
        Api::send(
            api.request(Some("finance"), Method::POST, "/whatsapp/messages")
                .header("Idempotency-Key", "manual-1")
                .json(&json!({"phone": "0812-3456-7001", "text": "Stok ayam datang besok pagi."})),
        )
    };
    let first = send().await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
    assert_eq!(first.body["status"], "PENDING");
    assert_eq!(first.body["type"], "MANUAL");
    assert_eq!(first.body["phone"], "6281234567001");
    let again = send().await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(
        again.body["id"], first.body["id"],
        "the same key, the same message"
    );
    assert_eq!(api.app.pending_jobs(jobs::queue::WHATSAPP).await.len(), 1);

    assert_eq!(api.app.run_pending_jobs().await, 1);
    let delivered = api.app.messenger.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].text, "Stok ayam datang besok pagi.");
    let body = api
        .get("finance", "/whatsapp/logs?type=MANUAL")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["items"][0]["status"], "SENT");
    assert!(body["items"][0]["sent_at"].is_string());
}
