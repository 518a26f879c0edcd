//! The portal menu: each role's entries and which one is the current page.

use domain::Role;
use serde::Serialize;

/// One entry of the portal menu.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The menu of a role; the pages behind these paths belong to each portal's module.
pub fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    let items: &[(&'static str, &'static str)] = match role {
        Role::Mitra => &[
            ("/dashboard", "Beranda"),
            ("/catalogue", "Katalog"),
            ("/orders/new", "Pesan"),
            ("/orders", "Pesanan"),
        ],
        Role::Stokis => &[
            ("/dashboard", "Beranda"),
            ("/orders", "Pesanan Mitra"),
            ("/stock", "Stok"),
            ("/purchase-orders", "PO ke Pusat"),
            ("/invoices", "Tagihan"),
        ],
        Role::Finance => &[
            ("/dashboard", "Beranda"),
            ("/approvals", "Persetujuan PO"),
            ("/purchase-orders", "Semua PO"),
            ("/invoices", "Tagihan"),
            ("/aging", "Umur Piutang"),
            ("/reports", "Laporan"),
            ("/imports", "Impor Mutasi"),
            ("/invoice-runs", "Run Invoice"),
            ("/whatsapp", "WhatsApp"),
            ("/jobs", "Antrean Job"),
        ],
        Role::Gudang => &[
            ("/dashboard", "Beranda"),
            ("/shipping", "Siap Kirim"),
            ("/shipped", "Sudah Dikirim"),
            ("/warehouse-stock", "Stok Gudang"),
            ("/purchase-orders", "Semua PO"),
        ],
        Role::Pusat => &[
            ("/dashboard", "Ringkasan"),
            ("/purchase-orders", "PO"),
            ("/invoices", "Tagihan"),
            ("/aging", "Umur Piutang"),
            ("/reports", "Laporan"),
            ("/warehouse-stock", "Stok Gudang"),
            ("/products", "Produk"),
            ("/stokis", "Stokis"),
            ("/mitra", "Mitra"),
            ("/users", "Pengguna"),
            ("/imports", "Impor Data"),
            ("/whatsapp", "WhatsApp"),
            ("/jobs", "Antrean Job"),
        ],
    };
    let under = |href: &str| path == href || path.starts_with(&format!("{href}/"));
    // The longest matching entry is the current one (`/orders/new` over `/orders`).
    let active = items
        .iter()
        .filter(|(href, _)| under(href))
        .max_by_key(|(href, _)| href.len())
        .map(|(href, _)| *href);
    items
        .iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            active: Some(*href) == active,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_marks_the_longest_matching_entry() {
        let nav = nav_for(Role::Mitra, "/orders/new");
        let active: Vec<&str> = nav.iter().filter(|i| i.active).map(|i| i.href).collect();
        assert_eq!(active, ["/orders/new"]);
        let nav = nav_for(Role::Mitra, "/orders/15");
        let active: Vec<&str> = nav.iter().filter(|i| i.active).map(|i| i.href).collect();
        assert_eq!(active, ["/orders"]);
        assert!(nav_for(Role::Pusat, "/ordersx").iter().all(|i| !i.active));
    }
}
