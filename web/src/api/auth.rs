//! The API's own login: `POST /api/v1/auth/login` hands out a bearer token (a `BEARER` row in
//! the same `sessions` table as browser logins), `POST /api/v1/auth/logout` revokes it, and
//! `GET /api/v1/me` says whose it is. Same throttle and portal rule as the login form.

use chrono::{DateTime, Utc};
use domain::auth::Session;
use domain::auth::login::{Attempt, LoginError, log_in};
use domain::auth::session::{self, SessionKind};
use salvo::http::StatusCode;
use salvo::http::header::USER_AGENT;
use salvo::oapi::{ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Request, Router};
use serde::{Deserialize, Serialize};

use crate::auth::{self, CurrentUser};
use crate::error::WebError;
use crate::host;
use crate::state;

/// The routes of this module, relative to `/api/v1`.
pub fn router() -> Router {
    Router::new()
        .push(Router::with_path("auth/login").post(login))
        .push(Router::with_path("auth/logout").post(logout))
        .push(Router::with_path("auth/password").post(change_password))
        .push(Router::with_path("me").get(me))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// e.g. `mitra0001`
    pub username: String,
    pub password: String,
}

/// The user a token or session belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub name: String,
    /// `MITRA`, `STOKIS`, `PUSAT`, `FINANCE` or `GUDANG`.
    pub role: String,
    /// `mitra`, `stokis` or `admin`: where this user logs in.
    pub portal: String,
    pub mitra_id: Option<i64>,
    pub stokis_id: Option<i64>,
}

impl UserOut {
    fn of(user: &CurrentUser) -> UserOut {
        UserOut {
            id: user.actor.user_id,
            username: user.username.clone(),
            name: user.name.clone(),
            role: user.actor.role.as_str().to_owned(),
            portal: user.actor.role.portal().as_str().to_owned(),
            mitra_id: user.actor.mitra_id,
            stokis_id: user.actor.stokis_id,
        }
    }

    fn of_session(s: &Session) -> UserOut {
        UserOut {
            id: s.actor.user_id,
            username: s.username.clone(),
            name: s.name.clone(),
            role: s.actor.role.as_str().to_owned(),
            portal: s.portal.as_str().to_owned(),
            mitra_id: s.actor.mitra_id,
            stokis_id: s.actor.stokis_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`; valid on this portal only.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserOut,
    /// Failed logins as this user since its previous successful login; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_logins: Option<FailedLoginsOut>,
}

/// Someone failed to log in as this user since its last login.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedLoginsOut {
    pub count: i64,
    /// The addresses they came from, most failures first (at most 5).
    pub addresses: Vec<String>,
    /// The same, as a sentence for the user.
    pub message: String,
}

/// Log in and get a bearer token
///
/// 401 for a wrong username or password, 403 for an account of another portal (the message
/// names the portal to use), 429 after 5 failures in 15 minutes from one address, or while the username's growing delay
/// (from its 5th failure since its last login) runs.
#[endpoint(tags("auth"), security(), request_body = LoginRequest)]
pub async fn login(req: &mut Request, depot: &mut Depot) -> Result<Json<LoginResponse>, WebError> {
    let state = state::of(depot)?.clone();
    let Some(portal) = host::portal_of(req) else {
        return Err(WebError::not_found());
    };
    // Through the API's JSON reader: 415 without the JSON content type, 422 per field (a NUL
    // byte in a username is refused here, not by PostgreSQL).
    let body: LoginRequest = crate::api::body::read(req).await.map_err(|e| match e {
        // Not JSON at all: the answer this endpoint always gave.
        WebError::Validation { fields, .. }
            if fields
                .get(crate::api::body::BODY_FIELD)
                .is_some_and(|m| m != crate::api::body::NOT_TEXT) =>
        {
            WebError::BadRequest(
                "Body harus JSON {\"username\": \"…\", \"password\": \"…\"}.".to_owned(),
            )
        }
        other => other,
    })?;
    let ip = auth::client_ip(req, &state);
    let user_agent = req
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut conn = state.pool.acquire().await?;
    let outcome = log_in(
        &mut conn,
        &*state.clock,
        &Attempt {
            username: &body.username,
            password: &body.password,
            ip: &ip,
            user_agent: user_agent.as_deref(),
            device: None,
            portal,
            kind: SessionKind::Bearer,
            ttl: chrono::Duration::hours(i64::from(state.config.session_ttl_hours)),
        },
    )
    .await;
    match outcome {
        Ok(done) => Ok(Json(LoginResponse {
            token: done.token,
            expires_at: done.session.expires_at,
            user: UserOut::of_session(&done.session),
            failed_logins: done.failures.map(|f| FailedLoginsOut {
                message: crate::pages::login::failures_message(&f),
                count: f.count,
                addresses: f.addresses,
            }),
        })),
        Err(e) => Err(match e {
            LoginError::Throttled { retry_after } => WebError::TooManyRequests {
                message: e.to_string(),
                retry_after_secs: u64::try_from(retry_after.num_seconds().max(1)).unwrap_or(1),
            },
            LoginError::BadCredentials => WebError::Unauthorized(e.to_string()),
            LoginError::Inactive => WebError::Forbidden(e.to_string()),
            LoginError::WrongPortal { portal, .. } => WebError::Forbidden(format!(
                "{e}: {}",
                auth::portal_url(req, &state, portal, "/api/v1/auth/login")
            )),
            LoginError::Database(e) => WebError::internal(format!("login: {e}")),
            LoginError::Internal(e) => WebError::internal(format!("login: {e}")),
        }),
    }
}

/// Revoke the token (or session) this request was made with
#[endpoint(tags("auth"), status_codes(204, 401, 403))]
pub async fn logout(depot: &mut Depot) -> Result<StatusCode, WebError> {
    let state = state::of(depot)?.clone();
    let user = auth::current_user(depot)?;
    let mut conn = state.pool.acquire().await?;
    session::revoke(&mut conn, user.session_id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user
#[endpoint(tags("auth"), status_codes(200, 401, 403))]
pub async fn me(depot: &mut Depot) -> Result<Json<UserOut>, WebError> {
    let user = auth::current_user(depot)?;
    Ok(Json(UserOut::of(user)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 8–128 characters, different from the current one.
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePasswordResponse {
    /// How many other sessions (browsers and tokens) of the user were ended; this one stays.
    pub sessions_ended: u64,
}

/// Change the logged-in user's own password
///
/// The current password is required (422 on `current_password` when wrong). Every other
/// session and token of the user is revoked; the one used here stays valid. The user is told by
/// WhatsApp when they have a number.
#[endpoint(tags("auth"), status_codes(200, 401, 403, 415, 422), request_body = ChangePasswordRequest)]
pub async fn change_password(
    req: &mut Request,
    depot: &mut Depot,
) -> Result<Json<ChangePasswordResponse>, WebError> {
    let state = state::of(depot)?.clone();
    let user = auth::current_user(depot)?;
    let body: ChangePasswordRequest = crate::api::body::read(req).await?;
    let mut tx = state.pool.begin().await?;
    let sessions_ended = domain::auth::password_change::change_own(
        &mut tx,
        &*state.clock,
        &user.actor,
        user.session_id,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ChangePasswordResponse { sessions_ended }))
}
