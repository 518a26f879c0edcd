//! Word lists for the demo data: Indonesian cities (with the towns around them), business and
//! person names, street names, and phone numbers.

use super::rng::Rng;

/// A city with stokis, how many stokis it has, and the towns nearby whose mitra it may serve.
pub(crate) struct City {
    pub name: &'static str,
    pub stokis: usize,
    pub nearby: &'static [&'static str],
}

/// 200 stokis in total, roughly following where people (and fried-chicken outlets) are.
pub(crate) const CITIES: &[City] = &[
    City {
        name: "Jakarta Selatan",
        stokis: 7,
        nearby: &["Jakarta Selatan", "Tangerang Selatan"],
    },
    City {
        name: "Jakarta Timur",
        stokis: 6,
        nearby: &["Jakarta Timur", "Bekasi"],
    },
    City {
        name: "Jakarta Barat",
        stokis: 5,
        nearby: &["Jakarta Barat", "Tangerang"],
    },
    City {
        name: "Jakarta Utara",
        stokis: 3,
        nearby: &["Jakarta Utara"],
    },
    City {
        name: "Jakarta Pusat",
        stokis: 3,
        nearby: &["Jakarta Pusat"],
    },
    City {
        name: "Bekasi",
        stokis: 7,
        nearby: &["Cikarang", "Tambun"],
    },
    City {
        name: "Tangerang",
        stokis: 6,
        nearby: &["Cikupa", "Balaraja"],
    },
    City {
        name: "Tangerang Selatan",
        stokis: 4,
        nearby: &["Pamulang", "Ciputat", "Serpong"],
    },
    City {
        name: "Depok",
        stokis: 5,
        nearby: &["Cinere", "Sawangan"],
    },
    City {
        name: "Bogor",
        stokis: 6,
        nearby: &["Cibinong", "Ciawi", "Leuwiliang"],
    },
    City {
        name: "Bandung",
        stokis: 12,
        nearby: &["Cimahi", "Soreang", "Lembang", "Padalarang"],
    },
    City {
        name: "Surabaya",
        stokis: 12,
        nearby: &["Sidoarjo", "Gresik"],
    },
    City {
        name: "Medan",
        stokis: 9,
        nearby: &["Binjai", "Lubuk Pakam", "Tanjung Morawa"],
    },
    City {
        name: "Semarang",
        stokis: 8,
        nearby: &["Ungaran", "Kendal", "Demak"],
    },
    City {
        name: "Makassar",
        stokis: 7,
        nearby: &["Sungguminasa", "Maros"],
    },
    City {
        name: "Yogyakarta",
        stokis: 6,
        nearby: &["Sleman", "Bantul", "Wates"],
    },
    City {
        name: "Denpasar",
        stokis: 5,
        nearby: &["Kuta", "Gianyar", "Tabanan"],
    },
    City {
        name: "Palembang",
        stokis: 6,
        nearby: &["Prabumulih", "Kayu Agung"],
    },
    City {
        name: "Malang",
        stokis: 5,
        nearby: &["Batu", "Kepanjen"],
    },
    City {
        name: "Surakarta",
        stokis: 5,
        nearby: &["Sukoharjo", "Karanganyar", "Klaten"],
    },
    City {
        name: "Pekanbaru",
        stokis: 4,
        nearby: &["Kampar", "Siak"],
    },
    City {
        name: "Padang",
        stokis: 3,
        nearby: &["Pariaman", "Bukittinggi"],
    },
    City {
        name: "Bandar Lampung",
        stokis: 4,
        nearby: &["Metro", "Natar"],
    },
    City {
        name: "Balikpapan",
        stokis: 3,
        nearby: &["Penajam"],
    },
    City {
        name: "Samarinda",
        stokis: 3,
        nearby: &["Tenggarong", "Bontang"],
    },
    City {
        name: "Banjarmasin",
        stokis: 3,
        nearby: &["Banjarbaru", "Martapura"],
    },
    City {
        name: "Pontianak",
        stokis: 3,
        nearby: &["Kubu Raya", "Mempawah"],
    },
    City {
        name: "Manado",
        stokis: 2,
        nearby: &["Bitung", "Tomohon"],
    },
    City {
        name: "Batam",
        stokis: 3,
        nearby: &["Batam"],
    },
    City {
        name: "Jambi",
        stokis: 2,
        nearby: &["Muara Bulian"],
    },
    City {
        name: "Bengkulu",
        stokis: 1,
        nearby: &["Bengkulu"],
    },
    City {
        name: "Serang",
        stokis: 3,
        nearby: &["Cilegon", "Pandeglang"],
    },
    City {
        name: "Cirebon",
        stokis: 3,
        nearby: &["Kuningan", "Indramayu"],
    },
    City {
        name: "Tasikmalaya",
        stokis: 2,
        nearby: &["Ciamis", "Garut"],
    },
    City {
        name: "Sukabumi",
        stokis: 2,
        nearby: &["Cianjur"],
    },
    City {
        name: "Karawang",
        stokis: 3,
        nearby: &["Purwakarta", "Cikampek"],
    },
    City {
        name: "Purwokerto",
        stokis: 2,
        nearby: &["Purbalingga", "Cilacap"],
    },
    City {
        name: "Tegal",
        stokis: 2,
        nearby: &["Brebes", "Slawi"],
    },
    City {
        name: "Pekalongan",
        stokis: 2,
        nearby: &["Batang", "Pemalang"],
    },
    City {
        name: "Kudus",
        stokis: 2,
        nearby: &["Jepara", "Pati"],
    },
    City {
        name: "Magelang",
        stokis: 2,
        nearby: &["Temanggung", "Muntilan"],
    },
    City {
        name: "Madiun",
        stokis: 2,
        nearby: &["Ngawi", "Ponorogo"],
    },
    City {
        name: "Kediri",
        stokis: 2,
        nearby: &["Tulungagung", "Nganjuk"],
    },
    City {
        name: "Jember",
        stokis: 2,
        nearby: &["Lumajang", "Bondowoso"],
    },
    City {
        name: "Banyuwangi",
        stokis: 1,
        nearby: &["Genteng"],
    },
    City {
        name: "Probolinggo",
        stokis: 1,
        nearby: &["Pasuruan"],
    },
    City {
        name: "Mataram",
        stokis: 2,
        nearby: &["Lombok Barat", "Praya"],
    },
    City {
        name: "Kupang",
        stokis: 1,
        nearby: &["Kupang"],
    },
    City {
        name: "Palu",
        stokis: 1,
        nearby: &["Donggala"],
    },
    City {
        name: "Kendari",
        stokis: 1,
        nearby: &["Kendari"],
    },
    City {
        name: "Ambon",
        stokis: 1,
        nearby: &["Ambon"],
    },
    City {
        name: "Jayapura",
        stokis: 1,
        nearby: &["Sentani"],
    },
    City {
        name: "Pangkal Pinang",
        stokis: 1,
        nearby: &["Sungailiat"],
    },
    City {
        name: "Banda Aceh",
        stokis: 1,
        nearby: &["Aceh Besar"],
    },
    City {
        name: "Pematangsiantar",
        stokis: 1,
        nearby: &["Simalungun"],
    },
    City {
        name: "Gorontalo",
        stokis: 1,
        nearby: &["Limboto"],
    },
];

/// The part of a stokis name between "Stokis" and the city: "Stokis Sumber Rejeki Bandung".
pub(crate) const STOKIS_WORDS: &[&str] = &[
    "Sumber Rejeki",
    "Berkah Jaya",
    "Maju Bersama",
    "Sinar Abadi",
    "Mitra Sejahtera",
    "Karya Mandiri",
    "Cahaya Baru",
    "Tunas Harapan",
    "Anugerah Pangan",
    "Sentosa Makmur",
    "Makmur Jaya",
    "Barokah Utama",
    "Rizki Lancar",
    "Sejahtera Abadi",
    "Jaya Sakti",
    "Mulia Pangan",
    "Harapan Baru",
    "Putra Mandiri",
    "Surya Kencana",
    "Indah Jaya",
    "Bintang Timur",
    "Mekar Sari",
    "Lestari Pangan",
    "Prima Boga",
    "Citra Boga",
    "Sumber Makmur",
    "Agung Sentosa",
    "Dua Putri",
    "Tiga Saudara",
    "Rejeki Barokah",
];

pub(crate) const STREETS: &[&str] = &[
    "Jend. Sudirman",
    "Ahmad Yani",
    "Diponegoro",
    "Gajah Mada",
    "Pemuda",
    "Merdeka",
    "Veteran",
    "Pahlawan",
    "Imam Bonjol",
    "Hayam Wuruk",
    "Gatot Subroto",
    "M.H. Thamrin",
    "Teuku Umar",
    "Cut Nyak Dien",
    "R.A. Kartini",
    "Pattimura",
    "Hasanuddin",
    "Sultan Agung",
    "Raya Pasar Minggu",
    "Kenanga",
    "Melati",
    "Mawar",
    "Cempaka",
    "Dahlia",
    "Flamboyan",
    "Sisingamangaraja",
    "Juanda",
    "Panglima Polim",
    "Slamet Riyadi",
    "Supratman",
    "Dr. Sutomo",
    "Pangeran Antasari",
    "Kaliurang",
    "Raya Darmo",
    "Asia Afrika",
    "Dago",
    "Setiabudi",
    "Margonda Raya",
    "Siliwangi",
    "Basuki Rahmat",
];

/// Where an outlet sits, used in its name: "D'Fresto Alun-Alun Cimahi".
pub(crate) const OUTLET_SPOTS: &[&str] = &[
    "Alun-Alun",
    "Pasar Baru",
    "Terminal",
    "Stasiun",
    "Kampus",
    "Perumnas",
    "Pasar Lama",
    "Simpang Lima",
    "Taman Kota",
    "Bundaran",
    "Ruko Niaga",
    "Pasar Pagi",
    "Jalan Raya",
    "Griya Asri",
    "Permata Hijau",
    "Pondok Indah",
    "Sukajadi",
    "Sukamaju",
    "Karanganyar",
    "Kebon Jeruk",
    "Tanjung",
    "Gading",
    "Cempaka Putih",
    "Citra Raya",
    "Puri Indah",
    "Bumi Asri",
    "Taman Sari",
    "Pasar Minggu",
    "Margasari",
    "Sumbersari",
];

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Joko", "Sri", "Wahyu", "Hendra", "Yusuf",
    "Putri", "Rizky", "Fitri", "Dian", "Eko", "Nur", "Ahmad", "Bambang", "Wulan", "Ratna",
    "Slamet", "Teguh", "Indra", "Made", "Ketut", "Wayan", "Nyoman", "Fajar", "Lina", "Yanti",
    "Rudi", "Hadi", "Arif", "Maya", "Rahmat", "Nanda", "Irfan", "Desi", "Yogi", "Kurnia", "Asep",
    "Ujang", "Cecep", "Euis", "Ayu", "Bayu", "Dimas", "Galih", "Intan", "Lestari", "Mega", "Novi",
    "Oki", "Puspita", "Reza", "Sari", "Taufik", "Umar", "Vina",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Pratama",
    "Hidayat",
    "Setiawan",
    "Kurniawan",
    "Lestari",
    "Susanto",
    "Nugroho",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Lubis",
    "Gunawan",
    "Halim",
    "Wibowo",
    "Rahman",
    "Hakim",
    "Sembiring",
    "Situmorang",
    "Purnomo",
    "Firmansyah",
    "Ramadhan",
    "Permana",
    "Suryadi",
    "Hartono",
    "Kusuma",
    "Sutrisno",
    "Syahputra",
    "Maulana",
    "Anggraini",
    "Rahayu",
    "Puspitasari",
    "Wulandari",
    "Handoko",
    "Tanjung",
    "Pane",
    "Daulay",
];

/// "Budi Santoso".
pub(crate) fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// "Jl. Ahmad Yani No. 45, Bandung".
pub(crate) fn address(rng: &mut Rng, city: &str) -> String {
    format!(
        "Jl. {} No. {}, {}",
        rng.pick(STREETS),
        rng.range(1, 250),
        city
    )
}

/// Mobile prefixes of the big Indonesian operators (0811…0859, 0877…, 0895…), without the 0.
const MOBILE_PREFIXES: &[&str] = &[
    "811", "812", "813", "821", "822", "852", "853", "856", "857", "858", "877", "878", "895",
    "896", "897", "898", "899", "817", "818", "819", "838", "831", "832",
];

/// A normalised mobile number, `62` + operator prefix + 8 digits, unique for each `serial`.
///
/// The serial is spread over the 8 digits by an odd multiplier (a bijection modulo 10^8), so
/// numbers look random yet never repeat: demo logins are told apart by phone in the logs.
pub(crate) fn phone(rng: &mut Rng, serial: u64) -> String {
    let prefix = rng.pick(MOBILE_PREFIXES);
    let digits = (serial.wrapping_mul(48_271_027) + 13_579_246) % 100_000_000;
    format!("62{prefix}{digits:08}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hundred_stokis_in_the_city_table() {
        assert_eq!(CITIES.iter().map(|c| c.stokis).sum::<usize>(), 200);
        assert!(CITIES.iter().all(|c| !c.nearby.is_empty()));
        let most = CITIES.iter().map(|c| c.stokis).max().unwrap_or(0);
        assert!(
            STOKIS_WORDS.len() >= most,
            "stokis names within a city must be distinct"
        );
    }

    #[test]
    fn phones_are_normalised_and_unique() {
        let mut rng = Rng::new(1);
        let mut seen = std::collections::HashSet::new();
        for serial in 0..10_000 {
            let p = phone(&mut rng, serial);
            assert!(p.starts_with("628"), "{p}");
            assert_eq!(p.len(), 13, "{p}");
            assert!(p.bytes().all(|b| b.is_ascii_digit()));
            assert!(seen.insert(p[5..].to_string()), "digits repeat: {p}");
        }
    }
}
