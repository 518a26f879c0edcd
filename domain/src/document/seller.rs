//! Who issues the documents: head office's name, address, tax number and the bank account
//! stokis pay into, from the worker's configuration (the `SELLER_*` variables).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seller {
    pub company: String,
    pub address: String,
    /// Nomor Pokok Wajib Pajak; printed when set.
    pub npwp: String,
    pub phone: String,
    pub bank_name: String,
    pub bank_account: String,
    pub account_holder: String,
}

impl Seller {
    /// The lines under the title of every document.
    pub fn header_lines(&self) -> Vec<String> {
        let mut lines = vec![self.company.clone()];
        if !self.address.is_empty() {
            lines.push(self.address.clone());
        }
        let mut contact = Vec::new();
        if !self.npwp.is_empty() {
            contact.push(format!("NPWP {}", self.npwp));
        }
        if !self.phone.is_empty() {
            contact.push(format!("Telp {}", self.phone));
        }
        if !contact.is_empty() {
            lines.push(contact.join(" · "));
        }
        lines
    }

    /// How to pay invoice `number`.
    pub fn payment_instructions(&self, number: &str) -> String {
        if self.bank_account.is_empty() {
            format!(
                "Pembayaran ke {} dengan mencantumkan nomor faktur {number}.",
                self.company
            )
        } else {
            format!(
                "Mohon transfer ke {} {} a.n. {} dan cantumkan nomor faktur {number} pada berita \
                 transfer. Pembayaran sebagian mengurangi sisa tagihan.",
                self.bank_name, self.bank_account, self.account_holder
            )
        }
    }
}
