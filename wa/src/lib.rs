//! The WhatsApp link of the worker, kept in its own crate so that whatsapp-rust (about 330k
//! lines) is compiled once and the worker's own changes never rebuild it. Today it holds the
//! PostgreSQL session store ([`store`]); the client, its supervisor and the connection holder
//! come with issue 10's remaining items.

pub mod store;
