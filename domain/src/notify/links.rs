//! Links in messages to the portal page they are about (a new invoice to its page on the stokis
//! portal), when the worker knows the portals' address (`PORTAL_BASE_DOMAIN`); without it the
//! messages simply carry no link.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// `https://stokis.dfresto.com`, without a trailing slash.
    pub stokis_portal: Option<String>,
}

impl Links {
    /// The stokis portal under `base_domain`, over HTTPS unless it is a local address.
    pub fn for_domain(base_domain: &str) -> Links {
        let base = base_domain.trim().trim_end_matches('/');
        if base.is_empty() {
            return Links::default();
        }
        let local =
            base == "localhost" || base.starts_with("localhost:") || base.ends_with(".localhost");
        let scheme = if local { "http" } else { "https" };
        Links {
            stokis_portal: Some(format!("{scheme}://stokis.{base}")),
        }
    }

    /// The invoice's page on the stokis portal.
    pub fn stokis_invoice(&self, invoice_id: i64) -> Option<String> {
        self.stokis_portal
            .as_ref()
            .map(|p| format!("{p}/invoices/{invoice_id}"))
    }

    /// The stokis' invoice list.
    pub fn stokis_invoices(&self) -> Option<String> {
        self.stokis_portal.as_ref().map(|p| format!("{p}/invoices"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_base_domain() {
        let l = Links::for_domain("dfresto.com");
        assert_eq!(
            l.stokis_invoice(7).as_deref(),
            Some("https://stokis.dfresto.com/invoices/7")
        );
        assert_eq!(
            Links::for_domain("localhost:8080")
                .stokis_invoices()
                .as_deref(),
            Some("http://stokis.localhost:8080/invoices")
        );
        assert_eq!(Links::for_domain(" ").stokis_invoice(1), None);
    }
}
