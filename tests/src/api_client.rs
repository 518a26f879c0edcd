//! The JSON API caller of the API tests: the app with the fixture world, a bearer token per
//! fixture user (each on its own portal), JSON calls and their answers, and a snapshot of every
//! business table to prove a refused call changed nothing.

use std::collections::HashMap;

use crate::TestApp;
use crate::fixtures::World;
use crate::portal_users::FIXTURE_USERS;
use domain::Portal;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The app with the fixture world, calling its JSON API as any fixture user.
pub struct Api {
    pub app: TestApp,
    pub world: World,
    http: reqwest::Client,
    tokens: HashMap<&'static str, (Portal, String)>,
}

/// One answer: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    /// Asserts the status, and for an error status the error body's shape; returns the body.
    #[track_caller]
    pub fn expect(self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        if !status.is_success() {
            assert!(
                self.body["error"]["code"].is_string() && self.body["error"]["message"].is_string(),
                "not the error body: {}",
                self.body
            );
            assert!(self.body["error"]["fields"].is_object(), "{}", self.body);
        }
        self.body
    }

    /// Asserts a 422 naming `field` in `fields`; returns the body.
    #[track_caller]
    pub fn expect_field(self, field: &str) -> Value {
        let body = self.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["code"], "validation_failed", "{body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "no message for {field:?}: {body}"
        );
        body
    }
}

impl Api {
    /// The app on the fixture world, every fixture user logged in on the API.
    pub async fn spawn() -> Api {
        let (app, world) = TestApp::with_world().await;
        let mut tokens = HashMap::new();
        for (user, portal) in FIXTURE_USERS {
            tokens.insert(user, (portal, app.bearer(portal, user).await));
        }
        let http = app.client();
        Api {
            app,
            world,
            http,
            tokens,
        }
    }

    /// Logs every fixture user in again at the app's clock: for a test that moved the clock past
    /// the tokens' lifetime (to date records across weeks).
    pub async fn refresh_tokens(&mut self) {
        for (user, portal) in FIXTURE_USERS {
            self.tokens
                .insert(user, (portal, self.app.bearer(portal, user).await));
        }
    }

    /// A request as `user` (bearer token, on the user's portal); `None` as user: no credentials,
    /// on the mitra portal.
    pub fn request(
        &self,
        user: Option<&str>,
        method: Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        match user {
            Some(user) => {
                let (portal, token) = &self.tokens[user];
                self.http
                    .request(method, self.app.url(*portal, &format!("/api/v1{path}")))
                    .bearer_auth(token)
            }
            None => self.http.request(
                method,
                self.app.url(Portal::Mitra, &format!("/api/v1{path}")),
            ),
        }
    }

    /// A request with `user`'s bearer token sent to another `portal`'s host.
    pub fn request_on(
        &self,
        portal: Portal,
        user: &str,
        method: Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.app.url(portal, &format!("/api/v1{path}")))
            .bearer_auth(&self.tokens[user].1)
    }

    /// Sends `req` and reads the answer.
    pub async fn send(req: reqwest::RequestBuilder) -> Answer {
        let res = req.send().await.expect("send the request");
        let status = res.status();
        let text = res.text().await.expect("read the answer");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body }
    }

    pub async fn get(&self, user: &str, path: &str) -> Answer {
        Api::send(self.request(Some(user), Method::GET, path)).await
    }

    pub async fn post(&self, user: &str, path: &str, body: Value) -> Answer {
        Api::send(self.request(Some(user), Method::POST, path).json(&body)).await
    }

    /// A POST without a body.
    pub async fn post_empty(&self, user: &str, path: &str) -> Answer {
        Api::send(self.request(Some(user), Method::POST, path)).await
    }

    /// A POST with a raw body, sent as JSON.
    pub async fn post_raw(&self, user: &str, path: &str, raw: &str) -> Answer {
        Api::send(
            self.request(Some(user), Method::POST, path)
                .header("content-type", "application/json")
                .body(raw.to_owned()),
        )
        .await
    }

    /// Every business table, in one comparable value.
    pub async fn snapshot(&self) -> Value {
        sqlx::query_scalar(
            "SELECT json_build_object(
                'orders', (SELECT coalesce(json_agg(json_build_array(id, status, total, note, reject_reason, updated_at) ORDER BY id), '[]') FROM orders),
                'order_items', (SELECT count(*) FROM order_items),
                'purchase_orders', (SELECT coalesce(json_agg(json_build_array(id, status, total, credit_override_reason, updated_at) ORDER BY id), '[]') FROM purchase_orders),
                'purchase_order_items', (SELECT count(*) FROM purchase_order_items),
                'invoices', (SELECT coalesce(json_agg(json_build_array(id, status, total, paid, updated_at) ORDER BY id), '[]') FROM invoices),
                'payments', (SELECT count(*) FROM payments),
                'status_history', (SELECT count(*) FROM status_history),
                'stokis_stock', (SELECT coalesce(json_agg(json_build_array(stokis_id, product_id, qty) ORDER BY stokis_id, product_id), '[]') FROM stokis_stock),
                'warehouse_stock', (SELECT coalesce(json_agg(json_build_array(product_id, qty) ORDER BY product_id), '[]') FROM warehouse_stock),
                'stock_movements', (SELECT count(*) FROM stock_movements),
                'jobs', (SELECT count(*) FROM apalis.jobs),
                'whatsapp_logs', (SELECT count(*) FROM whatsapp_logs)
            )",
        )
        .fetch_one(&self.app.db.pool)
        .await
        .expect("snapshot the database")
    }

    /// Places an order as `mitra` with the given (product id, qty) lines; returns its id.
    pub async fn place_order(&self, mitra: &str, lines: &[(i64, i64)]) -> i64 {
        let items: Vec<Value> = lines
            .iter()
            .map(|(p, q)| serde_json::json!({"product_id": p, "qty": q}))
            .collect();
        let body = self
            .post(mitra, "/orders", serde_json::json!({"items": items}))
            .await
            .expect(StatusCode::CREATED);
        body["id"].as_i64().expect("order id")
    }

    /// Submits a PO as `stokis`; returns its id.
    pub async fn submit_po(&self, stokis: &str, lines: &[(i64, i64)]) -> i64 {
        let items: Vec<Value> = lines
            .iter()
            .map(|(p, q)| serde_json::json!({"product_id": p, "qty": q}))
            .collect();
        let body = self
            .post(
                stokis,
                "/purchase-orders",
                serde_json::json!({"items": items}),
            )
            .await
            .expect(StatusCode::CREATED);
        body["id"].as_i64().expect("PO id")
    }
}
