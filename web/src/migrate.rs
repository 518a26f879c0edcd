//! The `migrate` step as the web tier sees it: the schema lives in `domain::schema`.

pub use domain::schema::{MIGRATOR, MigrateError, is_current, run};
