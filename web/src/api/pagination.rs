//! Pagination of every list: the `page`/`per_page` query parameters (checked, with defaults)
//! and the list shape `{items, page, per_page, total}`.

use salvo::oapi::Parameter;

use super::query::{QueryParams, QueryReader, int_param};

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
/// Far beyond any real list; keeps the database from being asked for absurd offsets.
pub const MAX_PAGE: u32 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl Paging {
    pub fn read(q: &mut QueryReader<'_>) -> Paging {
        Paging {
            page: q.int("page", 1, MAX_PAGE).unwrap_or(1),
            per_page: q
                .int("per_page", 1, MAX_PER_PAGE)
                .unwrap_or(DEFAULT_PER_PAGE),
        }
    }

    pub fn document() -> Vec<Parameter> {
        vec![
            int_param(
                "page",
                "Page number, from 1 (default 1).",
                1,
                i64::from(MAX_PAGE),
            ),
            int_param(
                "per_page",
                "Records per page, 1 to 100 (default 20).",
                1,
                i64::from(MAX_PER_PAGE),
            ),
        ]
    }
}

/// A list with no filter but its page.
impl QueryParams for Paging {
    fn read(q: &mut QueryReader<'_>) -> Self {
        Paging::read(q)
    }

    fn document() -> Vec<Parameter> {
        Paging::document()
    }
}

/// Declares the list type of one record type: `{items, page, per_page, total}`.
macro_rules! list_of {
    ($(#[$meta:meta])* $list:ident, $item:ty) => {
        #[derive(Debug, serde::Serialize, salvo::oapi::ToSchema)]
        $(#[$meta])*
        pub struct $list {
            /// This page's records, newest first.
            pub items: Vec<$item>,
            /// The page number (from 1).
            pub page: u32,
            pub per_page: u32,
            /// Records matching the filter, on all pages.
            pub total: i64,
        }

        impl $list {
            pub fn new(items: Vec<$item>, paging: $crate::api::pagination::Paging, total: i64) -> Self {
                $list {
                    items,
                    page: paging.page,
                    per_page: paging.per_page,
                    total,
                }
            }
        }
    };
}

pub(crate) use list_of;
