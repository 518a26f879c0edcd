//! The fixture users on their portals' pages: logged in as a browser would be, fetching pages
//! and posting forms with the session's CSRF token.

use domain::Portal;
use reqwest::StatusCode;

use crate::TestApp;
use crate::app::{User, location};

/// Every fixture user (`fixtures::World`) and the portal they log in on.
pub const FIXTURE_USERS: [(&str, Portal); 7] = [
    ("mitra0001", Portal::Mitra),
    ("mitra0002", Portal::Mitra),
    ("stokis001", Portal::Stokis),
    ("stokis002", Portal::Stokis),
    ("finance", Portal::Admin),
    ("gudang", Portal::Admin),
    ("pusat", Portal::Admin),
];

/// The portal a fixture user logs in on.
///
/// # Panics
/// When `username` is not a fixture user.
pub fn portal_of(username: &str) -> Portal {
    FIXTURE_USERS
        .iter()
        .find(|(name, _)| *name == username)
        .map(|&(_, portal)| portal)
        .unwrap_or_else(|| panic!("{username} is not a fixture user"))
}

/// A fixture user logged in on their own portal's pages.
pub struct PortalUser {
    pub portal: Portal,
    /// The browser's cookies and the CSRF token its forms carry.
    pub user: User,
}

impl TestApp {
    /// The fixture user `username` logged in on their own portal (password
    /// [`crate::app::DEMO_PASSWORD`]).
    ///
    /// # Panics
    /// When the login does not succeed.
    pub async fn login_as(&self, username: &str) -> PortalUser {
        let portal = portal_of(username);
        PortalUser {
            portal,
            user: self.user(portal, username).await,
        }
    }

    /// GETs `path` on `who`'s portal: the status and the page.
    pub async fn page(&self, who: &PortalUser, path: &str) -> (StatusCode, String) {
        self.get_as(&who.user, who.portal, path).await
    }

    /// POSTs a form with `fields` and `who`'s CSRF token to `path` on `who`'s portal.
    pub async fn submit(
        &self,
        who: &PortalUser,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_as(&who.user, who.portal, path, fields).await
    }

    /// Follows the redirect `res` as `who` and returns the page it leads to.
    ///
    /// # Panics
    /// When `res` is no redirect or the page is not 200.
    pub async fn follow(&self, who: &PortalUser, res: reqwest::Response) -> String {
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (status, html) = self.page(who, &location(&res)).await;
        assert_eq!(status, StatusCode::OK);
        html
    }
}
