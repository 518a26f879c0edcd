//! Who is acting: the logged-in user, with the mitra or stokis they belong to.

use crate::role::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub mitra_id: Option<i64>,
    pub stokis_id: Option<i64>,
}

impl Actor {
    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
}
