//! How each portal is presented to people: its name, who logs in there, what it is for, and the
//! link to it.

use domain::Portal;
use serde::Serialize;

/// How a portal is presented to people.
#[derive(Debug, Clone, Serialize)]
pub struct PortalInfo {
    pub label: &'static str,
    pub name: &'static str,
    /// Who logs in here.
    pub audience: &'static str,
    pub description: &'static str,
    /// Protocol-relative link to the portal's home (`//mitra.localhost:8080/`).
    pub href: String,
}

pub fn portal_info(portal: Portal, href: String) -> PortalInfo {
    let (name, audience, description) = match portal {
        Portal::Mitra => (
            "Portal Mitra",
            "Untuk outlet mitra D'Fresto",
            "Pesan bahan baku ke stokis Anda dan pantau status pesanan.",
        ),
        Portal::Stokis => (
            "Portal Stokis",
            "Untuk stokis regional",
            "Kelola pesanan mitra, stok, purchase order ke pusat, dan tagihan.",
        ),
        Portal::Admin => (
            "Portal Admin",
            "Untuk Pusat, Finance, dan Gudang",
            "Data master, persetujuan PO, pengiriman gudang, tagihan, dan laporan.",
        ),
    };
    PortalInfo {
        label: portal.as_str(),
        name,
        audience,
        description,
        href,
    }
}
