//! The demo supply catalogue: what a fried-chicken franchise outlet buys, with SKU, category,
//! unit and head-office prices in whole Rupiah.

/// One catalogue line. `price_to_stokis` is what pusat charges a stokis; the mitra price is
/// derived from it by [`price_to_mitra`] (a stokis margin of 10–18 %).
pub(crate) struct Item {
    pub sku: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub unit: &'static str,
    pub price_to_stokis: i64,
    /// How often outlets reorder it, 1 (rarely) … 10 (every order).
    pub popularity: u8,
    pub active: bool,
}

const fn it(
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    price_to_stokis: i64,
    popularity: u8,
) -> Item {
    Item {
        sku,
        name,
        category,
        unit,
        price_to_stokis,
        popularity,
        active: true,
    }
}

/// A product head office no longer sells: kept for history, hidden from new orders.
const fn retired(
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    price_to_stokis: i64,
) -> Item {
    Item {
        sku,
        name,
        category,
        unit,
        price_to_stokis,
        popularity: 1,
        active: false,
    }
}

const AYAM: &str = "Ayam & Daging";
const FROZEN: &str = "Kentang & Frozen Food";
const BUMBU: &str = "Tepung & Bumbu";
const SAUS: &str = "Saus & Sambal";
const MINYAK: &str = "Minyak & Lemak";
const MINUMAN: &str = "Minuman";
const KEMASAN: &str = "Kemasan";
const ROTI: &str = "Roti & Beras";
const OPS: &str = "Operasional";

#[rustfmt::skip]
pub(crate) const CATALOGUE: &[Item] = &[
    it("AYM-001", "Ayam Broiler Potong 9 Frozen", AYAM, "kg", 36_500, 10),
    it("AYM-002", "Ayam Paha Atas Frozen", AYAM, "kg", 42_000, 8),
    it("AYM-003", "Ayam Paha Bawah (Drumstick) Frozen", AYAM, "kg", 40_000, 8),
    it("AYM-004", "Sayap Ayam (Chicken Wings) Frozen", AYAM, "kg", 38_500, 7),
    it("AYM-005", "Dada Ayam Fillet Frozen", AYAM, "kg", 52_000, 7),
    it("AYM-006", "Ayam Fillet Strips Marinasi 1 kg", AYAM, "pak", 58_000, 5),
    it("AYM-007", "Chicken Nugget Stik 1 kg", AYAM, "pak", 48_000, 5),
    it("AYM-008", "Chicken Nugget Original 1 kg", AYAM, "pak", 46_000, 5),
    it("AYM-009", "Chicken Karage 1 kg", AYAM, "pak", 62_000, 4),
    it("AYM-010", "Chicken Katsu Frozen 1 kg", AYAM, "pak", 65_000, 4),
    it("AYM-011", "Chicken Popcorn 1 kg", AYAM, "pak", 55_000, 5),
    it("AYM-012", "Sosis Ayam Jumbo isi 10", AYAM, "pak", 32_000, 4),
    it("AYM-013", "Sosis Sapi Bakar isi 20", AYAM, "pak", 45_000, 3),
    it("AYM-014", "Beef Patty Burger isi 10", AYAM, "pak", 58_000, 4),
    it("AYM-015", "Chicken Patty Burger isi 10", AYAM, "pak", 48_000, 5),
    it("AYM-016", "Kulit Ayam Frozen", AYAM, "kg", 24_000, 4),
    it("AYM-017", "Bakso Sapi isi 50", AYAM, "pak", 42_000, 2),
    it("AYM-018", "Daging Sapi Giling Frozen", AYAM, "kg", 118_000, 2),
    it("AYM-019", "Ayam Broiler Utuh Frozen 0,9-1,0 kg", AYAM, "ekor", 34_000, 6),
    it("AYM-020", "Ayam Geprek Fillet Frozen 1 kg", AYAM, "pak", 60_000, 4),

    it("FRZ-001", "Kentang Goreng Shoestring 2,5 kg", FROZEN, "pak", 78_000, 9),
    it("FRZ-002", "Kentang Goreng Shoestring 1 kg", FROZEN, "pak", 34_000, 6),
    it("FRZ-003", "Kentang Goreng Crinkle Cut 2,5 kg", FROZEN, "pak", 82_000, 5),
    it("FRZ-004", "Kentang Goreng Straight Cut 2,5 kg", FROZEN, "pak", 80_000, 5),
    it("FRZ-005", "Potato Wedges 2,5 kg", FROZEN, "pak", 92_000, 3),
    it("FRZ-006", "Hash Brown Segitiga 1,2 kg", FROZEN, "pak", 62_000, 3),
    it("FRZ-007", "Onion Ring 1 kg", FROZEN, "pak", 48_000, 3),
    it("FRZ-008", "Kentang Goreng Shoestring 6 x 2,5 kg", FROZEN, "karton", 452_000, 6),
    it("FRZ-009", "Cheese Stick Mozzarella 500 g", FROZEN, "pak", 58_000, 3),
    it("FRZ-010", "Risoles Mayo isi 20", FROZEN, "pak", 40_000, 2),
    it("FRZ-011", "Dimsum Ayam isi 50", FROZEN, "pak", 75_000, 3),
    it("FRZ-012", "Tahu Crispy Frozen 500 g", FROZEN, "pak", 18_000, 3),
    it("FRZ-013", "Keju Mozzarella Block 2 kg", FROZEN, "pak", 165_000, 4),
    it("FRZ-014", "Keju Cheddar Slice isi 84", FROZEN, "pak", 135_000, 4),
    it("FRZ-015", "Keju Cheddar Block 2 kg", FROZEN, "pak", 150_000, 3),

    it("BMB-001", "Tepung Bumbu Crispy D'Fresto 1 kg", BUMBU, "pak", 24_000, 10),
    it("BMB-002", "Tepung Bumbu Crispy D'Fresto 10 kg", BUMBU, "karung", 226_000, 7),
    it("BMB-003", "Tepung Marinasi Original 1 kg", BUMBU, "pak", 32_000, 8),
    it("BMB-004", "Tepung Marinasi Pedas 1 kg", BUMBU, "pak", 34_000, 6),
    it("BMB-005", "Tepung Terigu Protein Sedang 25 kg", BUMBU, "karung", 245_000, 5),
    it("BMB-006", "Tepung Roti (Panir) 1 kg", BUMBU, "pak", 22_000, 4),
    it("BMB-007", "Bumbu Tabur Keju 1 kg", BUMBU, "pak", 58_000, 6),
    it("BMB-008", "Bumbu Tabur Balado 1 kg", BUMBU, "pak", 55_000, 6),
    it("BMB-009", "Bumbu Tabur BBQ 1 kg", BUMBU, "pak", 55_000, 5),
    it("BMB-010", "Bumbu Tabur Jagung Bakar 1 kg", BUMBU, "pak", 55_000, 4),
    it("BMB-011", "Bumbu Tabur Pedas Level 1 kg", BUMBU, "pak", 56_000, 5),
    it("BMB-012", "Bumbu Tabur Rumput Laut 1 kg", BUMBU, "pak", 60_000, 3),
    it("BMB-013", "Bumbu Tabur Asin Gurih 1 kg", BUMBU, "pak", 48_000, 4),
    it("BMB-014", "Garam Halus Beryodium 1 kg", BUMBU, "pak", 6_500, 5),
    it("BMB-015", "Lada Putih Bubuk 500 g", BUMBU, "pak", 62_000, 4),
    it("BMB-016", "Bawang Putih Bubuk 1 kg", BUMBU, "pak", 68_000, 4),
    it("BMB-017", "Kaldu Ayam Bubuk 1 kg", BUMBU, "pak", 58_000, 5),
    it("BMB-018", "Penyedap Rasa 1 kg", BUMBU, "pak", 38_000, 4),
    it("BMB-019", "Gula Pasir 1 kg", BUMBU, "pak", 16_500, 5),
    it("BMB-020", "Cabai Bubuk 500 g", BUMBU, "pak", 48_000, 4),
    it("BMB-021", "Bumbu Geprek Instan 1 kg", BUMBU, "pak", 52_000, 4),
    it("BMB-022", "Bumbu Marinasi Ayam Cair 5 L", BUMBU, "jerigen", 165_000, 3),

    it("SAS-001", "Saus Sambal 5,5 kg", SAUS, "jerigen", 92_000, 8),
    it("SAS-002", "Saus Sambal Pouch 1 kg", SAUS, "pak", 21_000, 7),
    it("SAS-003", "Saus Tomat 5,5 kg", SAUS, "jerigen", 78_000, 6),
    it("SAS-004", "Saus Tomat Pouch 1 kg", SAUS, "pak", 18_000, 6),
    it("SAS-005", "Mayonnaise 1 kg", SAUS, "pak", 38_000, 6),
    it("SAS-006", "Mayonnaise 5 kg", SAUS, "ember", 176_000, 3),
    it("SAS-007", "Saus Keju 1 kg", SAUS, "pak", 45_000, 5),
    it("SAS-008", "Saus BBQ 1 kg", SAUS, "botol", 42_000, 4),
    it("SAS-009", "Saus Blackpepper 1 kg", SAUS, "botol", 44_000, 4),
    it("SAS-010", "Sambal Bawang 500 g", SAUS, "botol", 32_000, 4),
    it("SAS-011", "Sambal Matah 500 g", SAUS, "botol", 35_000, 4),
    it("SAS-012", "Sambal Geprek Level 500 g", SAUS, "botol", 30_000, 5),
    it("SAS-013", "Saus Sambal Sachet 9 g isi 1.000", SAUS, "dus", 186_000, 5),
    it("SAS-014", "Saus Tomat Sachet 9 g isi 1.000", SAUS, "dus", 166_000, 4),
    it("SAS-015", "Mayonnaise Sachet 10 g isi 500", SAUS, "dus", 160_000, 3),
    it("SAS-016", "Saus Honey Garlic 1 kg", SAUS, "botol", 48_000, 3),
    it("SAS-017", "Saus Korean Spicy 1 kg", SAUS, "botol", 55_000, 4),
    it("SAS-018", "Saus Telur Asin 1 kg", SAUS, "pak", 75_000, 3),

    it("MNY-001", "Minyak Goreng 18 L", MINYAK, "jerigen", 316_000, 9),
    it("MNY-002", "Minyak Goreng Pouch 2 L", MINYAK, "pak", 36_500, 6),
    it("MNY-003", "Minyak Goreng 5 L", MINYAK, "jerigen", 88_000, 5),
    it("MNY-004", "Minyak Goreng 1 L isi 12", MINYAK, "karton", 212_000, 4),
    it("MNY-005", "Shortening (Mentega Putih) 15 kg", MINYAK, "karton", 420_000, 3),
    it("MNY-006", "Margarin 1 kg", MINYAK, "pak", 28_000, 4),

    it("MNM-001", "Teh Celup Hitam isi 100", MINUMAN, "dus", 28_000, 5),
    it("MNM-002", "Teh Melati Tubruk 250 g", MINUMAN, "pak", 16_000, 4),
    it("MNM-003", "Bubuk Minuman Thai Tea 1 kg", MINUMAN, "pak", 95_000, 4),
    it("MNM-004", "Bubuk Minuman Cokelat 1 kg", MINUMAN, "pak", 88_000, 4),
    it("MNM-005", "Bubuk Minuman Taro 1 kg", MINUMAN, "pak", 85_000, 3),
    it("MNM-006", "Bubuk Minuman Matcha 1 kg", MINUMAN, "pak", 110_000, 3),
    it("MNM-007", "Sirup Leci 1 L", MINUMAN, "botol", 45_000, 3),
    it("MNM-008", "Sirup Gula Aren 1 L", MINUMAN, "botol", 38_000, 3),
    it("MNM-009", "Susu Kental Manis 370 g isi 48", MINUMAN, "karton", 482_000, 2),
    it("MNM-010", "Susu UHT Full Cream 1 L isi 12", MINUMAN, "karton", 205_000, 3),
    it("MNM-011", "Creamer Bubuk 1 kg", MINUMAN, "pak", 52_000, 3),
    it("MNM-012", "Air Mineral 600 ml isi 24", MINUMAN, "dus", 42_000, 6),
    it("MNM-013", "Boba Tapioka Pearl 1 kg", MINUMAN, "pak", 35_000, 3),
    it("MNM-014", "Bubuk Lemon Tea 1 kg", MINUMAN, "pak", 75_000, 3),
    it("MNM-015", "Sirup Gula Fruktosa 5 kg", MINUMAN, "jerigen", 95_000, 3),

    it("KMS-001", "Paper Box Ayam Small isi 100", KEMASAN, "pak", 85_000, 8),
    it("KMS-002", "Paper Box Ayam Medium isi 100", KEMASAN, "pak", 105_000, 8),
    it("KMS-003", "Paper Box Ayam Large isi 100", KEMASAN, "pak", 125_000, 6),
    it("KMS-004", "Paper Box Bucket 8 Potong isi 50", KEMASAN, "pak", 165_000, 4),
    it("KMS-005", "Paper Bowl 12 oz isi 50", KEMASAN, "pak", 42_000, 6),
    it("KMS-006", "Paper Bowl Rice 20 oz isi 50", KEMASAN, "pak", 58_000, 5),
    it("KMS-007", "Paper Bag Cokelat Small isi 100", KEMASAN, "pak", 72_000, 6),
    it("KMS-008", "Paper Bag Cokelat Large isi 100", KEMASAN, "pak", 110_000, 4),
    it("KMS-009", "Kertas Pembungkus Burger isi 500", KEMASAN, "pak", 68_000, 4),
    it("KMS-010", "Kertas Nasi Cokelat isi 500", KEMASAN, "pak", 55_000, 6),
    it("KMS-011", "Fries Cup Kertas isi 100", KEMASAN, "pak", 48_000, 6),
    it("KMS-012", "Gelas Plastik 16 oz isi 50", KEMASAN, "pak", 22_000, 7),
    it("KMS-013", "Gelas Plastik 22 oz isi 50", KEMASAN, "pak", 28_000, 6),
    it("KMS-014", "Gelas Plastik Logo D'Fresto 16 oz isi 1.000", KEMASAN, "karton", 425_000, 4),
    it("KMS-015", "Tutup Gelas Dome isi 50", KEMASAN, "pak", 18_000, 5),
    it("KMS-016", "Plastik Segel Gelas (Lid Film)", KEMASAN, "roll", 145_000, 5),
    it("KMS-017", "Sedotan Boba Bungkus isi 100", KEMASAN, "pak", 18_000, 4),
    it("KMS-018", "Sedotan Kertas isi 100", KEMASAN, "pak", 24_000, 5),
    it("KMS-019", "Cup Saus 1 oz + Tutup isi 100", KEMASAN, "pak", 16_000, 6),
    it("KMS-020", "Thinwall 500 ml isi 25", KEMASAN, "pak", 26_000, 4),
    it("KMS-021", "Kantong Plastik Sedang isi 100", KEMASAN, "pak", 18_000, 6),
    it("KMS-022", "Kantong Plastik Besar isi 100", KEMASAN, "pak", 24_000, 5),
    it("KMS-023", "Sendok Plastik isi 100", KEMASAN, "pak", 9_500, 5),
    it("KMS-024", "Tisu Makan isi 250", KEMASAN, "pak", 11_000, 7),
    it("KMS-025", "Tisu Makan isi 250 x 40", KEMASAN, "karton", 402_000, 3),
    it("KMS-026", "Stiker Segel D'Fresto isi 1.000", KEMASAN, "roll", 65_000, 4),
    it("KMS-027", "Mika Burger isi 100", KEMASAN, "pak", 38_000, 3),
    it("KMS-028", "Lunch Box Kertas isi 50", KEMASAN, "pak", 48_000, 4),

    it("RTI-001", "Roti Burger Bun Wijen isi 6", ROTI, "pak", 12_000, 5),
    it("RTI-002", "Roti Burger Bun Wijen isi 40", ROTI, "dus", 76_000, 4),
    it("RTI-003", "Roti Hotdog isi 6", ROTI, "pak", 13_000, 3),
    it("RTI-004", "Tortilla Wrap 10 inci isi 12", ROTI, "pak", 38_000, 3),
    it("RTI-005", "Beras Premium 25 kg", ROTI, "karung", 345_000, 6),
    it("RTI-006", "Beras Premium 5 kg", ROTI, "pak", 72_000, 5),
    it("RTI-007", "Kulit Lumpia isi 50", ROTI, "pak", 14_000, 2),

    it("OPS-001", "Sarung Tangan Plastik isi 100", OPS, "pak", 8_500, 6),
    it("OPS-002", "Sarung Tangan Lateks isi 100", OPS, "dus", 65_000, 3),
    it("OPS-003", "Masker Medis isi 50", OPS, "dus", 25_000, 3),
    it("OPS-004", "Penutup Rambut (Hairnet) isi 100", OPS, "pak", 28_000, 3),
    it("OPS-005", "Sabun Cuci Piring 5 L", OPS, "jerigen", 58_000, 4),
    it("OPS-006", "Pembersih Lantai 5 L", OPS, "jerigen", 62_000, 3),
    it("OPS-007", "Hand Sanitizer 500 ml", OPS, "botol", 28_000, 3),
    it("OPS-008", "Kertas Struk Thermal 58 mm isi 10", OPS, "pak", 45_000, 4),
    it("OPS-009", "Plastik Wrap 30 cm", OPS, "roll", 75_000, 3),
    it("OPS-010", "Kertas Saring Minyak isi 50", OPS, "pak", 95_000, 3),
    it("OPS-011", "Celemek Kru D'Fresto", OPS, "pcs", 45_000, 1),
    it("OPS-012", "Topi Kru D'Fresto", OPS, "pcs", 35_000, 1),
    it("OPS-013", "Kaos Seragam Kru D'Fresto", OPS, "pcs", 85_000, 1),
    it("OPS-014", "Spons Cuci Piring isi 10", OPS, "pak", 18_000, 3),
    it("OPS-015", "Kantong Sampah Besar isi 10", OPS, "roll", 22_000, 3),
    it("OPS-016", "Banner Promo Bulanan", OPS, "pcs", 75_000, 1),

    retired("SAS-901", "Saus Sambal Sachet 9 g isi 1.000 (kemasan lama)", SAUS, "dus", 178_000),
    retired("KMS-901", "Paper Box Ayam Medium isi 100 (desain lama)", KEMASAN, "pak", 98_000),
    retired("KMS-902", "Sedotan Plastik Bungkus isi 200", KEMASAN, "pak", 14_000),
    retired("KMS-903", "Gelas Plastik 12 oz isi 50", KEMASAN, "pak", 19_000),
    retired("BMB-901", "Bumbu Tabur Rendang 1 kg (edisi Lebaran)", BUMBU, "pak", 58_000),
];

/// The mitra price: the stokis price plus a 10–18 % margin that varies by product, rounded up
/// to Rp 500 as price lists are.
pub(crate) fn price_to_mitra(index: usize, price_to_stokis: i64) -> i64 {
    let margin_pct = 10 + (index as i64 * 7) % 9;
    let raw = price_to_stokis * (100 + margin_pct);
    let raw = (raw + 99) / 100;
    (raw + 499) / 500 * 500
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalogue_is_well_formed() {
        assert!(
            (140..=160).contains(&CATALOGUE.len()),
            "{}",
            CATALOGUE.len()
        );
        assert_eq!(CATALOGUE.iter().filter(|i| !i.active).count(), 5);
        let mut skus = HashSet::new();
        let mut names = HashSet::new();
        for (n, item) in CATALOGUE.iter().enumerate() {
            assert!(skus.insert(item.sku), "duplicate sku {}", item.sku);
            assert!(names.insert(item.name), "duplicate name {}", item.name);
            assert!(
                item.sku
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            );
            assert!((1..=10).contains(&item.popularity));
            assert!(item.price_to_stokis >= 1_000);
            let mitra = price_to_mitra(n, item.price_to_stokis);
            assert!(mitra > item.price_to_stokis, "{}", item.sku);
            assert!(
                mitra <= item.price_to_stokis * 119 / 100 + 500,
                "{}",
                item.sku
            );
            assert_eq!(mitra % 500, 0);
        }
    }
}
