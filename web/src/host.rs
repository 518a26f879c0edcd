//! Which site a request is for — the apex landing page, one of the three portals, or nothing —
//! from the `Host` header, or from `X-Subdomain` when a trusted proxy sent the request.
//!
//! The router filters on the site ([`SiteFilter`]), so an unknown host matches no route and gets
//! the 404 page, and a portal's routes simply do not exist on the apex or another portal.

use std::net::IpAddr;
use std::sync::Arc;

use domain::Portal;
use salvo::http::header::HOST;
use salvo::routing::{Filter, PathState};
use salvo::{Request, async_trait};

/// The header nginx sets to the portal label (`mitra`, `stokis`, `admin`), or to an empty value
/// for the apex. Believed only from an address in `TRUSTED_PROXIES`.
pub const X_SUBDOMAIN: &str = "x-subdomain";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// `<base>` (or `www.<base>`): the landing page.
    Apex,
    Portal(Portal),
    /// Any other host: every path is a 404.
    Unknown,
}

impl Site {
    pub fn portal(self) -> Option<Portal> {
        match self {
            Site::Portal(p) => Some(p),
            _ => None,
        }
    }
}

/// Decides the [`Site`] of a request; built once from the configuration.
#[derive(Debug, Clone)]
pub struct SiteResolver {
    base_domain: String,
    trusted_proxies: Vec<IpAddr>,
}

impl SiteResolver {
    /// `base_domain` is expected lower-case without a trailing dot (the config normalises it).
    pub fn new(base_domain: &str, trusted_proxies: &[IpAddr]) -> SiteResolver {
        SiteResolver {
            base_domain: base_domain.to_ascii_lowercase(),
            trusted_proxies: trusted_proxies.iter().map(|ip| ip.to_canonical()).collect(),
        }
    }

    pub fn base_domain(&self) -> &str {
        &self.base_domain
    }

    pub fn is_trusted(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.contains(&peer.to_canonical())
    }

    /// `host` is the `Host` header (port allowed), `x_subdomain` that header if present, `peer`
    /// the address the connection came from.
    pub fn resolve(
        &self,
        host: Option<&str>,
        x_subdomain: Option<&str>,
        peer: Option<IpAddr>,
    ) -> Site {
        if let (Some(label), Some(peer)) = (x_subdomain, peer)
            && self.is_trusted(peer)
        {
            return self.site_of_label(label.trim());
        }
        match host.and_then(host_name) {
            Some(name) => self.site_of_host_name(&name),
            None => Site::Unknown,
        }
    }

    /// Resolves the site of a request.
    pub fn resolve_request(&self, req: &Request) -> Site {
        let host = req
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()));
        let x_subdomain = req.headers().get(X_SUBDOMAIN).and_then(|h| h.to_str().ok());
        self.resolve(host, x_subdomain, req.remote_addr().ip())
    }

    /// A protocol-relative link to the apex (`None`) or a portal's home, keeping the scheme the
    /// browser used and, when it talked to us directly, the port from its `Host` header (behind
    /// a trusted proxy the public port is the default one).
    pub fn href(&self, req: &Request, portal: Option<Portal>) -> String {
        let via_proxy = req.remote_addr().ip().is_some_and(|ip| self.is_trusted(ip));
        let port = if via_proxy {
            None
        } else {
            req.headers()
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .and_then(host_port)
        };
        let host = match portal {
            Some(p) => format!("{}.{}", p.as_str(), self.base_domain),
            None => self.base_domain.clone(),
        };
        match port {
            Some(port) => format!("//{host}:{port}/"),
            None => format!("//{host}/"),
        }
    }

    fn site_of_label(&self, label: &str) -> Site {
        let label = label.to_ascii_lowercase();
        if label.is_empty() || label == "www" {
            return Site::Apex;
        }
        Portal::from_label(&label).map_or(Site::Unknown, Site::Portal)
    }

    fn site_of_host_name(&self, name: &str) -> Site {
        if name == self.base_domain {
            return Site::Apex;
        }
        match name
            .strip_suffix(self.base_domain.as_str())
            .and_then(|rest| rest.strip_suffix('.'))
        {
            // Only one label: `x.mitra.<base>` is not a portal.
            Some(label) if !label.contains('.') => self.site_of_label(label),
            _ => Site::Unknown,
        }
    }
}

/// The host name of a `Host` header value: lower-cased, without port or trailing dot.
fn host_name(header: &str) -> Option<String> {
    let header = header.trim();
    let name = if let Some(rest) = header.strip_prefix('[') {
        // IPv6 literal: never one of our names, but parse it rather than mangle it.
        rest.split(']').next()?
    } else {
        header.split(':').next()?
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// The port in a `Host` header value, if one was given (for building links that keep it).
pub fn host_port(header: &str) -> Option<u16> {
    let after = match header.trim().rsplit_once(']') {
        Some((_, after)) => after,
        None => header.trim(),
    };
    after.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
}

/// The site of a request as decided by the router's [`SiteFilter`] (computed on demand when the
/// request did not pass one, e.g. in the error catcher).
pub fn site_of(req: &mut Request, resolver: &SiteResolver) -> Site {
    if let Some(site) = req.extensions().get::<Site>() {
        return *site;
    }
    let site = resolver.resolve_request(req);
    req.extensions_mut().insert(site);
    site
}

/// The portal a request passed the router's portal filter with.
pub fn portal_of(req: &Request) -> Option<Portal> {
    req.extensions().get::<Site>().and_then(|s| s.portal())
}

/// Which sites a [`SiteFilter`] lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteMatch {
    Apex,
    AnyPortal,
    /// One portal: its pages.
    Only(Portal),
}

/// A router filter on the request's site; records the site in the request's extensions so
/// handlers read it with [`portal_of`] without resolving it again.
#[derive(Debug, Clone)]
pub struct SiteFilter {
    resolver: Arc<SiteResolver>,
    want: SiteMatch,
}

impl SiteFilter {
    pub fn new(resolver: Arc<SiteResolver>, want: SiteMatch) -> SiteFilter {
        SiteFilter { resolver, want }
    }

    fn matches(&self, req: &mut Request) -> bool {
        let site = site_of(req, &self.resolver);
        match self.want {
            SiteMatch::Apex => site == Site::Apex,
            SiteMatch::AnyPortal => site.portal().is_some(),
            SiteMatch::Only(portal) => site.portal() == Some(portal),
        }
    }
}

#[async_trait]
impl Filter for SiteFilter {
    async fn filter(&self, req: &mut Request, _path: &mut PathState<'_>) -> bool {
        self.matches(req)
    }

    // Lets salvo's "which methods are allowed here" probe see through this filter, so a wrong
    // method on a portal path answers 405 rather than 404.
    async fn filter_for_method(
        &self,
        req: &mut Request,
        _path: &mut PathState<'_>,
        _method: &salvo::http::Method,
    ) -> Option<bool> {
        Some(self.matches(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn resolver() -> SiteResolver {
        SiteResolver::new("dfresto.com", &[ip("10.0.0.5")])
    }

    #[test]
    fn portals_come_from_the_host_name() {
        let r = resolver();
        let peer = Some(ip("203.0.113.9"));
        assert_eq!(
            r.resolve(Some("mitra.dfresto.com"), None, peer),
            Site::Portal(Portal::Mitra)
        );
        assert_eq!(
            r.resolve(Some("stokis.dfresto.com:443"), None, peer),
            Site::Portal(Portal::Stokis)
        );
        assert_eq!(
            r.resolve(Some("ADMIN.DFresto.com."), None, peer),
            Site::Portal(Portal::Admin)
        );
        assert_eq!(r.resolve(Some("dfresto.com"), None, peer), Site::Apex);
        assert_eq!(
            r.resolve(Some("www.dfresto.com:8080"), None, peer),
            Site::Apex
        );
    }

    #[test]
    fn anything_else_is_unknown() {
        let r = resolver();
        let peer = Some(ip("203.0.113.9"));
        for host in [
            "evil.com",
            "mitra.evil.com",
            "mitradfresto.com",
            "x.mitra.dfresto.com",
            "pusat.dfresto.com",
            "dfresto.com.evil.com",
            "127.0.0.1:8080",
            "[::1]:8080",
            "",
        ] {
            assert_eq!(r.resolve(Some(host), None, peer), Site::Unknown, "{host:?}");
        }
        assert_eq!(r.resolve(None, None, peer), Site::Unknown);
    }

    #[test]
    fn localhost_base_works_with_ports() {
        let r = SiteResolver::new("localhost", &[]);
        assert_eq!(r.resolve(Some("localhost:8080"), None, None), Site::Apex);
        assert_eq!(
            r.resolve(Some("mitra.localhost:8080"), None, None),
            Site::Portal(Portal::Mitra)
        );
        assert_eq!(
            r.resolve(Some("admin.localhost"), None, None),
            Site::Portal(Portal::Admin)
        );
    }

    #[test]
    fn x_subdomain_is_believed_only_from_a_trusted_proxy() {
        let r = resolver();
        let proxy = Some(ip("10.0.0.5"));
        let stranger = Some(ip("10.0.0.6"));
        // nginx may pass an internal Host; the header decides.
        assert_eq!(
            r.resolve(Some("127.0.0.1:8080"), Some("stokis"), proxy),
            Site::Portal(Portal::Stokis)
        );
        assert_eq!(
            r.resolve(Some("mitra.dfresto.com"), Some("admin"), proxy),
            Site::Portal(Portal::Admin)
        );
        assert_eq!(r.resolve(Some("127.0.0.1"), Some(""), proxy), Site::Apex);
        assert_eq!(
            r.resolve(Some("mitra.dfresto.com"), Some("hacker"), proxy),
            Site::Unknown
        );
        // From anyone else the header is ignored and Host decides.
        assert_eq!(
            r.resolve(Some("mitra.dfresto.com"), Some("admin"), stranger),
            Site::Portal(Portal::Mitra)
        );
        assert_eq!(
            r.resolve(Some("dfresto.com"), Some("admin"), stranger),
            Site::Apex
        );
        assert_eq!(
            r.resolve(Some("dfresto.com"), Some("admin"), None),
            Site::Apex
        );
        // Without the header a trusted proxy is treated like anyone.
        assert_eq!(
            r.resolve(Some("mitra.dfresto.com"), None, proxy),
            Site::Portal(Portal::Mitra)
        );
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_proxies() {
        let r = resolver();
        assert!(r.is_trusted(ip("::ffff:10.0.0.5")));
        assert!(!r.is_trusted(ip("::ffff:10.0.0.7")));
    }

    #[test]
    fn host_port_is_read_when_present() {
        assert_eq!(host_port("localhost:8080"), Some(8080));
        assert_eq!(host_port("mitra.dfresto.com"), None);
        assert_eq!(host_port("[::1]:9000"), Some(9000));
        assert_eq!(host_port("[::1]"), None);
        assert_eq!(host_port("x:notaport"), None);
    }
}
