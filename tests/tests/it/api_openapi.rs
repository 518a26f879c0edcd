//! The OpenAPI document at `/api/openapi.json`: served on every portal, valid JSON with
//! components, and describing exactly the routes the router serves — each with its parameters,
//! request body and responses, error responses included.

use std::collections::BTreeSet;

use domain::Portal;
use reqwest::StatusCode;
use serde_json::Value;
use tests::TestApp;

async fn document(app: &TestApp, portal: Portal) -> Value {
    let res = app
        .client()
        .get(app.url(portal, "/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    serde_json::from_str(&res.text().await.unwrap()).expect("the document is valid JSON")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete", "head", "options"]
                .contains(&method.as_str())
            {
                out.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_the_router_serves() {
    let app = TestApp::spawn().await;
    let doc = document(&app, Portal::Mitra).await;
    for portal in [Portal::Stokis, Portal::Admin] {
        assert_eq!(
            document(&app, portal).await,
            doc,
            "the same document on every portal"
        );
    }
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["title"], "D'Fresto API");

    let served: BTreeSet<(String, String)> = web::api::openapi::routes(&web::api::router())
        .into_iter()
        .collect();
    let documented = operations(&doc);
    assert_eq!(
        documented,
        served,
        "\nonly documented: {:?}\nonly served: {:?}",
        documented.difference(&served).collect::<Vec<_>>(),
        served.difference(&documented).collect::<Vec<_>>()
    );
    // The routes of DESIGN.md's API that this router owns are all there.
    for (method, path) in [
        ("GET", "/api/v1/products"),
        ("GET", "/api/v1/orders"),
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/orders/{id}"),
        ("POST", "/api/v1/orders/{id}/confirm"),
        ("POST", "/api/v1/orders/{id}/reject"),
        ("POST", "/api/v1/orders/{id}/ship"),
        ("POST", "/api/v1/orders/{id}/receive"),
        ("POST", "/api/v1/orders/{id}/cancel"),
        ("GET", "/api/v1/purchase-orders"),
        ("POST", "/api/v1/purchase-orders"),
        ("GET", "/api/v1/purchase-orders/{id}"),
        ("POST", "/api/v1/purchase-orders/{id}/approve"),
        ("POST", "/api/v1/purchase-orders/{id}/reject"),
        ("POST", "/api/v1/purchase-orders/{id}/ship"),
        ("POST", "/api/v1/purchase-orders/{id}/receive"),
        ("POST", "/api/v1/purchase-orders/{id}/cancel"),
        ("GET", "/api/v1/invoices"),
        ("GET", "/api/v1/invoices/{id}"),
        ("POST", "/api/v1/invoices/{id}/payments"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/openapi.json"),
    ] {
        assert!(
            served.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path} is not served"
        );
    }
}

#[tokio::test]
async fn every_operation_describes_its_input_and_its_answers() {
    let app = TestApp::spawn().await;
    let doc = document(&app, Portal::Admin).await;
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    for name in [
        "Order",
        "OrderList",
        "PurchaseOrder",
        "PurchaseOrderList",
        "Invoice",
        "InvoiceList",
        "Payment",
        "Product",
        "ProductList",
        "NewLines",
        "NewLine",
        "Reason",
        "Approval",
        "NewPayment",
        "Line",
        "HistoryEntry",
    ] {
        assert!(schemas.contains_key(name), "no schema {name}");
    }
    let security = doc["components"]["securitySchemes"]
        .as_object()
        .expect("securitySchemes");
    assert_eq!(security["bearer"]["scheme"], "bearer");

    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(
                operation_ids.insert(id),
                "duplicate operationId at {method} {path}"
            );
            let responses = op["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path}: no responses"));
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path}: no success response"
            );
            if !path.starts_with("/api/v1/") || path == "/api/v1/auth/login" {
                continue;
            }
            // Authenticated API routes say so, and describe their errors with the error body.
            assert!(responses.contains_key("401"), "{method} {path}: no 401");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = resolve(&doc, &response["content"]["application/json"]["schema"]);
                    assert!(
                        schema["properties"]["error"].is_object(),
                        "{method} {path} {status}: not the error body: {response}"
                    );
                }
            }
            if path.contains("{id}") {
                let params = op["parameters"].as_array().expect("path parameters");
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == "id" && p["in"] == "path"),
                    "{method} {path}: id not described"
                );
                assert!(responses.contains_key("404"), "{method} {path}: no 404");
            }
        }
    }

    // A few in detail.
    let create = &doc["paths"]["/api/v1/orders"]["post"];
    let body = resolve(
        &doc,
        &create["requestBody"]["content"]["application/json"]["schema"],
    );
    assert!(body["properties"]["items"].is_object(), "{body}");
    assert!(
        create["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
        "{create}"
    );
    for status in ["200", "201", "422", "403", "409"] {
        assert!(
            create["responses"][status].is_object(),
            "POST /orders has no {status}"
        );
    }
    let list = &doc["paths"]["/api/v1/orders"]["get"];
    let names: BTreeSet<&str> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in ["page", "per_page", "status"] {
        assert!(names.contains(p), "GET /orders lacks {p}");
    }
    let list_schema = resolve(
        &doc,
        &list["responses"]["200"]["content"]["application/json"]["schema"],
    );
    for field in ["items", "page", "per_page", "total"] {
        assert!(
            list_schema["properties"][field].is_object(),
            "list lacks {field}"
        );
    }
    let order = &doc["components"]["schemas"]["Order"]["properties"];
    for field in [
        "id",
        "number",
        "status",
        "mitra_id",
        "stokis_id",
        "total",
        "items",
        "created_at",
    ] {
        assert!(order[field].is_object(), "Order lacks {field}");
    }
    let invoice = &doc["components"]["schemas"]["Invoice"]["properties"];
    for field in [
        "id",
        "number",
        "purchase_order_id",
        "stokis_id",
        "total",
        "paid",
        "balance",
        "due_date",
        "status",
    ] {
        assert!(invoice[field].is_object(), "Invoice lacks {field}");
    }
    let payment = &doc["paths"]["/api/v1/invoices/{id}/payments"]["post"];
    assert!(payment["responses"]["201"].is_object());
    assert!(payment["requestBody"].is_object());
}
