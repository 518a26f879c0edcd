//! Test support for D'Fresto's integration tests: a fresh database per test ([`db`]), the web
//! service running in-process against it ([`app`]), the fixture world ([`fixtures`]) and the
//! [`TestApp`] helpers the tests act and look through: the fixture users on their portals'
//! pages ([`portal_users`]), the JSON API ([`api_client`]), sessions ([`sessions`]), orders and
//! POs made through the domain ([`records`]), the job queue ([`job_queue`]) and the WhatsApp
//! log ([`whatsapp_logs`]).

pub mod api_client;
pub mod app;
pub mod browser;
pub mod db;
pub mod drain;
pub mod empty_db;
pub mod fixtures;
pub mod job_queue;
pub mod portal_users;
pub mod records;
pub mod report_files;
pub mod sessions;
pub mod whatsapp_logs;
pub mod worker_services;

pub use app::TestApp;
pub use db::TestDb;
