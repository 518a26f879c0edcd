//! Sites by host: the apex landing page, each portal's login page, the 404 page for anything
//! else, and `X-Subdomain` believed only from a trusted proxy.

use domain::Portal;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HOST, LOCATION, SET_COOKIE};
use tests::TestApp;

fn is_html(res: &reqwest::Response) -> bool {
    res.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

fn portal_name(portal: Portal) -> &'static str {
    match portal {
        Portal::Mitra => "Portal Mitra",
        Portal::Stokis => "Portal Stokis",
        Portal::Admin => "Portal Admin",
    }
}

#[tokio::test]
async fn each_portal_serves_its_login_page() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for portal in Portal::ALL {
        let res = client.get(app.url(portal, "/login")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{portal:?}");
        assert!(is_html(&res));
        let cookie = res
            .headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(cookie.starts_with("dfresto_csrf="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Domain="), "host-only: {cookie}");
        let token = cookie
            .trim_start_matches("dfresto_csrf=")
            .split(';')
            .next()
            .unwrap()
            .to_owned();

        let html = res.text().await.unwrap();
        let name = portal_name(portal);
        assert!(
            html.contains(&format!("Masuk ke {name}")),
            "{portal:?}: {html}"
        );
        for other in Portal::ALL.into_iter().filter(|p| *p != portal) {
            assert!(!html.contains(&format!("Masuk ke {}", portal_name(other))));
        }
        assert!(
            html.contains(r#"<form method="post" action="/login""#),
            "{html}"
        );
        assert!(html.contains(r#"name="username""#));
        assert!(html.contains(r#"name="password" type="password""#));
        assert!(
            html.contains(&format!(r#"name="csrf_token" value="{token}""#)),
            "the form repeats the cookie's token: {html}"
        );
        assert!(html.contains(r#"lang="id""#));
        assert!(html.contains(r#"name="viewport""#));

        // The same browser keeps its token on the next visit.
        let again = client.get(app.url(portal, "/login")).send().await.unwrap();
        assert!(again.headers().get(SET_COOKIE).is_none());
        assert!(again.text().await.unwrap().contains(&token));
    }
}

#[tokio::test]
async fn a_portal_home_sends_to_the_login_page() {
    let app = TestApp::spawn().await;
    for portal in Portal::ALL {
        let res = app.client().get(app.url(portal, "/")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{portal:?}");
        assert_eq!(res.headers()[LOCATION], "/login");
    }
}

#[tokio::test]
async fn the_apex_links_the_three_portals() {
    let app = TestApp::spawn().await;
    let res = app.client().get(app.apex_url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(is_html(&res));
    let html = res.text().await.unwrap();
    let port = app.port();
    for portal in Portal::ALL {
        let href = format!(r#"href="//{}.localhost:{port}/""#, portal.as_str());
        assert!(html.contains(&href), "{href} in {html}");
        assert!(html.contains(portal_name(portal)));
    }
    // The apex has no login page of its own.
    let res = app
        .client()
        .get(app.apex_url("/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_host_gets_the_404_page() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for path in ["/", "/login", "/dashboard"] {
        let res = client.get(app.unknown_host_url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(is_html(&res));
        let html = res.text().await.unwrap();
        assert!(html.contains("Halaman tidak ditemukan"), "{html}");
        assert!(
            html.contains(&format!(r#"href="//localhost:{}/""#, app.port())),
            "{html}"
        );
    }
    // A Host header naming someone else's domain, sent to our address.
    let res = client
        .get(app.apex_url("/login"))
        .header(HOST, "mitra.evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Halaman tidak ditemukan")
    );
}

#[tokio::test]
async fn an_unknown_path_on_a_portal_gets_the_404_page() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url(Portal::Stokis, "/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(html.contains("Halaman tidak ditemukan"));
    assert!(html.contains("Kembali ke Portal Stokis"), "{html}");
}

#[tokio::test]
async fn an_unknown_api_path_answers_with_the_json_error_body() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url(Portal::Mitra, "/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
    assert!(body["error"]["fields"].is_object());
}

#[tokio::test]
async fn x_subdomain_is_ignored_from_an_untrusted_peer() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client
        .get(app.apex_url("/login"))
        .header("X-Subdomain", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // On a portal host the header cannot switch portals either.
    let res = client
        .get(app.url(Portal::Mitra, "/login"))
        .header("X-Subdomain", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Masuk ke Portal Mitra"));
}

#[tokio::test]
async fn x_subdomain_is_honoured_from_a_trusted_proxy() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let client = app.client();
    for portal in Portal::ALL {
        let res = client
            .get(app.apex_url("/login"))
            .header("X-Subdomain", portal.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{portal:?}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("Masuk ke {}", portal_name(portal))),
            "{html}"
        );
    }
    // Behind the proxy, links use the public default port.
    let res = client
        .get(app.apex_url("/"))
        .header("X-Subdomain", "")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"href="//mitra.localhost/""#), "{html}");

    let res = client
        .get(app.apex_url("/login"))
        .header("X-Subdomain", "pusat")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_carry_the_stylesheet_and_safety_headers() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client.get(app.apex_url("/")).send().await.unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let html = res.text().await.unwrap();
    let start = html.find("/static/app.css?v=").expect("stylesheet link");
    let href: String = html[start..].chars().take_while(|c| *c != '"').collect();

    let res = client
        .get(app.url(Portal::Admin, &href))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(res.text().await.unwrap().contains(".btn"));
}
