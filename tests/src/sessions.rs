//! A client's session as the login tests look at it: the cookies a response sets, where `/`
//! sends the client, whether `/api/v1/me` knows it, logging it out, and counts of the session
//! tables.

use domain::Portal;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};

use crate::TestApp;

/// The `Set-Cookie` header of `res` for the cookie `name`, whole (value and attributes).
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The value in a `Set-Cookie` header.
///
/// # Panics
/// When the header has no `name=value`.
pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("a name=value cookie")
}

impl TestApp {
    /// The number a `SELECT count(*) …` query gives.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.db.pool)
            .await
            .expect("count")
    }

    /// The status `GET /api/v1/me` on `portal` answers `client`.
    pub async fn me(&self, client: &reqwest::Client, portal: Portal) -> StatusCode {
        client
            .get(self.url(portal, "/api/v1/me"))
            .send()
            .await
            .expect("GET /api/v1/me")
            .status()
    }

    /// Where `/` on `portal` sends `client`.
    ///
    /// # Panics
    /// When `/` does not answer with a redirect.
    pub async fn home(&self, client: &reqwest::Client, portal: Portal) -> String {
        let res = client
            .get(self.url(portal, "/"))
            .send()
            .await
            .expect("GET /");
        assert_eq!(res.status(), StatusCode::FOUND);
        res.headers()[LOCATION]
            .to_str()
            .expect("a text location")
            .to_owned()
    }

    /// Posts the logout form on `portal` with the CSRF token `token`.
    pub async fn logout(
        &self,
        client: &reqwest::Client,
        portal: Portal,
        token: &str,
    ) -> reqwest::Response {
        client
            .post(self.url(portal, "/logout"))
            .form(&[("csrf_token", token)])
            .send()
            .await
            .expect("POST /logout")
    }
}
