//! Authentication: password hashing, login (throttling, credentials, portal), and sessions for
//! browser cookies and API bearer tokens. HTTP (cookies, headers, CSRF) lives in `web::auth`.

pub mod login;
pub mod password;
pub mod password_change;
pub mod retention;
pub mod session;
pub mod throttle;

pub use login::{Attempt, LoggedIn, LoginError, log_in};
pub use session::{Session, SessionKind};
