//! Roles and the portal (subdomain) each role logs in on.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Mitra,
    Stokis,
    Pusat,
    Finance,
    Gudang,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Mitra,
        Role::Stokis,
        Role::Pusat,
        Role::Finance,
        Role::Gudang,
    ];

    /// Head-office staff who run the system: the job queues, the WhatsApp pipeline and the
    /// invoice runs (pages and API). GUDANG has no business there.
    pub const OPERATORS: [Role; 2] = [Role::Pusat, Role::Finance];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Mitra => "MITRA",
            Role::Stokis => "STOKIS",
            Role::Pusat => "PUSAT",
            Role::Finance => "FINANCE",
            Role::Gudang => "GUDANG",
        }
    }

    /// The one portal this role logs in on.
    pub fn portal(self) -> Portal {
        match self {
            Role::Mitra => Portal::Mitra,
            Role::Stokis => Portal::Stokis,
            Role::Pusat | Role::Finance | Role::Gudang => Portal::Admin,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}"))
    }
}

/// The three portals, one per subdomain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Portal {
    Mitra,
    Stokis,
    Admin,
}

impl Portal {
    pub const ALL: [Portal; 3] = [Portal::Mitra, Portal::Stokis, Portal::Admin];

    /// The subdomain label, also the value stored in `sessions.portal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Portal::Mitra => "mitra",
            Portal::Stokis => "stokis",
            Portal::Admin => "admin",
        }
    }

    pub fn from_label(label: &str) -> Option<Portal> {
        Portal::ALL.into_iter().find(|p| p.as_str() == label)
    }

    pub fn allows(self, role: Role) -> bool {
        role.portal() == self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_exactly_one_portal() {
        for role in Role::ALL {
            let portals: Vec<_> = Portal::ALL.into_iter().filter(|p| p.allows(role)).collect();
            assert_eq!(portals, vec![role.portal()], "{role}");
        }
        assert!(Portal::Admin.allows(Role::Finance));
        assert!(!Portal::Admin.allows(Role::Mitra));
        assert!(!Portal::Mitra.allows(Role::Stokis));
    }

    #[test]
    fn role_round_trips_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("ADMIN".parse::<Role>().is_err());
    }
}
