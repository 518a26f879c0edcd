//! The D'Fresto web tier: configuration, the salvo server and router, subdomain → portal
//! resolution, health probes, tera pages, the web error type, and the `migrate` command the
//! `dfresto-web` binary runs (its `seed` command calls the `seed` crate).

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod download;
pub mod error;
pub mod flash;
pub mod health;
pub mod host;
pub mod import_timing;
pub mod input_guard;
pub mod migrate;
pub mod pages;
pub mod render;
pub mod routes;
pub mod security_headers;
pub mod server;
pub mod state;
pub mod whatsapp_connection;

pub use config::Config;
pub use error::WebError;
