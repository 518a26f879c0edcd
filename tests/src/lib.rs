//! Test support for D'Fresto's integration tests: a fresh database per test ([`db`]), and the
//! web service running in-process against it ([`app`]).

pub mod app;
pub mod browser;
pub mod db;
pub mod drain;
pub mod empty_db;
pub mod fixtures;

pub use app::TestApp;
pub use db::TestDb;
