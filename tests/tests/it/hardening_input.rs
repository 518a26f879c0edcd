//! Every text input refused cleanly at the edge: the test walks the OpenAPI document the app
//! serves and every form of every role's pages, and sends NUL, other control characters, lone
//! surrogates and 100 KB strings to each text field and query parameter. No answer is a 5xx,
//! the control characters get 422 (API) or the flash-and-redirect refusal (forms), and nothing
//! is written.

use std::collections::{BTreeMap, BTreeSet};

use domain::Portal;
use reqwest::StatusCode;
use serde_json::Value;
use tests::api_client::Api;
use tests::app::DEMO_PASSWORD;

/// What is sent as JSON: raw JSON string literals, so a lone surrogate can be an escape.
fn json_payloads() -> Vec<(&'static str, String)> {
    vec![
        ("NUL", r#""a\u0000b""#.to_owned()),
        ("BEL", r#""a\u0007b""#.to_owned()),
        ("ESC", "\"a\\u001bb\"".to_owned()),
        ("lone surrogate", r#""a\ud800b""#.to_owned()),
        ("long", format!("\"{}\"", "x".repeat(100 * 1024))),
    ]
}

/// What is sent in query strings and forms: already percent-encoded. In a query string the
/// long one is 60 KB: a URI cannot be longer than 64 KB (the `http` crate refuses it on both
/// ends).
fn encoded_payloads(in_query: bool) -> Vec<(&'static str, String)> {
    let long = if in_query { 60 * 1024 } else { 100 * 1024 };
    vec![
        ("NUL", "a%00b".to_owned()),
        ("BEL", "a%07b".to_owned()),
        ("newline", "a%0Ab".to_owned()),
        ("lone surrogate", "a%ED%A0%80b".to_owned()),
        ("long", "x".repeat(long)),
    ]
}

/// A digest of every table a request could write (sessions and login attempts aside: logging in
/// writes those).
async fn written(api: &Api) -> BTreeMap<String, String> {
    let pool = &api.app.db.pool;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            AND table_name NOT IN ('sessions', 'login_attempts', '_sqlx_migrations')
          ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = BTreeMap::new();
    for table in tables {
        // The names come from the catalogue, not from a request.
        let digest: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t"
        )))
        .fetch_one(pool)
        .await
        .unwrap();
        out.insert(table, digest.unwrap_or_default());
    }
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM apalis.jobs")
        .fetch_one(pool)
        .await
        .unwrap();
    out.insert("apalis.jobs".to_owned(), jobs.to_string());
    out
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The JSON paths of the string fields of `schema`: `note`, `items[0].note`.
fn string_fields(doc: &Value, schema: &Value, prefix: &str, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    let Some(props) = schema["properties"].as_object() else {
        return;
    };
    for (name, prop) in props {
        let prop = resolve(doc, prop);
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let types: Vec<&str> = match &prop["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if types.contains(&"string") {
            out.push(path);
        } else if types.contains(&"array") {
            string_fields(doc, &prop["items"], &format!("{path}[0]"), out);
        } else if types.contains(&"object") || prop["properties"].is_object() {
            string_fields(doc, prop, &path, out);
        }
    }
}

/// `{"items": [{"note": <raw>}]}` for `items[0].note`.
fn body_with(path: &str, raw: &str) -> String {
    let mut out = raw.to_owned();
    for part in path.rsplit('.') {
        out = match part.strip_suffix("[0]") {
            Some(name) => format!("{{\"{name}\": [{out}]}}"),
            None => format!("{{\"{part}\": {out}}}"),
        };
    }
    out
}

#[tokio::test]
async fn every_api_text_field_and_query_parameter_refuses_bad_text_and_writes_nothing() {
    let api = Api::spawn().await;
    let order = api.place_order("mitra0001", &[(api.world.ayam.0, 1)]).await;
    let tokens = [
        (
            Portal::Mitra,
            api.app.bearer(Portal::Mitra, "mitra0001").await,
        ),
        (
            Portal::Stokis,
            api.app.bearer(Portal::Stokis, "stokis001").await,
        ),
        (
            Portal::Admin,
            api.app.bearer(Portal::Admin, "finance").await,
        ),
    ];
    let doc: Value = api
        .app
        .client()
        .get(api.app.url(Portal::Admin, "/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let before = written(&api).await;
    let client = api.app.client();
    let (mut sent, mut refused) = (0, 0);
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let url_path = path
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        order.to_string()
                    } else {
                        seg.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let queries: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            let mut fields = Vec::new();
            if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema") {
                string_fields(&doc, schema, "", &mut fields);
            }
            for (portal, token) in &tokens {
                let url = api.app.url(*portal, &url_path);
                for name in &queries {
                    for (what, value) in encoded_payloads(true) {
                        let res = client
                            .request(method.clone(), format!("{url}?{name}={value}"))
                            .bearer_auth(token)
                            .send()
                            .await
                            .unwrap();
                        sent += 1;
                        let status = res.status();
                        if status == StatusCode::UNPROCESSABLE_ENTITY {
                            refused += 1;
                        } else {
                            wrong.push(format!("{method} {path}?{name}= {what}: {status}"));
                        }
                    }
                }
                for field in &fields {
                    for (what, raw) in json_payloads() {
                        let res = client
                            .request(method.clone(), &url)
                            .bearer_auth(token)
                            .header("content-type", "application/json")
                            .body(body_with(field, &raw))
                            .send()
                            .await
                            .unwrap();
                        sent += 1;
                        let status = res.status();
                        if status == StatusCode::UNPROCESSABLE_ENTITY {
                            refused += 1;
                        } else {
                            wrong.push(format!("{method} {path} {field}={what}: {status}"));
                        }
                    }
                }
            }
        }
    }
    eprintln!("API: {sent} requests, {refused} refused with 422");
    assert!(sent > 300, "the document lists the endpoints: {sent}");
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(written(&api).await, before, "nothing written");
}

/// `<form …>` elements of a page: (action, method, fields as (name, type, value)).
type Form = (String, String, Vec<(String, String, String)>);

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].replace("&#x2F;", "/").replace("&amp;", "&"))
}

fn forms(html: &str, page: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let body = &rest[start..];
        let end = body.find("</form>").unwrap_or(body.len());
        let form = &body[..end];
        let open = &form[..form.find('>').unwrap_or(form.len())];
        let action = attr(open, "action").unwrap_or_else(|| page.to_owned());
        let method = attr(open, "method").unwrap_or_else(|| "get".to_owned());
        let mut fields = Vec::new();
        for kind in ["<input", "<textarea", "<select"] {
            let mut inner = form;
            while let Some(at) = inner.find(kind) {
                let tag = &inner[at..at + inner[at..].find('>').unwrap_or(inner.len() - at)];
                if let Some(name) = attr(tag, "name") {
                    let ty = if kind == "<input" {
                        attr(tag, "type").unwrap_or_else(|| "text".to_owned())
                    } else {
                        kind[1..].to_owned()
                    };
                    fields.push((name, ty, attr(tag, "value").unwrap_or_default()));
                }
                inner = &inner[at + kind.len()..];
            }
        }
        out.push((action, method.to_lowercase(), fields));
        rest = &body[end..];
    }
    out
}

fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let end = rest.find('"').unwrap_or(0);
        let href = rest[..end].replace("&#x2F;", "/").replace("&amp;", "&");
        if href.starts_with('/')
            && !href.starts_with("//")
            && !href.starts_with("/static")
            && !href.contains('?')
            && !href.contains("download")
            && !href.contains("export")
            && !href.ends_with(".pdf")
            && !href.ends_with(".xlsx")
        {
            out.push(href);
        }
        rest = &rest[end..];
    }
    out
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn every_form_refuses_bad_text_with_the_usual_refusal_and_writes_nothing() {
    let api = Api::spawn().await;
    api.place_order("mitra0001", &[(api.world.ayam.0, 1)]).await;
    api.submit_po("stokis001", &[(api.world.ayam.0, 1)]).await;
    let roles = [
        (Portal::Mitra, "mitra0001"),
        (Portal::Stokis, "stokis001"),
        (Portal::Admin, "pusat"),
        (Portal::Admin, "finance"),
        (Portal::Admin, "gudang"),
    ];
    // The login form, before anyone has logged in.
    let mut targets: Vec<(Portal, Option<&str>, Form)> = Vec::new();
    let anon = api.app.client();
    let html = anon
        .get(api.app.url(Portal::Mitra, "/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for form in forms(&html, "/login") {
        targets.push((Portal::Mitra, None, form));
    }
    let mut clients = BTreeMap::new();
    for (portal, user) in roles {
        let client = api.app.login(portal, user).await;
        let mut seen = BTreeSet::new();
        let mut queue = vec!["/dashboard".to_owned()];
        while let Some(page) = queue.pop() {
            if seen.len() >= 40 || !seen.insert(page.clone()) {
                continue;
            }
            let res = client.get(api.app.url(portal, &page)).send().await.unwrap();
            if res.status() != StatusCode::OK {
                continue;
            }
            let html = res.text().await.unwrap();
            for form in forms(&html, &page) {
                if !form.0.starts_with("/logout") {
                    targets.push((portal, Some(user), form));
                }
            }
            queue.extend(links(&html));
        }
        clients.insert(user, client);
    }
    let before = written(&api).await;
    let (mut sent, mut refused) = (0, 0);
    let mut wrong = Vec::new();
    let mut kinds = BTreeSet::new();
    for (portal, user, (action, method, fields)) in &targets {
        let client = user.map_or(&anon, |u| &clients[u]);
        let csrf = match user {
            Some(u) => api.app.csrf(u).await,
            None => String::new(),
        };
        for (i, (name, ty, _)) in fields.iter().enumerate() {
            if !matches!(
                ty.as_str(),
                "text" | "search" | "hidden" | "textarea" | "password" | "tel" | "email"
            ) || name == "csrf_token"
            {
                continue;
            }
            kinds.insert(format!("{method} {action} {name}"));
            for (what, bad) in encoded_payloads(method != "post") {
                // Line breaks are text in a multi-line field: the request would go through.
                if what == "newline" && web::input_guard::is_multiline(name) {
                    continue;
                }
                let pairs: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(|(j, (n, _, v))| {
                        let value = if j == i {
                            bad.clone()
                        } else if n == "csrf_token" && user.is_some() {
                            csrf.clone()
                        } else if n == "password" {
                            encode(DEMO_PASSWORD)
                        } else {
                            encode(v)
                        };
                        format!("{}={value}", encode(n))
                    })
                    .collect();
                let encoded = pairs.join("&");
                let url = api.app.url(*portal, action);
                let res = if method == "post" {
                    client
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("referer", api.app.url(*portal, "/dashboard"))
                        .body(encoded)
                        .send()
                        .await
                        .unwrap()
                } else {
                    client.get(format!("{url}?{encoded}")).send().await.unwrap()
                };
                sent += 1;
                let status = res.status();
                let ok = match (method.as_str(), what) {
                    ("post", "long") => status == StatusCode::PAYLOAD_TOO_LARGE,
                    ("post", _) => {
                        status == StatusCode::SEE_OTHER
                            && res
                                .headers()
                                .get_all("set-cookie")
                                .iter()
                                .any(|c| c.to_str().unwrap().starts_with("dfresto_flash="))
                    }
                    _ => status == StatusCode::UNPROCESSABLE_ENTITY,
                };
                if ok {
                    refused += 1;
                } else {
                    wrong.push(format!("{method} {action} {name}={what}: {status}"));
                }
            }
        }
    }
    eprintln!(
        "forms: {} fields of {} forms, {sent} requests, {refused} answered as expected",
        kinds.len(),
        targets.len()
    );
    assert!(kinds.len() > 20, "the walk found the forms: {kinds:?}");
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(written(&api).await, before, "nothing written");
}
