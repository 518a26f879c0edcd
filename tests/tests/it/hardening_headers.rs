//! The app's own security headers: a nonce-based Content-Security-Policy whose nonce is the
//! one on the page's inline scripts (new per response), Permissions-Policy and
//! Cross-Origin-Opener-Policy on every page, error pages included; `Cache-Control: no-store` on
//! the API's JSON answers.

use domain::Portal;
use reqwest::StatusCode;
use tests::TestApp;

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("the policy has a nonce") + "'nonce-".len();
    let end = start + csp[start..].find('\'').unwrap();
    csp[start..end].to_owned()
}

#[tokio::test]
async fn every_page_carries_the_policy_and_its_inline_scripts_the_nonce() {
    let (app, _) = TestApp::with_world().await;
    let client = app.login(Portal::Mitra, "mitra0001").await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let res = client
            .get(app.url(Portal::Mitra, "/orders/new"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let nonce = nonce_of(&csp);
        let html = res.text().await.unwrap();
        // Inline ones only: `<script src=…>` (the forms script) comes from 'self'.
        let scripts =
            html.matches("<script").count() - html.matches("<script src=\"/static/").count();
        assert!(scripts >= 1, "the order form has its total script");
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\">")).count(),
            scripts,
            "every inline script carries this response's nonce"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a new nonce per response");

    for url in [
        app.url(Portal::Mitra, "/login"),
        app.url(Portal::Mitra, "/no-such-page"),
        app.apex_url("/"),
    ] {
        let res = app.client().get(&url).send().await.unwrap();
        let h = res.headers();
        assert!(h.contains_key("content-security-policy"), "{url}");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{url}");
        assert!(
            h["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()"),
            "{url}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
    }
}

#[tokio::test]
async fn api_json_answers_are_never_stored_by_caches() {
    let (app, _) = TestApp::with_world().await;
    let token = app.bearer(Portal::Mitra, "mitra0001").await;
    for path in ["/api/v1/me", "/api/v1/products", "/api/v1/no-such-thing"] {
        let res = app
            .client()
            .get(app.url(Portal::Mitra, path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
}
