//! The whole business flow through the JSON API: a mitra's order to delivery, a stokis's PO to
//! approval, shipping, its invoice and payment in two parts; the Idempotency-Key; the list
//! shape; the price each role sees.

use chrono::{Duration, NaiveDate};
use domain::Portal;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::fixtures;

use tests::api_client::Api;

fn statuses(history: &Value) -> Vec<&str> {
    history
        .as_array()
        .expect("history is a list")
        .iter()
        .map(|h| h["to_status"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_mitra_order_goes_from_placing_to_delivery() {
    let api = Api::spawn().await;
    let w = api.world.clone();
    let (ayam, ayam_price, _) = w.ayam;
    let (kentang, kentang_price, _) = w.kentang;

    let products = api
        .get("mitra0001", "/products")
        .await
        .expect(StatusCode::OK);
    let listed_ayam = products["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == ayam)
        .expect("ayam is on the price list");
    assert_eq!(listed_ayam["price"], ayam_price);

    let jobs_before = fixtures::count(&api.app.db.pool, "apalis.jobs").await;
    let created = api
        .post(
            "mitra0001",
            "/orders",
            json!({"items": [{"product_id": ayam, "qty": 2}, {"product_id": kentang, "qty": 1}], "note": "antar pagi"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["mitra_id"], w.mitra_a);
    assert_eq!(created["stokis_id"], w.stokis_a);
    assert_eq!(created["total"], 2 * ayam_price + kentang_price);
    assert_eq!(created["note"], "antar pagi");
    assert!(
        created["number"]
            .as_str()
            .unwrap()
            .starts_with("ORD-261128-")
    );
    assert!(created["created_at"].is_string());
    let items = created["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let line = items.iter().find(|i| i["product_id"] == ayam).unwrap();
    assert_eq!(line["qty"], 2);
    assert_eq!(line["unit_price"], ayam_price);
    assert_eq!(line["subtotal"], 2 * ayam_price);
    assert!(
        fixtures::count(&api.app.db.pool, "apalis.jobs").await > jobs_before,
        "placing the order enqueues its notification"
    );

    // The stokis sees it in its list, with its lines.
    let incoming = api
        .get("stokis001", "/orders?status=PENDING")
        .await
        .expect(StatusCode::OK);
    assert_eq!(incoming["total"], 1);
    assert_eq!(incoming["items"][0]["id"], id);
    assert_eq!(incoming["items"][0]["items"].as_array().unwrap().len(), 2);

    let stock_before = fixtures::stokis_stock(&api.app.db.pool, w.stokis_a, ayam).await;
    let confirmed = api
        .post_empty("stokis001", &format!("/orders/{id}/confirm"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(confirmed["status"], "CONFIRMED");
    let shipped = api
        .post_empty("stokis001", &format!("/orders/{id}/ship"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(shipped["status"], "SHIPPED");
    assert_eq!(
        fixtures::stokis_stock(&api.app.db.pool, w.stokis_a, ayam).await,
        stock_before - 2
    );
    let delivered = api
        .post_empty("mitra0001", &format!("/orders/{id}/receive"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(delivered["status"], "DELIVERED");

    let detail = api
        .get("mitra0001", &format!("/orders/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        statuses(&detail["history"]),
        vec!["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED"]
    );
    assert_eq!(detail["history"][1]["actor_name"], "User stokis001");
}

#[tokio::test]
async fn a_stokis_po_is_approved_shipped_invoiced_and_paid_in_two_parts() {
    let api = Api::spawn().await;
    let w = api.world.clone();
    let (ayam, _, ayam_price) = w.ayam;
    let (saus, _, saus_price) = w.saus;
    let pool = &api.app.db.pool;

    let po = api
        .post(
            "stokis001",
            "/purchase-orders",
            json!({"items": [{"product_id": ayam, "qty": 10}, {"product_id": saus, "qty": 4}], "note": "stok akhir bulan"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = po["id"].as_i64().unwrap();
    let total = 10 * ayam_price + 4 * saus_price;
    assert_eq!(po["status"], "SUBMITTED");
    assert_eq!(po["stokis_id"], w.stokis_a);
    assert_eq!(po["total"], total);
    assert!(po["number"].as_str().unwrap().starts_with("PO-261128-"));
    assert_eq!(po["items"].as_array().unwrap().len(), 2);

    let queue = api
        .get("finance", "/purchase-orders?status=SUBMITTED")
        .await
        .expect(StatusCode::OK);
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["stokis_name"], "Stokis Sumber Rejeki");

    let approved = api
        .post_empty("finance", &format!("/purchase-orders/{id}/approve"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(approved["status"], "APPROVED");
    assert!(approved["approved_at"].is_string());

    let warehouse_before = fixtures::warehouse_stock(pool, ayam).await;
    let shipped = api
        .post_empty("gudang", &format!("/purchase-orders/{id}/ship"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(shipped["status"], "SHIPPED");
    assert_eq!(
        fixtures::warehouse_stock(pool, ayam).await,
        warehouse_before - 10
    );

    // The invoice appears for the stokis (and not for the other one).
    let invoices = api
        .get("stokis001", "/invoices")
        .await
        .expect(StatusCode::OK);
    assert_eq!(invoices["total"], 1);
    let invoice = &invoices["items"][0];
    let invoice_id = invoice["id"].as_i64().unwrap();
    assert_eq!(invoice["purchase_order_id"], id);
    assert_eq!(invoice["stokis_id"], w.stokis_a);
    assert_eq!(invoice["total"], total);
    assert_eq!(invoice["paid"], 0);
    assert_eq!(invoice["balance"], total);
    assert_eq!(invoice["status"], "UNPAID");
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    assert_eq!(
        invoice["due_date"],
        (today + Duration::days(14)).to_string(),
        "due after the stokis's 14 payment days"
    );
    assert!(
        invoice["number"]
            .as_str()
            .unwrap()
            .starts_with("INV/2026/11/")
    );
    let other = api
        .get("stokis002", "/invoices")
        .await
        .expect(StatusCode::OK);
    assert_eq!(other["total"], 0);

    // Finance pays in two parts.
    let first = total / 3;
    let after_first = api
        .post(
            "finance",
            &format!("/invoices/{invoice_id}/payments"),
            json!({"amount": first, "paid_on": "2026-11-28", "method": "TRANSFER", "reference": "BCA 001"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(after_first["paid"], first);
    assert_eq!(after_first["balance"], total - first);
    assert_eq!(after_first["status"], "UNPAID");
    assert_eq!(after_first["payments"].as_array().unwrap().len(), 1);

    let paid = api
        .post(
            "finance",
            &format!("/invoices/{invoice_id}/payments"),
            json!({"amount": total - first, "method": "CASH"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(paid["status"], "PAID");
    assert_eq!(paid["balance"], 0);
    assert!(paid["paid_at"].is_string());
    let payments = paid["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 2);
    assert_eq!(
        payments[1]["paid_on"], "2026-11-28",
        "paid_on defaults to today"
    );
    assert_eq!(payments[1]["method"], "CASH");

    // The stokis sees it PAID, and receives the goods.
    let seen = api
        .get("stokis001", &format!("/invoices/{invoice_id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(seen["status"], "PAID");
    assert_eq!(seen["payments"].as_array().unwrap().len(), 2);
    let stock_before = fixtures::stokis_stock(pool, w.stokis_a, ayam).await;
    let received = api
        .post_empty("stokis001", &format!("/purchase-orders/{id}/receive"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(received["status"], "RECEIVED");
    assert_eq!(
        fixtures::stokis_stock(pool, w.stokis_a, ayam).await,
        stock_before + 10
    );
    assert_eq!(
        statuses(&received["history"]),
        vec!["SUBMITTED", "APPROVED", "SHIPPED", "RECEIVED"]
    );
}

#[tokio::test]
async fn an_idempotency_key_returns_the_first_record_and_never_creates_a_second() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    let pool = &api.app.db.pool;
    let order = json!({"items": [{"product_id": ayam, "qty": 1}]});

    let send = |user: &'static str, path: &'static str, key: &'static str| {
        let body = order.clone();
        let api = &api;
        async move {
            Api::send(
                api.request(Some(user), reqwest::Method::POST, path)
                    .header("Idempotency-Key", key)
                    .json(&body),
            )
            .await
        }
    };

    let first = send("mitra0001", "/orders", "key-1")
        .await
        .expect(StatusCode::CREATED);
    let again = send("mitra0001", "/orders", "key-1")
        .await
        .expect(StatusCode::OK);
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["number"], again["number"]);
    assert_eq!(fixtures::count(pool, "orders").await, 1);
    assert_eq!(fixtures::count(pool, "order_items").await, 1);

    // Another key is another order; the same key of another user is that user's own.
    send("mitra0001", "/orders", "key-2")
        .await
        .expect(StatusCode::CREATED);
    let other_user = send("mitra0002", "/orders", "key-1")
        .await
        .expect(StatusCode::CREATED);
    assert_ne!(other_user["id"], first["id"]);
    assert_eq!(fixtures::count(pool, "orders").await, 3);

    // Purchase orders too.
    let po = send("stokis001", "/purchase-orders", "po-1")
        .await
        .expect(StatusCode::CREATED);
    let po_again = send("stokis001", "/purchase-orders", "po-1")
        .await
        .expect(StatusCode::OK);
    assert_eq!(po["id"], po_again["id"]);
    assert_eq!(fixtures::count(pool, "purchase_orders").await, 1);

    // Concurrent retries with one key still make one record.
    let racers = (0..5).map(|_| send("mitra0002", "/orders", "race"));
    let answers = futures::future::join_all(racers).await;
    let ids: std::collections::BTreeSet<i64> = answers
        .into_iter()
        .map(|a| {
            assert!(
                a.status == StatusCode::CREATED || a.status == StatusCode::OK,
                "{a:?}"
            );
            a.body["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(fixtures::count(pool, "orders").await, 4);
}

#[tokio::test]
async fn lists_are_paginated_newest_first() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(api.place_order("mitra0001", &[(ayam, 1)]).await);
        api.app.clock.advance(Duration::minutes(1));
    }
    let page1 = api
        .get("mitra0001", "/orders?per_page=2")
        .await
        .expect(StatusCode::OK);
    assert_eq!(page1["page"], 1);
    assert_eq!(page1["per_page"], 2);
    assert_eq!(page1["total"], 3);
    let got: Vec<i64> = page1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    let page2 = api
        .get("mitra0001", "/orders?per_page=2&page=2")
        .await
        .expect(StatusCode::OK);
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["items"][0]["id"], ids[0]);
    assert_eq!(page2["page"], 2);
    let defaults = api.get("mitra0001", "/orders").await.expect(StatusCode::OK);
    assert_eq!(defaults["page"], 1);
    assert_eq!(defaults["per_page"], 20);
    // Another mitra's list is its own.
    let other = api.get("mitra0002", "/orders").await.expect(StatusCode::OK);
    assert_eq!(other["total"], 0);
}

#[tokio::test]
async fn each_role_sees_the_price_it_pays() {
    let api = Api::spawn().await;
    let w = api.world.clone();
    let find = |list: &Value, id: i64| -> Option<Value> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .cloned()
    };

    let mitra = api
        .get("mitra0001", "/products")
        .await
        .expect(StatusCode::OK);
    let ayam = find(&mitra, w.ayam.0).unwrap();
    assert_eq!(ayam["price"], w.ayam.1);
    assert!(ayam.get("price_to_stokis").is_none(), "{ayam}");
    assert!(
        find(&mitra, w.inactive).is_none(),
        "buyers never see discontinued products"
    );
    assert_eq!(mitra["total"], 3);

    let stokis = api
        .get("stokis001", "/products")
        .await
        .expect(StatusCode::OK);
    let ayam = find(&stokis, w.ayam.0).unwrap();
    assert_eq!(ayam["price"], w.ayam.2);
    assert_eq!(ayam["price_to_mitra"], w.ayam.1);
    assert!(ayam.get("price_to_stokis").is_none(), "{ayam}");

    for staff in ["finance", "gudang", "pusat"] {
        let list = api.get(staff, "/products").await.expect(StatusCode::OK);
        let ayam = find(&list, w.ayam.0).unwrap();
        assert_eq!(ayam["price"], w.ayam.2);
        assert_eq!(ayam["price_to_mitra"], w.ayam.1);
        assert_eq!(ayam["price_to_stokis"], w.ayam.2);
        assert_eq!(find(&list, w.inactive).unwrap()["active"], false);
        assert_eq!(list["total"], 4);
    }

    let searched = api
        .get("mitra0001", "/products?search=kentang")
        .await
        .expect(StatusCode::OK);
    assert_eq!(searched["total"], 1);
    assert_eq!(searched["items"][0]["id"], w.kentang.0);
}

#[tokio::test]
async fn a_portal_browser_session_uses_the_api_with_its_csrf_token() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    let app = &api.app;
    let browser = app.login(Portal::Mitra, "mitra0001").await;
    let list = browser
        .get(app.url(Portal::Mitra, "/api/v1/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    let order = json!({"items": [{"product_id": ayam, "qty": 1}]});
    let without = browser
        .post(app.url(Portal::Mitra, "/api/v1/orders"))
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(
        without.status(),
        StatusCode::FORBIDDEN,
        "a cookie session needs its CSRF token"
    );
    assert_eq!(fixtures::count(&app.db.pool, "orders").await, 0);
    let with = browser
        .post(app.url(Portal::Mitra, "/api/v1/orders"))
        .header("X-CSRF-Token", app.csrf("mitra0001").await)
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), StatusCode::CREATED);
    assert_eq!(fixtures::count(&app.db.pool, "orders").await, 1);
}

#[tokio::test]
async fn approval_over_the_credit_limit_needs_a_recorded_override_reason() {
    let api = Api::spawn().await;
    let (ayam, _, _) = api.world.ayam;
    sqlx::query("UPDATE stokis SET credit_limit = 1000 WHERE id = $1")
        .bind(api.world.stokis_a)
        .execute(&api.app.db.pool)
        .await
        .unwrap();
    let po = api.submit_po("stokis001", &[(ayam, 1)]).await;
    let approve = format!("/purchase-orders/{po}/approve");

    let before = api.snapshot().await;
    let blocked = api
        .post_empty("finance", &approve)
        .await
        .expect(StatusCode::CONFLICT);
    assert_eq!(blocked["error"]["code"], "credit_blocked");
    assert!(
        blocked["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{blocked}"
    );
    assert_eq!(
        api.snapshot().await,
        before,
        "a blocked approval writes nothing"
    );

    let approved = api
        .post(
            "finance",
            &approve,
            json!({"override_reason": "pelanggan lama, bayar minggu depan"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(
        approved["credit_override_reason"],
        "pelanggan lama, bayar minggu depan"
    );
    let history = approved["history"].as_array().unwrap();
    assert!(
        history[1]["note"]
            .as_str()
            .unwrap()
            .contains("pelanggan lama"),
        "{approved}"
    );
}
