//! The stokis a document is addressed to, as both documents print it: name and code, address
//! with city, phone.

use crate::report::doc::{Block, Cell, Fact};
use sqlx::PgConnection;

#[derive(sqlx::FromRow)]
pub(super) struct Party {
    code: String,
    name: String,
    address: String,
    city: String,
    phone: String,
}

impl Party {
    pub(super) async fn stokis(conn: &mut PgConnection, id: i64) -> Result<Party, sqlx::Error> {
        sqlx::query_as(
            "SELECT code, name, COALESCE(address, '') AS address, COALESCE(city, '') AS city,
                    COALESCE(phone, '') AS phone
             FROM stokis WHERE id = $1",
        )
        .bind(id)
        .fetch_one(conn)
        .await
    }

    /// The facts block `title` (`Ditagihkan kepada`, `Dikirim kepada`).
    pub(super) fn facts(&self, title: &str) -> Block {
        let address = [self.address.as_str(), self.city.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        Block::Facts {
            title: Some(title.to_owned()),
            columns: 2,
            facts: vec![
                Fact::new(
                    "Stokis",
                    Cell::Text(format!("{} ({})", self.name, self.code)),
                ),
                Fact::new("Alamat", Cell::Text(address)),
                Fact::new("Telepon", Cell::Text(self.phone.clone())),
            ],
        }
    }
}
