//! The API's contract at the edge: a body that is not declared JSON is 415; an Idempotency-Key
//! reused with another body is 422 `idempotency_key_reused` (orders, POs, WhatsApp messages);
//! a page form over its size limit is 413 with a message; a body that arrives too slowly is
//! answered 408 when the body timeout runs out instead of holding the connection.

use std::time::{Duration, Instant};

use domain::Portal;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tests::TestApp;
use tests::api_client::Api;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_json_body_without_the_json_content_type_is_415_and_writes_nothing() {
    let api = Api::spawn().await;
    let before = api.snapshot().await;
    let body = json!({"items": [{"product_id": api.world.ayam.0, "qty": 1}]}).to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut req = api
            .request(Some("mitra0001"), Method::POST, "/orders")
            .body(body.clone());
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let answer = Api::send(req).await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}: {}",
            answer.body
        );
        assert_eq!(answer.body["error"]["code"], "unsupported_media_type");
    }
    assert_eq!(api.snapshot().await, before, "nothing written");
}

#[tokio::test]
async fn an_idempotency_key_reused_with_another_body_is_refused() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    let send = |user: &'static str, path: &'static str, body: Value| {
        let api = &api;
        async move {
            Api::send(
                api.request(Some(user), Method::POST, path)
                    .header("Idempotency-Key", "kunci-1")
                    .json(&body),
            )
            .await
        }
    };
    for (user, path, first, other, created) in [
        (
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 1}], "note": "pagi"}),
            json!({"items": [{"product_id": ayam, "qty": 2}], "note": "pagi"}),
            StatusCode::CREATED,
        ),
        (
            "stokis001",
            "/purchase-orders",
            json!({"items": [{"product_id": ayam, "qty": 1}]}),
            json!({"items": [{"product_id": ayam, "qty": 3}]}),
            StatusCode::CREATED,
        ),
        (
            "finance",
            "/whatsapp/messages",
            json!({"phone": "0812-3456-7001", "text": "Stok ayam datang besok."}),
            json!({"phone": "0812-3456-7001", "text": "Transfer ke rekening lain."}),
            StatusCode::ACCEPTED,
        ),
    ] {
        let answer = send(user, path, first.clone()).await;
        assert_eq!(answer.status, created, "{path}: {}", answer.body);
        let id = answer.body["id"].clone();
        // The same request again: the same record.
        let again = send(user, path, first).await;
        assert!(again.status.is_success(), "{path}: {}", again.body);
        assert_eq!(again.body["id"], id, "{path}");
        let snapshot = api.snapshot().await;
        let reused = send(user, path, other).await;
        assert_eq!(
            reused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            reused.body
        );
        assert_eq!(
            reused.body["error"]["code"], "idempotency_key_reused",
            "{path}"
        );
        assert_eq!(api.snapshot().await, snapshot, "{path}: nothing written");
    }
    // Keys are per user: another mitra may use the same text.
    let other = send(
        "mitra0002",
        "/orders",
        json!({"items": [{"product_id": ayam, "qty": 5}]}),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
}

#[tokio::test]
async fn a_form_over_the_size_limit_is_413_with_a_message() {
    let (app, _) = TestApp::with_world().await;
    let client = app.login(Portal::Mitra, "mitra0001").await;
    let csrf = app.csrf("mitra0001").await;
    let res = client
        .post(app.url(Portal::Mitra, "/orders/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("note", &"x".repeat(70 * 1024)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Isi permintaan terlalu besar (maksimal 64 KB)."),
        "{html}"
    );
    assert_eq!(app.count("SELECT count(*) FROM orders").await, 0);
}

#[tokio::test]
async fn a_body_that_arrives_too_slowly_is_answered_408_when_the_timeout_runs_out() {
    let app = TestApp::spawn_with(|c| c.body_read_timeout_secs = 1).await;
    tests::fixtures::World::build(&app.db.pool).await;
    let token = app.bearer(Portal::Mitra, "mitra0001").await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port()))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/orders HTTP/1.1\r\nHost: mitra.localhost:{}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: 1000\r\n\r\n{{\"items\": [",
        app.port()
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    // The rest of the body never comes.
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered before the client gave up")
        .unwrap();
    let elapsed = started.elapsed();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    assert_eq!(app.count("SELECT count(*) FROM orders").await, 0);
}
