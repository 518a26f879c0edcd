//! CSRF: the login form, the logout form and the API with a cookie session refuse requests
//! without the right token; a bearer needs none.

use domain::Portal;
use reqwest::StatusCode;
use tests::TestApp;
use tests::app::{DEMO_PASSWORD, csrf_field};
use tests::sessions::set_cookie;

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let (app, _) = TestApp::with_world().await;

    // Login form: no token, a wrong one, or no cookie to match.
    let client = app.client();
    let page = client
        .get(app.url(Portal::Admin, "/login"))
        .send()
        .await
        .unwrap();
    let token = csrf_field(&page.text().await.unwrap()).unwrap();
    let wrong = "0".repeat(64);
    for sent in [None, Some(wrong.as_str())] {
        let mut form = vec![("username", "finance"), ("password", DEMO_PASSWORD)];
        if let Some(t) = sent {
            form.push(("csrf_token", t));
        }
        let res = client
            .post(app.url(Portal::Admin, "/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Formulir login sudah kedaluwarsa")
        );
    }
    let res = app
        .client()
        .post(app.url(Portal::Admin, "/login"))
        .form(&[
            ("username", "finance"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "token without its cookie"
    );
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM login_attempts").await, 0);

    // Logout form: the session's token is required.
    let client = app.login(Portal::Admin, "finance").await;
    let login_csrf = token;
    for sent in ["", wrong.as_str(), login_csrf.as_str()] {
        let res = app.logout(&client, Portal::Admin, sent).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{sent:?}");
        assert!(set_cookie(&res, "dfresto_session").is_none());
    }
    assert_eq!(
        app.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")
            .await,
        1
    );
    assert_eq!(app.me(&client, Portal::Admin).await, StatusCode::OK);

    // The API with the cookie session needs the token in X-CSRF-Token; a bearer does not.
    let res = client
        .post(app.url(Portal::Admin, "/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.me(&client, Portal::Admin).await, StatusCode::OK);
    let res = client
        .post(app.url(Portal::Admin, "/api/v1/auth/logout"))
        .header("X-CSRF-Token", app.csrf("finance").await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.me(&client, Portal::Admin).await,
        StatusCode::UNAUTHORIZED
    );
}
