//! `/healthz` and `/readyz` through the real server.

use reqwest::StatusCode;
use tests::{TestApp, TestDb};

#[tokio::test]
async fn healthz_answers_ok_on_every_host() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for url in [
        app.apex_url("/healthz"),
        app.url(domain::Portal::Mitra, "/healthz"),
        app.unknown_host_url("/healthz"),
    ] {
        let res = client.get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert_eq!(res.text().await.unwrap(), "ok");
    }
}

#[tokio::test]
async fn readyz_is_ready_on_a_migrated_database() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.apex_url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn readyz_is_unavailable_before_migrations() {
    let app = TestApp::spawn_on(TestDb::empty().await, |_| {}).await;
    let res = app
        .client()
        .get(app.apex_url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = res.text().await.unwrap();
    assert!(body.contains("not migrated"), "{body}");

    // Liveness does not depend on the database.
    let res = app
        .client()
        .get(app.apex_url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_reports_pending_migrations() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .client()
        .get(app.apex_url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = res.text().await.unwrap();
    assert!(body.contains("migrations pending"), "{body}");
}

#[tokio::test]
async fn readyz_is_unavailable_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.pool.close().await;
    let res = app
        .client()
        .get(app.apex_url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = res.text().await.unwrap();
    assert!(body.contains("database unreachable"), "{body}");
}

#[tokio::test]
async fn probes_answer_head_requests() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let res = app.client().head(app.apex_url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}
