//! Authorization through the JSON API, for every role: another mitra's or stokis's records are
//! "not found" (404), a transition or action the role never takes is "forbidden" (403), no
//! credentials is 401 — and after every refusal, nothing in the database has changed.

use domain::Portal;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::api_client::Api;

/// The records the checks aim at: stokis001's mitra order, PO and invoice, and a submitted PO.
struct Scene {
    order: i64,
    /// Approved and shipped, so it has an invoice.
    shipped_po: i64,
    /// Still submitted.
    submitted_po: i64,
    /// An approved, not yet shipped PO.
    approved_po: i64,
    invoice: i64,
}

async fn scene(api: &Api) -> Scene {
    let (ayam, _, _) = api.world.ayam;
    let order = api.place_order("mitra0001", &[(ayam, 1)]).await;
    let shipped_po = api.submit_po("stokis001", &[(ayam, 2)]).await;
    api.post_empty("finance", &format!("/purchase-orders/{shipped_po}/approve"))
        .await
        .expect(StatusCode::OK);
    api.post_empty("gudang", &format!("/purchase-orders/{shipped_po}/ship"))
        .await
        .expect(StatusCode::OK);
    let approved_po = api.submit_po("stokis001", &[(ayam, 1)]).await;
    api.post_empty(
        "finance",
        &format!("/purchase-orders/{approved_po}/approve"),
    )
    .await
    .expect(StatusCode::OK);
    let submitted_po = api.submit_po("stokis001", &[(ayam, 3)]).await;
    let invoices = api.get("finance", "/invoices").await.expect(StatusCode::OK);
    let invoice = invoices["items"][0]["id"].as_i64().unwrap();
    Scene {
        order,
        shipped_po,
        submitted_po,
        approved_po,
        invoice,
    }
}

/// Sends a call and asserts its refusal status and that the database did not change.
async fn refused(
    api: &Api,
    user: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    status: StatusCode,
) {
    let before = api.snapshot().await;
    let mut req = api.request(user, method.clone(), path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let answer = Api::send(req).await;
    assert_eq!(
        answer.status, status,
        "{user:?} {method} {path}: expected {status}, got {} {}",
        answer.status, answer.body
    );
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::CONFLICT => answer.body["error"]["code"].as_str().unwrap_or("?"),
        _ => "?",
    };
    assert_eq!(
        answer.body["error"]["code"], code,
        "{user:?} {method} {path}: {}",
        answer.body
    );
    assert_eq!(
        api.snapshot().await,
        before,
        "{user:?} {method} {path} changed the database"
    );
}

fn reason() -> Option<Value> {
    Some(json!({"reason": "tidak boleh"}))
}

fn payment() -> Option<Value> {
    Some(json!({"amount": 1000, "method": "TRANSFER"}))
}

fn new_lines(api: &Api) -> Option<Value> {
    Some(json!({"items": [{"product_id": api.world.ayam.0, "qty": 1}]}))
}

#[tokio::test]
async fn another_mitras_or_stokiss_records_are_not_found() {
    let api = Api::spawn().await;
    let s = scene(&api).await;
    let nf = StatusCode::NOT_FOUND;
    let o = s.order;

    // mitra0002 is served by stokis002: stokis001's mitra order is not theirs.
    for path in [format!("/orders/{o}")] {
        refused(&api, Some("mitra0002"), Method::GET, &path, None, nf).await;
    }
    for action in ["cancel", "receive"] {
        refused(
            &api,
            Some("mitra0002"),
            Method::POST,
            &format!("/orders/{o}/{action}"),
            None,
            nf,
        )
        .await;
    }
    // stokis002 cannot see or move stokis001's order, PO or invoice.
    refused(
        &api,
        Some("stokis002"),
        Method::GET,
        &format!("/orders/{o}"),
        None,
        nf,
    )
    .await;
    for action in ["confirm", "ship"] {
        refused(
            &api,
            Some("stokis002"),
            Method::POST,
            &format!("/orders/{o}/{action}"),
            None,
            nf,
        )
        .await;
    }
    refused(
        &api,
        Some("stokis002"),
        Method::POST,
        &format!("/orders/{o}/reject"),
        reason(),
        nf,
    )
    .await;
    for po in [s.shipped_po, s.submitted_po, s.approved_po] {
        refused(
            &api,
            Some("stokis002"),
            Method::GET,
            &format!("/purchase-orders/{po}"),
            None,
            nf,
        )
        .await;
    }
    refused(
        &api,
        Some("stokis002"),
        Method::POST,
        &format!("/purchase-orders/{}/cancel", s.submitted_po),
        None,
        nf,
    )
    .await;
    refused(
        &api,
        Some("stokis002"),
        Method::POST,
        &format!("/purchase-orders/{}/receive", s.shipped_po),
        None,
        nf,
    )
    .await;
    refused(
        &api,
        Some("stokis002"),
        Method::GET,
        &format!("/invoices/{}", s.invoice),
        None,
        nf,
    )
    .await;

    // Lists never show them either.
    for (user, path) in [
        ("mitra0002", "/orders"),
        ("stokis002", "/orders"),
        ("stokis002", "/purchase-orders"),
        ("stokis002", "/invoices"),
    ] {
        let list = api.get(user, path).await.expect(StatusCode::OK);
        assert_eq!(list["total"], 0, "{user} {path}: {list}");
    }
    // A record that does not exist, or an id that cannot be one, is the same 404.
    refused(
        &api,
        Some("finance"),
        Method::GET,
        "/orders/999999",
        None,
        nf,
    )
    .await;
    refused(&api, Some("finance"), Method::GET, "/orders/abc", None, nf).await;
    refused(
        &api,
        Some("finance"),
        Method::POST,
        "/purchase-orders/0/approve",
        None,
        nf,
    )
    .await;
}

#[tokio::test]
async fn order_transitions_only_for_the_role_that_makes_them() {
    let api = Api::spawn().await;
    let s = scene(&api).await;
    let fb = StatusCode::FORBIDDEN;
    let o = s.order;
    let post = |action: &str| format!("/orders/{o}/{action}");

    // Only a mitra places orders.
    for user in ["stokis001", "finance", "gudang", "pusat"] {
        refused(
            &api,
            Some(user),
            Method::POST,
            "/orders",
            new_lines(&api),
            fb,
        )
        .await;
    }
    // The mitra neither confirms, rejects nor ships its own order.
    refused(
        &api,
        Some("mitra0001"),
        Method::POST,
        &post("confirm"),
        None,
        fb,
    )
    .await;
    refused(
        &api,
        Some("mitra0001"),
        Method::POST,
        &post("reject"),
        reason(),
        fb,
    )
    .await;
    refused(
        &api,
        Some("mitra0001"),
        Method::POST,
        &post("ship"),
        None,
        fb,
    )
    .await;
    // The stokis neither cancels nor receives it.
    refused(
        &api,
        Some("stokis001"),
        Method::POST,
        &post("cancel"),
        None,
        fb,
    )
    .await;
    refused(
        &api,
        Some("stokis001"),
        Method::POST,
        &post("receive"),
        None,
        fb,
    )
    .await;
    // Head-office staff see orders but do not move them.
    for user in ["finance", "gudang", "pusat"] {
        for action in ["confirm", "ship", "cancel", "receive"] {
            refused(&api, Some(user), Method::POST, &post(action), None, fb).await;
        }
        api.get(user, &format!("/orders/{o}"))
            .await
            .expect(StatusCode::OK);
    }
    // The right role at the wrong time: a conflict, and nothing changes.
    refused(
        &api,
        Some("stokis001"),
        Method::POST,
        &post("ship"),
        None,
        StatusCode::CONFLICT,
    )
    .await;
    refused(
        &api,
        Some("mitra0001"),
        Method::POST,
        &post("receive"),
        None,
        StatusCode::CONFLICT,
    )
    .await;
    // …and the right role at the right time works.
    api.post_empty("stokis001", &post("confirm"))
        .await
        .expect(StatusCode::OK);
}

#[tokio::test]
async fn approvals_only_finance_shipping_only_gudang_receiving_only_the_stokis() {
    let api = Api::spawn().await;
    let s = scene(&api).await;
    let fb = StatusCode::FORBIDDEN;
    let sub = s.submitted_po;
    let app = s.approved_po;
    let shp = s.shipped_po;

    // Only a stokis submits POs.
    for user in ["mitra0001", "finance", "gudang", "pusat"] {
        refused(
            &api,
            Some(user),
            Method::POST,
            "/purchase-orders",
            new_lines(&api),
            fb,
        )
        .await;
    }
    // Approvals and rejections: only finance.
    for user in ["stokis001", "gudang", "pusat", "mitra0001"] {
        refused(
            &api,
            Some(user),
            Method::POST,
            &format!("/purchase-orders/{sub}/approve"),
            None,
            fb,
        )
        .await;
        refused(
            &api,
            Some(user),
            Method::POST,
            &format!("/purchase-orders/{sub}/reject"),
            reason(),
            fb,
        )
        .await;
    }
    // Shipping: only gudang.
    for user in ["stokis001", "finance", "pusat", "mitra0001"] {
        refused(
            &api,
            Some(user),
            Method::POST,
            &format!("/purchase-orders/{app}/ship"),
            None,
            fb,
        )
        .await;
    }
    // Receiving and cancelling: only the stokis.
    for user in ["finance", "gudang", "pusat", "mitra0001"] {
        refused(
            &api,
            Some(user),
            Method::POST,
            &format!("/purchase-orders/{shp}/receive"),
            None,
            fb,
        )
        .await;
        refused(
            &api,
            Some(user),
            Method::POST,
            &format!("/purchase-orders/{sub}/cancel"),
            None,
            fb,
        )
        .await;
    }
    // Mitra have no purchase orders at all.
    refused(
        &api,
        Some("mitra0001"),
        Method::GET,
        "/purchase-orders",
        None,
        fb,
    )
    .await;
    refused(
        &api,
        Some("mitra0001"),
        Method::GET,
        &format!("/purchase-orders/{sub}"),
        None,
        fb,
    )
    .await;
    // Wrong state for the right role.
    refused(
        &api,
        Some("gudang"),
        Method::POST,
        &format!("/purchase-orders/{sub}/ship"),
        None,
        StatusCode::CONFLICT,
    )
    .await;
    refused(
        &api,
        Some("finance"),
        Method::POST,
        &format!("/purchase-orders/{app}/approve"),
        None,
        StatusCode::CONFLICT,
    )
    .await;
    refused(
        &api,
        Some("stokis001"),
        Method::POST,
        &format!("/purchase-orders/{app}/cancel"),
        None,
        StatusCode::CONFLICT,
    )
    .await;
    // The right roles succeed.
    api.post(
        "finance",
        &format!("/purchase-orders/{sub}/reject"),
        json!({"reason": "stok cukup"}),
    )
    .await
    .expect(StatusCode::OK);
    api.post_empty("gudang", &format!("/purchase-orders/{app}/ship"))
        .await
        .expect(StatusCode::OK);
    api.post_empty("stokis001", &format!("/purchase-orders/{shp}/receive"))
        .await
        .expect(StatusCode::OK);
}

#[tokio::test]
async fn payments_only_finance_and_invoices_only_for_who_is_billed_or_bills() {
    let api = Api::spawn().await;
    let s = scene(&api).await;
    let fb = StatusCode::FORBIDDEN;
    let inv = s.invoice;

    for user in ["stokis001", "stokis002", "gudang", "pusat", "mitra0001"] {
        refused(
            &api,
            Some(user),
            Method::POST,
            &format!("/invoices/{inv}/payments"),
            payment(),
            fb,
        )
        .await;
    }
    for user in ["mitra0001", "gudang"] {
        refused(&api, Some(user), Method::GET, "/invoices", None, fb).await;
        refused(
            &api,
            Some(user),
            Method::GET,
            &format!("/invoices/{inv}"),
            None,
            fb,
        )
        .await;
    }
    for user in ["stokis001", "finance", "pusat"] {
        api.get(user, &format!("/invoices/{inv}"))
            .await
            .expect(StatusCode::OK);
    }
    api.post(
        "finance",
        &format!("/invoices/{inv}/payments"),
        payment().unwrap(),
    )
    .await
    .expect(StatusCode::CREATED);
}

#[tokio::test]
async fn without_credentials_every_route_is_401_and_writes_nothing() {
    let api = Api::spawn().await;
    let s = scene(&api).await;
    let un = StatusCode::UNAUTHORIZED;
    let o = s.order;
    let p = s.submitted_po;
    let i = s.invoice;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/products".into(), None),
        (Method::GET, "/orders".into(), None),
        (Method::POST, "/orders".into(), new_lines(&api)),
        (Method::GET, format!("/orders/{o}"), None),
        (Method::POST, format!("/orders/{o}/confirm"), None),
        (Method::POST, format!("/orders/{o}/reject"), reason()),
        (Method::POST, format!("/orders/{o}/ship"), None),
        (Method::POST, format!("/orders/{o}/receive"), None),
        (Method::POST, format!("/orders/{o}/cancel"), None),
        (Method::GET, "/purchase-orders".into(), None),
        (Method::POST, "/purchase-orders".into(), new_lines(&api)),
        (Method::GET, format!("/purchase-orders/{p}"), None),
        (Method::POST, format!("/purchase-orders/{p}/approve"), None),
        (
            Method::POST,
            format!("/purchase-orders/{p}/reject"),
            reason(),
        ),
        (Method::POST, format!("/purchase-orders/{p}/ship"), None),
        (Method::POST, format!("/purchase-orders/{p}/receive"), None),
        (Method::POST, format!("/purchase-orders/{p}/cancel"), None),
        (Method::GET, "/invoices".into(), None),
        (Method::GET, format!("/invoices/{i}"), None),
        (Method::POST, format!("/invoices/{i}/payments"), payment()),
    ];
    for (method, path, body) in calls {
        refused(&api, None, method, &path, body, un).await;
    }
    // A bad body without credentials is still 401, not 422: who you are is checked first.
    let before = api.snapshot().await;
    let answer = Api::send(
        api.request(None, Method::POST, "/orders")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(answer.status, un, "{}", answer.body);
    assert_eq!(api.snapshot().await, before);
}

#[tokio::test]
async fn a_token_works_only_on_its_own_portal() {
    let api = Api::spawn().await;
    let s = scene(&api).await;
    for (user, portal) in [
        ("mitra0001", Portal::Stokis),
        ("mitra0001", Portal::Admin),
        ("stokis001", Portal::Mitra),
        ("finance", Portal::Stokis),
    ] {
        let before = api.snapshot().await;
        let answer = Api::send(api.request_on(
            portal,
            user,
            Method::POST,
            &format!("/orders/{}/confirm", s.order),
        ))
        .await;
        assert!(
            answer.status == StatusCode::FORBIDDEN || answer.status == StatusCode::UNAUTHORIZED,
            "{user} on {portal:?}: {} {}",
            answer.status,
            answer.body
        );
        assert!(answer.body["error"]["code"].is_string(), "{}", answer.body);
        assert_eq!(api.snapshot().await, before);
    }
}
