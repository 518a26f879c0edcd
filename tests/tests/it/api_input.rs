//! Bad input through the JSON API: every case is answered with the error body (422, the field
//! named in `fields`), never a 500, and nothing is written.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::api_client::{Answer, Api};

/// Asserts a 422 naming `field` and that the database did not change.
async fn rejected(
    api: &Api,
    answer: impl std::future::Future<Output = Answer>,
    field: &str,
    before: &Value,
) {
    let answer = answer.await;
    let body = answer.expect_field(field);
    assert!(
        !body["error"]["fields"][field].as_str().unwrap().is_empty(),
        "{body}"
    );
    assert_eq!(
        &api.snapshot().await,
        before,
        "a rejected request wrote something: {body}"
    );
}

#[tokio::test]
async fn bad_orders_are_refused_on_the_field_and_write_nothing() {
    let api = Api::spawn().await;
    let w = api.world.clone();
    let (ayam, _, _) = w.ayam;
    let before = api.snapshot().await;
    let line = |qty: Value| json!({"items": [{"product_id": ayam, "qty": qty}]});

    rejected(
        &api,
        api.post_raw(
            "mitra0001",
            "/orders",
            r#"{"items": [{"product_id": 1, "qty": 2}"#,
        ),
        "body",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post_raw("mitra0001", "/orders", "items=1&qty=2"),
        "body",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post_raw("mitra0001", "/orders", r#"{"items": []} trailing"#),
        "body",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", line(json!("abc"))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", line(json!(1.5))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", line(json!(0))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", line(json!(-3))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", line(json!(100_001))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", line(json!(null))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam}]}),
        ),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", json!({"note": "tanpa barang"})),
        "items",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post_empty("mitra0001", "/orders"),
        "items",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", json!({"items": []})),
        "items",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", json!({"items": "ayam"})),
        "items",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("mitra0001", "/orders", json!([1, 2])),
        "body",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": 999_999, "qty": 1}]}),
        ),
        "items[0].product_id",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": w.inactive, "qty": 1}]}),
        ),
        "items[0].product_id",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 1}, {"product_id": ayam, "qty": 2}]}),
        ),
        "items[1].product_id",
        &before,
    )
    .await;
    let many: Vec<Value> = (0..10_000)
        .map(|i| json!({"product_id": i + 1, "qty": 1}))
        .collect();
    rejected(
        &api,
        api.post("mitra0001", "/orders", json!({"items": many})),
        "items",
        &before,
    )
    .await;
    let long_note = "x".repeat(1001);
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 1}], "note": long_note}),
        ),
        "note",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 1}], "note": "a\u{0007}b"}),
        ),
        "note",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 1}], "note": 5}),
        ),
        "note",
        &before,
    )
    .await;
    // A body far beyond any real order is refused unread.
    let huge = format!(
        r#"{{"items": [], "note": "{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    rejected(
        &api,
        api.post_raw("mitra0001", "/orders", &huge),
        "body",
        &before,
    )
    .await;
    // An Idempotency-Key that cannot be stored.
    rejected(
        &api,
        Api::send(
            api.request(Some("mitra0001"), Method::POST, "/orders")
                .header("Idempotency-Key", "k".repeat(201))
                .json(&line(json!(1))),
        ),
        "Idempotency-Key",
        &before,
    )
    .await;
    // The same checks guard purchase orders.
    rejected(
        &api,
        api.post("stokis001", "/purchase-orders", line(json!("dua"))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("stokis001", "/purchase-orders", line(json!(-1))),
        "items[0].qty",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "stokis001",
            "/purchase-orders",
            json!({"items": [{"product_id": w.inactive, "qty": 1}]}),
        ),
        "items[0].product_id",
        &before,
    )
    .await;

    // Names and notes with markup are kept as text (JSON is data; pages escape it).
    let script = "<script>alert(1)</script>";
    let order = api
        .post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 1}], "note": script}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(order["note"], script);
}

#[tokio::test]
async fn bad_transitions_and_payments_are_refused_on_the_field() {
    let api = Api::spawn().await;
    let (ayam, _, price) = api.world.ayam;
    let order = api.place_order("mitra0001", &[(ayam, 1)]).await;
    let po = api.submit_po("stokis001", &[(ayam, 2)]).await;
    let reject_order = format!("/orders/{order}/reject");
    let reject_po = format!("/purchase-orders/{po}/reject");
    let before = api.snapshot().await;

    rejected(
        &api,
        api.post_empty("stokis001", &reject_order),
        "reason",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("stokis001", &reject_order, json!({"reason": "   "})),
        "reason",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "stokis001",
            &reject_order,
            json!({"reason": "x".repeat(1001)}),
        ),
        "reason",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &reject_po, json!({"reason": 42})),
        "reason",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &reject_po, json!({})),
        "reason",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "finance",
            &format!("/purchase-orders/{po}/approve"),
            json!({"override_reason": ["a"]}),
        ),
        "override_reason",
        &before,
    )
    .await;

    api.post_empty("finance", &format!("/purchase-orders/{po}/approve"))
        .await
        .expect(StatusCode::OK);
    api.post_empty("gudang", &format!("/purchase-orders/{po}/ship"))
        .await
        .expect(StatusCode::OK);
    let invoices = api.get("finance", "/invoices").await.expect(StatusCode::OK);
    let invoice = invoices["items"][0]["id"].as_i64().unwrap();
    let pay = format!("/invoices/{invoice}/payments");
    let total = 2 * price;
    let before = api.snapshot().await;

    rejected(
        &api,
        api.post(
            "finance",
            &pay,
            json!({"amount": total + 1, "method": "TRANSFER"}),
        ),
        "amount",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &pay, json!({"amount": 0, "method": "TRANSFER"})),
        "amount",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &pay, json!({"amount": -5, "method": "TRANSFER"})),
        "amount",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "finance",
            &pay,
            json!({"amount": "100", "method": "TRANSFER"}),
        ),
        "amount",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &pay, json!({"method": "TRANSFER"})),
        "amount",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &pay, json!({"amount": 100, "method": "BITCOIN"})),
        "method",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post("finance", &pay, json!({"amount": 100})),
        "method",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "finance",
            &pay,
            json!({"amount": 100, "method": "CASH", "paid_on": "28/11/2026"}),
        ),
        "paid_on",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "finance",
            &pay,
            json!({"amount": 100, "method": "CASH", "paid_on": "2026-12-01"}),
        ),
        "paid_on",
        &before,
    )
    .await;
    rejected(
        &api,
        api.post(
            "finance",
            &pay,
            json!({"amount": 100, "method": "CASH", "reference": "r".repeat(201)}),
        ),
        "reference",
        &before,
    )
    .await;
    // The full balance is fine, and then nothing more can be paid.
    api.post("finance", &pay, json!({"amount": total, "method": "GIRO"}))
        .await
        .expect(StatusCode::CREATED);
    let before = api.snapshot().await;
    let answer = api
        .post("finance", &pay, json!({"amount": 1, "method": "CASH"}))
        .await;
    let body = answer.expect(StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "invalid_transition");
    assert_eq!(api.snapshot().await, before);
}

#[tokio::test]
async fn bad_list_parameters_are_refused_on_the_parameter() {
    let api = Api::spawn().await;
    for (user, path, field) in [
        ("mitra0001", "/orders?per_page=0", "per_page"),
        ("mitra0001", "/orders?per_page=101", "per_page"),
        ("mitra0001", "/orders?per_page=abc", "per_page"),
        ("mitra0001", "/orders?page=0", "page"),
        ("mitra0001", "/orders?page=-1", "page"),
        ("mitra0001", "/orders?page=1.5", "page"),
        ("mitra0001", "/orders?status=BOGUS", "status"),
        ("mitra0001", "/orders?stokis_id=x", "stokis_id"),
        ("stokis001", "/purchase-orders?status=PENDING", "status"),
        ("stokis001", "/purchase-orders?per_page=1000", "per_page"),
        ("finance", "/invoices?due_from=yesterday", "due_from"),
        ("finance", "/invoices?due_to=2026-02-30", "due_to"),
        ("finance", "/invoices?status=LUNAS", "status"),
        ("pusat", "/products?per_page=-5", "per_page"),
    ] {
        api.get(user, path).await.expect_field(field);
    }
    // Every bad parameter is named at once.
    let body = api
        .get("mitra0001", "/orders?page=0&per_page=0&status=x")
        .await
        .expect_field("page");
    let fields = body["error"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("per_page") && fields.contains_key("status"),
        "{body}"
    );
    // Lower-case statuses and empty values are fine.
    api.get("mitra0001", "/orders?status=pending&search=")
        .await
        .expect(StatusCode::OK);
    api.get("mitra0001", "/orders?per_page=100&page=3")
        .await
        .expect(StatusCode::OK);
}
